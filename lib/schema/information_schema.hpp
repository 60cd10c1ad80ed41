#pragma once

// What the table cache reads from information_schema, and how it is reconciled with a TABLE_MAP.
// Sans-IO: the query text, the parse of its text resultset, and the merge are plain functions.

#include <binlogstream/error.hpp>
#include <binlogstream/resultset.hpp>
#include <binlogstream/table.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::schema {

/// One column as information_schema.COLUMNS describes it.
struct fetched_column
{
    std::string name;
    std::string data_type;   ///< DATA_TYPE, lower case ("int", "varchar", "enum"...)
    std::string column_type; ///< COLUMN_TYPE ("int(10) unsigned", "enum('a','b')")
    bool nullable = true;
    bool is_unsigned = false;
    std::optional<std::uint64_t> numeric_precision; ///< NUMERIC_PRECISION (bits for BIT)
    std::optional<std::uint64_t> numeric_scale;
    std::optional<std::uint64_t> datetime_precision;
    std::optional<std::uint64_t> octet_length; ///< CHARACTER_OCTET_LENGTH
    std::uint16_t charset = 0;                 ///< collation id, 0 when unknown
    std::vector<std::string> literals;         ///< ENUM/SET literals, in definition order
};

/// A table as information_schema describes it now.
struct fetched_table
{
    std::vector<fetched_column> columns;
    /// From STATISTICS (INDEX_NAME = 'PRIMARY'); prefixes are SUB_PART, in characters.
    std::vector<key_part> primary_key;
};

/// The one statement that reads a table's columns (COLUMNS joined with COLLATIONS for ids) and its
/// primary key (STATISTICS), as 'C' rows then 'K' rows. Names travel as hex literals, so no quoting
/// or sql_mode can change their meaning.
[[nodiscard]] std::string metadata_query(std::string_view schema, std::string_view table);

/// Parses the result of `metadata_query`. A table that does not exist (or that the ctl account
/// cannot see) gives no columns, not an error. Errors: `errc::bad_value` for a resultset of another
/// shape (unexpected column count, ordinals out of order, unknown key column).
[[nodiscard]] std::error_code
parse_metadata(const resultset& rs, std::string_view schema, std::string_view table, fetched_table& out);

/// The literals of an ENUM or SET COLUMN_TYPE text ("enum('a','it''s')" -> a, it's).
[[nodiscard]] std::vector<std::string> parse_literals(std::string_view column_type);

/// Why `fetched` cannot describe the table `mapped` was written for (column count, or the first
/// column whose type, length, precision or scale differs), or empty when it can.
[[nodiscard]] std::string find_mismatch(const table_info& mapped, const fetched_table& fetched);

/// The table the consumer gets for a TABLE_MAP without names: `mapped` plus what `fetched` adds
/// (names, signedness and charsets the TABLE_MAP lacked, ENUM/SET literals, primary key) when they
/// match (`table_metadata::cache`); `mapped` unchanged but marked `mismatch` when they do not; marked
/// `unavailable` (with `reason`) when `fetched` is null or has no columns. `optional_types` are the
/// optional metadata fields the TABLE_MAP carried: what the binlog says wins over information_schema.
[[nodiscard]] std::shared_ptr<const table_info> merge_metadata(
    const table_info& mapped,
    std::span<const std::uint8_t> optional_types,
    const fetched_table* fetched,
    std::string_view reason
);

} // namespace binlogstream::schema
