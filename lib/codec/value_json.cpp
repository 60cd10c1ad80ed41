// The `binlogstream dump` JSON form of a cell (the product contract is in value_json.hpp).

#include "codec/value_json.hpp"

#include "codec/charset.hpp"
#include "codec/json_binary.hpp"
#include "codec/temporal.hpp"

#include <charconv>
#include <cmath>
#include <variant>

namespace binlogstream::codec {
namespace {

template <class T>
void append_number(std::string& out, T v)
{
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

template <class F>
void append_float(std::string& out, F v)
{
    // JSON has no infinities or NaN; MySQL columns cannot hold them either.
    if (!std::isfinite(v))
    {
        out += "null";
        return;
    }
    append_number(out, v);
}

void append_base64_object(std::string& out, bytes_view data)
{
    out += "{\"base64\":\"";
    append_base64(out, data, false);
    out += "\"}";
}

void append_string_value(std::string& out, const string_value& s)
{
    auto kind = charset_of(s.collation);
    bool binary = kind == charset_kind::binary || (kind == charset_kind::unknown && !is_valid_utf8(s.bytes));
    if (binary)
    {
        append_base64_object(out, as_bytes(s.bytes));
        return;
    }
    std::string utf8;
    (void)append_utf8(utf8, s.bytes, kind, text_errors::replace);
    append_json_string(out, utf8);
}

struct json_appender
{
    std::string& out;
    const column_info& col;

    void operator()(null_value) const { out += "null"; }
    void operator()(std::int64_t v) const { append_number(out, v); }
    void operator()(std::uint64_t v) const { append_number(out, v); }
    void operator()(float v) const { append_float(out, v); }
    void operator()(double v) const { append_float(out, v); }
    void operator()(const decimal_value& v) const
    {
        out.push_back('"');
        v.append_to(out);
        out.push_back('"');
    }
    void operator()(const date_value& v) const
    {
        out.push_back('"');
        append_date(out, v);
        out.push_back('"');
    }
    void operator()(const datetime_value& v) const
    {
        out.push_back('"');
        append_datetime(out, v, v.fsp);
        out.push_back('"');
    }
    void operator()(const timestamp_value& v) const
    {
        out.push_back('"');
        append_timestamp(out, v, v.fsp);
        out.push_back('"');
    }
    void operator()(const time_value& v) const
    {
        out.push_back('"');
        append_time(out, v, v.fsp);
        out.push_back('"');
    }
    void operator()(const year_value& v) const { append_number(out, v.year); }
    void operator()(const bit_value& v) const { append_number(out, v.bits); }
    void operator()(const enum_value& v) const
    {
        if (v.index == 0 && !col.enum_values.empty())
            append_json_string(out, "");
        else if (v.index >= 1 && v.index <= col.enum_values.size())
            append_json_string(out, col.enum_values[v.index - 1u]);
        else
            append_number(out, v.index);
    }
    void operator()(const set_value& v) const
    {
        const auto& names = col.set_values;
        bool known = !names.empty() && (names.size() >= 64 || (v.bits >> names.size()) == 0);
        if (!known)
        {
            append_number(out, v.bits);
            return;
        }
        out.push_back('[');
        bool first = true;
        for (std::size_t i = 0; i < names.size() && i < 64; ++i)
        {
            if ((v.bits >> i) & 1)
            {
                if (!first)
                    out.push_back(',');
                first = false;
                append_json_string(out, names[i]);
            }
        }
        out.push_back(']');
    }
    void operator()(const string_value& v) const { append_string_value(out, v); }
    void operator()(const json_cell& v) const
    {
        auto start = out.size();
        if (v.to_text(out))
        {
            append_base64_object(out, v.data); // not valid JSON: keep the bytes, lossless
            return;
        }
        // Strings inside binary JSON are supposed to be utf8mb4; keep the output valid regardless.
        std::string_view rendered(out.data() + start, out.size() - start);
        if (!is_valid_utf8(rendered))
        {
            std::string repaired;
            (void)append_utf8(repaired, rendered, charset_kind::utf8mb4, text_errors::replace);
            out.resize(start);
            out += repaired;
        }
    }
    void operator()(const geometry_value& v) const
    {
        // The stored form: 4-byte little-endian SRID followed by the WKB.
        out += "{\"base64\":\"";
        std::byte srid[4];
        for (std::size_t i = 0; i < 4; ++i)
            srid[i] = std::byte((v.srid >> (8 * i)) & 0xff);
        // Encode SRID + WKB as one stream so the padding lands only at the end.
        std::string joined(reinterpret_cast<const char*>(srid), 4);
        joined.append(as_string(v.wkb));
        append_base64(out, as_bytes(joined), false);
        out += "\"}";
    }
    void operator()(const vector_value& v) const
    {
        out.push_back('[');
        for (std::size_t i = 0; i < v.size(); ++i)
        {
            if (i > 0)
                out.push_back(',');
            append_float(out, v[i]);
        }
        out.push_back(']');
    }
};

} // namespace

void append_json(std::string& out, const value& v, const column_info& col)
{
    std::visit(json_appender{out, col}, v.data());
}

void append_escaped_json_string(std::string& out, std::string_view s, bool escape_del)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (char c : s)
    {
        switch (c)
        {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
            {
                auto b = static_cast<unsigned char>(c);
                if (b < 0x20 || (escape_del && b == 0x7f))
                {
                    out += "\\u00";
                    out.push_back(hex[b >> 4]);
                    out.push_back(hex[b & 15]);
                }
                else
                {
                    out.push_back(c);
                }
            }
        }
    }
    out.push_back('"');
}

void append_json_string(std::string& out, std::string_view utf8)
{
    std::string_view s = utf8;
    std::string repaired;
    if (!is_valid_utf8(s))
    {
        (void)append_utf8(repaired, s, charset_kind::utf8mb4, text_errors::replace);
        s = repaired;
    }
    append_escaped_json_string(out, s);
}

} // namespace binlogstream::codec
