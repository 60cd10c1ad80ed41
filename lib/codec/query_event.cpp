// QUERY_EVENT (2), MariaDB QUERY_COMPRESSED_EVENT (165) and EXECUTE_LOAD_QUERY_EVENT (18).
// Layout (MySQL libs/mysql/binlog/event/statement_events.{h,cpp}, Query_event): post-header
// thread_id u32, exec_time u32, db_len u8, error_code u16, status_vars_len u16 (+ file_id, start_pos,
// end_pos, dup_handling for EXECUTE_LOAD_QUERY); then the status variables, the schema + NUL, and the
// query (to the end). Status variables are (code u8, value) pairs; an unknown code stops the parse
// because its length is unknown (MariaDB 11.x adds codes): the rest is kept raw, never an error.

#include "codec/event_decoder.hpp"

namespace binlogstream::codec {
namespace {

// Parses the status variables; stops (without error) at the first unknown code.
void parse_status_vars(bytes_view data, query_status_vars& out)
{
    byte_reader r(data);
    while (!r.empty())
    {
        auto start = r.position();
        auto code = r.u8();
        switch (code)
        {
            case 0:
                out.flags2 = r.u32();
                break;
            case 1:
                out.sql_mode = r.u64();
                break;
            case 2: // Q_CATALOG_CODE: length, text, NUL (5.0.0-5.0.3)
            {
                auto n = r.u8();
                out.catalog = r.string(n);
                r.skip(1);
                break;
            }
            case 3:
            {
                query_status_vars::auto_increment_t a;
                a.increment = r.u16();
                a.offset = r.u16();
                out.auto_increment = a;
                break;
            }
            case 4:
            {
                query_status_vars::charset_t c;
                c.client = r.u16();
                c.connection = r.u16();
                c.server = r.u16();
                out.charset = c;
                break;
            }
            case 5:
            {
                auto n = r.u8();
                out.time_zone = r.string(n);
                break;
            }
            case 6:
            {
                auto n = r.u8();
                out.catalog = r.string(n);
                break;
            }
            case 7:
                out.lc_time_names = r.u16();
                break;
            case 8:
                out.charset_database = r.u16();
                break;
            case 9:
                out.table_map_for_update = r.u64();
                break;
            case 10:
                out.master_data_written = r.u32();
                break;
            case 11:
            {
                query_status_vars::invoker_t inv;
                auto un = r.u8();
                inv.user = r.string(un);
                auto hn = r.u8();
                inv.host = r.string(hn);
                out.invoker = inv;
                break;
            }
            case 12:
            {
                auto n = r.u8();
                out.updated_db_count = n;
                // 254 (OVER_MAX_DBS_IN_EVENT_MTS): no names follow.
                if (n != 254)
                {
                    for (std::uint8_t i = 0; i < n && r.ok(); ++i)
                        out.updated_dbs.push_back(r.null_terminated());
                }
                break;
            }
            case 13:
                out.microseconds = r.u24();
                break;
            case 16:
                out.explicit_defaults_for_timestamp = r.u8();
                break;
            case 17:
                out.ddl_xid = r.u64();
                break;
            case 18:
                out.default_collation_for_utf8mb4 = r.u16();
                break;
            case 19:
                out.sql_require_primary_key = r.u8();
                break;
            case 20:
                out.default_table_encryption = r.u8();
                break;
            case 128:
                out.hrnow = r.u24();
                break;
            case 129:
                out.xid = r.u64();
                break;
            case 130:
                out.gtid_flags3 = r.u8();
                break;
            default:
                out.unknown_code = code;
                out.unparsed = data.subspan(start);
                return;
        }
        if (!r.ok())
        {
            // A known code whose value runs past the block: keep it raw rather than fail.
            out.unknown_code = code;
            out.unparsed = data.subspan(start);
            return;
        }
    }
}

struct query_common
{
    std::uint32_t thread_id = 0;
    std::uint32_t exec_time = 0;
    std::uint16_t error_code = 0;
    std::string_view schema;
    bytes_view query;
};

// post_header_extra: the bytes after the 13 common post-header bytes (EXECUTE_LOAD_QUERY).
std::error_code parse_query(
    bytes_view body,
    std::uint8_t post_header_len,
    query_common& c,
    query_status_vars& status,
    bytes_view& post_header_extra
)
{
    byte_reader r(body);
    if (post_header_len < 11 || !r.has(post_header_len))
        return make_error_code(r.has(post_header_len) ? errc::bad_value : errc::truncated_event);
    c.thread_id = r.u32_unchecked();
    c.exec_time = r.u32_unchecked();
    auto db_len = r.u8_unchecked();
    c.error_code = r.u16_unchecked();
    std::uint16_t status_len = 0;
    if (post_header_len >= 13)
        status_len = r.u16_unchecked();
    post_header_extra = r.bytes_unchecked(post_header_len - (post_header_len >= 13 ? 13 : 11));
    auto vars = r.bytes(status_len);
    c.schema = r.string(db_len);
    if (r.u8() != 0 && r.ok())
        return make_error_code(errc::bad_value);
    if (!r.ok())
        return r.error();
    parse_status_vars(vars, status);
    c.query = r.rest();
    return {};
}

} // namespace

std::error_code decode_query(
    bytes_view body, const decode_context& ctx, event_type type, query_event& out, event_buffer& scratch
)
{
    const auto& fde = ctx.fde ? *ctx.fde : default_format_description();
    query_common c;
    bytes_view extra;
    if (auto ec = parse_query(body, fde.post_header_length(event_type::query, 13), c, out.status, extra))
        return ec;
    out.thread_id = c.thread_id;
    out.exec_time = c.exec_time;
    out.error_code = c.error_code;
    out.schema = c.schema;
    if (type == event_type::mariadb_query_compressed)
    {
        if (auto ec = mariadb_uncompress(c.query, scratch, ctx.max_event_size))
            return ec;
        out.compressed = true;
        out.query = as_string(scratch.bytes());
    }
    else
    {
        out.query = as_string(c.query);
    }
    return {};
}

std::error_code
decode_execute_load_query(bytes_view body, const decode_context& ctx, execute_load_query_event& out)
{
    const auto& fde = ctx.fde ? *ctx.fde : default_format_description();
    query_common c;
    bytes_view extra;
    auto len = fde.post_header_length(event_type::execute_load_query, 26);
    if (len < 26)
        return make_error_code(errc::bad_value);
    if (auto ec = parse_query(body, len, c, out.status, extra))
        return ec;
    byte_reader e(extra);
    out.file_id = e.u32();
    out.start_pos = e.u32();
    out.end_pos = e.u32();
    out.dup_handling = e.u8();
    if (!e.ok())
        return e.error();
    out.thread_id = c.thread_id;
    out.exec_time = c.exec_time;
    out.error_code = c.error_code;
    out.schema = c.schema;
    out.query = as_string(c.query);
    return {};
}

} // namespace binlogstream::codec
