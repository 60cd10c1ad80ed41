#pragma once

/// \file file_reader.hpp
/// Offline reading of binlog and relay-log files (plain or gzip-compressed), one event at a time, with
/// the same event types as the replication stream.

#include <binlogstream/error.hpp>
#include <binlogstream/event.hpp>
#include <binlogstream/table.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace binlogstream {

/// Where an event came from.
struct event_position
{
    /// The file, as given to the reader.
    std::string file;
    /// Start offset of the event in the file. For an event inside a TRANSACTION_PAYLOAD: the offset of
    /// the payload event.
    std::uint64_t offset = 0;
    /// Offset just after the event (after the payload event for inner events).
    std::uint64_t next_position = 0;
    /// Whether the event was inside a TRANSACTION_PAYLOAD.
    bool in_payload = false;
    /// Its index among the payload's events (0-based), when `in_payload`.
    std::size_t payload_index = 0;
};

/// Options of a file_reader.
struct file_reader_options
{
    /// Verify CRC32 checksums when the FORMAT_DESCRIPTION announces them.
    bool verify_checksum = true;
    /// On a checksum mismatch, skip the event and record it in `skipped()` instead of failing.
    bool skip_bad_checksum = false;
    /// Treat leftover bytes after an event's known fields as errc::extra_bytes.
    bool strict = false;
    /// For files without a FORMAT_DESCRIPTION event (fragments): the checksum algorithm to assume.
    std::optional<checksum_algorithm> assume_checksum;
    /// Deliver the events inside TRANSACTION_PAYLOAD events after the payload event.
    bool expand_payloads = true;
    /// Largest event accepted (errc::packet_too_large beyond).
    std::uint32_t max_event_size = std::uint32_t(1) << 30;
};

/// Reads binlog files in order. Keeps the FORMAT_DESCRIPTION in force and the table id -> table map
/// (cleared when a file ends). Memory is bounded by the largest event, not the file size.
/// Not thread-safe: one reader per thread.
class file_reader
{
public:
    /// A reader with no file open yet.
    explicit file_reader(file_reader_options options = {});
    /// Closes the file being read.
    ~file_reader();
    /// Movable, not copyable.
    file_reader(file_reader&&) noexcept;
    file_reader& operator=(file_reader&&) noexcept;

    /// Sets the files to read, in order (the first one is opened by the first `next`).
    void open(std::vector<std::string> files);

    /// Reads the next event. Returns false at the end of the last file (`ec` = errc::end_of_stream)
    /// or on error (`ec` set; `position()` is the failing event's offset and `diag()` says where).
    bool next(event& out, std::error_code& ec);

    /// Throwing form: the next event, or std::nullopt at the end. Throws binlogstream::error.
    std::optional<event> next();

    /// Position of the last event returned (or of the failure).
    [[nodiscard]] const event_position& position() const noexcept;
    /// The FORMAT_DESCRIPTION in force.
    [[nodiscard]] const format_description_event& format() const noexcept;
    /// Tables mapped so far in the current file.
    [[nodiscard]] const std::unordered_map<std::uint64_t, std::shared_ptr<const table_info>>&
    tables() const noexcept;
    /// Details of the last error (file and offset).
    [[nodiscard]] const diagnostics& diag() const noexcept;
    /// Events skipped because of a bad checksum (with skip_bad_checksum).
    [[nodiscard]] const std::vector<event_position>& skipped() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace binlogstream
