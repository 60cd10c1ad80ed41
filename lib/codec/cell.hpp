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

/// A JSON column in partial mode in a PARTIAL_UPDATE_ROWS after-image: a length of `col.meta` bytes
/// (like the full JSON value) then the column's diffs. `out` is a json_cell with format
/// json_format::mysql_diff (decode it with decode_json_diffs).
[[nodiscard]] std::error_code
decode_json_diff_cell(const column_info& col, bytes_view data, value& out, std::size_t& consumed) noexcept;

} // namespace binlogstream::codec
