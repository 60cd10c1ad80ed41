#pragma once

// The body of decode_cell for a planned layout, inline so that the row iteration (rows_event.cpp)
// decodes a cell without a call per cell. Layouts: cell.cpp.

#include "codec/cell.hpp"
#include "codec/decimal.hpp"
#include "codec/temporal.hpp"
#include "codec/temporal_hires.hpp"

#include <cstring>

namespace binlogstream::codec::cell_detail {

inline errc measure(const cell_layout& l, bytes_view data, bytes_view& payload, std::size_t& size) noexcept
{
    if (auto e = cell_size(l, data, size); e != errc::ok)
        return e;
    payload = data.subspan(l.prefix, size - l.prefix);
    return errc::ok;
}

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

} // namespace binlogstream::codec::cell_detail

namespace binlogstream::codec {

inline std::error_code decode_cell_inline(
    const column_info& col, const cell_layout& l, bytes_view data, value& out, std::size_t& consumed
) noexcept
{
    bytes_view p;
    std::size_t size = 0;
    if (auto e = cell_detail::measure(l, data, p, size); e != errc::ok)
        return make_error_code(e);
    switch (l.type)
    {
        case column_type::null:
            out = value();
            break;
        case column_type::tiny:
            out = cell_detail::make_integer(col, load_le<1>(p.data()), 1);
            break;
        case column_type::short_:
            out = cell_detail::make_integer(col, load_le<2>(p.data()), 2);
            break;
        case column_type::int24:
            out = cell_detail::make_integer(col, load_le<3>(p.data()), 3);
            break;
        case column_type::long_:
            out = cell_detail::make_integer(col, load_le<4>(p.data()), 4);
            break;
        case column_type::longlong:
            out = cell_detail::make_integer(col, load_le<8>(p.data()), 8);
            break;
        case column_type::float_:
        {
            auto bits = std::uint32_t(load_le<4>(p.data()));
            float f;
            std::memcpy(&f, &bits, sizeof f);
            out = value(f);
            break;
        }
        case column_type::double_:
        {
            auto bits = load_le<8>(p.data());
            double d;
            std::memcpy(&d, &bits, sizeof d);
            out = value(d);
            break;
        }
        case column_type::newdecimal:
        {
            unsigned precision = col.meta >> 8;
            unsigned scale = col.meta & 0xff;
            if (auto ec = validate_decimal(p, precision, scale))
                return ec;
            out = value(decimal_value(p, std::uint8_t(precision), std::uint8_t(scale)));
            break;
        }
        case column_type::date:
        case column_type::newdate:
            out = value(decode_date(p));
            break;
        case column_type::time:
        case column_type::datetime:
        case column_type::timestamp:
            if (col.meta != 0) // a MariaDB hires column, sized by the table cache
            {
                if (auto ec = decode_hires(l.type, p, col.meta, out))
                    return ec;
            }
            else if (l.type == column_type::time)
                out = value(decode_old_time(p));
            else if (l.type == column_type::datetime)
                out = value(decode_old_datetime(p));
            else
                out = value(timestamp_value{std::int64_t(cell_detail::load_le_n(p)), 0, 0});
            break;
        case column_type::time2:
        {
            time_value t;
            if (auto ec = decode_time2(p, col.meta, t))
                return ec;
            out = value(t);
            break;
        }
        case column_type::datetime2:
        {
            datetime_value dt;
            if (auto ec = decode_datetime2(p, col.meta, dt))
                return ec;
            out = value(dt);
            break;
        }
        case column_type::timestamp2:
        {
            timestamp_value ts;
            if (auto ec = decode_timestamp2(p, col.meta, ts))
                return ec;
            out = value(ts);
            break;
        }
        case column_type::year:
        {
            auto y = std::to_integer<std::uint8_t>(p[0]);
            out = value(year_value{std::uint16_t(y == 0 ? 0 : 1900 + y)});
            break;
        }
        case column_type::bit:
            out = value(bit_value{cell_detail::load_be_n(p), l.length_code});
            break;
        case column_type::enum_:
            out = value(enum_value{std::uint16_t(cell_detail::load_le_n(p))});
            break;
        case column_type::set:
            out = value(set_value{cell_detail::load_le_n(p)});
            break;
        case column_type::string:
        case column_type::varchar:
        case column_type::var_string:
            out = value(string_value{as_string(p), col.charset, false});
            break;
        case column_type::tiny_blob:
        case column_type::medium_blob:
        case column_type::long_blob:
        case column_type::blob:
            out = value(string_value{as_string(p), col.charset, true});
            break;
        case column_type::json:
            // MySQL writes JSON columns as type 245 in binary JSON; a column known to be JSON that
            // arrives as a BLOB is MariaDB's text JSON.
            out = value(json_cell{
                p, col.wire_type == column_type::json ? json_format::mysql_binary : json_format::text});
            break;
        case column_type::geometry:
            if (p.size() < 4)
                return make_error_code(errc::bad_value);
            out = value(geometry_value{std::uint32_t(cell_detail::load_le_n(p.first(4))), p.subspan(4)});
            break;
        case column_type::vector:
            if (p.size() % 4 != 0)
                return make_error_code(errc::bad_value);
            out = value(vector_value{p});
            break;
        default:
            return make_error_code(errc::bad_value);
    }
    consumed = size;
    return {};
}

} // namespace binlogstream::codec
