#include <wire/ok_err.hpp>
#include <wire/packet.hpp>

namespace binlogstream::wire {

bool is_eof_or_ok_fe(bytes_view payload, bool deprecate_eof) noexcept
{
    if (payload.empty() || payload[0] != eof_header)
        return false;
    return deprecate_eof ? payload.size() < max_frame_payload : payload.size() < 9;
}

std::error_code parse_ok(bytes_view payload, ok_packet& out) noexcept
{
    out = ok_packet{};
    codec::byte_reader r(payload);
    auto header = r.u8();
    if (!r.ok())
        return r.error();
    if (header != 0x00 && header != 0xfe)
        return errc::unexpected_packet;
    out.affected_rows = r.lenenc();
    out.last_insert_id = r.lenenc();
    out.status = r.u16();
    out.warnings = r.u16();
    if (!r.ok())
        return r.error();
    // Without CLIENT_SESSION_TRACK (never requested) the rest is the human-readable info.
    out.info = r.rest_string();
    return {};
}

std::error_code parse_err(bytes_view payload, err_packet& out) noexcept
{
    out = err_packet{};
    codec::byte_reader r(payload);
    auto header = r.u8();
    out.code = r.u16();
    if (!r.ok())
        return r.error();
    if (header != 0xff)
        return errc::unexpected_packet;
    if (!r.empty() && r.current()[0] == std::byte{'#'})
    {
        r.skip(1);
        out.sql_state = r.string(5);
        if (!r.ok())
            return r.error();
    }
    out.message = r.rest_string();
    return {};
}

std::error_code parse_eof(bytes_view payload, eof_packet& out) noexcept
{
    out = eof_packet{};
    codec::byte_reader r(payload);
    auto header = r.u8();
    if (!r.ok())
        return r.error();
    if (header != 0xfe)
        return errc::unexpected_packet;
    out.warnings = r.u16();
    out.status = r.u16();
    if (!r.ok())
        return r.error();
    if (!r.empty())
        return errc::extra_bytes;
    return {};
}

std::error_code server_error(bytes_view payload, diagnostics& diag)
{
    err_packet err;
    if (auto ec = parse_err(payload, err))
        return ec;
    diag.set_server(err.sql_state, err.message);
    return make_server_error(err.code);
}

} // namespace binlogstream::wire
