// Out-of-line members of the public cell model (value.hpp).

#include <binlogstream/value.hpp>

#include "codec/decimal.hpp"
#include "codec/temporal.hpp"

namespace binlogstream {

bool decimal_value::is_negative() const noexcept
{
    if (packed_.empty())
        return false;
    std::int64_t scaled = 0;
    if (to_scaled_int64(scaled))
        return scaled < 0;
    // Too large for an int64, hence nonzero: the sign bit decides.
    return (std::to_integer<std::uint8_t>(packed_[0]) & 0x80) == 0;
}

void decimal_value::append_to(std::string& out) const
{
    if (packed_.empty())
        return;
    codec::append_decimal(out, packed_, precision_, scale_);
}

std::string decimal_value::to_string() const
{
    std::string s;
    append_to(s);
    return s;
}

bool decimal_value::to_scaled_int64(std::int64_t& out) const noexcept
{
    if (packed_.empty())
        return false;
    return codec::decimal_to_scaled_int64(packed_, precision_, scale_, out);
}

bool date_value::is_invalid() const noexcept
{
    if (month < 1 || month > 12 || day < 1)
        return true;
    static constexpr std::uint8_t days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    unsigned max = days_in_month[month - 1] + (month == 2 && leap ? 1 : 0);
    return day > max;
}

datetime_value timestamp_value::to_utc() const noexcept
{
    return codec::civil_from_unix(seconds, microsecond, fsp);
}

} // namespace binlogstream
