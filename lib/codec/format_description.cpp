// FORMAT_DESCRIPTION_EVENT (15).
// Layout (MySQL libs/mysql/binlog/event/control_events.cpp, Format_description_event): binlog_version
// u16, server_version char[50] (NUL padded), create_timestamp u32, common header length u8, one
// post-header length per event type. Checksum-aware servers (MySQL >= 5.6.1, MariaDB >= 5.3) append
// the checksum algorithm byte and a CRC32 of the FDE itself, even when checksums are off.

#include "codec/event_decoder.hpp"

namespace binlogstream::codec {

// MySQL sql/log_event.cc (Format_description_log_event): binlogs of the 5.1 "alcatel" trees
// (5.1.x-a_drop5p*, 5.2.x-a_drop6p*) number TABLE_MAP..EXECUTE_LOAD_QUERY 16..22 in another order.
bool uses_event_type_permutation(std::string_view version) noexcept
{
    bool v51 = version.substr(0, 4) == "5.1." && version.find("-a_drop5p") != std::string_view::npos;
    bool v52 = version.substr(0, 4) == "5.2." && version.find("-a_drop6p") != std::string_view::npos;
    return v51 || v52;
}

event_type permuted_event_type(std::uint8_t raw) noexcept
{
    switch (raw)
    {
        case 16:
            return event_type::table_map;
        case 17:
            return event_type::pre_ga_write_rows;
        case 18:
            return event_type::pre_ga_update_rows;
        case 19:
            return event_type::pre_ga_delete_rows;
        case 20:
            return event_type::xid;
        case 21:
            return event_type::begin_load_query;
        case 22:
            return event_type::execute_load_query;
        default:
            return static_cast<event_type>(raw);
    }
}

std::error_code decode_format_description(bytes_view event_bytes, format_description_event& out)
{
    if (auto ec = decode_header(event_bytes, out.header))
        return ec;
    byte_reader r(event_bytes.subspan(v4_header_size));
    if (!r.has(2 + 50 + 4 + 1))
        return make_error_code(errc::truncated_event);
    out.binlog_version = r.u16_unchecked();
    auto version = r.string(50);
    out.server_version.assign(version.substr(0, version.find('\0')));
    out.create_timestamp = r.u32_unchecked();
    out.header_length = r.u8_unchecked();
    if (out.binlog_version < 4)
        return make_error_code(errc::unsupported_binlog_version);
    if (out.header_length < v4_header_size)
        return make_error_code(errc::bad_value);

    std::size_t footer = 0;
    if (is_checksum_aware(out.server_version))
    {
        footer = 5;
        if (r.remaining() < footer)
            return make_error_code(errc::truncated_event);
        auto tail = r.rest().last(footer);
        auto alg = std::to_integer<std::uint8_t>(tail[0]);
        out.checksum = alg == 1   ? checksum_algorithm::crc32
                       : alg == 0 ? checksum_algorithm::off
                                  : checksum_algorithm::undefined;
        if (alg > 1 && alg != 255)
            return make_error_code(errc::bad_value);
        out.stored_crc = static_cast<std::uint32_t>(load_le<4>(tail.data() + 1));
    }
    else
    {
        out.checksum = checksum_algorithm::undefined;
    }
    auto lengths = r.bytes(r.remaining() - footer);
    out.post_header_lengths.resize(lengths.size());
    for (std::size_t i = 0; i < lengths.size(); ++i)
        out.post_header_lengths[i] = std::to_integer<std::uint8_t>(lengths[i]);
    out.event_type_permutation = uses_event_type_permutation(out.server_version);
    if (out.event_type_permutation)
    {
        // Index by the standard type numbers (MySQL does the same with its post_header_len array).
        auto raw = out.post_header_lengths;
        for (std::size_t i = 1; i <= raw.size(); ++i)
        {
            auto std_type = static_cast<std::size_t>(permuted_event_type(static_cast<std::uint8_t>(i)));
            if (std_type >= 1 && std_type <= raw.size())
                out.post_header_lengths[std_type - 1] = raw[i - 1];
        }
    }
    return {};
}

} // namespace binlogstream::codec
