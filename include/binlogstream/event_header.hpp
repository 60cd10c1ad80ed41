#pragma once

/// \file event_header.hpp
/// The parts every event shares: its type code, its v4 header and the one buffer it owns.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

namespace binlogstream {

/// The bytes of one event, followed by `padding` readable spare bytes (so that text JSON can be parsed
/// in place with simdjson). Either owned (allocated; the padding is zeroed) or a view into shared
/// read-only memory that the buffer keeps alive (a file_reader's mapping of the file: no copy; the
/// padding is whatever follows the event). Move-only: moving keeps the bytes at the same address, so
/// the views an event holds into its buffer stay valid when the event is moved.
class event_buffer
{
public:
    /// Spare bytes readable after the data (simdjson's SIMDJSON_PADDING).
    static constexpr std::size_t padding = 64;

    /// An empty buffer.
    event_buffer() = default;
    /// A moved-from buffer is empty.
    event_buffer(event_buffer&& other) noexcept
        : data_(std::move(other.data_))
        , owner_(std::move(other.owner_))
        , view_(std::exchange(other.view_, nullptr))
        , size_(std::exchange(other.size_, 0))
    {}
    /// Takes `other`'s bytes (same address); the previous bytes are released; `other` becomes empty.
    event_buffer& operator=(event_buffer&& other) noexcept
    {
        data_ = std::move(other.data_);
        owner_ = std::move(other.owner_);
        view_ = std::exchange(other.view_, nullptr);
        size_ = std::exchange(other.size_, 0);
        return *this;
    }
    event_buffer(const event_buffer&) = delete;
    event_buffer& operator=(const event_buffer&) = delete;

    /// A buffer of `size` bytes (data uninitialised, padding zeroed).
    [[nodiscard]] static event_buffer allocate(std::size_t size)
    {
        event_buffer b;
        b.data_ = std::make_unique_for_overwrite<std::byte[]>(size + padding);
        std::memset(b.data_.get() + size, 0, padding);
        b.view_ = b.data_.get();
        b.size_ = size;
        return b;
    }
    /// A buffer holding a copy of `bytes`.
    [[nodiscard]] static event_buffer copy_of(std::span<const std::byte> bytes)
    {
        auto b = allocate(bytes.size());
        if (!bytes.empty())
            std::memcpy(b.data_.get(), bytes.data(), bytes.size());
        return b;
    }
    /// A buffer viewing `bytes`, which must be followed by `padding` readable bytes, inside memory that
    /// `owner` keeps alive (and never changes) for as long as the buffer or a move of it lives.
    [[nodiscard]] static event_buffer
    view_of(std::span<const std::byte> bytes, std::shared_ptr<const void> owner)
    {
        event_buffer b;
        b.owner_ = std::move(owner);
        b.view_ = bytes.data();
        b.size_ = bytes.size();
        return b;
    }

    /// The event's bytes (without the padding); valid as long as this buffer (or a move of it) lives.
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {view_, size_}; }
    /// The writable bytes of an owned buffer; empty for a view (`view_of`).
    [[nodiscard]] std::span<std::byte> mutable_bytes() noexcept
    {
        return data_ ? std::span<std::byte>(data_.get(), size_) : std::span<std::byte>();
    }
    /// The number of bytes, padding excluded.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// Whether the buffer holds no byte (default-constructed or moved from).
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

private:
    std::unique_ptr<std::byte[]> data_;
    std::shared_ptr<const void> owner_;
    const std::byte* view_ = nullptr;
    std::size_t size_ = 0;
};

/// Event type codes (MySQL Log_event_type, MariaDB 160+). Unknown codes are kept as they are.
enum class event_type : std::uint8_t
{
    unknown = 0,
    start_v3 = 1,
    query = 2,
    stop = 3,
    rotate = 4,
    intvar = 5,
    load = 6,
    slave = 7,
    create_file = 8,
    append_block = 9,
    exec_load = 10,
    delete_file = 11,
    new_load = 12,
    rand = 13,
    user_var = 14,
    format_description = 15,
    xid = 16,
    begin_load_query = 17,
    execute_load_query = 18,
    table_map = 19,
    pre_ga_write_rows = 20,
    pre_ga_update_rows = 21,
    pre_ga_delete_rows = 22,
    write_rows_v1 = 23,
    update_rows_v1 = 24,
    delete_rows_v1 = 25,
    incident = 26,
    heartbeat = 27,
    ignorable = 28,
    rows_query = 29,
    write_rows = 30,
    update_rows = 31,
    delete_rows = 32,
    gtid = 33,
    anonymous_gtid = 34,
    previous_gtids = 35,
    transaction_context = 36,
    view_change = 37,
    xa_prepare = 38,
    partial_update_rows = 39,
    transaction_payload = 40,
    heartbeat_v2 = 41,
    gtid_tagged = 42,
    mariadb_annotate_rows = 160,
    mariadb_binlog_checkpoint = 161,
    mariadb_gtid = 162,
    mariadb_gtid_list = 163,
    mariadb_start_encryption = 164,
    mariadb_query_compressed = 165,
    mariadb_write_rows_compressed_v1 = 166,
    mariadb_update_rows_compressed_v1 = 167,
    mariadb_delete_rows_compressed_v1 = 168,
    mariadb_write_rows_compressed = 169,
    mariadb_update_rows_compressed = 170,
    mariadb_delete_rows_compressed = 171,
};

/// The snake_case name of an event type ("write_rows", "mariadb_gtid"...); "unknown_<n>" is not
/// produced here: unknown codes give "unknown".
[[nodiscard]] std::string_view to_string(event_type t) noexcept;

/// Event header flags (LOG_EVENT_*_F).
namespace event_flags {
/// LOG_EVENT_BINLOG_IN_USE_F: set in a FORMAT_DESCRIPTION while its file is open (or was not closed
/// cleanly).
inline constexpr std::uint16_t binlog_in_use = 0x1;
/// LOG_EVENT_THREAD_SPECIFIC_F: the query uses temporary tables (depends on the session).
inline constexpr std::uint16_t thread_specific = 0x4;
/// LOG_EVENT_SUPPRESS_USE_F: the query needs no default database (`USE` is not to be replayed).
inline constexpr std::uint16_t suppress_use = 0x8;
/// LOG_EVENT_ARTIFICIAL_F: made up by the server for the replication stream, not in a binlog
/// file (for example the ROTATE that starts every dump).
inline constexpr std::uint16_t artificial = 0x20;
/// LOG_EVENT_RELAY_LOG_F: the event was written by a replica's I/O thread (relay log).
inline constexpr std::uint16_t relay_log = 0x40;
/// LOG_EVENT_IGNORABLE_F: a reader that does not know the type may skip the event.
inline constexpr std::uint16_t ignorable = 0x80;
} // namespace event_flags

/// The common v4 event header (19 bytes).
struct event_header
{
    /// When the statement began on its originating server, seconds since the Unix epoch (0 in
    /// some artificial events such as the first ROTATE of a dump).
    std::uint32_t timestamp = 0;
    /// The event's type code.
    event_type type = event_type::unknown;
    /// The `server_id` of the server where the event originated.
    std::uint32_t server_id = 0;
    /// Size of the whole event: header, body and checksum.
    std::uint32_t event_size = 0;
    /// End position of the event in the source binlog; 0 for some artificial events, and inside
    /// transactions on MariaDB 11.4+. Never used for framing.
    std::uint32_t log_pos = 0;
    /// `event_flags` bits.
    std::uint16_t flags = 0;
};

} // namespace binlogstream
