#pragma once

/// \file table.hpp
/// Column types and table descriptions: what a TABLE_MAP event (plus its optional metadata, plus the
/// table cache) says about a table.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binlogstream {

namespace detail {
/// The per-table decoding plan (library-internal; see `table_info::plan`).
struct column_plan;
} // namespace detail

/// The server's column type codes (enum_field_types in MySQL's include/field_types.h).
enum class column_type : std::uint8_t
{
    decimal = 0,
    tiny = 1,
    short_ = 2,
    long_ = 3,
    float_ = 4,
    double_ = 5,
    null = 6,
    timestamp = 7,
    longlong = 8,
    int24 = 9,
    date = 10,
    time = 11,
    datetime = 12,
    year = 13,
    newdate = 14,
    varchar = 15,
    bit = 16,
    timestamp2 = 17,
    datetime2 = 18,
    time2 = 19,
    typed_array = 20,
    vector = 242,
    invalid = 243,
    bool_ = 244,
    json = 245,
    newdecimal = 246,
    enum_ = 247,
    set = 248,
    tiny_blob = 249,
    medium_blob = 250,
    long_blob = 251,
    blob = 252,
    var_string = 253,
    string = 254,
    geometry = 255,
};

/// The name MySQL uses for a type ("LONGLONG", "NEWDECIMAL"...), or "UNKNOWN".
[[nodiscard]] std::string_view to_string(column_type t) noexcept;

/// One column as the binlog (and the table cache, where the binlog lacks it) describes it.
struct column_info
{
    /// The real type: MYSQL_TYPE_STRING columns whose metadata says ENUM or SET are resolved here.
    column_type type = column_type::null;
    /// The type byte exactly as the TABLE_MAP event carries it.
    column_type wire_type = column_type::null;
    /// The type's metadata from the TABLE_MAP event as the server defines it per type, widened to 16
    /// bits: e.g. (precision << 8 | scale) for NEWDECIMAL, length-byte count for BLOB/GEOMETRY/JSON,
    /// max byte length for VARCHAR, fsp for TIME2/DATETIME2/TIMESTAMP2, the (real_type << 8 | length)
    /// pair for STRING, (bytes << 8 | bits) for BIT, float width for FLOAT/DOUBLE.
    std::uint16_t meta = 0;
    /// Whether the column may hold NULL (the TABLE_MAP's null bitmap).
    bool nullable = true;
    /// From SIGNEDNESS optional metadata (numeric columns only) or the table cache; false when
    /// unknown. Decides whether integers decode as `uint64` or `int64` values.
    bool is_unsigned = false;
    /// Collation id of a character column (DEFAULT_CHARSET / COLUMN_CHARSET metadata, or the cache);
    /// 63 means binary; 0 when unknown.
    std::uint16_t charset = 0;
    /// Column name (COLUMN_NAME metadata, i.e. binlog_row_metadata=FULL, or the cache); empty if unknown.
    std::string name;
    /// Literals of ENUM and SET columns, in definition order; empty if unknown.
    std::vector<std::string> enum_values;
    /// See `enum_values`.
    std::vector<std::string> set_values;
    /// GEOMETRY subtype (GEOMETRY_TYPE metadata), 0 = GEOMETRY.
    std::uint32_t geometry_type = 0;
    /// Whether the column is visible (COLUMN_VISIBILITY, MySQL 8.0.23+); true when unknown.
    bool visible = true;
    /// VECTOR dimensionality (MySQL 9), 0 when unknown.
    std::uint32_t vector_dimensions = 0;
};

/// A part of the primary key: a column index and, for a prefix index, the prefix length (0 = whole).
struct key_part
{
    /// 0-based index into `table_info::columns`.
    std::uint32_t column = 0;
    /// Prefix length of a prefix index, 0 for the whole column.
    std::uint32_t prefix = 0;
    friend bool operator==(const key_part&, const key_part&) = default;
};

/// Where a table's column names (and the other details the binlog may lack) come from.
enum class table_metadata : std::uint8_t
{
    /// Not looked up: the file reader, a filtered-out table, or an event the cache never saw.
    none,
    /// The TABLE_MAP itself carried the names (binlog_row_metadata=FULL); no query was made.
    binlog,
    /// Filled from information_schema over the ctl connection; it matched the TABLE_MAP.
    cache,
    /// information_schema now describes a different table than this TABLE_MAP (a DDL ran since the
    /// event was written): names were not applied (`metadata_note` says what differs).
    mismatch,
    /// The table no longer exists or the ctl connection could not read it: names were not applied.
    unavailable,
};

/// A table as mapped by a TABLE_MAP event. Events share it through `std::shared_ptr<const
/// table_info>`: it stays valid as long as any event (or copy of the pointer) holds it.
struct table_info
{
    /// The TABLE_MAP's table id.
    std::uint64_t table_id = 0;
    /// The database name.
    std::string schema;
    /// The table name.
    std::string table;
    /// The TABLE_MAP flags.
    std::uint16_t flags = 0;
    /// The columns in table order.
    std::vector<column_info> columns;
    /// The primary key's parts in key order (PRIMARY_KEY metadata or the table cache); empty when
    /// unknown or when the table has none.
    std::vector<key_part> primary_key;
    /// True when column names came from the binlog itself (binlog_row_metadata=FULL).
    bool names_from_binlog = false;
    /// How each column's cells are laid out in row images (fixed size or length prefix, decoding
    /// type), worked out once from `columns` when the TABLE_MAP is decoded, so that rows events decode
    /// without deriving it again per cell. Library-internal and opaque. Null for a table_info built
    /// elsewhere: rows then work each layout out per cell. Reset it when changing a column's type or
    /// metadata (names, charsets, literals and signedness may change freely).
    std::shared_ptr<const detail::column_plan> plan;
    /// Where the names came from, as decided by the stream's table cache. When it is `mismatch` or
    /// `unavailable` the names stay empty: render columns by position ("@1", "@2"...), never with
    /// names that belong to another version of the table.
    table_metadata metadata = table_metadata::none;
    /// Why the metadata is `mismatch` or `unavailable`, for logs; with `binlog`, why the table cache
    /// could not give the precision of MariaDB 5.3-format fractional temporal columns (their cells
    /// are then decoded as the plain old types); empty otherwise.
    std::string metadata_note;
};

} // namespace binlogstream
