// Row-image cell layouts per column type (MySQL sql/log_event.cc log_event_print_value and the
// Field::pack implementations; MariaDB log_event_client.cc). Metadata conventions: see
// column_info::meta in table.hpp.

#include "codec/cell.hpp"

#include "codec/cell_decode.hpp"
#include "codec/decimal.hpp"
#include "codec/temporal.hpp"

#include <cstring>

namespace binlogstream::codec {
namespace {

std::error_code truncated() noexcept
{
    return make_error_code(errc::truncated_event);
}

// MYSQL_TYPE_STRING metadata: (real_type << 8 | length), where lengths above 255 borrow two bits of the
// real-type byte, inverted (MySQL bug #37426): real type = byte0 | 0x30, max length =
// byte1 | (((byte0 & 0x30) ^ 0x30) << 4).
void resolve_string(std::uint16_t meta, column_type& real, std::size_t& max_length) noexcept
{
    if (meta >= 256)
    {
        unsigned byte0 = meta >> 8;
        unsigned byte1 = meta & 0xff;
        if ((byte0 & 0x30) != 0x30)
        {
            max_length = byte1 | (((byte0 & 0x30) ^ 0x30) << 4);
            real = static_cast<column_type>(byte0 | 0x30);
        }
        else
        {
            max_length = byte1;
            real = static_cast<column_type>(byte0);
        }
    }
    else
    {
        max_length = meta;
        real = column_type::string;
    }
}

errc layout_into(const column_info& col, cell_layout& l) noexcept
{
    l.type = col.type;
    const std::uint16_t meta = col.meta;
    if (l.type == column_type::string)
    {
        // A STRING column the table map did not resolve: the metadata may still say ENUM or SET.
        column_type real = column_type::string;
        std::size_t max_length = 0;
        resolve_string(meta, real, max_length);
        if (real == column_type::enum_ || real == column_type::set)
        {
            l.type = real;
        }
        else
        {
            l.prefix = max_length > 255 ? 2 : 1;
            return errc::ok;
        }
    }
    switch (l.type)
    {
        case column_type::null:
            l.fixed = 0;
            return errc::ok;
        case column_type::tiny:
        case column_type::year:
            l.fixed = 1;
            return errc::ok;
        case column_type::short_:
            l.fixed = 2;
            return errc::ok;
        case column_type::int24:
        case column_type::date:
        case column_type::newdate:
            l.fixed = 3;
            return errc::ok;
        case column_type::long_:
        case column_type::float_:
            l.fixed = 4;
            return errc::ok;
        case column_type::longlong:
        case column_type::double_:
            l.fixed = 8;
            return errc::ok;
        case column_type::time:
        case column_type::datetime:
        case column_type::timestamp:
            // meta is 0 in every TABLE_MAP; the table cache sets it to a MariaDB hires column's
            // precision (temporal_hires.hpp).
            if (meta != 0)
            {
                l.fixed = std::uint32_t(hires_cell_size(l.type, meta));
                return l.fixed != 0 ? errc::ok : errc::bad_value;
            }
            l.fixed = l.type == column_type::time ? 3 : l.type == column_type::timestamp ? 4 : 8;
            return errc::ok;
        case column_type::time2:
        case column_type::datetime2:
        case column_type::timestamp2:
        {
            if (meta > 6)
                return errc::bad_value;
            std::size_t base = l.type == column_type::time2 ? 3 : l.type == column_type::datetime2 ? 5 : 4;
            l.fixed = std::uint32_t(base + fraction_bytes(meta));
            return errc::ok;
        }
        case column_type::newdecimal:
        {
            l.fixed = std::uint32_t(decimal_binary_size(meta >> 8, meta & 0xff));
            if (l.fixed == 0)
                return errc::bad_value;
            return errc::ok;
        }
        case column_type::bit:
        {
            unsigned bits = (meta >> 8) * 8 + (meta & 0xff);
            if (bits == 0 || bits > 64)
                return errc::bad_value;
            l.fixed = (bits + 7) / 8;
            l.length_code = std::uint16_t(bits);
            return errc::ok;
        }
        case column_type::enum_:
            l.fixed = meta & 0xff;
            if (l.fixed != 1 && l.fixed != 2)
                return errc::bad_value;
            return errc::ok;
        case column_type::set:
            l.fixed = meta & 0xff;
            if (l.fixed < 1 || l.fixed > 8)
                return errc::bad_value;
            return errc::ok;
        case column_type::varchar:
        case column_type::var_string:
            l.prefix = meta < 256 ? 1 : 2;
            return errc::ok;
        case column_type::tiny_blob:
        case column_type::medium_blob:
        case column_type::long_blob:
        case column_type::blob:
        case column_type::geometry:
        case column_type::json:
        case column_type::vector:
            if (meta >= 1 && meta <= 4)
                l.prefix = std::uint8_t(meta);
            else if ((l.type == column_type::json || l.type == column_type::vector) && meta == 0)
                l.prefix = 4; // JSON and VECTOR always use 4 length bytes; accept a map that omitted it
            else
                return errc::bad_value;
            return errc::ok;
        default:
            return errc::bad_value;
    }
}

cell_kind kind_of(column_type resolved, column_type wire) noexcept
{
    switch (resolved)
    {
        case column_type::null:
            return cell_kind::null;
        case column_type::tiny:
            return cell_kind::tiny;
        case column_type::short_:
            return cell_kind::short_;
        case column_type::int24:
            return cell_kind::int24;
        case column_type::long_:
            return cell_kind::long_;
        case column_type::longlong:
            return cell_kind::longlong;
        case column_type::float_:
            return cell_kind::float_;
        case column_type::double_:
            return cell_kind::double_;
        case column_type::newdecimal:
            return cell_kind::decimal;
        case column_type::date:
        case column_type::newdate:
            return cell_kind::date;
        case column_type::time:
            return cell_kind::old_time;
        case column_type::datetime:
            return cell_kind::old_datetime;
        case column_type::timestamp:
            return cell_kind::old_timestamp;
        case column_type::time2:
            return cell_kind::time2;
        case column_type::datetime2:
            return cell_kind::datetime2;
        case column_type::timestamp2:
            return cell_kind::timestamp2;
        case column_type::year:
            return cell_kind::year;
        case column_type::bit:
            return cell_kind::bit;
        case column_type::enum_:
            return cell_kind::enum_;
        case column_type::set:
            return cell_kind::set;
        case column_type::string:
        case column_type::varchar:
        case column_type::var_string:
            return cell_kind::text;
        case column_type::tiny_blob:
        case column_type::medium_blob:
        case column_type::long_blob:
        case column_type::blob:
            return cell_kind::blob;
        case column_type::json:
            // MySQL writes JSON columns as type 245 in binary JSON; a column known to be JSON that
            // arrives as a BLOB is MariaDB's text JSON.
            return wire == column_type::json ? cell_kind::json_binary : cell_kind::json_text;
        case column_type::geometry:
            return cell_kind::geometry;
        case column_type::vector:
            return cell_kind::vector;
        default:
            return cell_kind::invalid;
    }
}

} // namespace

cell_layout plan_cell(const column_info& col) noexcept
{
    cell_layout l;
    l.status = layout_into(col, l);
    l.meta = col.meta;
    l.kind = l.status == errc::ok ? kind_of(l.type, col.wire_type) : cell_kind::invalid;
    if (l.kind == cell_kind::invalid && l.status == errc::ok)
        l.status = errc::bad_value;
    return l;
}

std::error_code
decode_cell(const column_info& col, bytes_view data, value& out, std::size_t& consumed) noexcept
{
    return decode_cell(col, plan_cell(col), data, out, consumed);
}
std::error_code decode_cell(
    const column_info& col, const cell_layout& l, bytes_view data, value& out, std::size_t& consumed
) noexcept
{
    return decode_cell_inline(col, l, data, out, consumed);
}

std::error_code cell_size(const column_info& col, bytes_view data, std::size_t& size) noexcept
{
    auto e = cell_size(plan_cell(col), data, size);
    return e == errc::ok ? std::error_code() : make_error_code(e);
}

std::error_code
decode_json_diff_cell(const column_info& col, bytes_view data, value& out, std::size_t& consumed) noexcept
{
    std::size_t prefix = col.meta >= 1 && col.meta <= 4 ? col.meta : 4;
    if (data.size() < prefix)
        return truncated();
    std::size_t length = std::size_t(cell_detail::load_le_n(data.first(prefix)));
    if (length > data.size() - prefix)
        return truncated();
    out = value(json_cell{data.subspan(prefix, length), json_format::mysql_diff});
    consumed = prefix + length;
    return {};
}

} // namespace binlogstream::codec
