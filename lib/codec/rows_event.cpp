// Rows events: WRITE/UPDATE/DELETE_ROWS v0 (pre-GA, 20-22), v1 (23-25), v2 (30-32),
// PARTIAL_UPDATE_ROWS (39) and MariaDB's *_ROWS_COMPRESSED (166-171), with lazy row iteration.
// References: MySQL libs/mysql/binlog/event/rows_event.{h,cpp} (Rows_event: table_id, flags, v2 extra
// row info with NDB info and partition ids, width, column bitmaps), sql/rpl_record.cc (unpack_row: per
// row a NULL bitmap over the present columns, then the non-NULL cells; PARTIAL_UPDATE_ROWS after images
// start with value_options and, with PARTIAL_JSON_UPDATES, a bitmap over the table's JSON columns),
// MySQL 5.1 sql/log_event_old.cc (pre-GA events have one column bitmap), MariaDB sql/log_event.cc
// (row_log_event_uncompress: the rows after the bitmaps are one compressed block).

#include "codec/cell.hpp"
#include "codec/cell_decode.hpp"
#include "codec/column_plan.hpp"
#include "codec/event_decoder.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace binlogstream {

using codec::bytes_view;

class row_image_parser
{
public:
    // Parses one image at the start of `data` and sets `consumed`: finds where the image ends by
    // stepping over its cells with the table's column plan (fixed-size cells without a call).
    static std::error_code parse(
        const rows_event& ev,
        bytes_view data,
        bytes_view present,
        bool partial_after,
        row_image& img,
        std::size_t& consumed
    ) noexcept
    {
        const auto& t = *ev.table;
        if (ev.column_count > t.columns.size())
            return make_error_code(errc::bad_value);
        const auto* plan = codec::usable_plan(t);
        codec::byte_reader r(data);
        img = row_image{};
        img.table_ = &t;
        img.plan_ = plan ? plan->cells.data() : nullptr;
        img.present_ = present;
        img.column_count_ = ev.column_count;
        if (partial_after)
        {
            auto options = r.lenenc();
            if (!r.ok())
                return r.error();
            if (options & 1)
            {
                std::size_t json_columns = 0;
                if (plan)
                    json_columns = plan->json_columns;
                else
                    for (const auto& c : t.columns)
                        json_columns += c.type == column_type::json;
                img.partial_ = r.bytes((json_columns + 7) / 8);
            }
        }
        auto n_present = count_present(present, ev.column_count);
        img.nulls_ = r.bytes((n_present + 7) / 8);
        if (!r.ok())
            return r.error();
        auto cells_start = r.position();
        auto rest = r.rest();
        std::size_t offset = 0;
        if (plan && plan->full_walk_ok && img.partial_.empty() && n_present == t.columns.size() &&
            none_set(img.nulls_, n_present))
        {
            if (auto e = full_walk(*plan, rest, offset); e != errc::ok)
                return make_error_code(e);
            img.dense_ = true;
            img.cells_ = rest.first(offset);
            img.data_ = data.first(cells_start + offset);
            consumed = cells_start + offset;
            return {};
        }
        std::size_t json_seen = 0;
        const bool has_partial = !img.partial_.empty();
        codec::cell_layout own; // the layout of the current column when the table has no plan
        for (std::size_t i = 0, p = 0; i < ev.column_count; ++i)
        {
            if (!bit(present, i))
                continue;
            bool partial = false;
            if (has_partial && t.columns[i].type == column_type::json)
                partial = bit(img.partial_, json_seen++);
            if (bit(img.nulls_, p++))
                continue;
            const codec::cell_layout& l = plan ? img.plan_[i] : own;
            if (!plan)
                own = codec::plan_cell(t.columns[i]);
            std::size_t size = 0;
            if (partial)
            {
                value v;
                if (auto ec = codec::decode_json_diff_cell(t.columns[i], rest.subspan(offset), v, size))
                    return ec;
            }
            else if (l.prefix == 0 && l.status == errc::ok)
            {
                size = l.fixed;
            }
            else if (auto e = codec::cell_size(l, rest.subspan(offset), size); e != errc::ok)
            {
                return make_error_code(e);
            }
            if (size > rest.size() - offset)
                return make_error_code(errc::truncated_event);
            offset += size;
        }
        img.cells_ = rest.first(offset);
        img.data_ = data.first(cells_start + offset);
        consumed = cells_start + offset;
        return {};
    }

    // Every column present, none NULL: step over the fixed-size runs between length-prefixed cells.
    static errc full_walk(const detail::column_plan& plan, bytes_view cells, std::size_t& size) noexcept
    {
        const std::byte* p = cells.data();
        std::size_t left = cells.size();
        for (const auto& step : plan.full_walk)
        {
            if (left < std::size_t(step.fixed_before) + step.prefix)
                return errc::truncated_event;
            p += step.fixed_before;
            left -= step.fixed_before;
            std::size_t length = 0;
            switch (step.prefix)
            {
                case 1:
                    length = std::size_t(codec::load_le<1>(p));
                    break;
                case 2:
                    length = std::size_t(codec::load_le<2>(p));
                    break;
                case 3:
                    length = std::size_t(codec::load_le<3>(p));
                    break;
                default:
                    length = std::size_t(codec::load_le<4>(p));
                    break;
            }
            if (length > left - step.prefix)
                return errc::truncated_event;
            p += step.prefix + length;
            left -= step.prefix + length;
        }
        if (left < plan.full_walk_tail)
            return errc::truncated_event;
        size = cells.size() - left + plan.full_walk_tail;
        return errc::ok;
    }

    // Whether none of the first `n` bits is set (the server sets the unused bits of the last byte).
    static bool none_set(bytes_view bitmap, std::size_t n) noexcept
    {
        std::size_t full = std::min(n / 8, bitmap.size());
        for (std::size_t b = 0; b < full; ++b)
            if (bitmap[b] != std::byte{0})
                return false;
        if (n % 8 != 0 && full < bitmap.size())
            return (std::to_integer<unsigned>(bitmap[full]) & ((1u << (n % 8)) - 1)) == 0;
        return true;
    }

    // The number of set bits among the first `n` of `bitmap`.
    static std::size_t count_present(bytes_view bitmap, std::uint64_t n) noexcept
    {
        // A table, not std::popcount: without -mpopcnt that is a libgcc call per byte.
        static constexpr auto ones = [] {
            std::array<std::uint8_t, 256> t{};
            for (unsigned i = 0; i < 256; ++i)
                t[i] = std::uint8_t(std::popcount(i));
            return t;
        }();
        auto full = std::min<std::size_t>(n / 8, bitmap.size());
        std::size_t count = 0;
        for (std::size_t b = 0; b < full; ++b)
            count += ones[std::to_integer<std::uint8_t>(bitmap[b])];
        for (std::size_t i = full * 8; i < n; ++i)
            count += bit(bitmap, i);
        return count;
    }

    static bool bit(bytes_view bitmap, std::size_t i) noexcept
    {
        if (i / 8 >= bitmap.size())
            return false;
        return (std::to_integer<std::uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1;
    }
};

std::size_t row_image::present_count() const noexcept
{
    return row_image_parser::count_present(present_, column_count_);
}

bool row_image::all_present() const noexcept
{
    // Dense images have every column by construction (see row_image_parser::parse).
    return table_ != nullptr && (dense_ || present_count() == column_count_);
}

bool row_image::next(cursor& at, row_cell& out, std::error_code& ec) const noexcept
{
    if (ec) // clear() calls std::system_category(): skip it on the per-cell path when already clear
        ec.clear();
    if (!table_)
        return false;
    if (dense_)
    {
        // Every column present, none NULL, no partial JSON (see row_image_parser::parse).
        if (at.column >= column_count_)
            return false;
        auto i = at.column++;
        ++at.present;
        const auto& col = table_->columns[i];
        at.json += col.type == column_type::json;
        out.index = i;
        out.column = &col;
        out.partial_json = false;
        std::size_t used = 0;
        ec = codec::decode_cell_inline(
            col, plan_[i], cells_.subspan(std::min(at.offset, cells_.size())), out.data, used
        );
        if (ec)
            return false;
        at.offset += used;
        return true;
    }
    while (at.column < column_count_)
    {
        auto i = at.column++;
        if (!row_image_parser::bit(present_, i))
            continue;
        const auto& col = table_->columns[i];
        bool partial = false;
        if (!partial_.empty() && col.type == column_type::json)
            partial = row_image_parser::bit(partial_, at.json++);
        out.index = i;
        out.column = &col;
        out.partial_json = partial;
        if (row_image_parser::bit(nulls_, at.present++))
        {
            out.data = value{};
            return true;
        }
        std::size_t used = 0;
        auto rest = cells_.subspan(std::min(at.offset, cells_.size()));
        if (partial)
            ec = codec::decode_json_diff_cell(col, rest, out.data, used);
        else if (plan_)
            ec = codec::decode_cell_inline(col, plan_[i], rest, out.data, used);
        else
            ec = codec::decode_cell(col, rest, out.data, used);
        if (ec)
            return false;
        at.offset += used;
        return true;
    }
    return false;
}

std::error_code row_image::cells(std::vector<row_cell>& out) const
{
    out.clear();
    cursor at;
    row_cell c;
    std::error_code ec;
    while (next(at, c, ec))
        out.push_back(c);
    return ec;
}

bool rows_event::next_row(std::size_t& offset, row& out, std::error_code& ec) const noexcept
{
    if (ec) // clear() calls std::system_category(): skip it on the per-row path when already clear
        ec.clear();
    if (offset >= rows_data.size())
        return false;
    if (!table)
    {
        ec = make_error_code(errc::missing_table_map);
        return false;
    }
    auto data = rows_data.subspan(offset);
    std::size_t used = 0;
    out = row{};
    switch (kind)
    {
        case rows_kind::write:
            ec = row_image_parser::parse(*this, data, columns_present, false, out.after, used);
            break;
        case rows_kind::remove:
            ec = row_image_parser::parse(*this, data, columns_present, false, out.before, used);
            break;
        case rows_kind::update:
        {
            ec = row_image_parser::parse(*this, data, columns_present, false, out.before, used);
            if (ec)
                break;
            std::size_t used2 = 0;
            ec = row_image_parser::parse(*this, data.subspan(used), columns_after, partial, out.after, used2);
            used += used2;
            break;
        }
    }
    if (ec)
        return false;
    if (used == 0)
    {
        ec = make_error_code(errc::bad_value);
        return false;
    }
    offset += used;
    return true;
}

std::error_code rows_event::count_rows(std::size_t& count) const noexcept
{
    count = 0;
    std::size_t offset = 0;
    row r;
    std::error_code ec;
    while (next_row(offset, r, ec))
        ++count;
    return ec;
}

void rows_event::row_iterator::advance()
{
    if (!ev_)
        return;
    std::error_code ec;
    if (!ev_->next_row(offset_, current_, ec))
    {
        ev_ = nullptr;
        if (ec)
            throw error(ec);
    }
}

} // namespace binlogstream

namespace binlogstream::codec {

std::error_code decode_rows(bytes_view body, const decode_context& ctx, event_type type, rows_event& out)
{
    const auto& fde = ctx.fde ? *ctx.fde : default_format_description();
    std::uint8_t default_post = 8;
    switch (type)
    {
        case event_type::pre_ga_write_rows:
        case event_type::pre_ga_update_rows:
        case event_type::pre_ga_delete_rows:
            out.version = 0;
            break;
        case event_type::write_rows_v1:
        case event_type::update_rows_v1:
        case event_type::delete_rows_v1:
        case event_type::mariadb_write_rows_compressed_v1:
        case event_type::mariadb_update_rows_compressed_v1:
        case event_type::mariadb_delete_rows_compressed_v1:
            out.version = 1;
            break;
        default:
            out.version = 2;
            default_post = 10;
            break;
    }
    switch (type)
    {
        case event_type::pre_ga_update_rows:
        case event_type::update_rows_v1:
        case event_type::update_rows:
        case event_type::partial_update_rows:
        case event_type::mariadb_update_rows_compressed_v1:
        case event_type::mariadb_update_rows_compressed:
            out.kind = rows_kind::update;
            break;
        case event_type::pre_ga_delete_rows:
        case event_type::delete_rows_v1:
        case event_type::delete_rows:
        case event_type::mariadb_delete_rows_compressed_v1:
        case event_type::mariadb_delete_rows_compressed:
            out.kind = rows_kind::remove;
            break;
        default:
            out.kind = rows_kind::write;
            break;
    }
    out.partial = type == event_type::partial_update_rows;
    out.compressed = static_cast<std::uint8_t>(type) >= 166 && static_cast<std::uint8_t>(type) <= 171;

    // MariaDB's compressed types are not in its FDE's post-header array under their own number in
    // every version; their layout is that of the uncompressed type.
    auto post = fde.post_header_length(type, default_post);
    if (out.compressed)
        post = default_post;
    byte_reader r(body);
    if (post < 6 || !r.has(post))
        return make_error_code(post < 6 ? errc::bad_value : errc::truncated_event);
    out.table_id = post == 6 ? r.u32_unchecked() : r.uint_unchecked<6>();
    out.flags = r.u16_unchecked();
    std::size_t fixed = post == 6 ? 6u : 8u;
    if (out.version == 2 && post >= 10)
    {
        auto extra_len = r.u16_unchecked();
        fixed += 2;
        r.skip(post - fixed);
        if (extra_len < 2)
            return make_error_code(errc::bad_value);
        out.extra_data = r.bytes(extra_len - 2u);
        if (!r.ok())
            return r.error();
        byte_reader e(out.extra_data);
        while (!e.empty())
        {
            auto tag = e.u8();
            if (tag == 0)
            {
                auto len = e.u8();
                if (len < 2)
                    return make_error_code(errc::bad_value);
                out.ndb_info = e.bytes(len - 1u);
            }
            else if (tag == 1)
            {
                out.partition_id = e.u16();
                if (out.kind == rows_kind::update)
                    out.source_partition_id = e.u16();
            }
            else
            {
                break; // unknown extra info: kept raw in extra_data
            }
            if (!e.ok())
                return e.error();
        }
    }
    else
    {
        r.skip(post - fixed);
    }
    out.column_count = r.lenenc();
    if (!r.ok())
        return r.error();
    auto bitmap_len = static_cast<std::size_t>((out.column_count + 7) / 8);
    if (out.column_count > r.remaining() * 8)
        return make_error_code(errc::truncated_event);
    out.columns_present = r.bytes(bitmap_len);
    if (out.kind == rows_kind::update && out.version > 0)
        out.columns_after = r.bytes(bitmap_len);
    else if (out.kind == rows_kind::update)
        out.columns_after = out.columns_present;
    if (!r.ok())
        return r.error();
    if (out.compressed)
    {
        if (auto ec = mariadb_uncompress(r.rest(), out.decompressed, ctx.max_event_size))
            return ec;
        out.rows_data = out.decompressed.bytes();
    }
    else
    {
        out.rows_data = r.rest();
    }
    if (ctx.tables)
    {
        auto it = ctx.tables->find(out.table_id);
        if (it != ctx.tables->end())
            out.table = it->second;
    }
    return {};
}

} // namespace binlogstream::codec
