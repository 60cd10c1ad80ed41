#include "codec/decimal.hpp"

#include <array>
#include <limits>

namespace binlogstream::codec {
namespace {

constexpr unsigned digits_per_group = 9;
constexpr std::array<unsigned, 10> bytes_for_digits{0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr std::array<std::uint32_t, 10> powers_of_ten{
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

constexpr unsigned max_precision = 65;
// MySQL allows 30, MariaDB 38.
constexpr unsigned max_scale = 38;

struct layout
{
    unsigned int_full = 0;     // full 9-digit groups of the integer part
    unsigned int_partial = 0;  // digits of the leading short group
    unsigned frac_full = 0;    // full groups of the fraction
    unsigned frac_partial = 0; // digits of the trailing short group
};

layout layout_of(unsigned precision, unsigned scale) noexcept
{
    unsigned intg = precision - scale;
    return {
        intg / digits_per_group, intg % digits_per_group, scale / digits_per_group, scale % digits_per_group};
}

// Walks the digit groups, most significant first, calling on_group(digits, value, is_fraction). Returns
// bad_value when a group holds a value with more digits than it may.
template <class OnGroup>
std::error_code
walk_groups(bytes_view packed, unsigned precision, unsigned scale, bool& negative, OnGroup&& on_group)
{
    auto l = layout_of(precision, scale);
    negative = (std::to_integer<std::uint8_t>(packed[0]) & 0x80) == 0;
    const std::uint8_t mask = negative ? 0xff : 0x00;
    std::size_t pos = 0;
    auto read = [&](unsigned nbytes) {
        std::uint32_t v = 0;
        for (unsigned i = 0; i < nbytes; ++i, ++pos)
        {
            auto b = std::uint8_t(std::to_integer<std::uint8_t>(packed[pos]) ^ mask);
            if (pos == 0)
                b ^= 0x80;
            v = (v << 8) | b;
        }
        return v;
    };
    auto group = [&](unsigned digits, bool frac) -> bool {
        auto v = read(bytes_for_digits[digits]);
        if (v >= powers_of_ten[digits])
            return false;
        on_group(digits, v, frac);
        return true;
    };
    if (l.int_partial != 0 && !group(l.int_partial, false))
        return make_error_code(errc::bad_value);
    for (unsigned i = 0; i < l.int_full; ++i)
        if (!group(digits_per_group, false))
            return make_error_code(errc::bad_value);
    for (unsigned i = 0; i < l.frac_full; ++i)
        if (!group(digits_per_group, true))
            return make_error_code(errc::bad_value);
    if (l.frac_partial != 0 && !group(l.frac_partial, true))
        return make_error_code(errc::bad_value);
    return {};
}

void append_padded(std::string& out, std::uint32_t v, unsigned digits)
{
    char buf[10];
    for (unsigned i = digits; i-- > 0;)
    {
        buf[i] = char('0' + v % 10);
        v /= 10;
    }
    out.append(buf, digits);
}

void append_unpadded(std::string& out, std::uint32_t v)
{
    char buf[10];
    unsigned n = 0;
    do
    {
        buf[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        out.push_back(buf[--n]);
}

} // namespace

std::size_t decimal_binary_size(unsigned precision, unsigned scale) noexcept
{
    if (precision == 0 || precision > max_precision || scale > max_scale || scale > precision)
        return 0;
    auto l = layout_of(precision, scale);
    return l.int_full * 4 + bytes_for_digits[l.int_partial] + l.frac_full * 4 +
           bytes_for_digits[l.frac_partial];
}

std::error_code validate_decimal(bytes_view packed, unsigned precision, unsigned scale) noexcept
{
    auto size = decimal_binary_size(precision, scale);
    if (size == 0)
        return make_error_code(errc::bad_value);
    if (packed.size() < size)
        return make_error_code(errc::truncated_event);
    bool negative = false;
    return walk_groups(packed.first(size), precision, scale, negative, [](unsigned, std::uint32_t, bool) {});
}

void append_decimal(std::string& out, bytes_view packed, unsigned precision, unsigned scale)
{
    auto start = out.size();
    out.push_back('-');
    bool negative = false;
    bool any_int = false;
    bool nonzero = false;
    bool in_fraction = false;
    auto ec =
        walk_groups(packed, precision, scale, negative, [&](unsigned digits, std::uint32_t v, bool frac) {
            nonzero = nonzero || v != 0;
            if (frac)
            {
                if (!in_fraction)
                {
                    if (!any_int)
                        out.push_back('0');
                    any_int = true;
                    out.push_back('.');
                    in_fraction = true;
                }
                append_padded(out, v, digits);
            }
            else if (any_int)
            {
                append_padded(out, v, digits);
            }
            else if (v != 0)
            {
                append_unpadded(out, v);
                any_int = true;
            }
        });
    if (ec)
    {
        out.resize(start);
        return;
    }
    if (!any_int)
        out.push_back('0');
    if (!negative || !nonzero)
        out.erase(start, 1);
}

bool decimal_to_scaled_int64(
    bytes_view packed, unsigned precision, unsigned scale, std::int64_t& out
) noexcept
{
    if (precision <= 18)
    {
        // At most 18 digits: the scaled value always fits (10^18 - 1 < 2^63), so no overflow checks,
        // and the groups are read inline (the common DECIMAL(p <= 18) of money columns).
        auto size = decimal_binary_size(precision, scale);
        if (size == 0 || packed.size() < size)
            return false;
        std::uint64_t acc = 0;
        bool ok = true;
        bool negative = decimal_detail::for_each_group(
            packed.data(),
            precision,
            scale,
            [&](unsigned digits, std::uint32_t v) {
                ok &= v < decimal_detail::powers_of_ten[digits];
                acc = acc * decimal_detail::powers_of_ten[digits] + v;
            }
        );
        out = negative ? -std::int64_t(acc) : std::int64_t(acc);
        return ok;
    }
    std::uint64_t acc = 0;
    bool overflow = false;
    bool negative = false;
    auto ec = walk_groups(packed, precision, scale, negative, [&](unsigned digits, std::uint32_t v, bool) {
        std::uint64_t next = 0;
        if (__builtin_mul_overflow(acc, std::uint64_t(powers_of_ten[digits]), &next) ||
            __builtin_add_overflow(next, std::uint64_t(v), &next))
            overflow = true;
        acc = next;
    });
    if (ec || overflow)
        return false;
    constexpr auto max = std::uint64_t(std::numeric_limits<std::int64_t>::max());
    if (negative)
    {
        if (acc > max + 1)
            return false;
        out = acc == max + 1 ? std::numeric_limits<std::int64_t>::min() : -std::int64_t(acc);
    }
    else
    {
        if (acc > max)
            return false;
        out = std::int64_t(acc);
    }
    return true;
}

} // namespace binlogstream::codec
