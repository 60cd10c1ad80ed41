#pragma once

/// \file json.hpp
/// JSON cells: MySQL's binary JSON (JSON columns of MySQL 5.7+), MariaDB's text JSON (a LONGTEXT with a
/// JSON check, written to the binlog as a blob), and the JSON diffs of PARTIAL_UPDATE_ROWS events.
///
/// Everything here is a view into the buffer the cell was decoded from; nothing allocates except the
/// functions that produce text or vectors.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream {

/// The encoding of a JSON cell's bytes.
enum class json_format : std::uint8_t
{
    mysql_binary, ///< MySQL binary JSON (sql-common/json_binary.cc); empty means JSON null
    text,         ///< JSON text (MariaDB)
    mysql_diff,   ///< the diffs of a partially updated column (PARTIAL_UPDATE_ROWS after-image)
};

/// One JSON cell.
struct json_cell
{
    /// The cell's bytes; a view into the event's buffer, valid while the event lives.
    std::span<const std::byte> data;
    /// How `data` is encoded.
    json_format format = json_format::mysql_binary;
    /// True when at least 64 readable bytes (SIMDJSON_PADDING) follow `data`, as in an event buffer:
    /// text JSON is then validated in place instead of in a padded copy.
    bool padded = false;

    /// Appends the JSON as text the way MySQL prints it (`{"a": 1, "b": [true, null]}`: ", " and
    /// ": " separators, keys in stored order, doubles in shortest round-trip form). Text JSON is
    /// validated (simdjson) and re-printed in the same style with its tokens unchanged (numbers and
    /// string escapes exactly as stored; whitespace normalized, so the output is one line). Diffs render as
    /// an array of
    /// `{"op": "replace", "path": "$.a", "value": …}` objects. errc::invalid_json on malformed input.
    std::error_code to_text(std::string& out) const;
};

/// Node types of MySQL binary JSON.
enum class json_type : std::uint8_t
{
    null,    ///< JSON null
    boolean, ///< true or false (`get_bool`)
    int64,   ///< int16/int32/int64 (`get_int64`)
    uint64,  ///< uint16/uint32/uint64 (`get_uint64`)
    double_, ///< `get_double`
    string,  ///< `get_string`
    object,  ///< `size`, `key`, `element`
    array,   ///< `size`, `element`
    opaque,  ///< a MySQL value with no JSON counterpart, tagged with its column type (DECIMAL, DATE...)
};

/// A node of a MySQL binary JSON document, viewed in place. Obtain the root with `parse`; children
/// with `element` / `member`. Accessors of the wrong type return a neutral value (0, empty).
class json_binary_view
{
public:
    /// A JSON null node.
    json_binary_view() = default;

    /// Views the root of a binary JSON document (an empty document is JSON null). Checks the root's
    /// header only; children are checked as they are visited (errc::invalid_json).
    [[nodiscard]] static std::error_code
    parse(std::span<const std::byte> doc, json_binary_view& out) noexcept;

    /// The node's type.
    [[nodiscard]] json_type type() const noexcept { return type_; }
    /// A boolean node's value.
    [[nodiscard]] bool get_bool() const noexcept { return int_ != 0; }
    /// A signed integer node's value.
    [[nodiscard]] std::int64_t get_int64() const noexcept { return int_; }
    /// An unsigned integer node's value.
    [[nodiscard]] std::uint64_t get_uint64() const noexcept { return static_cast<std::uint64_t>(int_); }
    /// A double node's value.
    [[nodiscard]] double get_double() const noexcept { return double_; }
    /// A string node's UTF-8 bytes, or an opaque node's raw data; a view into the document (valid
    /// while the event lives).
    [[nodiscard]] std::string_view get_string() const noexcept { return string_; }
    /// The column type code of an opaque node (246 NEWDECIMAL, 10 DATE, 11 TIME, 12 DATETIME...).
    [[nodiscard]] std::uint8_t opaque_type() const noexcept { return opaque_type_; }

    /// Number of members (object) or elements (array); 0 otherwise.
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    /// The i-th element of an array or the i-th member's value of an object (members in stored
    /// order). errc::invalid_json when this is not an array or object, `i >= size()`, or the
    /// entry is malformed.
    [[nodiscard]] std::error_code element(std::size_t i, json_binary_view& out) const noexcept;
    /// The i-th key of an object (a view into the document). errc::invalid_json when this is not an
    /// object, `i >= size()`, or the key lies outside the document.
    [[nodiscard]] std::error_code key(std::size_t i, std::string_view& out) const noexcept;

    /// Appends this node as MySQL prints it (see json_cell::to_text); errc::invalid_json on a
    /// malformed descendant.
    std::error_code to_text(std::string& out) const;

private:
    friend struct json_binary_access;
    std::span<const std::byte> container_; // object/array body (after the type byte)
    std::string_view string_;
    std::int64_t int_ = 0;
    double double_ = 0;
    std::uint32_t count_ = 0;
    json_type type_ = json_type::null;
    bool large_ = false;
    std::uint8_t opaque_type_ = 0;
};

/// The operation of one JSON diff (enum_json_diff_operation).
enum class json_diff_operation : std::uint8_t
{
    replace = 0, ///< replace the value at `path`
    insert = 1,  ///< insert `value` at `path`
    remove = 2,  ///< remove the value at `path`
};

/// One diff of a partially updated JSON column: operation, JSON path text ("$.a[1]") and, except for
/// remove, the new value as binary JSON.
struct json_diff
{
    /// What the diff does.
    json_diff_operation operation = json_diff_operation::replace;
    /// The JSON path text; a view into the event's buffer.
    std::string_view path;
    /// The new value (binary JSON; empty for remove); a view into the event's buffer.
    std::span<const std::byte> value;
};

/// Decodes every diff of one column (the bytes of a `json_format::mysql_diff` cell) and appends them to
/// `out`. errc::invalid_json or errc::truncated_event on malformed input.
[[nodiscard]] std::error_code
decode_json_diffs(std::span<const std::byte> diffs, std::vector<json_diff>& out);

/// Applies the diffs of a column, in order, to the column's before-image (MySQL binary JSON, as in the
/// before row of the PARTIAL_UPDATE_ROWS event) and writes the resulting document as JSON text (MySQL
/// style, see json_cell::to_text) to `out`. Paths are MySQL JSON paths as the server writes them
/// (`$`, `.key`, `."quoted key"`, `[n]`, `[last]`). errc::invalid_json if the before-image or a value
/// is malformed, or a path does not apply.
[[nodiscard]] std::error_code
apply_json_diffs(std::span<const std::byte> before, std::span<const json_diff> diffs, std::string& out);

} // namespace binlogstream
