#pragma once

// MariaDB's own fractional TIME(N), DATETIME(N) and TIMESTAMP(N) (5.3 to 10.0, and later tables
// created with mysql56_temporal_format=OFF; SHOW CREATE TABLE marks them "/* mariadb-5.3 */").
// They are logged as the old types 11, 12 and 7 with no metadata, so the binlog alone cannot size
// them: N comes from the table cache (information_schema DATETIME_PRECISION), which puts it into
// `column_info::meta` (0 for these types in every TABLE_MAP). N = 0 is the plain old layout.
//
// Layouts (MariaDB sql/field.cc, Field_*_hires; big-endian; shift(x) = x / 10^(6 - N)):
//   TIMESTAMP(N)  4 bytes seconds, then shift(microseconds) in {0,1,1,2,2,3,3}[N] bytes
//   DATETIME(N)   shift(packed) in {5,6,6,7,7,7,8}[N] bytes
//   TIME(N)       shift(packed) + shift(838:59:59 + 1 s in microseconds) in {3,4,4,5,5,5,6}[N] bytes
// where packed = ((((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second)
// * 1000000 + microsecond), negated for a negative TIME (sql-common/my_time.c pack_time).

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include "codec/byte_reader.hpp"

#include <cstddef>
#include <system_error>

namespace binlogstream::codec {

/// Whether `t` is one of the old temporal types that may be a hires column (TIME, DATETIME,
/// TIMESTAMP; not DATE, which has no fraction).
[[nodiscard]] constexpr bool is_old_temporal(column_type t) noexcept
{
    return t == column_type::time || t == column_type::datetime || t == column_type::timestamp;
}

/// The cell size of a hires column of old type `t` with `fsp` 1-6 digits, or 0 when `fsp` > 6.
[[nodiscard]] constexpr std::size_t hires_cell_size(column_type t, unsigned fsp) noexcept
{
    constexpr std::size_t timestamp_bytes[] = {4, 5, 5, 6, 6, 7, 7};
    constexpr std::size_t datetime_bytes[] = {5, 6, 6, 7, 7, 7, 8};
    constexpr std::size_t time_bytes[] = {3, 4, 4, 5, 5, 5, 6};
    if (fsp > 6)
        return 0;
    return t == column_type::timestamp  ? timestamp_bytes[fsp]
           : t == column_type::datetime ? datetime_bytes[fsp]
                                        : time_bytes[fsp];
}

/// Decodes a hires cell of old type `t` (`data` holds exactly `hires_cell_size(t, fsp)` bytes).
/// Out-of-range fields give errc::bad_value.
[[nodiscard]] std::error_code decode_hires(column_type t, bytes_view data, unsigned fsp, value& out) noexcept;

} // namespace binlogstream::codec
