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

std::error_code validate_text_json(std::string_view text)
{
    // One parser per thread: it keeps its buffers between calls. The cell's buffer may lack the
    // padding simdjson needs, so let the parser copy it when necessary.
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    auto error = parser.parse(text.data(), text.size(), true).get(root);
    if (error)
        return make_error_code(errc::invalid_json);
    return {};
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
            ec = text.empty() ? make_error_code(errc::invalid_json) : validate_text_json(text);
            if (!ec)
                out.append(text);
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
