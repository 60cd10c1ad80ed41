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

// Each decoder reads exactly its fixed size from the front of `data` (the caller checked the size).
[[nodiscard]] date_value decode_date(bytes_view data) noexcept;
[[nodiscard]] time_value decode_old_time(bytes_view data) noexcept;
[[nodiscard]] datetime_value decode_old_datetime(bytes_view data) noexcept;
[[nodiscard]] std::error_code decode_time2(bytes_view data, unsigned fsp, time_value& out) noexcept;
[[nodiscard]] std::error_code decode_datetime2(bytes_view data, unsigned fsp, datetime_value& out) noexcept;
[[nodiscard]] std::error_code decode_timestamp2(bytes_view data, unsigned fsp, timestamp_value& out) noexcept;

/// MySQL's in-memory "packed" temporal integers (used inside binary JSON opaque values):
/// TIME_from_longlong_time_packed / TIME_from_longlong_datetime_packed.
[[nodiscard]] time_value time_from_packed(std::int64_t packed, unsigned fsp) noexcept;
[[nodiscard]] datetime_value datetime_from_packed(std::int64_t packed, unsigned fsp) noexcept;

/// The UTC calendar date and time of a Unix time.
[[nodiscard]] datetime_value
civil_from_unix(std::int64_t seconds, std::uint32_t microsecond, unsigned fsp) noexcept;

// Text forms as MySQL prints them; `digits` fraction digits (0 = no point).
void append_date(std::string& out, const date_value& d);
void append_datetime(std::string& out, const datetime_value& dt, unsigned digits);
void append_time(std::string& out, const time_value& t, unsigned digits);
void append_timestamp(std::string& out, const timestamp_value& ts, unsigned digits);

} // namespace binlogstream::codec
