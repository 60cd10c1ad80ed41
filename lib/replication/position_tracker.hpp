#pragma once

// Tracks where the stream is, transaction by transaction, so that a reconnect or a new process resumes
// exactly after the last transaction the user received, with no duplicate and no gap.
//
// The stream feeds every event it reads, in order (delivered or filtered out). The tracker knows the
// file offset of the next event (from log_pos, or by adding event sizes where log_pos is 0, as MariaDB
// 11.4+ writes inside transactions), the transaction boundaries (GTID / BEGIN ... XID / COMMIT, or a
// DDL statement on its own), and the GTID state of committed transactions. `committed()` is the
// checkpoint: where the next transaction starts. After a reconnect the dump restarts there (or at the
// GTID state), and the events of the interrupted transaction that the user already received are read
// again but not delivered twice (`should_deliver`).

#include <binlogstream/event.hpp>
#include <binlogstream/position.hpp>

#include <cstdint>
#include <optional>

namespace binlogstream::replication {

class position_tracker
{
public:
    position_tracker() = default;
    /// Starts from a known checkpoint (its file part may be empty when starting from GTIDs only).
    explicit position_tracker(stream_position start);

    /// Feeds one event. `in_payload` marks the inner events of a TRANSACTION_PAYLOAD, which do not
    /// move the file offset. Returns false when the event repeats one delivered before a reconnect.
    bool on_event(const event& ev, bool in_payload = false);

    /// The event was handed to the user (counts toward what a reconnect must not repeat).
    void on_delivered() noexcept { ++delivered_in_txn_; }

    /// The position after the last committed transaction (the checkpoint to persist).
    [[nodiscard]] const stream_position& committed() const noexcept { return committed_; }

    /// The offset right after the last event read.
    [[nodiscard]] file_position current() const { return {file_, next_offset_}; }

    [[nodiscard]] bool in_transaction() const noexcept { return in_txn_; }

    /// Prepares a reconnect: the resume point is `committed()`, and the events of the open
    /// transaction read so far will be skipped when they come again.
    void on_reconnect() noexcept;

private:
    void begin_transaction();
    void commit();
    void advance(const event_header& h, bool in_payload);

    stream_position committed_;
    std::string file_;
    std::uint64_t next_offset_ = 4;
    bool offset_known_ = false;

    bool in_txn_ = false;
    bool saw_begin_ = false;
    std::optional<gtid> pending_gtid_;
    std::optional<mariadb_gtid> pending_mariadb_gtid_;
    // Events of the open transaction read so far / handed to the user.
    std::uint64_t seen_in_txn_ = 0;
    std::uint64_t delivered_in_txn_ = 0;
    // After a reconnect: how many events of the interrupted transaction to read without delivering.
    std::uint64_t skip_ = 0;
};

} // namespace binlogstream::replication
