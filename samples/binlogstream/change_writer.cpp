// Maxwell and Debezium renderings of row changes (see change_writer.hpp).
//
// Maxwell (https://maxwells-daemon.io/dataformat/): {"database","table","type":insert|update|delete,
// "ts" (seconds),"xid","commit":true on the transaction's last row / "xoffset" on the others,"data",
// "old" (updates: the previous values of the changed columns only),"position","gtid","server_id"}.
// Debezium (the MySQL connector's change event value): {"before","after","source":{...},"op":c|u|d,
// "ts_ms"}. Cell values use the `dump` contract (codec::append_json).

#include "change_writer.hpp"

#include "json_writer.hpp"

#include <chrono>

namespace binlogstream::tool {
namespace {

std::string_view maxwell_type(rows_kind k)
{
    switch (k)
    {
        case rows_kind::write:
            return "insert";
        case rows_kind::update:
            return "update";
        default:
            return "delete";
    }
}

std::string_view debezium_op(rows_kind k)
{
    switch (k)
    {
        case rows_kind::write:
            return "c";
        case rows_kind::update:
            return "u";
        default:
            return "d";
    }
}

std::uint64_t now_ms()
{
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch()
    )
                                          .count());
}

void position_text(std::string& out, std::string_view file, std::uint64_t pos)
{
    std::string s(file);
    s += ':';
    s += std::to_string(pos);
    codec::append_json_string(out, s);
}

void column_key(object_writer& w, const row_cell& cell)
{
    if (cell.column->name.empty())
        w.key("@" + std::to_string(cell.index + 1));
    else
        w.key(cell.column->name);
}

} // namespace

std::error_code change_writer::add_rows(const rows_event& e, const event_place& at, std::uint64_t& rows)
{
    const auto mark_text = pending_.size();
    const auto mark_lines = lines_.size();
    std::size_t offset = 0;
    std::size_t n = 0;
    row r;
    std::error_code ec;
    while (e.next_row(offset, r, ec))
    {
        ec = format_ == output_format::maxwell ? add_maxwell_row(e, r, at) : add_debezium_row(e, r, at, n);
        if (ec)
            break;
        ++n;
    }
    if (!ec && !e.table)
        ec = make_error_code(errc::missing_table_map);
    if (ec)
    {
        pending_.resize(mark_text);
        lines_.resize(mark_lines);
        return ec;
    }
    rows += n;
    return {};
}

std::error_code change_writer::add_maxwell_row(const rows_event& e, const row& r, const event_place& at)
{
    line l;
    l.row = true;
    l.begin = pending_.size();
    object_writer w(pending_);
    w.field("database", e.table->schema);
    w.field("table", e.table->table);
    w.field("type", maxwell_type(e.kind));
    w.field("ts", at.timestamp);
    pending_ += ',';
    l.split = pending_.size();
    // The rest is appended as raw text after the split ("xid" etc. go in between at the commit).
    pending_ += "\"data\":";
    std::error_code ec;
    if (e.kind != rows_kind::update)
    {
        if ((ec = append_row_image(pending_, e.kind == rows_kind::write ? r.after : r.before)))
            return ec;
    }
    else
    {
        // The before image's cells as text, to find the changed columns.
        const auto columns = e.table->columns.size();
        before_text_.resize(columns);
        before_present_.assign(columns, false);
        row_image::cursor at_cell;
        row_cell cell;
        while (r.before.next(at_cell, cell, ec))
        {
            if (cell.index >= columns)
                continue;
            auto& t = before_text_[cell.index];
            t.clear();
            codec::append_json(t, cell.data, *cell.column);
            before_present_[cell.index] = true;
        }
        if (ec)
            return ec;
        changed_.clear();
        object_writer d(pending_);
        at_cell = {};
        while (r.after.next(at_cell, cell, ec))
        {
            column_key(d, cell);
            auto start = pending_.size();
            codec::append_json(pending_, cell.data, *cell.column);
            if (cell.index < columns && before_present_[cell.index] &&
                std::string_view(pending_).substr(start) != before_text_[cell.index])
                changed_.push_back(cell.index);
        }
        if (ec)
            return ec;
        d.close();
        pending_ += ",\"old\":";
        object_writer o(pending_);
        for (auto i : changed_)
        {
            const auto& col = e.table->columns[i];
            if (col.name.empty())
                o.key("@" + std::to_string(i + 1));
            else
                o.key(col.name);
            pending_ += before_text_[i];
        }
        o.close();
    }
    pending_ += ",\"position\":";
    position_text(pending_, at.file, at.pos);
    pending_ += ",\"gtid\":";
    if (at.gtid.empty())
        pending_ += "null";
    else
        codec::append_json_string(pending_, at.gtid);
    pending_ += ",\"server_id\":" + std::to_string(at.server_id) + "}";
    l.end = pending_.size();
    lines_.push_back(l);
    return {};
}

std::error_code
change_writer::add_debezium_row(const rows_event& e, const row& r, const event_place& at, std::size_t n)
{
    line l;
    l.row = true;
    l.begin = pending_.size();
    object_writer w(pending_);
    std::error_code ec;
    w.key("before");
    if (e.kind == rows_kind::write)
        pending_ += "null";
    else if ((ec = append_row_image(pending_, r.before)))
        return ec;
    w.key("after");
    if (e.kind == rows_kind::remove)
        pending_ += "null";
    else if ((ec = append_row_image(pending_, r.after)))
        return ec;
    w.key("source");
    {
        object_writer s(pending_);
        s.field("version", "binlogstream");
        s.field("connector", "mysql");
        s.field("name", "binlogstream");
        s.field("ts_ms", std::uint64_t(at.timestamp) * 1000);
        s.field("snapshot", "false");
        s.field("db", e.table->schema);
        s.field("table", e.table->table);
        s.field("server_id", at.server_id);
        if (at.gtid.empty())
            s.null_field("gtid");
        else
            s.field("gtid", at.gtid);
        s.field("file", at.file);
        s.field("pos", at.pos);
        s.field("row", std::uint64_t(n));
        s.close();
    }
    w.field("op", debezium_op(e.kind));
    w.field("ts_ms", now_ms());
    w.close();
    l.split = l.end = pending_.size();
    lines_.push_back(l);
    return {};
}

void change_writer::add_ddl(const query_event& q, std::string_view sql, const event_place& at)
{
    line l;
    l.begin = pending_.size();
    object_writer w(pending_);
    if (format_ == output_format::maxwell)
    {
        w.field("type", "ddl");
        w.field("database", q.schema);
        w.field("sql", sql);
        w.field("ts", at.timestamp);
        w.key("position");
        position_text(pending_, at.file, at.pos);
        if (at.gtid.empty())
            w.null_field("gtid");
        else
            w.field("gtid", at.gtid);
        w.field("server_id", at.server_id);
    }
    else
    {
        // Debezium's schema change event value.
        w.key("source");
        object_writer s(pending_);
        s.field("version", "binlogstream");
        s.field("connector", "mysql");
        s.field("name", "binlogstream");
        s.field("ts_ms", std::uint64_t(at.timestamp) * 1000);
        s.field("db", q.schema);
        s.field("server_id", at.server_id);
        if (at.gtid.empty())
            s.null_field("gtid");
        else
            s.field("gtid", at.gtid);
        s.field("file", at.file);
        s.field("pos", at.pos);
        s.close();
        w.field("ts_ms", now_ms());
        w.field("databaseName", q.schema);
        w.field("ddl", sql);
    }
    w.close();
    l.split = l.end = pending_.size();
    lines_.push_back(l);
}

void change_writer::transaction_line(bool begin, const commit_info& c, std::size_t rows, std::string& out)
    const
{
    object_writer w(out);
    if (format_ == output_format::maxwell)
    {
        w.field("type", begin ? "begin" : "commit");
        w.field("ts", c.timestamp);
        if (c.xid)
            w.field("xid", *c.xid);
        if (c.gtid.empty())
            w.null_field("gtid");
        else
            w.field("gtid", c.gtid);
        if (!begin)
        {
            w.key("position");
            position_text(out, c.file, c.pos);
            w.field("rows", std::uint64_t(rows));
        }
    }
    else
    {
        // Debezium's transaction metadata: the id is the GTID, else the end position.
        w.field("status", begin ? "BEGIN" : "END");
        w.key("id");
        if (c.gtid.empty())
            position_text(out, c.file, c.pos);
        else
            codec::append_json_string(out, c.gtid);
        w.field("ts_ms", std::uint64_t(c.timestamp) * 1000);
        if (!begin)
            w.field("event_count", std::uint64_t(rows));
    }
    w.close();
    out += '\n';
}

void change_writer::commit(const commit_info& c, std::string& out)
{
    if (lines_.empty())
        return;
    std::size_t rows = 0;
    std::size_t last_row = lines_.size();
    for (std::size_t i = 0; i < lines_.size(); ++i)
    {
        if (lines_[i].row)
        {
            ++rows;
            last_row = i;
        }
    }
    if (transactions_)
        transaction_line(true, c, rows, out);
    std::size_t xoffset = 0;
    for (std::size_t i = 0; i < lines_.size(); ++i)
    {
        const auto& l = lines_[i];
        out.append(pending_, l.begin, l.split - l.begin);
        if (l.row && format_ == output_format::maxwell)
        {
            if (c.xid)
                out += "\"xid\":" + std::to_string(*c.xid) + ",";
            if (i == last_row)
                out += "\"commit\":true,";
            else
                out += "\"xoffset\":" + std::to_string(xoffset++) + ",";
        }
        out.append(pending_, l.split, l.end - l.split);
        out += '\n';
    }
    if (transactions_)
        transaction_line(false, c, rows, out);
    discard();
}

void change_writer::discard()
{
    pending_.clear();
    lines_.clear();
}

} // namespace binlogstream::tool
