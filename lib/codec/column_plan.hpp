#pragma once

// The column plan: each column's row-image cell layout, worked out once per TABLE_MAP (DESIGN.md,
// STYLE 2.2) instead of once per cell, and shared by every rows event that uses the table.

#include <binlogstream/table.hpp>

#include "codec/cell.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace binlogstream::detail {

struct column_plan
{
    /// One layout per column of the table, in column order.
    std::vector<codec::cell_layout> cells;
    /// Number of JSON columns (the size of PARTIAL_UPDATE_ROWS' partial-JSON bitmap).
    std::size_t json_columns = 0;

    /// The size walk of an image with every column present and none NULL (the usual FULL image):
    /// only the length-prefixed cells need a look, each after `fixed_before` bytes of fixed-size cells.
    struct length_prefixed
    {
        std::uint32_t fixed_before = 0;
        std::uint8_t prefix = 0;
    };
    std::vector<length_prefixed> full_walk;
    /// Fixed-size bytes after the last length-prefixed cell.
    std::size_t full_walk_tail = 0;
    /// Whether full_walk applies (every column's layout is valid).
    bool full_walk_ok = false;
};

} // namespace binlogstream::detail

namespace binlogstream::codec {

/// The plan of `t`'s columns as they are now.
[[nodiscard]] std::shared_ptr<const detail::column_plan> make_column_plan(const table_info& t);

/// `t`'s plan if it matches its columns, else null (the caller then uses plan_cell per column).
[[nodiscard]] inline const detail::column_plan* usable_plan(const table_info& t) noexcept
{
    return t.plan && t.plan->cells.size() == t.columns.size() ? t.plan.get() : nullptr;
}

} // namespace binlogstream::codec
