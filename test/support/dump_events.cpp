#include "support/dump_events.hpp"

#include <zlib.h>

#include <wire/handshake.hpp>

namespace binlogstream::test::replay {

void fix_checksum(std::vector<std::byte>& ev)
{
    auto crc = crc32(0L, reinterpret_cast<const Bytef*>(ev.data()), uInt(ev.size() - 4));
    store32(ev.data() + ev.size() - 4, std::uint32_t(crc));
}

std::vector<std::byte> make_event(
    std::uint8_t type,
    std::uint32_t server_id,
    std::uint32_t log_pos,
    std::uint16_t flags,
    codec::bytes_view body,
    bool checksum
)
{
    std::vector<std::byte> ev;
    wire::put_u32(ev, 0); // timestamp: 0 for artificial events
    wire::put_u8(ev, type);
    wire::put_u32(ev, server_id);
    wire::put_u32(ev, std::uint32_t(event_header_size + body.size() + (checksum ? 4 : 0)));
    wire::put_u32(ev, log_pos);
    wire::put_u16(ev, flags);
    wire::put_bytes(ev, body);
    if (checksum)
    {
        wire::put_u32(ev, 0);
        fix_checksum(ev);
    }
    return ev;
}

std::vector<std::byte>
fake_rotate(std::uint32_t server_id, std::string_view file, std::uint64_t position, bool checksum)
{
    std::vector<std::byte> body;
    wire::put_u32(body, std::uint32_t(position & 0xffffffff));
    wire::put_u32(body, std::uint32_t(position >> 32));
    wire::put_string(body, file);
    return make_event(4, server_id, 0, artificial_flag, body, checksum);
}

void prepare_format_description(std::vector<std::byte>& fde, bool skipping_by_position, bool crc32)
{
    constexpr std::uint16_t in_use_flag = 0x01; // LOG_EVENT_BINLOG_IN_USE_F
    auto flags = std::uint16_t(codec::load_le<2>(fde.data() + 17) & ~in_use_flag);
    fde[17] = std::byte(flags & 0xff);
    fde[18] = std::byte(flags >> 8);
    if (skipping_by_position)
    {
        store32(fde.data() + 13, 0); // log_pos
        // `created`: after binlog_version (2 bytes) and server_version (50 bytes).
        store32(fde.data() + event_header_size + 2 + 50, 0);
    }
    if (crc32)
        fix_checksum(fde);
}

std::vector<std::byte>
heartbeat(bool v2, std::uint32_t server_id, std::string_view file, std::uint64_t position, bool checksum)
{
    std::vector<std::byte> body;
    if (v2)
    {
        wire::put_lenenc(body, 1); // OTW_HB_LOG_FILENAME_FIELD
        wire::put_lenenc(body, file.size());
        wire::put_string(body, file);
        std::vector<std::byte> encoded;
        wire::put_lenenc(encoded, position);
        wire::put_lenenc(body, 2); // OTW_HB_LOG_POSITION_FIELD
        wire::put_lenenc(body, encoded.size());
        wire::put_bytes(body, encoded);
    }
    else
        wire::put_string(body, file);
    return make_event(v2 ? 41 : 27, server_id, std::uint32_t(position), artificial_flag, body, checksum);
}

} // namespace binlogstream::test::replay
