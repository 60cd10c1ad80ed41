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
/// Errors: errc::truncated_event when `data` is shorter than the cell, errc::bad_value when the bytes
/// are outside the type's domain (bad decimal digits), errc::invalid_json is NOT raised here (JSON is
/// validated when rendered), errc::bad_value for a column type that has no row-image encoding.
[[nodiscard]] std::error_code
decode_cell(const column_info& col, bytes_view data, value& out, std::size_t& consumed) noexcept;

/// Only the size (for skipping columns cheaply).
[[nodiscard]] std::error_code cell_size(const column_info& col, bytes_view data, std::size_t& size) noexcept;

/// A JSON column in partial mode in a PARTIAL_UPDATE_ROWS after-image: a length (packed integer) then
/// the diffs. `out` is a json_cell with format json_format::mysql_diff.
[[nodiscard]] std::error_code
decode_json_diff_cell(bytes_view data, value& out, std::size_t& consumed) noexcept;

} // namespace binlogstream::codec
