// Text forms of MySQL GTIDs and GTID sets, and the set arithmetic.
//
// Grammar (MySQL manual, "GTID Format and Storage", MySQL 8.4 and 9.x):
//   gtid_set: uuid_set [, uuid_set] ... | ''
//   uuid_set: uuid:[tag:]interval[:interval]...   (8.3+: further ":tag:interval..." groups)
//   tag:      [a-z_][a-z0-9_]{0,31}, case-insensitive (the server prints it in lower case)
//   interval: m[-n]  (m >= 1, n >= m)
// The server prints a set with sources in ascending UUID order and, per UUID, the untagged intervals
// first and then each tag in ascending order ("uuid:1-3:domain_1:1-3:15-21:domain_2:8-52", as shown
// in MySQL bug #116789). We do the same, joining sources with "," instead of the server's ",\n".
//
// Transaction numbers stop at 2^63 - 2: the binary form (Gtid_set::encode) stores the exclusive end
// of an interval as a signed 64-bit integer, so the server's parser refuses anything larger.

#include <binlogstream/position.hpp>

#include "replication/text_scan.hpp"

#include <algorithm>

namespace binlogstream {
namespace {

using replication::text_scan;

[[noreturn]] void throw_error(std::error_code ec)
{
    throw error(ec);
}

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool is_tag_start(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_tag_char(char c) noexcept
{
    return is_tag_start(c) || text_scan::is_digit(c);
}

constexpr std::size_t uuid_text_length = 36;
constexpr std::size_t tag_max_length = 32;

bool parse_uuid(std::string_view text, uuid& out) noexcept
{
    if (text.size() != uuid_text_length)
        return false;
    std::size_t byte = 0;
    for (std::size_t i = 0; i < text.size();)
    {
        if (i == 8 || i == 13 || i == 18 || i == 23)
        {
            if (text[i] != '-')
                return false;
            ++i;
            continue;
        }
        int hi = hex_value(text[i]);
        int lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out.bytes[byte++] = std::uint8_t(hi * 16 + lo);
        i += 2;
    }
    return true;
}

// Reads a tag at the cursor (the caller has seen a tag start character), lower-cased.
bool read_tag(text_scan& s, std::string& tag)
{
    tag.clear();
    while (!s.at_end() && is_tag_char(s.peek()))
    {
        if (tag.size() == tag_max_length)
            return false;
        tag.push_back(lower(s.peek()));
        s.advance(1);
    }
    return !tag.empty();
}

bool read_gno(text_scan& s, std::uint64_t& out) noexcept
{
    return s.unsigned_number(gtid::max_gno, out) && out >= 1;
}

// One "uuid:..." element of a set; the cursor is at the UUID (spaces skipped).
bool parse_uuid_set(text_scan& s, gtid_set& out)
{
    auto rest = s.rest();
    if (rest.size() < uuid_text_length)
        return false;
    gtid_set::source_id source;
    if (!parse_uuid(rest.substr(0, uuid_text_length), source.uuid))
        return false;
    s.advance(uuid_text_length);

    bool any_interval = false; // in the current (uuid, tag) group
    bool first_group = true;
    for (;;)
    {
        s.skip_space();
        if (!s.accept(':'))
            break;
        s.skip_space();
        char c = s.peek();
        if (text_scan::is_digit(c))
        {
            gtid_set::interval range;
            if (!read_gno(s, range.first))
                return false;
            range.last = range.first;
            s.skip_space();
            if (s.accept('-'))
            {
                s.skip_space();
                if (!read_gno(s, range.last) || range.last < range.first)
                    return false;
            }
            out.insert(source, range);
            any_interval = true;
        }
        else if (is_tag_start(c) && !s.at_end())
        {
            // A tag closes the previous group, which must not be empty.
            if (!first_group && !any_interval)
                return false;
            if (!read_tag(s, source.tag))
                return false;
            any_interval = false;
        }
        else
        {
            return false;
        }
        first_group = false;
    }
    return any_interval;
}

} // namespace

bool is_valid_gtid_tag(std::string_view tag) noexcept
{
    if (tag.empty() || tag.size() > tag_max_length)
        return false;
    auto ok_start = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
    if (!ok_start(tag[0]))
        return false;
    return std::all_of(tag.begin() + 1, tag.end(), [&](char c) {
        return ok_start(c) || text_scan::is_digit(c);
    });
}

// ---- uuid -------------------------------------------------------------------------------------

uuid uuid::parse(std::string_view text, std::error_code& ec) noexcept
{
    uuid u;
    ec.clear();
    if (!parse_uuid(text, u))
    {
        ec = make_error_code(errc::invalid_gtid);
        return {};
    }
    return u;
}

uuid uuid::parse(std::string_view text)
{
    std::error_code ec;
    auto u = parse(text, ec);
    if (ec)
        throw_error(ec);
    return u;
}

std::string uuid::to_string() const
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(uuid_text_length);
    for (std::size_t i = 0; i < bytes.size(); ++i)
    {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s.push_back('-');
        s.push_back(digits[bytes[i] >> 4]);
        s.push_back(digits[bytes[i] & 0x0f]);
    }
    return s;
}

// ---- gtid -------------------------------------------------------------------------------------

gtid gtid::parse(std::string_view text, std::error_code& ec)
{
    ec.clear();
    gtid g;
    text_scan s(text);
    s.skip_space();
    auto fail = [&] {
        ec = make_error_code(errc::invalid_gtid);
        return gtid{};
    };
    auto rest = s.rest();
    if (rest.size() < uuid_text_length || !parse_uuid(rest.substr(0, uuid_text_length), g.source))
        return fail();
    s.advance(uuid_text_length);
    s.skip_space();
    if (!s.accept(':'))
        return fail();
    s.skip_space();
    if (is_tag_start(s.peek()) && !s.at_end())
    {
        if (!read_tag(s, g.tag))
            return fail();
        s.skip_space();
        if (!s.accept(':'))
            return fail();
        s.skip_space();
    }
    if (!read_gno(s, g.gno))
        return fail();
    s.skip_space();
    if (!s.at_end())
        return fail();
    return g;
}

gtid gtid::parse(std::string_view text)
{
    std::error_code ec;
    auto g = parse(text, ec);
    if (ec)
        throw_error(ec);
    return g;
}

std::string gtid::to_string() const
{
    std::string s = source.to_string();
    if (!tag.empty())
    {
        s += ':';
        s += tag;
    }
    s += ':';
    s += std::to_string(gno);
    return s;
}

// ---- gtid_set ---------------------------------------------------------------------------------

gtid_set gtid_set::parse(std::string_view text, std::error_code& ec)
{
    ec.clear();
    gtid_set result;
    text_scan s(text);
    s.skip_space();
    if (s.at_end())
        return result;
    for (;;)
    {
        s.skip_space();
        if (!parse_uuid_set(s, result))
        {
            ec = make_error_code(errc::invalid_gtid);
            return {};
        }
        s.skip_space();
        if (s.at_end())
            return result;
        if (!s.accept(','))
        {
            ec = make_error_code(errc::invalid_gtid);
            return {};
        }
    }
}

gtid_set gtid_set::parse(std::string_view text)
{
    std::error_code ec;
    auto set = parse(text, ec);
    if (ec)
        throw_error(ec);
    return set;
}

bool gtid_set::contains(const gtid& g) const noexcept
{
    // Heterogeneous lookup would need a transparent comparator; a source_id copy is cheap enough.
    auto it = std::find_if(sources_.begin(), sources_.end(), [&](const auto& entry) {
        return entry.first.uuid == g.source && entry.first.tag == g.tag;
    });
    if (it == sources_.end())
        return false;
    const auto& v = it->second;
    auto pos = std::upper_bound(v.begin(), v.end(), g.gno, [](std::uint64_t x, const interval& iv) {
        return x < iv.first;
    });
    if (pos == v.begin())
        return false;
    --pos;
    return g.gno >= pos->first && g.gno <= pos->last;
}

void gtid_set::insert(const gtid& g)
{
    insert(source_id{g.source, g.tag}, interval{g.gno, g.gno});
}

void gtid_set::insert(const source_id& source, interval range)
{
    if (range.first < 1 || range.last > gtid::max_gno || range.first > range.last ||
        (!source.tag.empty() && !is_valid_gtid_tag(source.tag)))
        throw_error(make_error_code(errc::invalid_gtid));

    auto& v = sources_[source];
    // First interval that overlaps or touches `range` (or lies after it). `last + 1` cannot
    // overflow: last <= max_gno < 2^64 - 1.
    auto it = std::lower_bound(v.begin(), v.end(), range.first, [](const interval& iv, std::uint64_t first) {
        return iv.last + 1 < first;
    });
    auto end = it;
    while (end != v.end() && end->first <= range.last + 1)
    {
        range.first = std::min(range.first, end->first);
        range.last = std::max(range.last, end->last);
        ++end;
    }
    it = v.erase(it, end);
    v.insert(it, range);
}

void gtid_set::insert(const gtid_set& other)
{
    for (const auto& [source, intervals] : other.sources_)
        for (const auto& range : intervals)
            insert(source, range);
}

bool gtid_set::has_tags() const noexcept
{
    return std::any_of(sources_.begin(), sources_.end(), [](const auto& e) { return !e.first.tag.empty(); });
}

std::string gtid_set::to_string() const
{
    std::string s;
    const uuid* previous = nullptr;
    for (const auto& [source, intervals] : sources_)
    {
        if (previous == nullptr || *previous != source.uuid)
        {
            if (previous != nullptr)
                s += ',';
            s += source.uuid.to_string();
            previous = &source.uuid;
        }
        if (!source.tag.empty())
        {
            s += ':';
            s += source.tag;
        }
        for (const auto& range : intervals)
        {
            s += ':';
            s += std::to_string(range.first);
            if (range.last != range.first)
            {
                s += '-';
                s += std::to_string(range.last);
            }
        }
    }
    return s;
}

} // namespace binlogstream
