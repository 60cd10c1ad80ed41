#pragma once

// Position tracking for checkpoints and reconnects (pure, no I/O).
//
// The tracker is fed, in stream order, every event handed to the user, each classified by the
// caller (the stream driver, which has the decoded event) into an `event_role`. It keeps the
// stream_position right after the last completely delivered transaction (the checkpoint), and on a
// reconnect tells where to restart and how many events of the interrupted transaction to drop when
// the server sends that transaction again, so that nothing is lost or delivered twice.
//
// Transaction boundaries (MySQL and MariaDB binlog layout):
// * a transaction starts with a GTID event (MySQL GTID / anonymous GTID, MariaDB GTID), a "BEGIN"
//   query, a statement query outside a transaction, or any row/table-map data outside one;
// * it ends with XID, a "COMMIT" (or "ROLLBACK", XA PREPARE) query, or, when it was not opened by
//   BEGIN, with its single statement query (DDL, or statement-based DML with autocommit). A MariaDB
//   GTID event without FL_STANDALONE stands for BEGIN (the group ends at XID or COMMIT); with
//   FL_STANDALONE the group is one statement (DDL).
// GTIDs are tracked only when the stream started from GTIDs (or the current position's
// Executed_Gtid_Set): a set holding only the GTIDs seen since a file start would make a GTID resume
// ask for the whole history.

#include <binlogstream/position.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace binlogstream::replication {

enum class event_role : std::uint8_t
{
    other,          ///< outside transactions: FDE, PREVIOUS_GTIDS, GTID_LIST, checkpoints, STOP...
    heartbeat,      ///< never part of a transaction, never moves the checkpoint
    mysql_gtid,     ///< GTID_LOG_EVENT / GTID_TAGGED_LOG_EVENT (set `mysql`)
    anonymous_gtid, ///< ANONYMOUS_GTID_LOG_EVENT
    mariadb_gtid,   ///< MariaDB GTID_EVENT (set `mariadb` and `mariadb_standalone`)
    begin,          ///< QUERY "BEGIN"
    statement,      ///< any other QUERY (DDL, statement DML, XA START/END)
    data,           ///< TABLE_MAP, rows, INTVAR, RAND, USER_VAR, ROWS_QUERY, ANNOTATE_ROWS...
    commit,         ///< XID, QUERY "COMMIT"/"ROLLBACK", XA_PREPARE
};

struct tracked_event
{
    event_role role = event_role::other;
    /// The header's log_pos: where the next event starts; 0 for artificial events.
    std::uint32_t log_pos = 0;
    /// The header's event size, to find where this event starts.
    std::uint32_t event_size = 0;
    std::optional<binlogstream::gtid> mysql;
    std::optional<binlogstream::mariadb_gtid> mariadb;
    bool mariadb_standalone = false;
};

/// The role of an event from its type code alone. QUERY_EVENT (2) gives `statement`: refine it
/// with `role_of_query`. XID (16) and XA_PREPARE (38) commit; GTID (33), GTID_TAGGED (42),
/// ANONYMOUS_GTID (34) and MariaDB GTID (162) open a transaction; HEARTBEAT (27) and HEARTBEAT_V2
/// (41) are heartbeats; TABLE_MAP, rows (v0/v1/v2, partial updates), INTVAR, RAND, USER_VAR,
/// ROWS_QUERY, TRANSACTION_PAYLOAD, MariaDB ANNOTATE_ROWS and the load-data family are data;
/// everything else (FDE, ROTATE, STOP, PREVIOUS_GTIDS, GTID_LIST, BINLOG_CHECKPOINT, INCIDENT,
/// unknown types) is `other`.
[[nodiscard]] event_role role_of_event_type(std::uint8_t type) noexcept;

/// The role of a QUERY_EVENT from its SQL text: "BEGIN" and "XA START ..." open a transaction,
/// "COMMIT" and a bare "ROLLBACK" end one (case-insensitive, surrounding white space ignored);
/// anything else ("ROLLBACK TO SAVEPOINT x", DDL, statement DML) is a statement.
[[nodiscard]] event_role role_of_query(std::string_view sql) noexcept;

class position_tracker
{
public:
    /// `start`: the session's initial position (session::initial_position()).
    explicit position_tracker(stream_position start);

    /// A ROTATE event (real or artificial): the stream continues in `file` at `position`.
    void on_rotate(std::string_view file, std::uint64_t position);

    /// Feeds the next event; returns whether to hand it to the user (false only while dropping the
    /// already-delivered part of a transaction replayed after a reconnect).
    [[nodiscard]] bool on_event(const tracked_event& e);

    /// The checkpoint: the position after the last completely delivered transaction.
    [[nodiscard]] const stream_position& committed() const noexcept { return committed_; }
    /// Whether a transaction is open (some of its events were delivered, not its end).
    [[nodiscard]] bool in_transaction() const noexcept { return in_transaction_; }
    /// Events of the open transaction delivered so far.
    [[nodiscard]] std::size_t delivered_in_transaction() const noexcept { return delivered_in_transaction_; }

    struct restart_point
    {
        start_position start;
        std::size_t skip_events = 0;
    };

    /// Prepares for a reconnect: where the new session starts (GTID state when tracked, else the
    /// start of the open transaction or the checkpoint's file position) and how many events of the
    /// replayed transaction to drop; the tracker then drops them from the next transaction that
    /// starts.
    [[nodiscard]] restart_point reconnect();

private:
    void start_transaction(const tracked_event& e);
    void end_transaction(const tracked_event& e);

    stream_position committed_;
    std::string file_;
    bool in_transaction_ = false;
    bool explicit_begin_ = false; // opened by BEGIN or a non-standalone MariaDB GTID
    file_position transaction_start_;
    std::size_t delivered_in_transaction_ = 0;
    // Events inside TRANSACTION_PAYLOAD carry log_pos 0: the payload event's own log_pos (the end
    // of the whole transaction) is then the last position known when the inner XID arrives.
    std::uint32_t last_log_pos_ = 0;
    std::size_t skip_remaining_ = 0;
    std::optional<gtid> pending_gtid_;
    std::optional<binlogstream::mariadb_gtid> pending_mariadb_gtid_;
};

} // namespace binlogstream::replication
