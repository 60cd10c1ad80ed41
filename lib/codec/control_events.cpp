// The control and statement-side events: ROTATE, STOP, INTVAR, RAND, USER_VAR, XID, the LOAD DATA
// family, INCIDENT, HEARTBEAT (v1 and v2), ROWS_QUERY, TRANSACTION_CONTEXT, VIEW_CHANGE, XA_PREPARE, and
// the fallback for unknown and ignorable types (kept whole as unknown_event, never dropped).
// References: MySQL libs/mysql/binlog/event/control_events.{h,cpp}, statement_events.{h,cpp},
// load_data_events.{h,cpp}; MySQL 5.0 sql/log_event.cc for the pre-5.0 LOAD events.

#include "codec/event_decoder.hpp"

namespace binlogstream::codec {
namespace {

const format_description_event& fde_of(const decode_context& ctx)
{
    return ctx.fde ? *ctx.fde : default_format_description();
}

template <class T>
std::error_code emit(std::error_code ec, T&& value, event& out)
{
    if (!ec)
        out = std::forward<T>(value);
    return ec;
}

std::error_code decode_user_var(bytes_view body, const decode_context& ctx, user_var_event& ev)
{
    byte_reader r(body);
    auto name_len = r.u32();
    ev.name = r.string(name_len);
    ev.is_null = r.u8() != 0;
    if (!r.ok())
        return r.error();
    if (!ev.is_null)
    {
        if (!r.has(1 + 4 + 4))
            return make_error_code(errc::truncated_event);
        auto type = r.u8_unchecked();
        if (type > 4)
            return make_error_code(errc::bad_value);
        ev.type = static_cast<user_var_event::value_type>(type);
        ev.charset = r.u32_unchecked();
        auto len = r.u32_unchecked();
        ev.value = r.bytes(len);
        if (!r.ok())
            return r.error();
        if (!r.empty())
            ev.flags = r.u8();
    }
    return finish(r, ctx);
}

std::error_code
decode_legacy_load(bytes_view body, const decode_context& ctx, event_type t, legacy_load_event& ev)
{
    auto post = fde_of(ctx).post_header_length(t, t == event_type::create_file ? 22 : 18);
    byte_reader r(body);
    if (post < 18 || !r.has(post))
        return make_error_code(post < 18 ? errc::bad_value : errc::truncated_event);
    ev.thread_id = r.u32_unchecked();
    ev.exec_time = r.u32_unchecked();
    ev.skip_lines = r.u32_unchecked();
    auto table_len = r.u8_unchecked();
    auto db_len = r.u8_unchecked();
    auto num_fields = r.u32_unchecked();
    auto extra = r.bytes_unchecked(post - 18);
    if (t == event_type::create_file)
    {
        byte_reader e(extra);
        ev.file_id = e.u32();
    }
    if (t == event_type::load)
    {
        // old_sql_ex: one character each, then opt_flags and empty_flags.
        auto b = r.bytes(7);
        if (!r.ok())
            return r.error();
        ev.field_term = as_string(b.subspan(0, 1));
        ev.enclosed = as_string(b.subspan(1, 1));
        ev.line_term = as_string(b.subspan(2, 1));
        ev.line_start = as_string(b.subspan(3, 1));
        ev.escaped = as_string(b.subspan(4, 1));
        ev.opt_flags = std::to_integer<std::uint8_t>(b[5]);
    }
    else
    {
        std::string_view* parts[] = {
            &ev.field_term, &ev.enclosed, &ev.line_term, &ev.line_start, &ev.escaped};
        for (auto* p : parts)
        {
            auto n = r.u8();
            *p = r.string(n);
        }
        ev.opt_flags = r.u8();
    }
    auto lengths = r.bytes(num_fields);
    if (!r.ok())
        return r.error();
    for (std::size_t i = 0; i < lengths.size(); ++i)
    {
        auto n = std::to_integer<std::uint8_t>(lengths[i]);
        ev.fields.push_back(r.string(n));
        r.skip(1);
        if (!r.ok())
            return r.error();
    }
    ev.table = r.string(table_len);
    r.skip(1);
    ev.schema = r.string(db_len);
    r.skip(1);
    if (!r.ok())
        return r.error();
    if (t == event_type::create_file)
    {
        ev.file_name = r.null_terminated();
        ev.block = r.rest();
    }
    else
    {
        ev.file_name = r.rest_string();
    }
    return r.error();
}

std::error_code decode_heartbeat_v2(bytes_view body, heartbeat_event& ev)
{
    // Type-length-value fields (net_field_length encoded): 0 end mark, 1 log file name, 2 position.
    byte_reader r(body);
    while (!r.empty())
    {
        auto type = r.lenenc();
        if (!r.ok())
            return r.error();
        if (type == 0)
            break;
        auto len = r.lenenc();
        auto value = r.bytes(len);
        if (!r.ok())
            return r.error();
        byte_reader v(value);
        if (type == 1)
            ev.log_file.assign(as_string(value));
        else if (type == 2)
        {
            ev.position = v.lenenc();
            if (!v.ok())
                return v.error();
        }
    }
    return r.error();
}

} // namespace

std::error_code decode_control(
    bytes_view body, const decode_context& ctx, const event_header& h, event_buffer& buf, event& out
)
{
    byte_reader r(body);
    switch (h.type)
    {
        case event_type::rotate:
        {
            rotate_event ev;
            ev.header = h;
            auto post = fde_of(ctx).post_header_length(event_type::rotate, 8);
            if (post >= 8)
            {
                ev.position = r.u64();
                r.skip(post - 8u);
            }
            ev.next_file.assign(r.rest_string());
            return emit(r.error(), std::move(ev), out);
        }
        case event_type::stop:
            return emit(finish(r, ctx), stop_event{h}, out);
        case event_type::intvar:
        {
            intvar_event ev;
            ev.header = h;
            ev.kind = r.u8();
            ev.value = r.u64();
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::rand:
        {
            rand_event ev;
            ev.header = h;
            ev.seed1 = r.u64();
            ev.seed2 = r.u64();
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::xid:
        {
            xid_event ev;
            ev.header = h;
            ev.xid = r.u64();
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::user_var:
        {
            user_var_event ev;
            ev.header = h;
            auto ec = decode_user_var(body, ctx, ev);
            ev.buffer = std::move(buf);
            return emit(ec, std::move(ev), out);
        }
        case event_type::begin_load_query:
        case event_type::append_block:
        {
            load_block_event ev;
            ev.header = h;
            auto post = fde_of(ctx).post_header_length(h.type, 4);
            if (post < 4)
                return make_error_code(errc::bad_value);
            ev.file_id = r.u32();
            r.skip(post - 4u);
            ev.block = r.rest();
            auto ec = r.error();
            ev.buffer = std::move(buf);
            return emit(ec, std::move(ev), out);
        }
        case event_type::exec_load:
        case event_type::delete_file:
        {
            load_file_event ev;
            ev.header = h;
            ev.file_id = r.u32();
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::load:
        case event_type::new_load:
        case event_type::create_file:
        {
            legacy_load_event ev;
            ev.header = h;
            auto ec = decode_legacy_load(body, ctx, h.type, ev);
            ev.buffer = std::move(buf);
            return emit(ec, std::move(ev), out);
        }
        case event_type::incident:
        {
            incident_event ev;
            ev.header = h;
            ev.incident = r.u16();
            auto n = r.u8();
            ev.message.assign(r.string(n));
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::heartbeat:
        {
            heartbeat_event ev;
            ev.header = h;
            ev.log_file.assign(r.rest_string());
            ev.position = h.log_pos;
            return emit({}, std::move(ev), out);
        }
        case event_type::heartbeat_v2:
        {
            heartbeat_event ev;
            ev.header = h;
            return emit(decode_heartbeat_v2(body, ev), std::move(ev), out);
        }
        case event_type::rows_query:
        {
            rows_query_event ev;
            ev.header = h;
            // One length byte (truncated to 255, so ignored), then the query to the end.
            r.skip(1);
            ev.query = r.rest_string();
            auto ec = r.error();
            ev.buffer = std::move(buf);
            return emit(ec, std::move(ev), out);
        }
        case event_type::transaction_context:
        {
            transaction_context_event ev;
            ev.header = h;
            if (!r.has(18))
                return make_error_code(errc::truncated_event);
            auto uuid_len = r.u8_unchecked();
            ev.thread_id = r.u32_unchecked();
            ev.gtid_specified = r.u8_unchecked() != 0;
            auto snapshot_len = r.u32_unchecked();
            auto write_items = r.u32_unchecked();
            auto read_items = r.u32_unchecked();
            ev.server_uuid.assign(r.string(uuid_len));
            auto snap = r.bytes(snapshot_len);
            for (auto b : snap)
                ev.snapshot_version.push_back(std::to_integer<std::uint8_t>(b));
            for (std::uint32_t i = 0; i < write_items && r.ok(); ++i)
            {
                auto n = r.u16();
                ev.write_set.emplace_back(r.string(n));
            }
            for (std::uint32_t i = 0; i < read_items && r.ok(); ++i)
            {
                auto n = r.u16();
                ev.read_set.emplace_back(r.string(n));
            }
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::view_change:
        {
            view_change_event ev;
            ev.header = h;
            if (!r.has(52))
                return make_error_code(errc::truncated_event);
            auto id = r.string(40);
            ev.view_id.assign(id.substr(0, id.find('\0')));
            ev.seq_number = r.u64_unchecked();
            auto count = r.u32_unchecked();
            for (std::uint32_t i = 0; i < count && r.ok(); ++i)
            {
                auto kn = r.u16();
                auto key = r.string(kn);
                auto vn = r.u32();
                auto val = r.string(vn);
                ev.certification_info.emplace_back(std::string(key), std::string(val));
            }
            return emit(finish(r, ctx), std::move(ev), out);
        }
        case event_type::xa_prepare:
        {
            // MySQL libs/mysql/binlog/event/control_events.cpp (XA_prepare_event) and MariaDB 10.5+
            // (log_event.h XA_prepare_log_event) agree: skip the post-header (0 bytes in every FDE so
            // far), then one_phase u8, formatID u32, gtrid_length u32, bqual_length u32 (four bytes,
            // not the one byte MariaDB's protocol page shows), each length at most 64, then the data.
            xa_prepare_event ev;
            ev.header = h;
            r.skip(fde_of(ctx).post_header_length(event_type::xa_prepare, 0));
            ev.one_phase = r.u8() != 0;
            ev.format_id = static_cast<std::int32_t>(r.u32());
            auto gl = r.u32();
            auto bl = r.u32();
            if (!r.ok())
                return r.error();
            if (gl > 64 || bl > 64)
                return make_error_code(errc::bad_value);
            ev.gtrid.assign(r.string(gl));
            ev.bqual.assign(r.string(bl));
            return emit(finish(r, ctx), std::move(ev), out);
        }
        default:
        {
            unknown_event ev;
            ev.header = h;
            ev.body = body;
            ev.buffer = std::move(buf);
            out = std::move(ev);
            return {};
        }
    }
}

} // namespace binlogstream::codec
