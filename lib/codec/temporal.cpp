#include "codec/temporal.hpp"

#include <array>

namespace binlogstream::codec {
namespace {

using temporal_detail::sign_extend;

constexpr std::array<std::uint32_t, 7> powers_of_ten{1, 10, 100, 1000, 10000, 100000, 1000000};

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
