// Conversion of delivered text to UTF-8 with the place of invalid text in the error (text.hpp).

#include <binlogstream/text.hpp>

#include "codec/charset.hpp"

namespace binlogstream {
namespace {

// "`file`:start-end" for an event: the header's end position is exact; the start is derived from
// it where the server wrote one (MariaDB 11.4+ writes 0 inside transactions).
std::string place_of(const event_header& h, std::string_view file)
{
    std::string at = "the event";
    if (h.log_pos != 0 && h.log_pos >= h.event_size)
    {
        at += " at ";
        if (!file.empty())
            at += std::string(file) + ':';
        at += std::to_string(h.log_pos - h.event_size) + " (ending at " + std::to_string(h.log_pos) + ')';
    }
    else if (!file.empty())
        at += " in " + std::string(file);
    return at;
}

std::error_code
convert(std::string& out, std::string_view bytes, std::uint16_t collation, text_errors policy, bool& invalid)
{
    const auto mark = out.size();
    auto ec = codec::append_utf8(out, bytes, codec::charset_of(collation), policy);
    invalid = ec == errc::invalid_text;
    if (invalid)
        out.resize(mark); // nothing half-converted
    return ec;
}

} // namespace

std::error_code to_utf8(
    const rows_event& ev,
    const row_cell& cell,
    std::string& out,
    text_errors policy,
    diagnostics* diag,
    std::string_view file
)
{
    if (cell.data.kind() != value_kind::string)
        return make_error_code(errc::invalid_argument);
    const auto& s = cell.data.as_string();
    bool invalid = false;
    auto ec = convert(out, s.bytes, s.collation, policy, invalid);
    if (invalid && diag)
    {
        // Built by append: g++ 12 at -O3 reports a false -Wrestrict on `char + std::string`.
        std::string table;
        if (ev.table)
            table.append("`").append(ev.table->schema).append("`.`").append(ev.table->table).append("`");
        else
            table.append("table id ").append(std::to_string(ev.table_id));
        std::string column;
        if (cell.column && !cell.column->name.empty())
            column.append("`").append(cell.column->name).append("`");
        else
            column.append("@").append(std::to_string(cell.index + 1));
        diag->clear();
        diag->set_client(
            "text invalid in its charset (collation " + std::to_string(s.collation) + ") in " + table +
            " column " + column + ", " + place_of(ev.header, file)
        );
    }
    return ec;
}

std::error_code
to_utf8(const query_event& q, std::string& out, text_errors policy, diagnostics* diag, std::string_view file)
{
    // The server logs the statement as the client sent it, in character_set_client.
    std::uint16_t collation = q.status.charset ? q.status.charset->client : 0;
    bool invalid = false;
    auto ec = convert(out, q.query, collation, policy, invalid);
    if (invalid && diag)
    {
        diag->clear();
        diag->set_client(
            "statement text invalid in its charset (character_set_client " + std::to_string(collation) +
            ") in the query event" +
            (q.schema.empty() ? std::string() : " on `" + std::string(q.schema) + '`') + ", " +
            place_of(q.header, file)
        );
    }
    return ec;
}

} // namespace binlogstream
