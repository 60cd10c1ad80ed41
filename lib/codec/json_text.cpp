// JSON cells as text: MariaDB's JSON columns (LONGTEXT with a JSON_VALID check, written to the binlog
// as a blob) are validated with simdjson and embedded verbatim; MySQL binary JSON is rendered; a
// partial-update cell renders its diffs.

#include <binlogstream/json.hpp>

#include "codec/json_binary.hpp"

#include <simdjson.h>

#include <string>
#include <vector>

namespace binlogstream {
namespace {

std::error_code validate_text_json(std::string_view text, bool padded)
{
    // One parser per thread: it keeps its buffers between calls. Without the event buffer's spare
    // bytes the parser works on a padded copy.
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    auto error = parser.parse(text.data(), text.size(), !padded).get(root);
    if (error)
        return make_error_code(errc::invalid_json);
    return {};
}

// Re-prints validated JSON text in MySQL's style: no whitespace outside strings, ", " and ": "
// separators; every token (strings with their escapes, numbers) is kept as written.
void append_normalized(std::string& out, std::string_view text)
{
    bool in_string = false;
    bool escaped = false;
    for (char c : text)
    {
        if (in_string)
        {
            out.push_back(c);
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c)
        {
            case ' ':
            case '\t':
            case '\n':
            case '\r':
                break;
            case ',':
                out += ", ";
                break;
            case ':':
                out += ": ";
                break;
            case '"':
                in_string = true;
                out.push_back(c);
                break;
            default:
                out.push_back(c);
        }
    }
}

std::string_view trim(std::string_view s)
{
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

std::error_code render_diffs(std::string& out, std::span<const std::byte> data)
{
    std::vector<json_diff> diffs;
    if (auto ec = decode_json_diffs(data, diffs))
        return ec;
    static constexpr const char* names[] = {"replace", "insert", "remove"};
    out.push_back('[');
    for (std::size_t i = 0; i < diffs.size(); ++i)
    {
        if (i > 0)
            out += ", ";
        out += "{\"op\": \"";
        out += names[static_cast<int>(diffs[i].operation)];
        out += "\", \"path\": ";
        codec::append_mysql_json_string(out, diffs[i].path);
        if (diffs[i].operation != json_diff_operation::remove)
        {
            out += ", \"value\": ";
            if (auto ec = codec::render_json_binary(out, diffs[i].value))
                return ec;
        }
        out.push_back('}');
    }
    out.push_back(']');
    return {};
}

} // namespace

std::error_code json_cell::to_text(std::string& out) const
{
    auto start = out.size();
    std::error_code ec;
    switch (format)
    {
        case json_format::mysql_binary:
            ec = codec::render_json_binary(out, data);
            break;
        case json_format::text:
        {
            auto text = trim(codec::as_string(data));
            ec = text.empty() ? make_error_code(errc::invalid_json) : validate_text_json(text, padded);
            if (!ec)
                append_normalized(out, text);
            break;
        }
        case json_format::mysql_diff:
            ec = render_diffs(out, data);
            break;
        default:
            ec = make_error_code(errc::invalid_json);
    }
    if (ec)
        out.resize(start);
    return ec;
}

} // namespace binlogstream
