// libFuzzer target: one row-image cell. The first four bytes give the column description (type, two
// bytes of metadata, flags: bit 0 unsigned, bit 1 partial JSON, bits 2-3 a charset choice); the rest is
// the row data starting at the cell.

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include "codec/cell.hpp"
#include "codec/value_json.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 4)
        return 0;
    binlogstream::column_info col;
    col.type = static_cast<binlogstream::column_type>(data[0]);
    col.wire_type = (data[3] & 16) ? binlogstream::column_type::blob : col.type;
    col.meta = std::uint16_t(data[1] << 8 | data[2]);
    col.is_unsigned = data[3] & 1;
    static constexpr std::uint16_t charsets[] = {0, 63, 8, 45};
    col.charset = charsets[(data[3] >> 2) & 3];
    if (data[3] & 32)
    {
        col.enum_values = {"a", "b", "c"};
        col.set_values = {"x", "y", "z"};
    }
    binlogstream::codec::bytes_view input(reinterpret_cast<const std::byte*>(data + 4), size - 4);

    binlogstream::value v;
    std::size_t consumed = 0;
    std::error_code ec;
    if (data[3] & 2)
        ec = binlogstream::codec::decode_json_diff_cell(col, input, v, consumed);
    else
        ec = binlogstream::codec::decode_cell(col, input, v, consumed);
    if (ec)
        return 0;
    if (consumed > input.size())
        std::abort();
    if (!(data[3] & 2))
    {
        std::size_t measured = 0;
        if (binlogstream::codec::cell_size(col, input, measured) || measured != consumed)
            std::abort();
    }
    std::string out;
    binlogstream::codec::append_json(out, v, col);
    if (auto* s = v.get_if<binlogstream::string_value>())
    {
        std::string utf8;
        (void)s->to_utf8(utf8, binlogstream::text_errors::strict);
        (void)s->to_utf8(utf8, binlogstream::text_errors::replace);
    }
    if (auto* d = v.get_if<binlogstream::decimal_value>())
    {
        std::int64_t scaled = 0;
        (void)d->to_scaled_int64(scaled);
        (void)d->is_negative();
    }
    return 0;
}
