// File positions and the persisted checkpoint (stream_position) with its JSON text form.
//
// The checkpoint text is a flat JSON object (RFC 8259) with string and unsigned-integer values. A
// small hand parser reads it: the layout is fixed and tiny, the input is untrusted (a file the user
// stores), and every malformed text must give errc::invalid_position rather than an exception from
// a general JSON library. Strings are written with the minimal JSON escapes and read with all of
// them (\uXXXX included, surrogate pairs combined into UTF-8), so any file name round-trips.

#include <binlogstream/position.hpp>

#include "codec/value_json.hpp"
#include "replication/text_scan.hpp"

#include <limits>

namespace binlogstream {
namespace {

using replication::text_scan;

void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80)
    {
        out += char(cp);
    }
    else if (cp < 0x800)
    {
        out += char(0xc0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3f));
    }
    else if (cp < 0x10000)
    {
        out += char(0xe0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3f));
        out += char(0x80 | (cp & 0x3f));
    }
    else
    {
        out += char(0xf0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3f));
        out += char(0x80 | ((cp >> 6) & 0x3f));
        out += char(0x80 | (cp & 0x3f));
    }
}

bool read_hex4(text_scan& s, std::uint32_t& out) noexcept
{
    auto rest = s.rest();
    if (rest.size() < 4)
        return false;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
    {
        char c = rest[i];
        int d = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (d < 0)
            return false;
        v = v * 16 + std::uint32_t(d);
    }
    s.advance(4);
    out = v;
    return true;
}

// A JSON string at the cursor (which is at the opening quote).
bool read_json_string(text_scan& s, std::string& out)
{
    out.clear();
    if (!s.accept('"'))
        return false;
    for (;;)
    {
        if (s.at_end())
            return false;
        char c = s.peek();
        s.advance(1);
        if (c == '"')
            return true;
        if (static_cast<unsigned char>(c) < 0x20)
            return false;
        if (c != '\\')
        {
            out += c;
            continue;
        }
        if (s.at_end())
            return false;
        char e = s.peek();
        s.advance(1);
        switch (e)
        {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u':
            {
                std::uint32_t cp = 0;
                if (!read_hex4(s, cp))
                    return false;
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    return false; // a lone low surrogate
                if (cp >= 0xd800 && cp <= 0xdbff)
                {
                    std::uint32_t low = 0;
                    if (!s.accept('\\') || !s.accept('u') || !read_hex4(s, low) || low < 0xdc00 ||
                        low > 0xdfff)
                        return false;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                }
                append_utf8(out, cp);
                break;
            }
            default:
                return false;
        }
    }
}

// A JSON number we can ignore (an unknown key's value): the RFC 8259 grammar, checked, not kept.
bool skip_json_number(text_scan& s) noexcept
{
    (void)s.accept('-');
    if (s.accept('0'))
    {}
    else if (text_scan::is_digit(s.peek()) && !s.at_end())
    {
        while (text_scan::is_digit(s.peek()) && !s.at_end())
            s.advance(1);
    }
    else
    {
        return false;
    }
    if (s.accept('.'))
    {
        if (!text_scan::is_digit(s.peek()) || s.at_end())
            return false;
        while (text_scan::is_digit(s.peek()) && !s.at_end())
            s.advance(1);
    }
    if (s.peek() == 'e' || s.peek() == 'E')
    {
        s.advance(1);
        if (!s.accept('+'))
            (void)s.accept('-');
        if (!text_scan::is_digit(s.peek()) || s.at_end())
            return false;
        while (text_scan::is_digit(s.peek()) && !s.at_end())
            s.advance(1);
    }
    return true;
}

bool parse_checkpoint(std::string_view text, stream_position& out)
{
    text_scan s(text);
    bool have_file = false, have_pos = false, have_gtids = false, have_mariadb = false;
    s.skip_space();
    if (!s.accept('{'))
        return false;
    s.skip_space();
    if (!s.accept('}'))
    {
        std::string key, value;
        for (;;)
        {
            s.skip_space();
            if (!read_json_string(s, key))
                return false;
            s.skip_space();
            if (!s.accept(':'))
                return false;
            s.skip_space();
            if (key == "pos")
            {
                if (have_pos ||
                    !s.unsigned_number(std::numeric_limits<std::uint64_t>::max(), out.file.offset))
                    return false;
                // No fraction, exponent or further digits (the number must be a plain integer).
                if (s.peek() == '.' || s.peek() == 'e' || s.peek() == 'E')
                    return false;
                have_pos = true;
            }
            else if (key == "file" || key == "gtid_set" || key == "mariadb_gtid")
            {
                if (!read_json_string(s, value))
                    return false;
                std::error_code ec;
                if (key == "file")
                {
                    if (have_file)
                        return false;
                    out.file.file = value;
                    have_file = true;
                }
                else if (key == "gtid_set")
                {
                    if (have_gtids)
                        return false;
                    out.gtids = gtid_set::parse(value, ec);
                    have_gtids = true;
                }
                else
                {
                    if (have_mariadb)
                        return false;
                    out.mariadb_gtids = mariadb_gtid_list::parse(value, ec);
                    have_mariadb = true;
                }
                if (ec)
                    return false;
            }
            else if (s.peek() == '"')
            {
                if (!read_json_string(s, value))
                    return false;
            }
            else if (!skip_json_number(s))
            {
                return false;
            }
            s.skip_space();
            if (s.accept('}'))
                break;
            if (!s.accept(','))
                return false;
        }
    }
    s.skip_space();
    return s.at_end() && have_file && have_pos;
}

} // namespace

std::string file_position::to_string() const
{
    return file + ':' + std::to_string(offset);
}

start_position stream_position::resume() const
{
    if (gtids)
        return *gtids;
    if (mariadb_gtids)
        return *mariadb_gtids;
    return file;
}

std::string stream_position::to_string() const
{
    std::string s = "{\"file\":";
    codec::append_escaped_json_string(s, file.file);
    s += ",\"pos\":";
    s += std::to_string(file.offset);
    if (gtids)
    {
        s += ",\"gtid_set\":";
        codec::append_escaped_json_string(s, gtids->to_string());
    }
    if (mariadb_gtids)
    {
        s += ",\"mariadb_gtid\":";
        codec::append_escaped_json_string(s, mariadb_gtids->to_string());
    }
    s += '}';
    return s;
}

stream_position stream_position::parse(std::string_view text, std::error_code& ec)
{
    ec.clear();
    stream_position p;
    if (!parse_checkpoint(text, p))
    {
        ec = make_error_code(errc::invalid_position);
        return {};
    }
    return p;
}

stream_position stream_position::parse(std::string_view text)
{
    std::error_code ec;
    auto p = parse(text, ec);
    if (ec)
        throw error(ec);
    return p;
}

} // namespace binlogstream
