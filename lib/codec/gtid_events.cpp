// MySQL GTID events: GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT (34), GTID_TAGGED_LOG_EVENT (42)
// and PREVIOUS_GTIDS_LOG_EVENT (35).
// References: MySQL libs/mysql/binlog/event/control_events.{h,cpp} (Gtid_event, Previous_gtids_event),
// libs/mysql/serialization (the format of GTID_TAGGED_LOG_EVENT: version byte, varlen payload size,
// varlen last non-ignorable field id, then (varlen field id, value) pairs; varlen integers store their
// byte count as trailing one bits of the first byte), sql/rpl_gtid_set.cc (Gtid_set::encode, tagged
// format marker in the top byte of the count).

#include "codec/event_decoder.hpp"

#include <cstdio>

namespace binlogstream::codec {
namespace {

// MySQL serialization library unsigned varlen integer.
std::uint64_t read_varlen(byte_reader& r) noexcept
{
    if (!r.has(1))
    {
        r.fail(errc::truncated_event);
        return 0;
    }
    auto first = std::to_integer<std::uint8_t>(r.rest()[0]);
    std::size_t ones = 0;
    while (ones < 8 && (first >> ones) & 1)
        ++ones;
    if (ones == 8)
    {
        r.skip(1);
        return r.u64();
    }
    std::size_t n = ones + 1;
    auto b = r.bytes(n);
    if (!r.ok())
        return 0;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v |= std::uint64_t(std::to_integer<std::uint8_t>(b[i])) << (8 * i);
    return v >> n;
}

std::int64_t read_varlen_signed(byte_reader& r) noexcept
{
    auto u = read_varlen(r);
    auto magnitude = static_cast<std::int64_t>(u >> 1);
    return (u & 1) ? -magnitude - 1 : magnitude;
}

std::error_code decode_untagged(bytes_view body, const decode_context& ctx, gtid_event& ev)
{
    byte_reader r(body);
    if (!r.has(1 + 16 + 8))
        return make_error_code(errc::truncated_event);
    ev.flags = r.u8_unchecked();
    for (auto& b : ev.sid)
        b = r.u8_unchecked();
    ev.gno = static_cast<std::int64_t>(r.u64_unchecked());
    // MySQL 5.6 ends here; 5.7.5+ adds the logical clock (typecode 2), 8.0 the rest.
    if (r.empty() || std::to_integer<std::uint8_t>(r.rest()[0]) != 2)
        return finish(r, ctx);
    r.skip(1);
    ev.has_logical_clock = true;
    ev.last_committed = static_cast<std::int64_t>(r.u64());
    ev.sequence_number = static_cast<std::int64_t>(r.u64());
    if (!r.ok())
        return r.error();
    if (r.remaining() >= 7)
    {
        constexpr std::uint64_t high_bit = std::uint64_t(1) << 55;
        ev.immediate_commit_timestamp = r.uint<7>();
        if (ev.immediate_commit_timestamp & high_bit)
        {
            ev.immediate_commit_timestamp &= ~high_bit;
            ev.original_commit_timestamp = r.uint<7>();
        }
        else
        {
            ev.original_commit_timestamp = ev.immediate_commit_timestamp;
        }
        if (!r.ok())
            return r.error();
        if (!r.empty())
            ev.transaction_length = r.lenenc();
        if (r.ok() && r.remaining() >= 4)
        {
            constexpr std::uint32_t high = std::uint32_t(1) << 31;
            ev.immediate_server_version = r.u32();
            if (ev.immediate_server_version & high)
            {
                ev.immediate_server_version &= ~high;
                ev.original_server_version = r.u32();
            }
            else
            {
                ev.original_server_version = ev.immediate_server_version;
            }
        }
    }
    return finish(r, ctx);
}

std::error_code decode_tagged(bytes_view body, const decode_context& ctx, gtid_event& ev)
{
    byte_reader r(body);
    auto version = r.u8();
    if (!r.ok())
        return r.error();
    auto start = r.position() - 1;
    auto payload_size = read_varlen(r);
    auto last_non_ignorable = read_varlen(r);
    if (!r.ok())
        return r.error();
    auto consumed = r.position() - start;
    if (payload_size < consumed || payload_size - consumed > r.remaining())
        return make_error_code(payload_size < consumed ? errc::bad_value : errc::truncated_event);
    byte_reader f(r.bytes(static_cast<std::size_t>(payload_size - consumed)));
    (void)version;
    bool seen_original_ts = false, seen_original_version = false, seen_tag = false;
    while (!f.empty() && f.ok())
    {
        auto id = read_varlen(f);
        switch (id)
        {
            case 0:
                ev.flags = static_cast<std::uint8_t>(read_varlen(f));
                break;
            case 1:
                for (auto& b : ev.sid)
                    b = static_cast<std::uint8_t>(read_varlen(f));
                break;
            case 2:
                ev.gno = read_varlen_signed(f);
                break;
            case 3:
            {
                auto n = read_varlen(f);
                if (!f.ok() || n > f.remaining())
                    return make_error_code(errc::truncated_event);
                ev.tag.assign(f.string(static_cast<std::size_t>(n)));
                seen_tag = true;
                break;
            }
            case 4:
                ev.last_committed = read_varlen_signed(f);
                ev.has_logical_clock = true;
                break;
            case 5:
                ev.sequence_number = read_varlen_signed(f);
                break;
            case 6:
                ev.immediate_commit_timestamp = read_varlen(f);
                break;
            case 7:
                ev.original_commit_timestamp = read_varlen(f);
                seen_original_ts = true;
                break;
            case 8:
                ev.transaction_length = read_varlen(f);
                break;
            case 9:
                ev.immediate_server_version = static_cast<std::uint32_t>(read_varlen(f));
                break;
            case 10:
                ev.original_server_version = static_cast<std::uint32_t>(read_varlen(f));
                seen_original_version = true;
                break;
            case 11:
                ev.commit_group_ticket = read_varlen(f);
                break;
            default:
                // An unknown field's size is unknown: fatal only if the writer said it matters.
                if (id <= last_non_ignorable)
                    return make_error_code(errc::bad_value);
                f.skip(f.remaining());
                break;
        }
    }
    if (!f.ok())
        return f.error();
    if (!seen_tag)
        return make_error_code(errc::bad_value);
    if (!seen_original_ts)
        ev.original_commit_timestamp = ev.immediate_commit_timestamp;
    if (!seen_original_version)
        ev.original_server_version = ev.immediate_server_version;
    return finish(r, ctx);
}

} // namespace

std::error_code decode_gtid(bytes_view body, const decode_context& ctx, event_type type, gtid_event& out)
{
    if (type == event_type::gtid_tagged)
        return decode_tagged(body, ctx, out);
    return decode_untagged(body, ctx, out);
}

std::error_code decode_previous_gtids(bytes_view body, const decode_context& ctx, previous_gtids_event& out)
{
    byte_reader r(body);
    auto head = r.u64();
    if (!r.ok())
        return r.error();
    auto format = static_cast<std::uint8_t>(head >> 56);
    if (format > 1)
        return make_error_code(errc::bad_value);
    bool tagged = format == 1;
    auto count = tagged ? (head >> 8) & 0xffffffffffffULL : head & 0x00ffffffffffffffULL;
    // Each entry takes at least 24 bytes: check before trusting the count.
    if (count > r.remaining() / 24)
        return make_error_code(errc::truncated_event);
    out.gtids.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i)
    {
        gtid_set_entry e;
        auto sid = r.bytes(16);
        if (!r.ok())
            return r.error();
        for (std::size_t k = 0; k < 16; ++k)
            e.sid[k] = std::to_integer<std::uint8_t>(sid[k]);
        if (tagged)
        {
            auto n = read_varlen(r);
            if (!r.ok() || n > r.remaining())
                return make_error_code(errc::truncated_event);
            e.tag.assign(r.string(static_cast<std::size_t>(n)));
        }
        auto intervals = r.u64();
        if (!r.ok())
            return r.error();
        if (intervals > r.remaining() / 16)
            return make_error_code(errc::truncated_event);
        for (std::uint64_t k = 0; k < intervals; ++k)
        {
            auto a = static_cast<std::int64_t>(r.u64());
            auto b = static_cast<std::int64_t>(r.u64());
            e.intervals.emplace_back(a, b);
        }
        out.gtids.push_back(std::move(e));
    }
    return finish(r, ctx);
}

} // namespace binlogstream::codec

namespace binlogstream {
namespace {

void append_uuid(std::string& s, const std::array<std::uint8_t, 16>& u)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < 16; ++i)
    {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s += '-';
        s += hex[u[i] >> 4];
        s += hex[u[i] & 15];
    }
}

} // namespace

std::string gtid_event::to_string() const
{
    std::string s;
    append_uuid(s, sid);
    if (!tag.empty())
    {
        s += ':';
        s += tag;
    }
    s += ':';
    s += std::to_string(gno);
    return s;
}

std::string previous_gtids_event::to_string() const
{
    // MySQL's text form: "uuid:1-5:7,uuid2:tag:1-3"; the tags of one UUID follow its untagged
    // intervals without repeating the UUID ("uuid:1-13:mytag:1-2").
    std::string s;
    for (std::size_t i = 0; i < gtids.size(); ++i)
    {
        bool same_uuid = i > 0 && gtids[i].sid == gtids[i - 1].sid;
        if (!same_uuid)
        {
            if (i)
                s += ',';
            append_uuid(s, gtids[i].sid);
        }
        if (!gtids[i].tag.empty())
        {
            s += ':';
            s += gtids[i].tag;
        }
        for (auto [a, b] : gtids[i].intervals)
        {
            s += ':';
            s += std::to_string(a);
            // Intervals are [a, b): the last GNO is b - 1 (computed without signed overflow).
            auto last = static_cast<std::int64_t>(static_cast<std::uint64_t>(b) - 1);
            if (b > a && last > a)
            {
                s += '-';
                s += std::to_string(last);
            }
        }
    }
    return s;
}

} // namespace binlogstream
