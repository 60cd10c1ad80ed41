#pragma once

// A deliberately small binlog reader for the value tests: it walks the real server-written binlogs
// of the shared test data (MANIFEST.md), keeps TABLE_MAP column descriptions (types, metadata and the
// optional metadata the value decoders use) and hands each row image's cells to a callback. The
// library's own event decoders live in another layer; this one exists so that cell decoding can be
// checked against files that nobody here wrote.
//
// Layouts: MySQL libbinlogevents (Table_map_event, Rows_event), MySQL Internals "Binlog Event".

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include "codec/byte_reader.hpp"
#include "codec/cell.hpp"

#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace value_test {

struct row_cell
{
    std::size_t column = 0;
    binlogstream::value v;
    bool partial_json = false;
};

struct row_image
{
    int event_type = 0;
    std::size_t event_pos = 0; // file offset of the rows event
    bool after = false;        // the after image of an UPDATE (or the image of a WRITE)
    std::vector<row_cell> cells;
};

class binlog_walk
{
public:
    using bytes_view = binlogstream::codec::bytes_view;

    explicit binlog_walk(const std::string& path)
    {
        std::ifstream in(path, std::ios::binary);
        std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        data_.resize(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i)
            data_[i] = std::byte(static_cast<unsigned char>(raw[i]));
    }

    [[nodiscard]] bool loaded() const { return data_.size() > 4; }
    [[nodiscard]] const std::map<std::uint64_t, binlogstream::table_info>& tables() const { return tables_; }
    /// Every rows event seen: file offset and the flags of its post-header (bit 0: STMT_END_F).
    [[nodiscard]] const std::vector<std::pair<std::size_t, std::uint16_t>>& rows_events() const
    {
        return rows_events_;
    }

    /// Calls `on_row` for every row image; returns the first decoding error.
    std::error_code run(const std::function<void(const binlogstream::table_info&, const row_image&)>& on_row)
    {
        using binlogstream::errc;
        std::size_t pos = 4;
        while (pos + 19 <= data_.size())
        {
            binlogstream::codec::byte_reader h(bytes_view(data_).subspan(pos, 19));
            h.skip(4);
            int type = h.u8();
            h.skip(4);
            std::uint32_t size = h.u32();
            if (size < 19 || pos + size > data_.size())
                return make_error_code(errc::bad_event_length);
            auto body = bytes_view(data_).subspan(pos + 19, size - 19);
            if (type == 15)
            {
                // A checksum-aware FDE ends with the algorithm byte and its own CRC.
                checksum_ = body.size() >= 5 && std::to_integer<int>(body[body.size() - 5]) == 1;
                if (body.size() >= 52)
                    mariadb_ = binlogstream::codec::as_string(body.subspan(2, 50)).find("MariaDB") !=
                               std::string::npos;
            }
            else
            {
                if (checksum_ && body.size() >= 4)
                    body = body.first(body.size() - 4);
                std::error_code ec;
                if (type == 19)
                    ec = table_map(body);
                else if ((type >= 23 && type <= 25) || (type >= 30 && type <= 32) || type == 39)
                    ec = rows(type, pos, body, on_row);
                if (ec)
                    return ec;
            }
            pos += size;
        }
        return {};
    }

private:
    static bool is_numeric(binlogstream::column_type t)
    {
        using binlogstream::column_type;
        switch (t)
        {
            case column_type::tiny:
            case column_type::short_:
            case column_type::int24:
            case column_type::long_:
            case column_type::longlong:
            case column_type::float_:
            case column_type::double_:
            case column_type::newdecimal:
            case column_type::decimal:
                return true;
            default:
                return false;
        }
    }

    bool is_character(binlogstream::column_type t) const
    {
        // GEOMETRY is a blob underneath and takes a charset slot on MariaDB (log_event_client.cc
        // is_character_type: "Base class is blob for geom type") but not on MySQL, whose list is
        // STRING, VAR_STRING, VARCHAR, BLOB and (9.x) VECTOR.
        if (t == binlogstream::column_type::geometry)
            return mariadb_;
        using binlogstream::column_type;
        switch (t)
        {
            case column_type::string:
            case column_type::varchar:
            case column_type::var_string:
            case column_type::tiny_blob:
            case column_type::medium_blob:
            case column_type::long_blob:
            case column_type::blob:
            case column_type::vector:
                return true;
            default:
                return false;
        }
    }

    std::error_code table_map(bytes_view body)
    {
        using binlogstream::column_type;
        binlogstream::codec::byte_reader r(body);
        binlogstream::table_info t;
        t.table_id = r.u48();
        r.skip(2);
        t.schema = std::string(r.string(r.u8()));
        r.skip(1);
        t.table = std::string(r.string(r.u8()));
        r.skip(1);
        auto count = r.lenenc();
        if (!r.ok() || count > 4096)
            return make_error_code(binlogstream::errc::truncated_event);
        t.columns.resize(count);
        for (auto& c : t.columns)
            c.type = c.wire_type = static_cast<column_type>(r.u8());
        auto meta_len = r.lenenc();
        auto meta = r.bytes(std::size_t(meta_len));
        binlogstream::codec::byte_reader m(meta);
        for (auto& c : t.columns)
        {
            switch (c.wire_type)
            {
                case column_type::float_:
                case column_type::double_:
                case column_type::tiny_blob:
                case column_type::medium_blob:
                case column_type::long_blob:
                case column_type::blob:
                case column_type::geometry:
                case column_type::json:
                case column_type::time2:
                case column_type::datetime2:
                case column_type::timestamp2:
                case column_type::vector:
                    c.meta = m.u8();
                    break;
                case column_type::varchar:
                case column_type::var_string:
                case column_type::bit:
                    c.meta = m.u16();
                    break;
                case column_type::newdecimal:
                case column_type::string:
                case column_type::enum_:
                case column_type::set:
                {
                    auto b0 = m.u8();
                    auto b1 = m.u8();
                    c.meta = std::uint16_t(b0 << 8 | b1);
                    break;
                }
                default:
                    break;
            }
            if (c.wire_type == column_type::string && c.meta >= 256)
            {
                auto real = static_cast<column_type>(c.meta >> 8);
                if (real == column_type::enum_ || real == column_type::set)
                    c.type = real;
            }
        }
        r.skip((count + 7) / 8);
        // Optional metadata (binlog_row_metadata): type, length, value.
        while (r.ok() && !r.empty())
        {
            auto type = r.u8();
            auto len = r.lenenc();
            auto value = r.bytes(std::size_t(len));
            if (!r.ok())
                break;
            binlogstream::codec::byte_reader v(value);
            switch (type)
            {
                case 1: // SIGNEDNESS: one bit per numeric column, most significant first
                {
                    std::size_t i = 0;
                    for (auto& c : t.columns)
                    {
                        if (!is_numeric(c.type))
                            continue;
                        if (i / 8 < value.size())
                            c.is_unsigned = (std::to_integer<int>(value[i / 8]) >> (7 - i % 8)) & 1;
                        ++i;
                    }
                    break;
                }
                case 2: // DEFAULT_CHARSET: default collation, then (column index, collation) pairs
                {
                    auto def = v.lenenc();
                    std::map<std::uint64_t, std::uint64_t> overrides;
                    while (v.ok() && !v.empty())
                    {
                        auto idx = v.lenenc();
                        overrides[idx] = v.lenenc();
                    }
                    std::uint64_t i = 0;
                    for (auto& c : t.columns)
                    {
                        if (!is_character(c.type))
                            continue;
                        c.charset = std::uint16_t(overrides.count(i) ? overrides[i] : def);
                        ++i;
                    }
                    break;
                }
                case 3: // COLUMN_CHARSET
                    for (auto& c : t.columns)
                        if (is_character(c.type))
                            c.charset = std::uint16_t(v.lenenc());
                    break;
                case 4: // COLUMN_NAME
                    for (auto& c : t.columns)
                        c.name = std::string(v.lenenc_string());
                    break;
                case 5: // SET_STR_VALUE
                case 6: // ENUM_STR_VALUE
                {
                    auto want = type == 5 ? column_type::set : column_type::enum_;
                    for (auto& c : t.columns)
                    {
                        if (c.type != want)
                            continue;
                        auto n = v.lenenc();
                        auto& list = type == 5 ? c.set_values : c.enum_values;
                        for (std::uint64_t k = 0; k < n && v.ok(); ++k)
                            list.emplace_back(v.lenenc_string());
                    }
                    break;
                }
                default:
                    break;
            }
        }
        tables_[t.table_id] = std::move(t);
        return {};
    }

    std::error_code rows(
        int type,
        std::size_t event_pos,
        bytes_view body,
        const std::function<void(const binlogstream::table_info&, const row_image&)>& on_row
    )
    {
        using binlogstream::column_type;
        binlogstream::codec::byte_reader r(body);
        auto table_id = r.u48();
        rows_events_.emplace_back(event_pos, r.u16());
        bool v2 = type >= 30;
        if (v2)
        {
            auto extra = r.u16();
            if (extra < 2)
                return make_error_code(binlogstream::errc::truncated_event);
            r.skip(extra - 2u);
        }
        auto count = r.lenenc();
        auto it = tables_.find(table_id);
        if (!r.ok() || it == tables_.end() || it->second.columns.size() != count)
            return make_error_code(binlogstream::errc::missing_table_map);
        const auto& table = it->second;
        bool update = type == 24 || type == 31 || type == 39;
        auto present_before = bitmap(r, count);
        auto present_after = update ? bitmap(r, count) : present_before;
        while (r.ok() && !r.empty())
        {
            for (int image = 0; image < (update ? 2 : 1); ++image)
            {
                bool after = update ? image == 1 : true;
                const auto& present = image == 0 ? present_before : present_after;
                std::vector<bool> partial(count, false);
                if (type == 39 && image == 1)
                {
                    // value_options, then one bit per JSON column when PARTIAL_JSON_UPDATES is set.
                    auto options = r.lenenc();
                    if (options & 1)
                    {
                        std::vector<std::size_t> json_columns;
                        for (std::size_t i = 0; i < count; ++i)
                            if (present[i] && table.columns[i].type == column_type::json)
                                json_columns.push_back(i);
                        auto bits = bitmap(r, json_columns.size());
                        for (std::size_t k = 0; k < json_columns.size(); ++k)
                            partial[json_columns[k]] = bits[k];
                    }
                }
                std::size_t n_present = 0;
                for (bool p : present)
                    n_present += p;
                auto nulls = bitmap(r, n_present);
                row_image img;
                img.event_type = type;
                img.event_pos = event_pos;
                img.after = after && !(type == 25 || type == 32);
                std::size_t k = 0;
                for (std::size_t i = 0; i < count; ++i)
                {
                    if (!present[i])
                        continue;
                    bool is_null = nulls[k++];
                    row_cell cell;
                    cell.column = i;
                    if (!is_null)
                    {
                        std::size_t consumed = 0;
                        std::error_code ec;
                        if (partial[i])
                        {
                            ec = binlogstream::codec::decode_json_diff_cell(
                                table.columns[i], r.rest(), cell.v, consumed
                            );
                            cell.partial_json = true;
                        }
                        else
                        {
                            ec = binlogstream::codec::decode_cell(
                                table.columns[i], r.rest(), cell.v, consumed
                            );
                        }
                        if (ec)
                            return ec;
                        r.skip(consumed);
                    }
                    img.cells.push_back(cell);
                }
                if (!r.ok())
                    return r.error();
                on_row(table, img);
            }
        }
        return r.error();
    }

    static std::vector<bool> bitmap(binlogstream::codec::byte_reader& r, std::size_t bits)
    {
        auto bytes = r.bytes((bits + 7) / 8);
        std::vector<bool> out(bits, false);
        if (!r.ok())
            return out;
        for (std::size_t i = 0; i < bits; ++i)
            out[i] = (std::to_integer<int>(bytes[i / 8]) >> (i % 8)) & 1;
        return out;
    }

    std::vector<std::byte> data_;
    bool checksum_ = false;
    bool mariadb_ = false;
    std::map<std::uint64_t, binlogstream::table_info> tables_;
    std::vector<std::pair<std::size_t, std::uint16_t>> rows_events_;
};

} // namespace value_test
