#pragma once

// The text protocol's answer to COM_QUERY as a sans-IO parser: an OK or ERR packet, or a column
// count, that many ColumnDefinition41 packets, an EOF (absent under CLIENT_DEPRECATE_EOF), rows of
// length-encoded strings or 0xfb for NULL, and a closing EOF (or OK with a 0xfe header). Reference:
// MySQL source documentation "Text Resultset", "Column Definition", "Text Resultset Row".

#include <binlogstream/error.hpp>

#include <codec/byte_reader.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::wire {

using codec::bytes_view;

struct column_definition
{
    std::string schema;
    std::string table;
    std::string name;
    std::string org_name;
    std::uint16_t charset = 0;
    std::uint32_t length = 0;
    std::uint8_t type = 0;
    std::uint16_t flags = 0;
    std::uint8_t decimals = 0;
};

/// Parses a ColumnDefinition41 payload.
[[nodiscard]] std::error_code parse_column_definition(bytes_view payload, column_definition& out);

struct text_result
{
    std::vector<column_definition> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::uint64_t affected_rows = 0;
    std::uint64_t last_insert_id = 0;
    std::uint16_t warnings = 0;
    std::uint16_t status = 0;
    std::string info;
};

/// Parses a text row with `columns` cells into `out`.
[[nodiscard]] std::error_code
parse_text_row(bytes_view payload, std::size_t columns, std::vector<std::optional<std::string>>& out);

/// A cell and a row as the parser keeps them.
using text_cell = std::optional<std::string>;
using text_row = std::vector<text_cell>;

/// How much of a resultset the parser keeps; 0 means no limit.
struct resultset_limits
{
    /// Rows.
    std::size_t max_rows = 0;
    /// Bytes kept: each column definition and row packet, plus the memory its kept form adds
    /// (`sizeof(column_definition)`; `sizeof(text_row)` and `sizeof(text_cell)` per cell).
    std::size_t max_bytes = 0;
};

/// Feed it every packet after COM_QUERY until `done`.
class text_resultset_parser
{
public:
    text_resultset_parser(text_result& out, bool deprecate_eof, resultset_limits limits = {}) noexcept
        : out_(out)
        , deprecate_eof_(deprecate_eof)
        , limits_(limits)
    {}

    /// Feeds one packet; `done` is set once the result is complete. An ERR packet gives a server
    /// error with `diag` filled, anything out of place `unexpected_packet` or a decoding error, a row
    /// or a byte past the limits `resultset_too_large` (a server may send rows without end: the
    /// result is kept in memory, so it has to stop somewhere).
    [[nodiscard]] std::error_code on_packet(bytes_view packet, bool& done, diagnostics& diag);

private:
    enum class state
    {
        first,
        columns,
        columns_eof,
        rows,
        done,
    };

    std::error_code finish_with_ok(bytes_view packet);
    // Counts a column definition or a row of `size` bytes against the limits.
    std::error_code account(std::size_t size) noexcept;

    text_result& out_;
    bool deprecate_eof_;
    state state_ = state::first;
    std::uint64_t column_count_ = 0;
    resultset_limits limits_;
    std::size_t bytes_ = 0;
};

} // namespace binlogstream::wire
