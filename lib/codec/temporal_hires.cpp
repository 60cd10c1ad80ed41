// MariaDB 5.3 fractional temporal cells (layouts in temporal_hires.hpp).

#include "codec/temporal_hires.hpp"

#include <binlogstream/error.hpp>

#include <cstdint>

namespace binlogstream::codec {
namespace {

constexpr std::uint64_t powers_of_ten[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
// 838:59:59 + 1 s, in microseconds: what MariaDB adds so that negative times sort as unsigned bytes.
constexpr std::uint64_t time_zero_point = (838ull * 3600 + 59 * 60 + 59 + 1) * 1000000;

std::uint64_t load_be(bytes_view p) noexcept
{
    std::uint64_t v = 0;
    for (auto b : p)
        v = (v << 8) | std::to_integer<std::uint8_t>(b);
    return v;
}

// The fields of an unpacked time (sql-common/my_time.c unpack_time).
struct unpacked
{
    std::uint32_t microsecond, second, minute, hour, day, month;
    std::uint64_t year;
};

unpacked unpack(std::uint64_t v) noexcept
{
    unpacked u{};
    u.microsecond = std::uint32_t(v % 1000000);
    v /= 1000000;
    u.second = std::uint32_t(v % 60);
    v /= 60;
    u.minute = std::uint32_t(v % 60);
    v /= 60;
    u.hour = std::uint32_t(v % 24);
    v /= 24;
    u.day = std::uint32_t(v % 32);
    v /= 32;
    u.month = std::uint32_t(v % 13);
    u.year = v / 13;
    return u;
}

} // namespace

std::error_code decode_hires(column_type t, bytes_view data, unsigned fsp, value& out) noexcept
{
    const auto size = hires_cell_size(t, fsp);
    if (size == 0 || data.size() < size)
        return make_error_code(errc::bad_value);
    const auto unshift = powers_of_ten[6 - fsp];
    if (t == column_type::timestamp)
    {
        timestamp_value ts;
        ts.seconds = std::int64_t(load_be(data.first(4)));
        auto frac = load_be(data.subspan(4, size - 4)) * unshift;
        if (frac >= 1000000)
            return make_error_code(errc::bad_value);
        ts.microsecond = std::uint32_t(frac);
        ts.fsp = std::uint8_t(fsp);
        out = value(ts);
        return {};
    }
    auto raw = load_be(data.first(size));
    if (t == column_type::datetime)
    {
        auto u = unpack(raw * unshift);
        if (u.year > 9999)
            return make_error_code(errc::bad_value);
        datetime_value dt;
        dt.date = {std::uint16_t(u.year), std::uint8_t(u.month), std::uint8_t(u.day)};
        dt.hour = std::uint8_t(u.hour);
        dt.minute = std::uint8_t(u.minute);
        dt.second = std::uint8_t(u.second);
        dt.microsecond = u.microsecond;
        dt.fsp = std::uint8_t(fsp);
        out = value(dt);
        return {};
    }
    // TIME: take the zero point off (in the stored units), then unshift.
    const auto zero = time_zero_point / unshift;
    const bool negative = raw < zero;
    auto magnitude = (negative ? zero - raw : raw - zero) * unshift;
    auto u = unpack(magnitude);
    auto hours = (std::uint64_t(u.month) * 32 + u.day) * 24 + u.hour;
    if (u.year != 0 || hours > 838)
        return make_error_code(errc::bad_value);
    time_value tv;
    tv.negative = negative;
    tv.hours = std::uint32_t(hours);
    tv.minutes = std::uint8_t(u.minute);
    tv.seconds = std::uint8_t(u.second);
    tv.microseconds = u.microsecond;
    tv.fsp = std::uint8_t(fsp);
    out = value(tv);
    return {};
}

} // namespace binlogstream::codec
