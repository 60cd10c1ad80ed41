#pragma once

// Text for the values the samples print ("id=1 name=apple price=1.50"). It covers the common
// column kinds; an application converts `binlogstream::value`s to its own types instead.

#include <binlogstream/binlogstream.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace sample {

/// ISO 8601 without a zone: "2026-11-26T10:00:00.125000".
inline std::string datetime_text(const binlogstream::datetime_value& t)
{
    char buf[40];
    std::snprintf(
        buf,
        sizeof buf,
        "%04u-%02u-%02uT%02u:%02u:%02u.%06u",
        t.date.year,
        t.date.month,
        t.date.day,
        t.hour,
        t.minute,
        t.second,
        t.microsecond
    );
    return buf;
}

inline std::string value_text(const binlogstream::value& v, const binlogstream::column_info& column)
{
    namespace bls = binlogstream;
    char buf[64];
    switch (v.kind())
    {
        case bls::value_kind::null:
            return "NULL";
        case bls::value_kind::int64:
            return std::to_string(v.as_int64());
        case bls::value_kind::uint64:
            return std::to_string(v.as_uint64());
        case bls::value_kind::float_:
            std::snprintf(buf, sizeof buf, "%g", double(v.as_float()));
            return buf;
        case bls::value_kind::double_:
            std::snprintf(buf, sizeof buf, "%.17g", v.as_double());
            return buf;
        case bls::value_kind::decimal:
            return v.as_decimal().to_string(); // exact: never through a double
        case bls::value_kind::date:
        {
            const auto& d = v.as_date();
            std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", d.year, d.month, d.day);
            return buf;
        }
        case bls::value_kind::datetime:
            return datetime_text(v.as_datetime());
        case bls::value_kind::timestamp:
            return datetime_text(v.as_timestamp().to_utc()) + "Z";
        case bls::value_kind::enum_:
        {
            auto i = v.as_enum().index; // 1-based; 0 is the server's "invalid value" empty string
            return i > 0 && i <= column.enum_values.size() ? column.enum_values[i - 1] : "";
        }
        case bls::value_kind::string:
        {
            std::string text;
            // Invalid bytes in the column's charset become U+FFFD rather than an error here.
            (void)v.as_string().to_utf8(text, bls::text_errors::replace);
            return text;
        }
        default:
            return "(" + std::to_string(static_cast<int>(v.kind())) + ")"; // value_kind number
    }
}

/// "name=value ..." for the present columns of one row image, in column order.
inline std::string row_text(const binlogstream::row_image& image)
{
    std::vector<binlogstream::row_cell> cells;
    if (auto ec = image.cells(cells))
        return "(undecodable row: " + ec.message() + ")";
    std::string out;
    for (const auto& c : cells)
    {
        if (!out.empty())
            out += ' ';
        out += c.column->name.empty() ? "@" + std::to_string(c.index + 1) : c.column->name;
        out += '=';
        out += value_text(c.data, *c.column);
    }
    return out;
}

/// "schema.table" of a rows event ("?" without a table map).
inline std::string table_text(const binlogstream::rows_event& e)
{
    return e.table ? e.table->schema + "." + e.table->table : "?";
}

} // namespace sample
