#include "codec/temporal.hpp"

#include <array>

namespace binlogstream::codec {
namespace {

constexpr std::int64_t time_int_offset = 0x800000;
constexpr std::int64_t time_offset = 0x800000000000;
constexpr std::int64_t datetime_int_offset = 0x8000000000;
constexpr std::int64_t fraction_bits = 24;
constexpr std::int64_t fraction_unit = std::int64_t{1} << fraction_bits;

constexpr std::array<std::uint32_t, 7> powers_of_ten{1, 10, 100, 1000, 10000, 100000, 1000000};

std::int64_t sign_extend(std::uint64_t v, unsigned bits) noexcept
{
    auto m = std::uint64_t{1} << (bits - 1);
    return std::int64_t((v ^ m) - m);
}

// Big-endian signed fraction of fsp digits, in microseconds (may be negative for TIME2).
std::int64_t read_fraction(const std::byte* p, unsigned fsp) noexcept
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

void append_number(std::string& out, std::uint64_t v, unsigned min_digits)
{
    char buf[24];
    unsigned n = 0;
    do
    {
        buf[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n < min_digits)
        buf[n++] = '0';
    while (n > 0)
        out.push_back(buf[--n]);
}

void append_fraction(std::string& out, std::uint32_t microsecond, unsigned digits)
{
    if (digits == 0)
        return;
    if (digits > 6)
        digits = 6;
    out.push_back('.');
    append_number(out, (microsecond % 1000000) / powers_of_ten[6 - digits], digits);
}

} // namespace

date_value decode_date(bytes_view data) noexcept
{
    auto v = std::uint32_t(load_le<3>(data.data()));
    return {std::uint16_t(v >> 9), std::uint8_t((v >> 5) & 15), std::uint8_t(v & 31)};
}

time_value decode_old_time(bytes_view data) noexcept
{
    auto v = sign_extend(load_le<3>(data.data()), 24);
    time_value t;
    t.negative = v < 0;
    if (v < 0)
        v = -v;
    t.hours = std::uint32_t(v / 10000);
    t.minutes = std::uint8_t(v / 100 % 100);
    t.seconds = std::uint8_t(v % 100);
    return t;
}

datetime_value decode_old_datetime(bytes_view data) noexcept
{
    auto v = load_le<8>(data.data());
    auto date = v / 1000000;
    auto time = v % 1000000;
    datetime_value dt;
    dt.date = {std::uint16_t(date / 10000 % 10000), std::uint8_t(date / 100 % 100), std::uint8_t(date % 100)};
    dt.hour = std::uint8_t(time / 10000);
    dt.minute = std::uint8_t(time / 100 % 100);
    dt.second = std::uint8_t(time % 100);
    return dt;
}

std::error_code decode_time2(bytes_view data, unsigned fsp, time_value& out) noexcept
{
    if (fsp > 6)
        return make_error_code(errc::bad_value);
    const auto* p = data.data();
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
    if (out.microseconds >= 1000000)
        return make_error_code(errc::bad_value);
    return {};
}

std::error_code decode_datetime2(bytes_view data, unsigned fsp, datetime_value& out) noexcept
{
    if (fsp > 6)
        return make_error_code(errc::bad_value);
    std::int64_t intpart = std::int64_t(load_be<5>(data.data())) - datetime_int_offset;
    std::int64_t frac = fsp == 0 ? 0 : read_fraction(data.data() + 5, fsp);
    if (intpart < 0 || frac < 0 || frac >= 1000000)
        return make_error_code(errc::bad_value);
    out = datetime_from_packed(intpart * fraction_unit + frac, fsp);
    return {};
}

std::error_code decode_timestamp2(bytes_view data, unsigned fsp, timestamp_value& out) noexcept
{
    if (fsp > 6)
        return make_error_code(errc::bad_value);
    out.seconds = std::int64_t(load_be<4>(data.data()));
    std::int64_t frac = 0;
    if (fsp != 0)
    {
        // One byte is unsigned here (my_timestamp_from_binary reads ptr[4] as unsigned char).
        frac = fraction_bytes(fsp) == 1 ? std::int64_t(load_be<1>(data.data() + 4)) * 10000
                                        : read_fraction(data.data() + 4, fsp);
    }
    if (frac < 0 || frac >= 1000000)
        return make_error_code(errc::bad_value);
    out.microsecond = std::uint32_t(frac);
    out.fsp = std::uint8_t(fsp);
    return {};
}

time_value time_from_packed(std::int64_t packed, unsigned fsp) noexcept
{
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

datetime_value datetime_from_packed(std::int64_t packed, unsigned fsp) noexcept
{
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

datetime_value civil_from_unix(std::int64_t seconds, std::uint32_t microsecond, unsigned fsp) noexcept
{
    // Days to civil date (proleptic Gregorian), after H. Hinnant's public-domain algorithm description.
    std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    std::int64_t secs = seconds - days * 86400;
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        ++y;
    datetime_value dt;
    dt.date = {std::uint16_t(y), std::uint8_t(m), std::uint8_t(d)};
    dt.hour = std::uint8_t(secs / 3600);
    dt.minute = std::uint8_t(secs / 60 % 60);
    dt.second = std::uint8_t(secs % 60);
    dt.microsecond = microsecond;
    dt.fsp = std::uint8_t(fsp);
    return dt;
}

void append_date(std::string& out, const date_value& d)
{
    append_number(out, d.year, 4);
    out.push_back('-');
    append_number(out, d.month, 2);
    out.push_back('-');
    append_number(out, d.day, 2);
}

void append_datetime(std::string& out, const datetime_value& dt, unsigned digits)
{
    append_date(out, dt.date);
    out.push_back(' ');
    append_number(out, dt.hour, 2);
    out.push_back(':');
    append_number(out, dt.minute, 2);
    out.push_back(':');
    append_number(out, dt.second, 2);
    append_fraction(out, dt.microsecond, digits);
}

void append_time(std::string& out, const time_value& t, unsigned digits)
{
    if (t.negative)
        out.push_back('-');
    append_number(out, t.hours, 2);
    out.push_back(':');
    append_number(out, t.minutes, 2);
    out.push_back(':');
    append_number(out, t.seconds, 2);
    append_fraction(out, t.microseconds, digits);
}

void append_timestamp(std::string& out, const timestamp_value& ts, unsigned digits)
{
    if (ts.is_zero())
    {
        // The server prints the zero timestamp as the zero datetime.
        append_datetime(out, datetime_value{}, digits);
        return;
    }
    append_datetime(out, civil_from_unix(ts.seconds, ts.microsecond, digits), digits);
}

} // namespace binlogstream::codec
