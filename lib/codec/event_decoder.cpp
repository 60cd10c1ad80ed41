// Event framing (v4 header, CRC32 footer) and dispatch to the per-family decoders.
// References: MySQL libs/mysql/binlog/event/binlog_event.{h,cpp} (Log_event_header, Log_event_footer,
// checksum_alg from the FDE, the IN_USE flag cleared before the FDE's CRC), MariaDB sql/log_event.cc
// (event_checksum_test).

#include "codec/event_decoder.hpp"

#include "codec/crc32.hpp"

#include <array>
#include <charconv>

namespace binlogstream::codec {

std::error_code decode_header(bytes_view data, event_header& out) noexcept
{
    byte_reader r(data);
    if (!r.has(v4_header_size))
        return make_error_code(errc::truncated_event);
    out.timestamp = r.u32_unchecked();
    out.type = static_cast<event_type>(r.u8_unchecked());
    out.server_id = r.u32_unchecked();
    out.event_size = r.u32_unchecked();
    out.log_pos = r.u32_unchecked();
    out.flags = r.u16_unchecked();
    if (out.event_size < v4_header_size)
        return make_error_code(errc::bad_event_length);
    return {};
}

const format_description_event& default_format_description()
{
    static const format_description_event fde = [] {
        format_description_event f;
        f.binlog_version = 4;
        f.server_version = "5.0.0";
        f.header_length = 19;
        f.checksum = checksum_algorithm::undefined;
        // MySQL 5.x v4 post-header lengths, types 1..42 (libs/mysql/binlog/event/binlog_event.h).
        f.post_header_lengths = {56, 13, 0,  8,  0,  18, 0,  4,  4,  4,  4, 18, 0, 0,
                                 84, 0,  4,  26, 8,  8,  8,  8,  8,  8,  2, 0,  0, 0,
                                 10, 10, 10, 42, 42, 0,  18, 52, 13, 10, 0, 10, 0, 42};
        return f;
    }();
    return fde;
}

namespace {

struct version_triple
{
    int major = 0, minor = 0, patch = 0;
};

version_triple parse_version(std::string_view s) noexcept
{
    version_triple v;
    int* parts[3] = {&v.major, &v.minor, &v.patch};
    const char* p = s.data();
    const char* end = s.data() + s.size();
    for (int i = 0; i < 3 && p < end; ++i)
    {
        auto res = std::from_chars(p, end, *parts[i]);
        if (res.ec != std::errc())
            break;
        p = res.ptr;
        if (p < end && *p == '.')
            ++p;
        else
            break;
    }
    return v;
}

bool at_least(version_triple v, version_triple min) noexcept
{
    if (v.major != min.major)
        return v.major > min.major;
    if (v.minor != min.minor)
        return v.minor > min.minor;
    return v.patch >= min.patch;
}

} // namespace

bool is_checksum_aware(std::string_view server_version) noexcept
{
    auto v = parse_version(server_version);
    if (server_version.find("MariaDB") != std::string_view::npos)
        return at_least(v, {5, 3, 0});
    return at_least(v, {5, 6, 1});
}

bool verify_crc32(bytes_view data) noexcept
{
    if (data.size() < v4_header_size + 4)
        return false;
    auto payload = data.first(data.size() - 4);
    std::array<unsigned char, v4_header_size> head{};
    std::memcpy(head.data(), payload.data(), v4_header_size);
    if (static_cast<event_type>(head[4]) == event_type::format_description)
        head[17] &= static_cast<unsigned char>(~event_flags::binlog_in_use);
    auto crc = crc32(0, head.data(), head.size());
    auto rest = payload.subspan(v4_header_size);
    crc = crc32(crc, rest.data(), rest.size());
    auto stored = static_cast<std::uint32_t>(load_le<4>(data.data() + data.size() - 4));
    return crc == stored;
}

namespace {

template <class T>
std::error_code decode_into(event& out, const event_header& h, T value)
{
    value.header = h;
    out = std::move(value);
    return {};
}

bool is_rows_type(event_type t) noexcept
{
    switch (t)
    {
        case event_type::pre_ga_write_rows:
        case event_type::pre_ga_update_rows:
        case event_type::pre_ga_delete_rows:
        case event_type::write_rows_v1:
        case event_type::update_rows_v1:
        case event_type::delete_rows_v1:
        case event_type::write_rows:
        case event_type::update_rows:
        case event_type::delete_rows:
        case event_type::partial_update_rows:
        case event_type::mariadb_write_rows_compressed_v1:
        case event_type::mariadb_update_rows_compressed_v1:
        case event_type::mariadb_delete_rows_compressed_v1:
        case event_type::mariadb_write_rows_compressed:
        case event_type::mariadb_update_rows_compressed:
        case event_type::mariadb_delete_rows_compressed:
            return true;
        default:
            return false;
    }
}

template <class T>
std::error_code decode_rows_as(
    bytes_view body, const decode_context& ctx, const event_header& h, event_buffer& buf, event& out
)
{
    T ev;
    ev.header = h;
    if (auto ec = decode_rows(body, ctx, h.type, ev))
        return ec;
    ev.buffer = std::move(buf);
    out = std::move(ev);
    return {};
}

} // namespace

std::error_code decode_event(event_buffer buffer, const decode_context& ctx, event& out)
{
    auto bytes = buffer.bytes();
    event_header h;
    if (auto ec = decode_header(bytes, h))
        return ec;
    if (h.event_size != bytes.size())
        return make_error_code(errc::bad_event_length);

    if (h.type == event_type::format_description)
    {
        format_description_event fde;
        if (auto ec = decode_format_description(bytes, fde))
            return ec;
        if (ctx.verify_checksum && fde.checksum == checksum_algorithm::crc32 && !verify_crc32(bytes))
            return make_error_code(errc::bad_checksum);
        out = std::move(fde);
        return {};
    }

    const auto& fde = ctx.fde ? *ctx.fde : default_format_description();
    if (fde.event_type_permutation)
        h.type = permuted_event_type(static_cast<std::uint8_t>(h.type));
    std::size_t footer = 0;
    if (!ctx.in_payload && fde.checksum == checksum_algorithm::crc32)
    {
        footer = 4;
        if (bytes.size() < v4_header_size + footer)
            return make_error_code(errc::truncated_event);
        if (ctx.verify_checksum && !verify_crc32(bytes))
            return make_error_code(errc::bad_checksum);
    }
    auto body = bytes.subspan(v4_header_size, bytes.size() - v4_header_size - footer);

    switch (h.type)
    {
        case event_type::query:
        case event_type::mariadb_query_compressed:
        {
            query_event ev;
            ev.header = h;
            event_buffer scratch;
            if (auto ec = decode_query(body, ctx, h.type, ev, scratch))
                return ec;
            ev.buffer = std::move(buffer);
            ev.decompressed = std::move(scratch);
            out = std::move(ev);
            return {};
        }
        case event_type::execute_load_query:
        {
            execute_load_query_event ev;
            ev.header = h;
            if (auto ec = decode_execute_load_query(body, ctx, ev))
                return ec;
            ev.buffer = std::move(buffer);
            out = std::move(ev);
            return {};
        }
        case event_type::table_map:
        {
            table_map_event ev;
            ev.header = h;
            if (auto ec = decode_table_map(body, ctx, ev))
                return ec;
            out = std::move(ev);
            return {};
        }
        case event_type::gtid:
        case event_type::gtid_tagged:
        {
            gtid_event ev;
            ev.header = h;
            if (auto ec = decode_gtid(body, ctx, h.type, ev))
                return ec;
            out = std::move(ev);
            return {};
        }
        case event_type::anonymous_gtid:
        {
            anonymous_gtid_event ev;
            ev.header = h;
            if (auto ec = decode_gtid(body, ctx, h.type, ev))
                return ec;
            out = std::move(ev);
            return {};
        }
        case event_type::previous_gtids:
        {
            previous_gtids_event ev;
            ev.header = h;
            if (auto ec = decode_previous_gtids(body, ctx, ev))
                return ec;
            out = std::move(ev);
            return {};
        }
        case event_type::transaction_payload:
        {
            transaction_payload_event ev;
            ev.header = h;
            if (auto ec = decode_payload(body, ctx, ev))
                return ec;
            ev.buffer = std::move(buffer);
            out = std::move(ev);
            return {};
        }
        case event_type::mariadb_annotate_rows:
        case event_type::mariadb_binlog_checkpoint:
        case event_type::mariadb_gtid:
        case event_type::mariadb_gtid_list:
        case event_type::mariadb_start_encryption:
            return decode_mariadb(body, ctx, h, buffer, out);
        default:
            break;
    }

    if (is_rows_type(h.type))
    {
        switch (h.type)
        {
            case event_type::pre_ga_write_rows:
            case event_type::write_rows_v1:
            case event_type::write_rows:
            case event_type::mariadb_write_rows_compressed_v1:
            case event_type::mariadb_write_rows_compressed:
                return decode_rows_as<write_rows_event>(body, ctx, h, buffer, out);
            case event_type::pre_ga_update_rows:
            case event_type::update_rows_v1:
            case event_type::update_rows:
            case event_type::mariadb_update_rows_compressed_v1:
            case event_type::mariadb_update_rows_compressed:
                return decode_rows_as<update_rows_event>(body, ctx, h, buffer, out);
            case event_type::partial_update_rows:
                return decode_rows_as<partial_update_rows_event>(body, ctx, h, buffer, out);
            default:
                return decode_rows_as<delete_rows_event>(body, ctx, h, buffer, out);
        }
    }

    // Everything else, unknown types included (kept as unknown_event, never dropped).
    return decode_control(body, ctx, h, buffer, out);
}

} // namespace binlogstream::codec

namespace binlogstream {

std::string_view to_string(event_type t) noexcept
{
    switch (t)
    {
        case event_type::unknown:
            return "unknown";
        case event_type::start_v3:
            return "start_v3";
        case event_type::query:
            return "query";
        case event_type::stop:
            return "stop";
        case event_type::rotate:
            return "rotate";
        case event_type::intvar:
            return "intvar";
        case event_type::load:
            return "load";
        case event_type::slave:
            return "slave";
        case event_type::create_file:
            return "create_file";
        case event_type::append_block:
            return "append_block";
        case event_type::exec_load:
            return "exec_load";
        case event_type::delete_file:
            return "delete_file";
        case event_type::new_load:
            return "new_load";
        case event_type::rand:
            return "rand";
        case event_type::user_var:
            return "user_var";
        case event_type::format_description:
            return "format_description";
        case event_type::xid:
            return "xid";
        case event_type::begin_load_query:
            return "begin_load_query";
        case event_type::execute_load_query:
            return "execute_load_query";
        case event_type::table_map:
            return "table_map";
        case event_type::pre_ga_write_rows:
        case event_type::write_rows_v1:
        case event_type::write_rows:
        case event_type::mariadb_write_rows_compressed_v1:
        case event_type::mariadb_write_rows_compressed:
            return "write_rows";
        case event_type::pre_ga_update_rows:
        case event_type::update_rows_v1:
        case event_type::update_rows:
        case event_type::mariadb_update_rows_compressed_v1:
        case event_type::mariadb_update_rows_compressed:
            return "update_rows";
        case event_type::pre_ga_delete_rows:
        case event_type::delete_rows_v1:
        case event_type::delete_rows:
        case event_type::mariadb_delete_rows_compressed_v1:
        case event_type::mariadb_delete_rows_compressed:
            return "delete_rows";
        case event_type::incident:
            return "incident";
        case event_type::heartbeat:
            return "heartbeat";
        case event_type::ignorable:
            return "ignorable";
        case event_type::rows_query:
            return "rows_query";
        case event_type::gtid:
            return "gtid";
        case event_type::anonymous_gtid:
            return "anonymous_gtid";
        case event_type::previous_gtids:
            return "previous_gtids";
        case event_type::transaction_context:
            return "transaction_context";
        case event_type::view_change:
            return "view_change";
        case event_type::xa_prepare:
            return "xa_prepare";
        case event_type::partial_update_rows:
            return "partial_update_rows";
        case event_type::transaction_payload:
            return "transaction_payload";
        case event_type::heartbeat_v2:
            return "heartbeat_v2";
        case event_type::gtid_tagged:
            return "gtid_tagged";
        case event_type::mariadb_annotate_rows:
            return "annotate_rows";
        case event_type::mariadb_binlog_checkpoint:
            return "binlog_checkpoint";
        case event_type::mariadb_gtid:
            return "mariadb_gtid";
        case event_type::mariadb_gtid_list:
            return "mariadb_gtid_list";
        case event_type::mariadb_start_encryption:
            return "start_encryption";
        case event_type::mariadb_query_compressed:
            return "query_compressed";
    }
    return "unknown";
}

} // namespace binlogstream
