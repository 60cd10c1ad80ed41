#pragma once

/// \file resultset.hpp
/// The result of a text query (`connection::async_query`): columns and rows of text. Apart from the
/// connection so that code that only reads results (the table cache's information_schema parse, its
/// fuzz target) needs no Asio.

#include <binlogstream/table.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace binlogstream {

/// One column of a text resultset, as the server's column definition describes it.
struct resultset_column
{
    std::string name;   ///< the column's name or alias
    std::string schema; ///< database of the underlying table, empty for expressions
    std::string table;  ///< table (or alias) of the column, empty for expressions
    /// The column definition's type code.
    column_type type = column_type::null;
    std::uint16_t flags = 0;   ///< NOT_NULL (1), PRI_KEY (2), UNSIGNED (32), BINARY (128)...
    std::uint16_t charset = 0; ///< collation id; 63 is binary
};

/// The result of a text query: its columns and rows (each cell text, or `std::nullopt` for SQL
/// NULL), or for statements without rows the OK packet's counters.
struct resultset
{
    /// The columns; empty for statements without rows.
    std::vector<resultset_column> columns;
    /// One vector of cells per row.
    std::vector<std::vector<std::optional<std::string>>> rows;
    /// OK packet: the number of rows changed.
    std::uint64_t affected_rows = 0;
    /// OK packet: the LAST_INSERT_ID() value.
    std::uint64_t last_insert_id = 0;
    /// The warning count.
    std::uint16_t warnings = 0;
    std::string info; ///< the OK packet's human-readable message, if any

    /// The column names, in order.
    [[nodiscard]] std::vector<std::string> column_names() const;
    /// The column types, in order.
    [[nodiscard]] std::vector<column_type> column_types() const;
};

} // namespace binlogstream
