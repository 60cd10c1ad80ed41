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

/// How a cell is decoded, one dense number per decoder, so that the per-cell switch is one jump
/// table (column_type's codes run 0-20 and 242-255). Worked out with the layout, from the resolved
/// type and, for JSON, the wire type (binary JSON or MariaDB's text JSON).
enum class cell_kind : std::uint8_t
{
    null,
    tiny,
    short_,
    int24,
    long_,
    longlong,
    float_,
    double_,
    decimal,
    date,
    old_time,
    old_datetime,
    old_timestamp,
    time2,
    datetime2,
    timestamp2,
    year,
    bit,
    enum_,
    set,
    text,
    blob,
    json_binary,
    json_text,
    geometry,
    vector,
    invalid,
};

/// How a column's cells are laid out in a row image, worked out once per column from its type and
/// TABLE_MAP metadata (the column plan, see column_plan.hpp): a fixed size, or a little-endian length
/// prefix of `prefix` bytes, and the type that decides the decoding.
struct cell_layout
{
    /// The type that decides the decoding (a STRING whose metadata says ENUM or SET is resolved).
    column_type type = column_type::null;
    /// Length-prefix bytes (1-4), or 0 for a fixed-size cell.
    std::uint8_t prefix = 0;
    /// errc::ok, or why the column's metadata is impossible (reported when a non-NULL cell is met).
    errc status = errc::ok;
    /// The decoder (cell_kind::invalid when `status` is not ok).
    cell_kind kind = cell_kind::invalid;
    /// ENUM/SET byte count, or BIT bit count.
    std::uint16_t length_code = 0;
    /// The column's TABLE_MAP metadata (fsp, precision and scale), copied here so that the decode
    /// reads one small array; signedness and charset are not part of the plan (the table cache may
    /// fill them in later) and are read from the column.
    std::uint16_t meta = 0;
    /// Size of a fixed-size cell.
    std::uint32_t fixed = 0;
};

/// The layout of `col`'s cells (never fails: an impossible layout has `status` set).
[[nodiscard]] cell_layout plan_cell(const column_info& col) noexcept;

/// decode_cell with the layout already worked out (`layout` must be plan_cell(col)).
[[nodiscard]] std::error_code decode_cell(
    const column_info& col, const cell_layout& layout, bytes_view data, value& out, std::size_t& consumed
) noexcept;

/// The size of a cell with this layout; errc::ok, errc::truncated_event or the layout's status.
[[nodiscard]] inline errc cell_size(const cell_layout& l, bytes_view data, std::size_t& size) noexcept
{
    if (l.status != errc::ok) [[unlikely]]
        return l.status;
    if (l.prefix == 0)
    {
        if (data.size() < l.fixed)
            return errc::truncated_event;
        size = l.fixed;
        return errc::ok;
    }
    if (data.size() < l.prefix)
        return errc::truncated_event;
    std::size_t length = 0;
    switch (l.prefix)
    {
        case 1:
            length = std::size_t(load_le<1>(data.data()));
            break;
        case 2:
            length = std::size_t(load_le<2>(data.data()));
            break;
        case 3:
            length = std::size_t(load_le<3>(data.data()));
            break;
        default:
            length = std::size_t(load_le<4>(data.data()));
            break;
    }
    if (length > data.size() - l.prefix)
        return errc::truncated_event;
    size = l.prefix + length;
    return errc::ok;
}

/// Only the size (for skipping columns cheaply).
[[nodiscard]] std::error_code cell_size(const column_info& col, bytes_view data, std::size_t& size) noexcept;

/// The size of a cell of type `t` when the type alone fixes it (integers, FLOAT, DOUBLE, DATE, YEAR),
/// else 0: the row-image size walk skips these without a call. Must agree with decode_cell's
/// layouts. Not the old TIME/DATETIME/TIMESTAMP: MariaDB's fractional forms of them are longer
/// (temporal_hires.hpp).
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
            return 3;
        case column_type::long_:
        case column_type::float_:
            return 4;
        case column_type::longlong:
        case column_type::double_:
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
