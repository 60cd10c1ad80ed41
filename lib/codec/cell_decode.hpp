#pragma once

// The body of decode_cell for a planned layout, inline so that the row iteration (rows_event.cpp)
// decodes a cell without a call per cell. Layouts: cell.cpp.

#include "codec/cell.hpp"
#include "codec/decimal.hpp"
#include "codec/temporal.hpp"
#include "codec/temporal_hires.hpp"

#include <cstring>

namespace binlogstream::codec::cell_detail {

inline std::uint64_t load_le_n(bytes_view p) noexcept
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        v |= std::uint64_t(std::to_integer<std::uint8_t>(p[i])) << (8 * i);
    return v;
}

inline std::uint64_t load_be_n(bytes_view p) noexcept
{
    std::uint64_t v = 0;
    for (auto b : p)
        v = (v << 8) | std::to_integer<std::uint8_t>(b);
    return v;
}

inline value make_integer(const column_info& col, std::uint64_t raw, unsigned bytes) noexcept
{
    if (col.is_unsigned)
        return value(raw);
    auto m = std::uint64_t{1} << (8 * bytes - 1);
    return value(bytes == 8 ? std::int64_t(raw) : std::int64_t((raw ^ m) - m));
}

/// The payload length of a length-prefixed cell (prefix 1-4 bytes, little-endian at `p`).
inline std::size_t prefix_length(unsigned prefix, const std::byte* p) noexcept
{
    switch (prefix)
    {
        case 1:
            return std::size_t(load_le<1>(p));
        case 2:
            return std::size_t(load_le<2>(p));
        case 3:
            return std::size_t(load_le<3>(p));
        default:
            return std::size_t(load_le<4>(p));
    }
}

} // namespace binlogstream::codec::cell_detail

namespace binlogstream::codec {

/// Decodes a cell whose size is already known to fit: `cell` points at the cell (its length prefix
/// included) and `size` is the whole cell's size, as cell_size gave it (or a row image's size walk,
/// which checked every cell). `l` must be plan_cell(col) with status ok. No bounds checks here; the
/// checks left are the type's domain (decimal digits, temporal fractions, geometry and vector sizes).
/// Shared by the lazy per-cell decode and the batch decode of whole row images.
[[nodiscard]] [[gnu::always_inline]] inline errc decode_sized_cell(
    const cell_layout& l, const column_info& col, const std::byte* cell, std::size_t size, value& out
) noexcept
{
    const std::byte* p = cell + l.prefix;
    const std::size_t n = size - l.prefix;
    switch (l.kind)
    {
        case cell_kind::null:
            out = value();
            return errc::ok;
        case cell_kind::tiny:
            out = cell_detail::make_integer(col, load_le<1>(p), 1);
            return errc::ok;
        case cell_kind::short_:
            out = cell_detail::make_integer(col, load_le<2>(p), 2);
            return errc::ok;
        case cell_kind::int24:
            out = cell_detail::make_integer(col, load_le<3>(p), 3);
            return errc::ok;
        case cell_kind::long_:
            out = cell_detail::make_integer(col, load_le<4>(p), 4);
            return errc::ok;
        case cell_kind::longlong:
            out = cell_detail::make_integer(col, load_le<8>(p), 8);
            return errc::ok;
        case cell_kind::float_:
        {
            auto bits = std::uint32_t(load_le<4>(p));
            float f;
            std::memcpy(&f, &bits, sizeof f);
            out = value(f);
            return errc::ok;
        }
        case cell_kind::double_:
        {
            auto bits = load_le<8>(p);
            double d;
            std::memcpy(&d, &bits, sizeof d);
            out = value(d);
            return errc::ok;
        }
        case cell_kind::decimal:
        {
            // The layout checked precision and scale (a non-zero size) once per column.
            unsigned precision = l.meta >> 8;
            unsigned scale = l.meta & 0xff;
            if (auto e = check_decimal_digits(p, precision, scale); e != errc::ok)
                return e;
            out = value(decimal_value({p, n}, std::uint8_t(precision), std::uint8_t(scale)));
            return errc::ok;
        }
        case cell_kind::date:
            out = value(decode_date(p));
            return errc::ok;
        case cell_kind::old_time:
        case cell_kind::old_datetime:
        case cell_kind::old_timestamp:
            if (col.meta != 0) // a MariaDB hires column, sized by the table cache (temporal_hires.hpp)
            {
                // decode_hires fails only with errc::bad_value.
                return decode_hires(l.type, {p, n}, col.meta, out) ? errc::bad_value : errc::ok;
            }
            if (l.kind == cell_kind::old_time)
                out = value(decode_old_time({p, n}));
            else if (l.kind == cell_kind::old_datetime)
                out = value(decode_old_datetime({p, n}));
            else
                out = value(timestamp_value{std::int64_t(load_le<4>(p)), 0, 0});
            return errc::ok;
        case cell_kind::time2:
        {
            time_value t;
            if (auto e = decode_time2(p, l.meta, t); e != errc::ok)
                return e;
            out = value(t);
            return errc::ok;
        }
        case cell_kind::datetime2:
        {
            datetime_value dt;
            if (auto e = decode_datetime2(p, l.meta, dt); e != errc::ok)
                return e;
            out = value(dt);
            return errc::ok;
        }
        case cell_kind::timestamp2:
        {
            timestamp_value ts;
            if (auto e = decode_timestamp2(p, l.meta, ts); e != errc::ok)
                return e;
            out = value(ts);
            return errc::ok;
        }
        case cell_kind::year:
        {
            auto y = std::to_integer<std::uint8_t>(p[0]);
            out = value(year_value{std::uint16_t(y == 0 ? 0 : 1900 + y)});
            return errc::ok;
        }
        case cell_kind::bit:
            out = value(bit_value{cell_detail::load_be_n({p, n}), l.length_code});
            return errc::ok;
        case cell_kind::enum_:
            out = value(enum_value{std::uint16_t(n == 1 ? load_le<1>(p) : load_le<2>(p))});
            return errc::ok;
        case cell_kind::set:
            out = value(set_value{cell_detail::load_le_n({p, n})});
            return errc::ok;
        case cell_kind::text:
            out = value(string_value{{reinterpret_cast<const char*>(p), n}, col.charset, false});
            return errc::ok;
        case cell_kind::blob:
            out = value(string_value{{reinterpret_cast<const char*>(p), n}, col.charset, true});
            return errc::ok;
        case cell_kind::json_binary:
            out = value(json_cell{{p, n}, json_format::mysql_binary});
            return errc::ok;
        case cell_kind::json_text:
            out = value(json_cell{{p, n}, json_format::text});
            return errc::ok;
        case cell_kind::geometry:
            if (n < 4)
                return errc::bad_value;
            out = value(geometry_value{std::uint32_t(load_le<4>(p)), {p + 4, n - 4}});
            return errc::ok;
        case cell_kind::vector:
            if (n % 4 != 0)
                return errc::bad_value;
            out = value(vector_value{{p, n}});
            return errc::ok;
        case cell_kind::invalid:
            break;
    }
    return errc::bad_value;
}

inline std::error_code decode_cell_inline(
    const column_info& col, const cell_layout& l, bytes_view data, value& out, std::size_t& consumed
) noexcept
{
    std::size_t size = 0;
    if (auto e = cell_size(l, data, size); e != errc::ok)
        return make_error_code(e);
    if (auto e = decode_sized_cell(l, col, data.data(), size, out); e != errc::ok)
        return make_error_code(e);
    consumed = size;
    return {};
}

} // namespace binlogstream::codec
