// The binary form of a GTID set (MySQL Gtid_set::encode / add_gtid_encoding), used by
// PREVIOUS_GTIDS_LOG_EVENT and by the COM_BINLOG_DUMP_GTID request.
//
// Untagged format ("v0"), every MySQL since 5.6:
//   u64 n_sids (the top byte is the format, 0), then per source: uuid[16], u64 n_intervals, and per
//   interval i64 start, i64 end (exclusive).
// Tagged format ("v1"), MySQL >= 8.3, chosen by the server only when some source has a tag:
//   header u8 1, u48 n_tsids, u8 1; per source: uuid[16], tag length as a MySQL-serialization
//   variable-length unsigned integer (one byte `len << 1` for every valid tag), the tag bytes,
//   then n_intervals and the intervals as in v0.
// References: MySQL source docs "Library: Gtids" (binary formats v0/v1/v2) and
// mysql::gtids::detail::Gtid_set_header; "Library: Serialization" for the varlen integers.
// Checked byte for byte against the PREVIOUS_GTIDS events written by MySQL 8.0.40 and 9.6.0 in
// the shared test binlogs. The compact v2 format is never produced by servers (only decoded), and
// we do not accept it.

#include <binlogstream/position.hpp>

#include "codec/byte_reader.hpp"

#include <bit>

namespace binlogstream {
namespace {

void put_le(std::vector<std::byte>& out, std::uint64_t v, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(std::byte((v >> (8 * i)) & 0xff));
}

// MySQL serialization library: the count of trailing one bits of the first byte, plus one, is the
// number of bytes; the value is the little-endian integer shifted right by that count. A first
// byte 0xff means 8 more bytes hold the raw value.
void put_varlen(std::vector<std::byte>& out, std::uint64_t v)
{
    std::size_t bits = v == 0 ? 0 : std::size_t(64 - std::countl_zero(v));
    std::size_t n = bits <= 7 ? 1 : (bits + 6) / 7;
    if (n > 8)
    {
        out.push_back(std::byte{0xff});
        put_le(out, v, 8);
        return;
    }
    std::uint64_t encoded = (v << n) | ((std::uint64_t(1) << (n - 1)) - 1);
    put_le(out, encoded, n);
}

std::uint64_t read_varlen(codec::byte_reader& r) noexcept
{
    if (!r.has(1))
    {
        r.fail(errc::truncated_event);
        return 0;
    }
    auto first = std::to_integer<std::uint8_t>(*r.current());
    auto n = std::size_t(std::countr_one(first)) + 1;
    if (n == 9)
    {
        r.skip(1);
        return r.u64();
    }
    if (!r.has(n))
    {
        r.fail(errc::truncated_event);
        return 0;
    }
    std::uint64_t v = 0;
    auto bytes = r.bytes_unchecked(n);
    for (std::size_t i = 0; i < n; ++i)
        v |= std::uint64_t(std::to_integer<std::uint8_t>(bytes[i])) << (8 * i);
    return v >> n;
}

constexpr std::size_t uuid_size = 16;
constexpr std::uint64_t max_end = 0x7fffffffffffffffULL; // exclusive end of an interval

} // namespace

std::vector<std::byte> gtid_set::encode() const
{
    const bool tagged = has_tags();
    std::vector<std::byte> out;
    out.reserve(8 + sources_.size() * (uuid_size + 8 + 16 + (tagged ? 33 : 0)));
    if (tagged)
    {
        out.push_back(std::byte{1});
        put_le(out, sources_.size(), 6);
        out.push_back(std::byte{1});
    }
    else
    {
        put_le(out, sources_.size(), 8);
    }
    for (const auto& [source, intervals] : sources_)
    {
        for (auto b : source.uuid.bytes)
            out.push_back(std::byte(b));
        if (tagged)
        {
            put_varlen(out, source.tag.size());
            for (char c : source.tag)
                out.push_back(std::byte(c));
        }
        put_le(out, intervals.size(), 8);
        for (const auto& range : intervals)
        {
            put_le(out, range.first, 8);
            put_le(out, range.last + 1, 8);
        }
    }
    return out;
}

gtid_set gtid_set::decode(std::span<const std::byte> data, std::error_code& ec)
{
    ec.clear();
    codec::byte_reader r(data);
    gtid_set result;
    auto fail = [&](std::error_code e) {
        ec = e;
        return gtid_set{};
    };

    if (!r.has(8))
        return fail(make_error_code(errc::truncated_event));
    auto header = r.u64_unchecked();
    auto version = std::uint8_t(header >> 56);
    bool tagged = false;
    std::uint64_t count = 0;
    if (version == 0)
    {
        count = header & 0x00ffffffffffffffULL;
    }
    else if (version == 1 && (header & 0xff) == 1)
    {
        tagged = true;
        count = (header >> 8) & 0xffffffffffffULL;
    }
    else
    {
        return fail(make_error_code(errc::invalid_gtid));
    }
    // Each source takes at least uuid + n_intervals (+ one tag-length byte): refuse counts the
    // data cannot hold before looping on them.
    const std::size_t min_source = uuid_size + 8 + (tagged ? 1 : 0);
    if (count > r.remaining() / min_source)
        return fail(make_error_code(errc::truncated_event));

    for (std::uint64_t i = 0; i < count; ++i)
    {
        source_id source;
        if (!r.has(uuid_size))
            return fail(make_error_code(errc::truncated_event));
        auto raw = r.bytes_unchecked(uuid_size);
        for (std::size_t b = 0; b < uuid_size; ++b)
            source.uuid.bytes[b] = std::to_integer<std::uint8_t>(raw[b]);
        if (tagged)
        {
            auto length = read_varlen(r);
            if (!r.ok())
                return fail(r.error());
            if (length > 32)
                return fail(make_error_code(errc::invalid_gtid));
            auto tag = r.string(std::size_t(length));
            if (!r.ok())
                return fail(r.error());
            for (char c : tag)
                source.tag.push_back((c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c);
            if (!source.tag.empty() && !is_valid_gtid_tag(source.tag))
                return fail(make_error_code(errc::invalid_gtid));
        }
        auto n_intervals = r.u64();
        if (!r.ok())
            return fail(r.error());
        if (n_intervals > r.remaining() / 16)
            return fail(make_error_code(errc::truncated_event));
        for (std::uint64_t k = 0; k < n_intervals; ++k)
        {
            auto start = r.u64_unchecked();
            auto end = r.u64_unchecked();
            if (start < 1 || end <= start || end > max_end)
                return fail(make_error_code(errc::invalid_gtid));
            result.insert(source, interval{start, end - 1});
        }
    }
    if (!r.empty())
        return fail(make_error_code(errc::extra_bytes));
    return result;
}

} // namespace binlogstream
