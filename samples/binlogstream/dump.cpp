// `binlogstream dump FILE...`: reads binlog files with file_reader and prints one JSON object per
// event. Every object has "file", "pos", "next_pos", "type", "timestamp", "server_id", then the event's
// own fields; rows events carry "schema", "table" and "rows" with "before"/"after" images keyed by
// column name (binlog_row_metadata=FULL) or "@1", "@2"... A decoding error prints the file and offset
// on stderr and exits with status 1, after the events before it were printed.

#include <binlogstream/event.hpp>
#include <binlogstream/file_reader.hpp>

#include "codec/byte_reader.hpp"
#include "codec/value_json.hpp"
#include "command.hpp"
#include "json_writer.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <variant>

namespace binlogstream::tool {
namespace {

using codec::append_json_string;

std::string hex(std::span<const std::byte> b)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (auto x : b)
    {
        auto v = std::to_integer<unsigned>(x);
        s += digits[v >> 4];
        s += digits[v & 15];
    }
    return s;
}

std::string_view checksum_name(checksum_algorithm a)
{
    switch (a)
    {
        case checksum_algorithm::crc32:
            return "crc32";
        case checksum_algorithm::off:
            return "off";
        default:
            return "none";
    }
}

std::string_view event_name(const event& ev)
{
    const auto& h = header_of(ev);
    if (std::holds_alternative<query_event>(ev))
        return "query";
    return to_string(h.type);
}

void write_status(object_writer& w, const query_status_vars& s)
{
    if (s.flags2)
        w.field("flags2", *s.flags2);
    if (s.sql_mode)
        w.field("sql_mode", *s.sql_mode);
    if (s.catalog)
        w.field("catalog", *s.catalog);
    if (s.auto_increment)
    {
        w.field("auto_increment_increment", s.auto_increment->increment);
        w.field("auto_increment_offset", s.auto_increment->offset);
    }
    if (s.charset)
    {
        w.field("character_set_client", s.charset->client);
        w.field("collation_connection", s.charset->connection);
        w.field("collation_server", s.charset->server);
    }
    if (s.time_zone)
        w.field("time_zone", *s.time_zone);
    if (s.lc_time_names)
        w.field("lc_time_names", *s.lc_time_names);
    if (s.charset_database)
        w.field("collation_database", *s.charset_database);
    if (s.table_map_for_update)
        w.field("table_map_for_update", *s.table_map_for_update);
    if (s.invoker)
    {
        w.field("invoker_user", s.invoker->user);
        w.field("invoker_host", s.invoker->host);
    }
    if (s.microseconds)
        w.field("microseconds", *s.microseconds);
    if (s.ddl_xid)
        w.field("ddl_xid", *s.ddl_xid);
    if (s.default_collation_for_utf8mb4)
        w.field("default_collation_for_utf8mb4", *s.default_collation_for_utf8mb4);
    if (s.hrnow)
        w.field("hrnow", *s.hrnow);
    if (s.xid)
        w.field("xid", *s.xid);
    if (s.unknown_code)
    {
        w.field("unknown_status_code", *s.unknown_code);
        w.field("unparsed_status_hex", hex(s.unparsed));
    }
}

std::error_code write_rows(
    object_writer& w, std::string& out, const rows_event& e, text_settings& text, std::string_view file
)
{
    if (auto ec = check_text(e, text, file))
        return ec;
    w.field("table_id", e.table_id);
    if (e.table)
    {
        w.field("schema", e.table->schema);
        w.field("table", e.table->table);
    }
    w.field("flags", e.flags);
    if (e.compressed)
        w.field("compressed", true); // MariaDB *_ROWS_COMPRESSED (log_bin_compress)
    if (e.partition_id)
        w.field("partition_id", *e.partition_id);
    if (e.source_partition_id)
        w.field("source_partition_id", *e.source_partition_id);
    w.key("rows");
    out += '[';
    std::size_t offset = 0;
    row r;
    std::error_code ec;
    bool first = true;
    while (e.next_row(offset, r, ec))
    {
        if (!first)
            out += ',';
        first = false;
        object_writer rw(out);
        if (r.before.exists())
        {
            rw.key("before");
            if ((ec = append_row_image(out, r.before)))
                return ec;
        }
        if (r.after.exists())
        {
            rw.key("after");
            if ((ec = append_row_image(out, r.after)))
                return ec;
        }
        rw.close();
    }
    out += ']';
    return ec;
}

void write_gtid(object_writer& w, const gtid_event& g)
{
    w.field("gtid", g.to_string());
    w.field("flags", g.flags);
    if (!g.tag.empty())
        w.field("tag", g.tag);
    w.field("gno", g.gno);
    if (g.has_logical_clock)
    {
        w.field("last_committed", g.last_committed);
        w.field("sequence_number", g.sequence_number);
    }
    if (g.immediate_commit_timestamp)
    {
        w.field("immediate_commit_timestamp", g.immediate_commit_timestamp);
        w.field("original_commit_timestamp", g.original_commit_timestamp);
    }
    if (g.transaction_length)
        w.field("transaction_length", g.transaction_length);
    if (g.immediate_server_version != 999999)
    {
        w.field("immediate_server_version", g.immediate_server_version);
        w.field("original_server_version", g.original_server_version);
    }
}

void write_user_var(object_writer& w, std::string& out, const user_var_event& u)
{
    w.field("name", u.name);
    w.key("value");
    if (u.is_null)
    {
        out += "null";
        return;
    }
    switch (u.type)
    {
        case user_var_event::value_type::string:
            append_json_string(out, codec::as_string(u.value));
            break;
        case user_var_event::value_type::real:
            if (u.value.size() == 8)
            {
                double d;
                std::memcpy(&d, u.value.data(), 8);
                out += std::to_string(d);
            }
            else
                out += "null";
            break;
        case user_var_event::value_type::integer:
            if (u.value.size() == 8)
            {
                auto v = codec::load_le<8>(u.value.data());
                out += u.is_unsigned() ? std::to_string(v) : std::to_string(static_cast<std::int64_t>(v));
            }
            else
                out += "null";
            break;
        default:
            append_json_string(out, hex(u.value));
            break;
    }
    w.field("value_type", static_cast<std::uint8_t>(u.type));
    w.field("charset", u.charset);
}

// Appends the event's own fields.
std::error_code
write_fields(object_writer& w, std::string& out, const event& ev, text_settings& text, std::string_view file)
{
    std::error_code ec;
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, format_description_event>)
            {
                w.field("binlog_version", e.binlog_version);
                w.field("server_version", e.server_version);
                w.field("create_timestamp", e.create_timestamp);
                w.field("header_length", e.header_length);
                w.field("checksum", checksum_name(e.checksum));
            }
            else if constexpr (std::is_same_v<T, query_event>)
            {
                w.field("thread_id", e.thread_id);
                w.field("exec_time", e.exec_time);
                w.field("error_code", e.error_code);
                w.field("schema", e.schema);
                std::string sql;
                if ((ec = query_text(e, text, file, sql)))
                    return;
                w.field("query", sql);
                if (e.compressed)
                    w.field("compressed", true);
                write_status(w, e.status);
            }
            else if constexpr (std::is_same_v<T, execute_load_query_event>)
            {
                w.field("thread_id", e.thread_id);
                w.field("schema", e.schema);
                w.field("query", e.query);
                w.field("file_id", e.file_id);
                w.field("start_pos", e.start_pos);
                w.field("end_pos", e.end_pos);
                w.field("dup_handling", e.dup_handling);
            }
            else if constexpr (std::is_same_v<T, rotate_event>)
            {
                w.field("position", e.position);
                w.field("next_file", e.next_file);
            }
            else if constexpr (std::is_same_v<T, intvar_event>)
            {
                w.field("kind", e.kind == 1 ? "last_insert_id" : e.kind == 2 ? "insert_id" : "invalid");
                w.field("value", e.value);
            }
            else if constexpr (std::is_same_v<T, rand_event>)
            {
                w.field("seed1", e.seed1);
                w.field("seed2", e.seed2);
            }
            else if constexpr (std::is_same_v<T, user_var_event>)
                write_user_var(w, out, e);
            else if constexpr (std::is_same_v<T, xid_event>)
                w.field("xid", e.xid);
            else if constexpr (std::is_same_v<T, load_block_event>)
            {
                w.field("file_id", e.file_id);
                w.field("block_size", std::uint64_t(e.block.size()));
            }
            else if constexpr (std::is_same_v<T, load_file_event>)
                w.field("file_id", e.file_id);
            else if constexpr (std::is_same_v<T, legacy_load_event>)
            {
                w.field("schema", e.schema);
                w.field("table", e.table);
                w.field("file_name", e.file_name);
            }
            else if constexpr (std::is_same_v<T, table_map_event>)
            {
                w.field("table_id", e.table_id);
                w.field("schema", e.table->schema);
                w.field("table", e.table->table);
                w.key("columns");
                out += '[';
                for (std::size_t i = 0; i < e.table->columns.size(); ++i)
                {
                    const auto& c = e.table->columns[i];
                    if (i)
                        out += ',';
                    object_writer cw(out);
                    if (!c.name.empty())
                        cw.field("name", c.name);
                    cw.field("type", static_cast<std::uint8_t>(c.type));
                    cw.field("meta", c.meta);
                    cw.field("nullable", c.nullable);
                    if (c.is_unsigned)
                        cw.field("unsigned", true);
                    if (c.charset)
                        cw.field("charset", c.charset);
                    cw.close();
                }
                out += ']';
            }
            else if constexpr (std::is_base_of_v<rows_event, T>)
                ec = write_rows(w, out, e, text, file);
            else if constexpr (std::is_same_v<T, incident_event>)
            {
                w.field("incident", e.incident);
                w.field("message", e.message);
            }
            else if constexpr (std::is_same_v<T, heartbeat_event>)
            {
                w.field("log_file", e.log_file);
                w.field("position", e.position);
            }
            else if constexpr (std::is_same_v<T, rows_query_event>)
                w.field("query", e.query);
            else if constexpr (std::is_same_v<T, xa_prepare_event>)
            {
                w.field("one_phase", e.one_phase);
                w.field("format_id", e.format_id);
                w.field("gtrid", e.gtrid);
                w.field("bqual", e.bqual);
            }
            else if constexpr (std::is_same_v<T, view_change_event>)
            {
                w.field("view_id", e.view_id);
                w.field("seq_number", e.seq_number);
            }
            else if constexpr (std::is_same_v<T, transaction_context_event>)
            {
                w.field("server_uuid", e.server_uuid);
                w.field("thread_id", e.thread_id);
                w.field("gtid_specified", e.gtid_specified);
            }
            else if constexpr (std::is_base_of_v<gtid_event, T>)
                write_gtid(w, e);
            else if constexpr (std::is_same_v<T, previous_gtids_event>)
                w.field("gtid_set", e.to_string());
            else if constexpr (std::is_same_v<T, transaction_payload_event>)
            {
                w.field("compression", e.compression_type == 0 ? "zstd" : "none");
                w.field("payload_size", e.payload_size);
                w.field("uncompressed_size", e.uncompressed_size);
            }
            else if constexpr (std::is_same_v<T, mariadb_binlog_checkpoint_event>)
                w.field("log_file", e.log_file);
            else if constexpr (std::is_same_v<T, mariadb_gtid_event>)
            {
                w.field("gtid", e.to_string());
                w.field("domain_id", e.domain_id);
                w.field("seq_no", e.seq_no);
                w.field("flags", e.flags);
                if (e.commit_id)
                    w.field("commit_id", e.commit_id);
                if (e.flags & (64 | 128))
                {
                    w.field("xa_format_id", e.xa_format_id);
                    w.field("xa_gtrid", e.xa_gtrid);
                    w.field("xa_bqual", e.xa_bqual);
                }
                if (e.thread_id)
                    w.field("thread_id", e.thread_id);
            }
            else if constexpr (std::is_same_v<T, mariadb_gtid_list_event>)
                w.field("gtid_list", e.to_string());
            else if constexpr (std::is_same_v<T, mariadb_start_encryption_event>)
            {
                w.field("scheme", e.scheme);
                w.field("key_version", e.key_version);
            }
            else if constexpr (std::is_same_v<T, unknown_event>)
            {
                w.field("type_code", static_cast<std::uint8_t>(e.header.type));
                w.field("body_size", std::uint64_t(e.body.size()));
            }
        },
        ev
    );
    return ec;
}

int usage()
{
    std::fprintf(
        stderr,
        "usage: binlogstream dump [--no-verify] [--skip-bad-checksum] [--strict] "
        "[--assume-checksum=crc32|off] [--bad-text=replace|strict] FILE...\n"
    );
    return 2;
}

} // namespace

int run_dump(std::span<const std::string_view> args)
{
    file_reader_options opts;
    text_settings text;
    std::vector<std::string> files;
    for (auto a : args)
    {
        if (a == "--no-verify")
            opts.verify_checksum = false;
        else if (a == "--skip-bad-checksum")
            opts.skip_bad_checksum = true;
        else if (a == "--strict")
            opts.strict = true;
        else if (a == "--assume-checksum=crc32")
            opts.assume_checksum = checksum_algorithm::crc32;
        else if (a == "--assume-checksum=off")
            opts.assume_checksum = checksum_algorithm::off;
        else if (a == "--bad-text=replace")
            text.policy = text_errors::replace;
        else if (a == "--bad-text=strict")
            text.policy = text_errors::strict;
        else if (a.starts_with("--"))
            return usage();
        else
            files.emplace_back(a);
    }
    if (files.empty())
        return usage();

    file_reader reader(opts);
    reader.open(files);
    std::string out;
    out.reserve(1 << 20);
    auto flush = [&] {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    };
    event ev;
    std::error_code ec;
    while (reader.next(ev, ec))
    {
        const auto& h = header_of(ev);
        const auto& pos = reader.position();
        auto mark = out.size();
        object_writer w(out);
        w.field("file", pos.file);
        w.field("pos", pos.offset);
        w.field("next_pos", pos.next_position);
        if (pos.in_payload)
        {
            w.field("in_payload", true);
            w.field("payload_index", std::uint64_t(pos.payload_index));
        }
        w.field("type", event_name(ev));
        w.field("timestamp", h.timestamp);
        w.field("server_id", h.server_id);
        w.field("log_pos", h.log_pos);
        w.field("header_flags", h.flags);
        if (auto rec = write_fields(w, out, ev, text, pos.file))
        {
            out.resize(mark);
            flush();
            std::fflush(stdout);
            std::fprintf(
                stderr,
                "binlogstream dump: %s at offset %llu: %s event: %s%s%s\n",
                pos.file.c_str(),
                static_cast<unsigned long long>(pos.offset),
                std::string(event_name(ev)).c_str(),
                rec.message().c_str(),
                rec == errc::invalid_text ? ": " : "",
                rec == errc::invalid_text ? text.diag.client_message().c_str() : ""
            );
            return 1;
        }
        w.close();
        out += '\n';
        if (out.size() >= (1u << 20))
            flush();
    }
    flush();
    std::fflush(stdout);
    for (const auto& s : reader.skipped())
        std::fprintf(
            stderr,
            "binlogstream dump: %s at offset %llu: skipped: bad checksum\n",
            s.file.c_str(),
            static_cast<unsigned long long>(s.offset)
        );
    if (ec != errc::end_of_stream)
    {
        std::fprintf(stderr, "binlogstream dump: %s\n", reader.diag().client_message().c_str());
        return 1;
    }
    return 0;
}

} // namespace binlogstream::tool
