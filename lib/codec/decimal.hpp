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

/// Appends the decimal text with exactly `scale` fraction digits ("-1.50"); a zero value never gets a
/// minus sign. The input must have been validated.
void append_decimal(std::string& out, bytes_view packed, unsigned precision, unsigned scale);

/// The value scaled by 10^scale, if it fits an int64.
[[nodiscard]] bool
decimal_to_scaled_int64(bytes_view packed, unsigned precision, unsigned scale, std::int64_t& out) noexcept;

} // namespace binlogstream::codec
