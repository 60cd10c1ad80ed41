// TABLE_MAP_EVENT (19) and its optional metadata (binlog_row_metadata).
// References: MySQL libs/mysql/binlog/event/rows_event.{h,cpp} (Table_map_event, the
// Optional_metadata_fields TLV types) and sql/log_event.cc (Table_map_log_event::save_field_metadata:
// which types carry 0, 1 or 2 metadata bytes); MariaDB sql/log_event_server.cc (same TLVs).
// Layout: table_id (6 bytes, 4 when the post-header is 6), flags u16; schema (u8 length, text, NUL),
// table (same), column count (lenenc), one type byte per column, metadata (lenenc length + block),
// nullability bitmap (LSB first), then optional metadata fields (type u8, lenenc length, value) to the
// end. Optional metadata bitmaps are MSB first.

#include "codec/column_plan.hpp"
#include "codec/event_decoder.hpp"

namespace binlogstream::codec {
namespace {

// Metadata bytes per wire type (save_field_metadata); -1 for types with no row-image encoding.
int meta_width(column_type t) noexcept
{
    switch (t)
    {
        case column_type::float_:
        case column_type::double_:
        case column_type::blob:
        case column_type::tiny_blob:
        case column_type::medium_blob:
        case column_type::long_blob:
        case column_type::geometry:
        case column_type::json:
        case column_type::vector:
        case column_type::time2:
        case column_type::datetime2:
        case column_type::timestamp2:
        case column_type::typed_array:
            return 1;
        case column_type::varchar:
        case column_type::var_string:
        case column_type::bit:
        case column_type::newdecimal:
        case column_type::string:
        case column_type::enum_:
        case column_type::set:
            return 2;
        default:
            return 0;
    }
}

bool is_numeric(column_type t) noexcept
{
    switch (t)
    {
        case column_type::tiny:
        case column_type::short_:
        case column_type::int24:
        case column_type::long_:
        case column_type::longlong:
        case column_type::float_:
        case column_type::double_:
        case column_type::decimal:
        case column_type::newdecimal:
            return true;
        default:
            return false;
    }
}

// Which columns the charset fields (DEFAULT_CHARSET, COLUMN_CHARSET) count, in order. The flavours
// differ: MariaDB counts GEOMETRY (its Field_geom is a Field_blob; client/log_event_client.cc
// is_character_type), MySQL does not but counts VECTOR (sql/log_event.cc is_character_type).
bool is_character(column_type t, bool mariadb) noexcept
{
    if (t == column_type::geometry)
        return mariadb;
    switch (t)
    {
        case column_type::string:
        case column_type::var_string:
        case column_type::varchar:
        case column_type::blob:
        case column_type::tiny_blob:
        case column_type::medium_blob:
        case column_type::long_blob:
        case column_type::vector: // MySQL 9 counts VECTOR (binary) among the character columns
            return true;
        default:
            return false;
    }
}

bool is_enum_or_set(column_type t) noexcept
{
    return t == column_type::enum_ || t == column_type::set;
}

bool msb_bit(bytes_view bitmap, std::size_t i) noexcept
{
    if (i / 8 >= bitmap.size())
        return false;
    return (std::to_integer<std::uint8_t>(bitmap[i / 8]) >> (7 - i % 8)) & 1;
}

// Applies DEFAULT_CHARSET-style data (default, then (index, collation) pairs) to the selected columns.
std::error_code apply_default_charset(bytes_view v, std::vector<column_info*>& cols)
{
    byte_reader r(v);
    auto def = r.lenenc();
    if (!r.ok())
        return r.error();
    for (auto* c : cols)
        c->charset = static_cast<std::uint16_t>(def);
    while (!r.empty())
    {
        auto index = r.lenenc();
        auto coll = r.lenenc();
        if (!r.ok())
            return r.error();
        if (index >= cols.size())
            return make_error_code(errc::bad_value);
        cols[index]->charset = static_cast<std::uint16_t>(coll);
    }
    return {};
}

std::error_code apply_column_charset(bytes_view v, std::vector<column_info*>& cols)
{
    byte_reader r(v);
    for (std::size_t i = 0; !r.empty(); ++i)
    {
        auto coll = r.lenenc();
        if (!r.ok())
            return r.error();
        if (i < cols.size())
            cols[i]->charset = static_cast<std::uint16_t>(coll);
    }
    return {};
}

std::error_code apply_str_values(bytes_view v, std::vector<column_info*>& cols, bool is_set)
{
    byte_reader r(v);
    for (std::size_t i = 0; !r.empty(); ++i)
    {
        auto count = r.lenenc();
        if (!r.ok())
            return r.error();
        if (count > r.remaining())
            return make_error_code(errc::truncated_event);
        std::vector<std::string> values;
        values.reserve(static_cast<std::size_t>(count));
        for (std::uint64_t k = 0; k < count; ++k)
        {
            auto s = r.lenenc_string();
            if (!r.ok())
                return r.error();
            values.emplace_back(s);
        }
        if (i < cols.size())
            (is_set ? cols[i]->set_values : cols[i]->enum_values) = std::move(values);
    }
    return {};
}

std::error_code
apply_optional_metadata(bytes_view data, table_info& t, std::vector<std::uint8_t>& types, bool mariadb)
{
    std::vector<column_info*> numeric, character, enum_set, enums, sets, geometry, vectors;
    for (auto& c : t.columns)
    {
        if (is_numeric(c.type))
            numeric.push_back(&c);
        if (is_character(c.type, mariadb))
            character.push_back(&c);
        if (is_enum_or_set(c.type))
            enum_set.push_back(&c);
        if (c.type == column_type::enum_)
            enums.push_back(&c);
        if (c.type == column_type::set)
            sets.push_back(&c);
        if (c.type == column_type::geometry)
            geometry.push_back(&c);
        if (c.type == column_type::vector)
            vectors.push_back(&c);
    }
    byte_reader r(data);
    while (!r.empty())
    {
        auto type = r.u8();
        auto len = r.lenenc();
        if (!r.ok())
            return r.error();
        auto v = r.bytes(static_cast<std::size_t>(std::min<std::uint64_t>(len, r.remaining() + 1)));
        if (!r.ok())
            return r.error();
        types.push_back(type);
        std::error_code ec;
        byte_reader vr(v);
        switch (type)
        {
            case 1: // SIGNEDNESS
                for (std::size_t i = 0; i < numeric.size(); ++i)
                    numeric[i]->is_unsigned = msb_bit(v, i);
                break;
            case 2: // DEFAULT_CHARSET
                ec = apply_default_charset(v, character);
                break;
            case 3: // COLUMN_CHARSET
                ec = apply_column_charset(v, character);
                break;
            case 4: // COLUMN_NAME
                for (std::size_t i = 0; !vr.empty(); ++i)
                {
                    auto name = vr.lenenc_string();
                    if (!vr.ok())
                        return vr.error();
                    if (i < t.columns.size())
                        t.columns[i].name.assign(name);
                }
                t.names_from_binlog = true;
                t.metadata = table_metadata::binlog;
                break;
            case 5: // SET_STR_VALUE
                ec = apply_str_values(v, sets, true);
                break;
            case 6: // ENUM_STR_VALUE
                ec = apply_str_values(v, enums, false);
                break;
            case 7: // GEOMETRY_TYPE
                for (std::size_t i = 0; !vr.empty(); ++i)
                {
                    auto g = vr.lenenc();
                    if (!vr.ok())
                        return vr.error();
                    if (i < geometry.size())
                        geometry[i]->geometry_type = static_cast<std::uint32_t>(g);
                }
                break;
            case 8: // SIMPLE_PRIMARY_KEY
                while (!vr.empty())
                {
                    auto c = vr.lenenc();
                    if (!vr.ok())
                        return vr.error();
                    t.primary_key.push_back({static_cast<std::uint32_t>(c), 0});
                }
                break;
            case 9: // PRIMARY_KEY_WITH_PREFIX
                while (!vr.empty())
                {
                    auto c = vr.lenenc();
                    auto p = vr.lenenc();
                    if (!vr.ok())
                        return vr.error();
                    t.primary_key.push_back({static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(p)});
                }
                break;
            case 10: // ENUM_AND_SET_DEFAULT_CHARSET
                ec = apply_default_charset(v, enum_set);
                break;
            case 11: // ENUM_AND_SET_COLUMN_CHARSET
                ec = apply_column_charset(v, enum_set);
                break;
            case 12: // COLUMN_VISIBILITY
                for (std::size_t i = 0; i < t.columns.size(); ++i)
                    t.columns[i].visible = msb_bit(v, i);
                break;
            case 13: // VECTOR_DIMENSIONALITY
                for (std::size_t i = 0; !vr.empty(); ++i)
                {
                    auto d = vr.lenenc();
                    if (!vr.ok())
                        return vr.error();
                    if (i < vectors.size())
                        vectors[i]->vector_dimensions = static_cast<std::uint32_t>(d);
                }
                break;
            default: // unknown: skipped, never fatal
                break;
        }
        if (ec)
            return ec;
    }
    return {};
}

} // namespace

std::error_code decode_table_map(bytes_view body, const decode_context& ctx, table_map_event& out)
{
    const auto& fde = ctx.fde ? *ctx.fde : default_format_description();
    auto post = fde.post_header_length(event_type::table_map, 8);
    byte_reader r(body);
    if (post < 6 || !r.has(post))
        return make_error_code(post < 6 ? errc::bad_value : errc::truncated_event);
    auto t = std::make_shared<table_info>();
    t->table_id = post == 6 ? r.u32_unchecked() : r.uint_unchecked<6>();
    t->flags = r.u16_unchecked();
    r.skip(post - (post == 6 ? 6u : 8u));
    auto schema_len = r.u8();
    t->schema.assign(r.string(schema_len));
    r.skip(1);
    auto table_len = r.u8();
    t->table.assign(r.string(table_len));
    r.skip(1);
    auto count = r.lenenc();
    if (!r.ok())
        return r.error();
    if (count > r.remaining())
        return make_error_code(errc::truncated_event);
    auto types = r.bytes(static_cast<std::size_t>(count));
    if (!r.ok())
        return r.error();
    // MySQL 5.1 pre-GA TABLE_MAPs (the "alcatel" trees) end after the types: no metadata, no
    // nullability bitmap.
    bytes_view meta, nulls;
    bool pre_ga = fde.event_type_permutation && r.empty();
    if (!pre_ga)
    {
        auto meta_len = r.lenenc();
        if (!r.ok())
            return r.error();
        meta = r.bytes(static_cast<std::size_t>(std::min<std::uint64_t>(meta_len, r.remaining() + 1)));
        nulls = r.bytes(static_cast<std::size_t>((count + 7) / 8));
        if (!r.ok())
            return r.error();
    }

    t->columns.resize(static_cast<std::size_t>(count));
    byte_reader m(meta);
    for (std::size_t i = 0; i < t->columns.size(); ++i)
    {
        auto& c = t->columns[i];
        c.wire_type = static_cast<column_type>(std::to_integer<std::uint8_t>(types[i]));
        c.type = c.wire_type;
        c.nullable = pre_ga || ((std::to_integer<std::uint8_t>(nulls[i / 8]) >> (i % 8)) & 1);
        switch (pre_ga ? 0 : meta_width(c.wire_type))
        {
            case 1:
                c.meta = m.u8();
                break;
            case 2:
            {
                auto b0 = m.u8();
                auto b1 = m.u8();
                // VARCHAR and BIT store a little-endian value; STRING and NEWDECIMAL two ordered bytes.
                if (c.wire_type == column_type::varchar || c.wire_type == column_type::var_string ||
                    c.wire_type == column_type::bit)
                    c.meta = static_cast<std::uint16_t>(b0 | (b1 << 8));
                else
                    c.meta = static_cast<std::uint16_t>((b0 << 8) | b1);
                break;
            }
            default:
                break;
        }
        if (c.wire_type == column_type::string && m.ok())
        {
            auto real = static_cast<std::uint8_t>((c.meta >> 8) | 0x30);
            if (real == static_cast<std::uint8_t>(column_type::enum_))
                c.type = column_type::enum_;
            else if (real == static_cast<std::uint8_t>(column_type::set))
                c.type = column_type::set;
        }
    }
    if (!m.ok())
        return m.error();
    if (!m.empty())
        return make_error_code(errc::bad_value);
    const bool mariadb = fde.server_version.find("MariaDB") != std::string::npos;
    if (auto ec = apply_optional_metadata(r.rest(), *t, out.optional_metadata_types, mariadb))
        return ec;
    t->plan = make_column_plan(*t);
    out.table_id = t->table_id;
    out.flags = t->flags;
    out.table = std::move(t);
    return {};
}

} // namespace binlogstream::codec
