#pragma once

// Decoding of one cell of a rows event's row image, per column type and TABLE_MAP metadata.
// Wire layouts: MySQL sql/log_event.cc (log_event_print_value) and the Field classes' pack/unpack,
// MariaDB log_event_client.cc; see each decoder for its quirks.

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include "codec/byte_reader.hpp"

#include <cstddef>
#include <system_error>

namespace binlogstream::codec {

/// Decodes one non-NULL cell of a rows event. `data` starts at the cell (the rest of the row image
/// follows); on success `consumed` is the cell's size in bytes and `out` views into `data`.
/// Errors: errc::truncated_event when `data` is shorter than the cell; errc::bad_value when the bytes
/// are outside the type's domain (bad decimal digits, an impossible fraction) or the metadata is
/// impossible for the type, or the type has no row-image encoding. JSON is not validated here (it is
/// validated when rendered: errc::invalid_json).
///
/// Value kinds: integers give int64, or uint64 when `col.is_unsigned`; BLOB/TEXT/CHAR/VARCHAR give
/// string_value (is_blob for the BLOB family); JSON on the wire (type 245) gives a MySQL binary
/// json_cell, a column resolved as JSON but written as a BLOB (MariaDB) a text json_cell (set its
/// `padded` flag when the event buffer has SIMDJSON_PADDING spare bytes, to validate it in place).
[[nodiscard]] std::error_code
decode_cell(const column_info& col, bytes_view data, value& out, std::size_t& consumed) noexcept;

/// Only the size (for skipping columns cheaply).
[[nodiscard]] std::error_code cell_size(const column_info& col, bytes_view data, std::size_t& size) noexcept;

/// The size of a cell of type `t` when the type alone fixes it (integers, FLOAT, DOUBLE, DATE, YEAR,
/// the pre-5.6 TIME/DATETIME/TIMESTAMP), else 0: the row-image size walk skips these without a call.
/// Must agree with decode_cell's layouts.
[[nodiscard]] constexpr std::size_t fixed_cell_size(column_type t) noexcept
{
    switch (t)
    {
        case column_type::tiny:
        case column_type::year:
            return 1;
        case column_type::short_:
            return 2;
        case column_type::int24:
        case column_type::date:
        case column_type::newdate:
        case column_type::time:
            return 3;
        case column_type::long_:
        case column_type::float_:
        case column_type::timestamp:
            return 4;
        case column_type::longlong:
        case column_type::double_:
        case column_type::datetime:
            return 8;
        default:
            return 0;
    }
}

/// A JSON column in partial mode in a PARTIAL_UPDATE_ROWS after-image: a length of `col.meta` bytes
/// (like the full JSON value) then the column's diffs. `out` is a json_cell with format
/// json_format::mysql_diff (decode it with decode_json_diffs).
[[nodiscard]] std::error_code
decode_json_diff_cell(const column_info& col, bytes_view data, value& out, std::size_t& consumed) noexcept;

} // namespace binlogstream::codec
