#pragma once

// A small builder for one flat JSON object at a time, shared by the tool's subcommands (`dump`,
// `tail`). Values go through the library's writers (lib/codec/value_json.hpp), so every subcommand
// prints names and cells the same way.

#include <binlogstream/rows.hpp>
#include <binlogstream/text.hpp>

#include "codec/charset.hpp"
#include "codec/value_json.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace binlogstream::tool {

/// Appends `{"k":v,...}` to a string: `key` then the value (raw), or `field` for both.
class object_writer
{
public:
    explicit object_writer(std::string& out)
        : out_(out)
    {}

    void key(std::string_view k)
    {
        out_ += first_ ? '{' : ',';
        first_ = false;
        codec::append_json_string(out_, k);
        out_ += ':';
    }
    void field(std::string_view k, std::uint64_t v)
    {
        key(k);
        out_ += std::to_string(v);
    }
    void field(std::string_view k, std::int64_t v)
    {
        key(k);
        out_ += std::to_string(v);
    }
    void field(std::string_view k, std::uint32_t v) { field(k, std::uint64_t(v)); }
    void field(std::string_view k, std::uint16_t v) { field(k, std::uint64_t(v)); }
    void field(std::string_view k, std::uint8_t v) { field(k, std::uint64_t(v)); }
    void field(std::string_view k, std::int32_t v) { field(k, std::int64_t(v)); }
    void field(std::string_view k, bool v)
    {
        key(k);
        out_ += v ? "true" : "false";
    }
    void field(std::string_view k, std::string_view v)
    {
        key(k);
        codec::append_json_string(out_, v);
    }
    void field(std::string_view k, const std::string& v) { field(k, std::string_view(v)); }
    void field(std::string_view k, const char* v) { field(k, std::string_view(v)); }
    /// A key with the JSON `null` value.
    void null_field(std::string_view k)
    {
        key(k);
        out_ += "null";
    }
    void close() { out_ += first_ ? "{}" : "}"; }

private:
    std::string& out_;
    bool first_ = true;
};

/// Appends a row image as an object keyed by column name ("@1", "@2"... when the binlog has no
/// names), each value in the `dump` contract (codec::append_json).
inline std::error_code append_row_image(std::string& out, const row_image& img)
{
    object_writer w(out);
    row_image::cursor at;
    row_cell cell;
    std::error_code ec;
    while (img.next(at, cell, ec))
    {
        if (cell.column->name.empty())
            w.key("@" + std::to_string(cell.index + 1));
        else
            w.key(cell.column->name);
        codec::append_json(out, cell.data, *cell.column);
    }
    w.close();
    return ec;
}

/// The tool's undecodable-text policy (`--bad-text`), with where errors are reported.
struct text_settings
{
    text_errors policy = text_errors::replace;
    diagnostics diag; // set when a check fails
};

/// Under `text_errors::strict`, checks the text cells of every row of `e` (strings in a text charset,
/// the cells `append_json` prints as JSON strings; binary and unknown-charset strings print as
/// base64 and are not text). Returns errc::invalid_text with `t.diag` naming the table, column and
/// place (text.hpp), or a decoding error. Under `replace` there is nothing to check: `append_json`
/// replaces invalid sequences with U+FFFD.
inline std::error_code check_text(const rows_event& e, text_settings& t, std::string_view file)
{
    if (t.policy != text_errors::strict)
        return {};
    std::size_t offset = 0;
    row r;
    std::error_code ec;
    std::string scratch;
    while (e.next_row(offset, r, ec))
        for (const auto* img : {&r.before, &r.after})
        {
            if (!img->exists())
                continue;
            row_image::cursor at;
            row_cell cell;
            while (img->next(at, cell, ec))
            {
                if (cell.data.kind() != value_kind::string)
                    continue;
                auto kind = codec::charset_of(cell.data.as_string().collation);
                if (kind == codec::charset_kind::binary || kind == codec::charset_kind::unknown)
                    continue;
                scratch.clear();
                if (auto tec = to_utf8(e, cell, scratch, t.policy, &t.diag, file))
                    return tec;
            }
            if (ec)
                return ec;
        }
    return ec;
}

/// A Query event's statement text converted from its character_set_client under the policy
/// (errc::invalid_text with `t.diag` set under strict).
inline std::error_code
query_text(const query_event& q, text_settings& t, std::string_view file, std::string& out)
{
    out.clear();
    return to_utf8(q, out, t.policy, &t.diag, file);
}

} // namespace binlogstream::tool
