#pragma once

// The events a MySQL dump thread makes up or edits before sending (sql/rpl_binlog_sender.cc,
// Binlog_sender), for the replay server: the fake ROTATE that starts a dump, the FORMAT_DESCRIPTION
// as sent, heartbeats v1 and v2, and the v4 event framing with its CRC32.

#include <codec/byte_reader.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace binlogstream::test::replay {

inline constexpr std::size_t event_header_size = 19;   // v4 header
inline constexpr std::uint16_t artificial_flag = 0x20; // LOG_EVENT_ARTIFICIAL_F

[[nodiscard]] inline std::uint32_t load32(const std::byte* p)
{
    return std::uint32_t(codec::load_le<4>(p));
}
inline void store32(std::byte* p, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = std::byte((v >> (8 * i)) & 0xff);
}

/// Recomputes the CRC32 in the last 4 bytes of an event (calc_event_checksum).
void fix_checksum(std::vector<std::byte>& ev);

/// A server-made event: timestamp 0, header, body, and a CRC32 when `checksum`.
[[nodiscard]] std::vector<std::byte> make_event(
    std::uint8_t type,
    std::uint32_t server_id,
    std::uint32_t log_pos,
    std::uint16_t flags,
    codec::bytes_view body,
    bool checksum
);

/// fake_rotate_event: ROTATE (4), log_pos 0, artificial; body u64 position + file name.
[[nodiscard]] std::vector<std::byte>
fake_rotate(std::uint32_t server_id, std::string_view file, std::uint64_t position, bool checksum);

/// send_format_description_event: clears LOG_EVENT_BINLOG_IN_USE_F; when the dump starts past the
/// file header by position (`skipping_by_position`), zeroes log_pos and `created`; fixes the CRC32
/// when the file has one (`crc32`).
void prepare_format_description(std::vector<std::byte>& fde, bool skipping_by_position, bool crc32);

/// send_heartbeat_event: HEARTBEAT_LOG_EVENT (27, body = file name) or, with
/// USE_HEARTBEAT_EVENT_V2, HEARTBEAT_LOG_EVENT_V2 (41, TLV fields OTW_HB_LOG_FILENAME_FIELD 1 and
/// OTW_HB_LOG_POSITION_FIELD 2, as libs/mysql/binlog/event/codecs/binary.cpp Heartbeat::encode
/// writes them); artificial, log_pos = the position.
[[nodiscard]] std::vector<std::byte>
heartbeat(bool v2, std::uint32_t server_id, std::string_view file, std::uint64_t position, bool checksum);

} // namespace binlogstream::test::replay
