#pragma once

// Decoding of whole events: framing (header, checksum) and dispatch to the decoder of each family.
// Wire reference: MySQL libs/mysql/binlog/event/binlog_event.h (Log_event_header/footer) and
// MariaDB sql/log_event.h; the per-family files cite their own sources.

#include <binlogstream/event.hpp>

#include "codec/byte_reader.hpp"

#include <cstdint>
#include <memory>
#include <system_error>
#include <unordered_map>

namespace binlogstream::codec {

/// Size of the v4 common header.
inline constexpr std::size_t v4_header_size = 19;
/// The binlog file magic: fe 'b' 'i' 'n'.
inline constexpr std::uint8_t binlog_magic[4] = {0xfe, 0x62, 0x69, 0x6e};

/// Table id -> table, as built from TABLE_MAP events.
using table_registry = std::unordered_map<std::uint64_t, std::shared_ptr<const table_info>>;

/// The default limit of one event's size, MySQL's largest max_allowed_packet (1 GiB).
inline constexpr std::size_t default_max_event_size = std::size_t(1) << 30;

/// What decoding one event needs to know.
struct decode_context
{
    /// The FORMAT_DESCRIPTION in force (never null; use default_format_description() before the first).
    const format_description_event* fde = nullptr;
    /// Tables for rows events; may be null (rows events then have no table).
    const table_registry* tables = nullptr;
    /// Verify CRC32 checksums when the FDE announces them.
    bool verify_checksum = true;
    /// Leftover bytes after an event's known fields are an error (errc::extra_bytes) instead of being
    /// ignored. Off by default: newer servers append fields.
    bool strict = false;
    /// The event comes from inside a TRANSACTION_PAYLOAD (no checksum of its own).
    bool in_payload = false;
    /// The largest decompressed body of a MariaDB compressed event (errc::packet_too_large beyond):
    /// the caller's event-size limit, since the server's limit applied to the uncompressed event.
    std::size_t max_event_size = default_max_event_size;
};

/// Decodes the 19-byte v4 header at the start of `data`.
[[nodiscard]] std::error_code decode_header(bytes_view data, event_header& out) noexcept;

/// The FDE assumed before any FORMAT_DESCRIPTION is seen: binlog v4, no checksums, MySQL 5.x
/// post-header lengths.
[[nodiscard]] const format_description_event& default_format_description();

/// Whether a server of this version writes checksum-aware FDEs (MySQL >= 5.6.1, MariaDB >= 5.3).
[[nodiscard]] bool is_checksum_aware(std::string_view server_version) noexcept;

/// Whether an FDE's server version is one of the MySQL 5.1 "alcatel" trees with permuted types 16-22.
[[nodiscard]] bool uses_event_type_permutation(std::string_view server_version) noexcept;
/// The standard type of a raw type number in those trees.
[[nodiscard]] event_type permuted_event_type(std::uint8_t raw) noexcept;

/// Verifies the CRC32 of a whole event (`data` = header + body + 4-byte checksum). For FDEs the
/// LOG_EVENT_BINLOG_IN_USE_F flag is cleared before computing, as the server does.
[[nodiscard]] bool verify_crc32(bytes_view data) noexcept;

/// Decodes one whole event (header, body, checksum) held in `buffer`, which the event takes over.
[[nodiscard]] std::error_code decode_event(event_buffer buffer, const decode_context& ctx, event& out);

// Per-family body decoders. `body` excludes the header and the checksum.
[[nodiscard]] std::error_code
decode_format_description(bytes_view event_bytes, format_description_event& out);
[[nodiscard]] std::error_code decode_query(
    bytes_view body, const decode_context& ctx, event_type type, query_event& out, event_buffer& scratch
);
[[nodiscard]] std::error_code
decode_execute_load_query(bytes_view body, const decode_context& ctx, execute_load_query_event& out);
[[nodiscard]] std::error_code
decode_gtid(bytes_view body, const decode_context& ctx, event_type type, gtid_event& out);
[[nodiscard]] std::error_code
decode_previous_gtids(bytes_view body, const decode_context& ctx, previous_gtids_event& out);
[[nodiscard]] std::error_code
decode_table_map(bytes_view body, const decode_context& ctx, table_map_event& out);
[[nodiscard]] std::error_code
decode_rows(bytes_view body, const decode_context& ctx, event_type type, rows_event& out);
[[nodiscard]] std::error_code
decode_payload(bytes_view body, const decode_context& ctx, transaction_payload_event& out);

/// The control/misc family: fills `out` for types it knows; returns errc::bad_value for others.
[[nodiscard]] std::error_code decode_control(
    bytes_view body, const decode_context& ctx, const event_header& h, event_buffer& buf, event& out
);
/// The MariaDB family (160-164).
[[nodiscard]] std::error_code decode_mariadb(
    bytes_view body, const decode_context& ctx, const event_header& h, event_buffer& buf, event& out
);

/// Finishes a decoder: the sticky error, else leftover bytes (an error only when strict).
[[nodiscard]] inline std::error_code finish(const byte_reader& r, const decode_context& ctx) noexcept
{
    if (!r.ok())
        return r.error();
    if (ctx.strict && !r.empty())
        return make_error_code(errc::extra_bytes);
    return {};
}

} // namespace binlogstream::codec

namespace binlogstream::codec {

/// Decompresses a MariaDB compressed block (QUERY_COMPRESSED query text, *_ROWS_COMPRESSED rows):
/// one header byte (0x80 | algorithm << 4 | length-field size 1..4), the uncompressed length
/// (big-endian), then a zlib stream. MariaDB sql/log_event.cc binlog_buf_uncompress. A length over
/// `max_size` is errc::packet_too_large; the buffer grows as zlib produces bytes, so a length the
/// stream does not back costs no allocation of that length.
[[nodiscard]] std::error_code
mariadb_uncompress(bytes_view src, event_buffer& out, std::size_t max_size = default_max_event_size);

} // namespace binlogstream::codec
