// libFuzzer target: the table cache's reading of information_schema (lib/schema/
// information_schema.cpp), whose text comes from the server: the resultset parse, the ENUM/SET
// literal parser, and the merge with a TABLE_MAP. Input: rows separated by '\n', cells by '\t',
// "NULL" for SQL NULL, as `mariadb -B -N --raw` prints them (seeds: test/data/information_schema,
// real answers of MariaDB 10.11). Never crashes; a merged table has the mapped table's columns,
// and its primary key points at them.

#include "schema/information_schema.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bls = binlogstream;
namespace bs = binlogstream::schema;

namespace {

bls::resultset to_resultset(std::string_view text)
{
    bls::resultset rs;
    rs.columns.resize(13);
    while (!text.empty())
    {
        auto eol = text.find('\n');
        auto line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        auto& row = rs.rows.emplace_back();
        for (;;)
        {
            auto tab = line.find('\t');
            auto cell = line.substr(0, tab);
            if (cell == "NULL")
                row.emplace_back(std::nullopt);
            else
                row.emplace_back(std::string(cell));
            if (tab == std::string_view::npos)
                break;
            line = line.substr(tab + 1);
        }
    }
    return rs;
}

// A TABLE_MAP's view of `f`: the wire type information_schema's DATA_TYPE implies, so that the
// merge is reached for well-formed answers, not only the mismatch path.
bls::table_info mapped_from(const bs::fetched_table& f, std::uint8_t variant)
{
    using ct = bls::column_type;
    bls::table_info t;
    t.schema = "s";
    t.table = "t";
    for (const auto& c : f.columns)
    {
        bls::column_info col;
        const auto& d = c.data_type;
        col.type = d == "int"                        ? ct::long_
                   : d == "bigint"                   ? ct::longlong
                   : d == "varchar"                  ? ct::varchar
                   : d == "decimal"                  ? ct::newdecimal
                   : d == "enum"                     ? ct::enum_
                   : d == "set"                      ? ct::set
                   : d == "bit"                      ? ct::bit
                   : d == "datetime"                 ? ct::datetime2
                   : d == "text" || d == "blob"      ? ct::blob
                   : d == "geometry" || d == "point" ? ct::geometry
                                                     : ct::long_;
        col.wire_type = col.type;
        col.meta = static_cast<std::uint16_t>(c.octet_length.value_or(variant));
        col.nullable = c.nullable;
        t.columns.push_back(col);
    }
    if (variant & 1)
        t.columns.emplace_back(); // one column more than information_schema knows
    return t;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto rs = to_resultset(text);
    for (const auto& row : rs.rows)
        for (const auto& cell : row)
            if (cell)
                (void)bs::parse_literals(*cell);
    bs::fetched_table f;
    if (bs::parse_metadata(rs, "s", "t", f))
        return 0;
    auto mapped = mapped_from(f, size ? data[0] : 0);
    (void)bs::find_mismatch(mapped, f);
    auto merged = bs::merge_metadata(mapped, {}, &f, "");
    if (!merged || merged->columns.size() != mapped.columns.size())
        __builtin_trap();
    for (const auto& k : merged->primary_key)
        if (k.column >= merged->columns.size())
            __builtin_trap();
    return 0;
}
