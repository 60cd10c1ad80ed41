#pragma once

// Temporal column encodings and their text forms.
//
// Row images (MySQL sql/log_event.cc log_event_print_value, mysys/my_time.cc):
//   DATE/NEWDATE  3 bytes LE: day | month << 5 | year << 9
//   TIME (old)    3 bytes LE, signed HHMMSS as an integer
//   DATETIME (old) 8 bytes LE, YYYYMMDDhhmmss as an integer
//   TIMESTAMP (old) 4 bytes LE seconds
//   TIME2         3 bytes BE, offset 0x800000, + fraction   (my_time_packed_from_binary)
//   DATETIME2     5 bytes BE, offset 0x8000000000, + fraction (my_datetime_packed_from_binary)
//   TIMESTAMP2    4 bytes BE seconds + fraction            (my_timestamp_from_binary)
// The fraction takes (fsp + 1) / 2 bytes, big-endian: 1 byte of hundredths, 2 bytes of 1/10000,
// 3 bytes of microseconds.

#include <binlogstream/value.hpp>

#include "codec/byte_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace binlogstream::codec {

[[nodiscard]] constexpr std::size_t fraction_bytes(unsigned fsp) noexcept
{
    return (fsp + 1) / 2;
}

namespace temporal_detail {

inline constexpr std::int64_t time_int_offset = 0x800000;
inline constexpr std::int64_t time_offset = 0x800000000000;
inline constexpr std::int64_t datetime_int_offset = 0x8000000000;
inline constexpr std::int64_t fraction_bits = 24;
inline constexpr std::int64_t fraction_unit = std::int64_t{1} << fraction_bits;

[[nodiscard]] inline std::int64_t sign_extend(std::uint64_t v, unsigned bits) noexcept
{
    auto m = std::uint64_t{1} << (bits - 1);
    return std::int64_t((v ^ m) - m);
}

// Big-endian signed fraction of fsp digits, in microseconds (may be negative for TIME2).
[[nodiscard]] inline std::int64_t read_fraction(const std::byte* p, unsigned fsp) noexcept
{
    switch (fraction_bytes(fsp))
    {
        case 1:
            return sign_extend(load_be<1>(p), 8) * 10000;
        case 2:
            return sign_extend(load_be<2>(p), 16) * 100;
        case 3:
            return sign_extend(load_be<3>(p), 24);
        default:
            return 0;
    }
}

} // namespace temporal_detail

/// MySQL's in-memory "packed" temporal integers (used inside binary JSON opaque values):
/// TIME_from_longlong_time_packed / TIME_from_longlong_datetime_packed.
[[nodiscard]] inline time_value time_from_packed(std::int64_t packed, unsigned fsp) noexcept
{
    using namespace temporal_detail;
    time_value t;
    t.negative = packed < 0;
    std::uint64_t v = packed < 0 ? std::uint64_t(0) - std::uint64_t(packed) : std::uint64_t(packed);
    auto hms = v >> fraction_bits;
    t.hours = std::uint32_t((hms >> 12) % (1u << 10));
    t.minutes = std::uint8_t((hms >> 6) % (1u << 6));
    t.seconds = std::uint8_t(hms % (1u << 6));
    t.microseconds = std::uint32_t(v % std::uint64_t(fraction_unit));
    t.fsp = std::uint8_t(fsp);
    return t;
}

/// See time_from_packed.
[[nodiscard]] inline datetime_value datetime_from_packed(std::int64_t packed, unsigned fsp) noexcept
{
    using namespace temporal_detail;
    std::uint64_t v = packed < 0 ? std::uint64_t(0) - std::uint64_t(packed) : std::uint64_t(packed);
    datetime_value dt;
    dt.microsecond = std::uint32_t(v % std::uint64_t(fraction_unit));
    auto ymdhms = v >> fraction_bits;
    auto ymd = ymdhms >> 17;
    auto ym = ymd >> 5;
    auto hms = ymdhms % (1u << 17);
    dt.date.day = std::uint8_t(ymd % (1u << 5));
    dt.date.month = std::uint8_t(ym % 13);
    dt.date.year = std::uint16_t(ym / 13);
    dt.second = std::uint8_t(hms % (1u << 6));
    dt.minute = std::uint8_t((hms >> 6) % (1u << 6));
    dt.hour = std::uint8_t(hms >> 12);
    dt.fsp = std::uint8_t(fsp);
    return dt;
}

// Each decoder reads exactly its fixed size from `p` (the caller checked the size). They are inline:
// the row decoders call them once per cell. The ones that can fail return errc::bad_value for a fsp
// above 6 or a fraction out of range, and leave `out` unspecified.

[[nodiscard]] inline date_value decode_date(const std::byte* p) noexcept
{
    auto v = std::uint32_t(load_le<3>(p));
    return {std::uint16_t(v >> 9), std::uint8_t((v >> 5) & 15), std::uint8_t(v & 31)};
}
[[nodiscard]] inline date_value decode_date(bytes_view data) noexcept
{
    return decode_date(data.data());
}
[[nodiscard]] time_value decode_old_time(bytes_view data) noexcept;
[[nodiscard]] datetime_value decode_old_datetime(bytes_view data) noexcept;

[[nodiscard]] inline errc decode_time2(const std::byte* p, unsigned fsp, time_value& out) noexcept
{
    using namespace temporal_detail;
    if (fsp > 6)
        return errc::bad_value;
    std::int64_t packed = 0;
    if (fsp >= 5)
    {
        // Six bytes: the integer and the fraction form one offset number, so negative values need no
        // correction.
        packed = std::int64_t(load_be<6>(p)) - time_offset;
    }
    else
    {
        std::int64_t intpart = std::int64_t(load_be<3>(p)) - time_int_offset;
        std::int64_t frac = 0;
        if (fsp >= 1)
        {
            // Negative times store the fraction in reverse order (for binary sorting): the integer
            // part is rounded towards -infinity and the fraction byte(s) hold 0x100 (0x10000) minus the
            // fraction's magnitude (-00:00:01.10 is 7FFFFE.F6). my_time_packed_from_binary borrows the
            // second back; so do we.
            bool one_byte = fsp <= 2;
            std::int64_t raw = one_byte ? std::int64_t(load_be<1>(p + 3)) : std::int64_t(load_be<2>(p + 3));
            if (intpart < 0 && raw != 0)
            {
                intpart += 1;
                raw -= one_byte ? 0x100 : 0x10000;
            }
            frac = raw * (one_byte ? 10000 : 100);
        }
        packed = intpart * fraction_unit + frac;
    }
    out = time_from_packed(packed, fsp);
    return out.microseconds >= 1000000 ? errc::bad_value : errc::ok;
}

[[nodiscard]] inline errc decode_datetime2(const std::byte* p, unsigned fsp, datetime_value& out) noexcept
{
    using namespace temporal_detail;
    if (fsp > 6)
        return errc::bad_value;
    std::int64_t intpart = std::int64_t(load_be<5>(p)) - datetime_int_offset;
    std::int64_t frac = fsp == 0 ? 0 : read_fraction(p + 5, fsp);
    if (intpart < 0 || frac < 0 || frac >= 1000000)
        return errc::bad_value;
    out = datetime_from_packed(intpart * fraction_unit + frac, fsp);
    return errc::ok;
}

[[nodiscard]] inline errc decode_timestamp2(const std::byte* p, unsigned fsp, timestamp_value& out) noexcept
{
    using namespace temporal_detail;
    if (fsp > 6)
        return errc::bad_value;
    out.seconds = std::int64_t(load_be<4>(p));
    std::int64_t frac = 0;
    if (fsp != 0)
    {
        // One byte is unsigned here (my_timestamp_from_binary reads ptr[4] as unsigned char).
        frac = fraction_bytes(fsp) == 1 ? std::int64_t(load_be<1>(p + 4)) * 10000 : read_fraction(p + 4, fsp);
    }
    if (frac < 0 || frac >= 1000000)
        return errc::bad_value;
    out.microsecond = std::uint32_t(frac);
    out.fsp = std::uint8_t(fsp);
    return errc::ok;
}

/// The UTC calendar date and time of a Unix time.
[[nodiscard]] datetime_value
civil_from_unix(std::int64_t seconds, std::uint32_t microsecond, unsigned fsp) noexcept;

// Text forms as MySQL prints them; `digits` fraction digits (0 = no point).
void append_date(std::string& out, const date_value& d);
void append_datetime(std::string& out, const datetime_value& dt, unsigned digits);
void append_time(std::string& out, const time_value& t, unsigned digits);
void append_timestamp(std::string& out, const timestamp_value& ts, unsigned digits);

} // namespace binlogstream::codec
