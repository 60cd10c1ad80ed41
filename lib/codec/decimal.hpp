#pragma once

// MySQL's packed binary DECIMAL (strings/decimal.cc, bin2decimal / decimal_bin_size): the integer and
// fraction parts are stored separately, each as groups of 9 decimal digits in 4 big-endian bytes, with
// a shorter leading (integer) or trailing (fraction) group of 1-4 bytes for the leftover digits. The
// sign bit of the first byte is inverted, and negative numbers have every byte inverted, so that the
// bytes compare like the numbers.

#include "codec/byte_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace binlogstream::codec {

/// Bytes of a packed decimal of this precision and scale; 0 if precision/scale are impossible
/// (precision 1-65, scale <= 30 and <= precision).
[[nodiscard]] std::size_t decimal_binary_size(unsigned precision, unsigned scale) noexcept;

/// Checks that `packed` (exactly decimal_binary_size bytes) holds valid digit groups.
[[nodiscard]] std::error_code
validate_decimal(bytes_view packed, unsigned precision, unsigned scale) noexcept;

namespace decimal_detail {

inline constexpr unsigned group_bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
inline constexpr std::uint32_t powers_of_ten[10] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

// Calls on_group(digits, value) for each digit group, most significant first, of a packed decimal
// the caller has sized (`p` holds decimal_binary_size(precision, scale) bytes, not 0). The value is
// the group's magnitude; a group may hold more digits than it should (the caller checks). Returns
// whether the number is negative.
template <class OnGroup>
inline bool
for_each_group(const std::byte* p, unsigned precision, unsigned scale, OnGroup&& on_group) noexcept
{
    const unsigned intg = precision - scale;
    // Negative numbers have every byte inverted; the first byte's top bit is the inverted sign.
    const bool negative = (std::to_integer<std::uint8_t>(p[0]) & 0x80) == 0;
    const std::uint32_t invert = negative ? ~0u : 0u;
    std::uint32_t sign_bit = 0x80;
    auto group = [&](unsigned digits) {
        const unsigned n = group_bytes[digits];
        std::uint32_t v = 0;
        for (unsigned i = 0; i < n; ++i)
            v = (v << 8) | std::to_integer<std::uint8_t>(p[i]);
        v ^= (invert >> (32 - 8 * n)) ^ (sign_bit << (8 * (n - 1)));
        sign_bit = 0;
        p += n;
        on_group(digits, v);
    };
    if (intg % 9 != 0)
        group(intg % 9);
    for (unsigned i = intg / 9; i > 0; --i)
        group(9);
    for (unsigned i = scale / 9; i > 0; --i)
        group(9);
    if (scale % 9 != 0)
        group(scale % 9);
    return negative;
}

} // namespace decimal_detail

/// validate_decimal for a cell the caller has already sized (`p` holds decimal_binary_size(precision,
/// scale) bytes, and that size was not 0): inline for the row decoders, errc::bad_value for a digit
/// group holding more digits than it may.
[[nodiscard]] inline errc
check_decimal_digits(const std::byte* p, unsigned precision, unsigned scale) noexcept
{
    bool ok = true;
    decimal_detail::for_each_group(p, precision, scale, [&](unsigned digits, std::uint32_t v) {
        ok &= v < decimal_detail::powers_of_ten[digits];
    });
    return ok ? errc::ok : errc::bad_value;
}

/// Appends the decimal text with exactly `scale` fraction digits ("-1.50"); a zero value never gets a
/// minus sign. The input must have been validated.
void append_decimal(std::string& out, bytes_view packed, unsigned precision, unsigned scale);

/// The value scaled by 10^scale, if it fits an int64.
[[nodiscard]] bool
decimal_to_scaled_int64(bytes_view packed, unsigned precision, unsigned scale, std::int64_t& out) noexcept;

} // namespace binlogstream::codec
