// The batch decode of a row image (row_image::values): every present column in one pass into a
// reused array of values, with the column plan's per-column decoder and no per-cell call, cursor or
// bounds check. The image's size walk (row_image_parser::parse in rows_event.cpp) already checked that
// every present non-NULL cell fits in the image, so only the types' own domains are checked here.
// The lazy per-cell form (row_image::next) decodes the same cells with the same decode_sized_cell.

#include <binlogstream/rows.hpp>

#include "codec/cell.hpp"
#include "codec/cell_decode.hpp"

namespace binlogstream {
namespace {

using codec::bytes_view;

bool bit(bytes_view bitmap, std::size_t i) noexcept
{
    if (i / 8 >= bitmap.size())
        return false;
    return (std::to_integer<std::uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1;
}

// The size of a cell the size walk accepted.
std::size_t sized(const codec::cell_layout& l, const std::byte* p) noexcept
{
    return l.prefix == 0 ? l.fixed : l.prefix + codec::cell_detail::prefix_length(l.prefix, p);
}

} // namespace

std::error_code row_image::values(std::vector<value>& out) const
{
    if (!table_)
    {
        out.clear();
        return {};
    }
    out.resize(dense_ ? column_count_ : present_count());
    if (plan_ == nullptr)
    {
        // No column plan (a table_info built by hand): the lazy path works each layout out per cell.
        cursor at;
        row_cell c;
        std::error_code ec;
        std::size_t k = 0;
        while (k < out.size() && next(at, c, ec))
            out[k++] = c.data;
        return ec;
    }
    const column_info* columns = table_->columns.data();
    const std::byte* p = cells_.data();
    value* v = out.data();
    if (dense_)
    {
        // Every column present, none NULL, no partial JSON: the walk checked the whole image.
        for (std::size_t i = 0; i < column_count_; ++i)
        {
            const auto& l = plan_[i];
            const auto size = sized(l, p);
            if (auto e = codec::decode_sized_cell(l, columns[i], p, size, v[i]); e != errc::ok) [[unlikely]]
                return make_error_code(e);
            p += size;
        }
        return {};
    }
    // NULLs, a MINIMAL/NOBLOB image or partial JSON: the bitmaps say which cells are there.
    const bool has_partial = !partial_.empty();
    std::size_t k = 0;
    std::size_t json_seen = 0;
    for (std::size_t i = 0; i < column_count_; ++i)
    {
        if (!bit(present_, i))
            continue;
        const auto& col = columns[i];
        bool partial = false;
        if (has_partial && col.type == column_type::json)
            partial = bit(partial_, json_seen++);
        if (bit(nulls_, k))
        {
            v[k++] = value();
            continue;
        }
        std::size_t size = 0;
        if (partial)
        {
            auto rest = cells_.subspan(std::size_t(p - cells_.data()));
            if (auto ec = codec::decode_json_diff_cell(col, rest, v[k], size))
                return ec;
        }
        else
        {
            const auto& l = plan_[i];
            size = sized(l, p);
            if (auto e = codec::decode_sized_cell(l, col, p, size, v[k]); e != errc::ok)
                return make_error_code(e);
        }
        p += size;
        ++k;
    }
    return {};
}

void row_image::present_columns(std::vector<std::size_t>& out) const
{
    out.clear();
    if (!table_)
        return;
    for (std::size_t i = 0; i < column_count_; ++i)
        if (bit(present_, i))
            out.push_back(i);
}

} // namespace binlogstream
