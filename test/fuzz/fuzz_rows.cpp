// libFuzzer target: a TABLE_MAP body followed by a rows event body, decoded together; every row of the
// rows event is iterated, every cell decoded and rendered as JSON.
//
// Input: byte 0 = rows event type (mapped onto the rows types 20-25, 30-32, 39, 166-171), byte 1 =
// FDE selector (bit 0: MySQL v2 post-headers / MariaDB; bit 1: strict; bit 2: the table without its
// column plan), bytes 2-3 = TABLE_MAP body length (LE), then the
// TABLE_MAP body, then the rows body. Seeds: pairs of TABLE_MAP and rows bodies from the shared binlogs.

#include <binlogstream/event.hpp>

#include "codec/event_decoder.hpp"
#include "codec/value_json.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 4)
        return 0;
    static constexpr std::uint8_t types[] = {
        20, 21, 22, 23, 24, 25, 30, 31, 32, 39, 166, 167, 168, 169, 170, 171};
    auto type = static_cast<bls::event_type>(types[data[0] % sizeof types]);
    bls::format_description_event fde = codec::default_format_description();
    if (data[1] & 1)
        fde.server_version = "10.11.13-MariaDB-log";
    else
        fde.server_version = "8.0.40";
    std::size_t tm_len = data[2] | (std::size_t(data[3]) << 8);
    auto rest = std::span(reinterpret_cast<const std::byte*>(data) + 4, size - 4);
    if (tm_len > rest.size())
        return 0;
    codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.strict = (data[1] & 2) != 0;
    bls::table_map_event tm;
    if (codec::decode_table_map(rest.first(tm_len), ctx, tm))
        return 0;
    if (data[1] & 4)
    {
        // A table without its column plan (as one built outside the TABLE_MAP decoder): rows then
        // work each cell's layout out per cell, a second path to exercise.
        auto copy = std::make_shared<bls::table_info>(*tm.table);
        copy->plan.reset();
        tm.table = std::move(copy);
    }
    codec::table_registry tables;
    tables[tm.table_id] = tm.table;
    ctx.tables = &tables;

    // The rows body keeps its own buffer, as events do (cells view into it).
    auto body = bls::event_buffer::copy_of(rest.subspan(tm_len));
    bls::rows_event ev;
    if (codec::decode_rows(body.bytes(), ctx, type, ev))
        return 0;
    if (!ev.table && !tables.empty())
        ev.table = tables.begin()->second; // exercise the rows even when the ids differ
    std::string out;
    std::size_t offset = 0;
    bls::row r;
    std::error_code ec;
    int rows = 0;
    while (rows++ < 1000 && ev.next_row(offset, r, ec))
    {
        for (const auto* img : {&r.before, &r.after})
        {
            std::vector<bls::row_cell> cells;
            auto lazy_ec = img->cells(cells);
            if (!lazy_ec)
                for (const auto& c : cells)
                    codec::append_json(out, c.data, *c.column);
            // The batch form must accept and reject exactly what the per-cell form does.
            std::vector<bls::value> values;
            auto batch_ec = img->values(values);
            if (batch_ec != lazy_ec || (!batch_ec && values.size() != cells.size()))
                __builtin_trap();
            for (std::size_t k = 0; !batch_ec && k < values.size(); ++k)
                if (values[k].kind() != cells[k].data.kind())
                    __builtin_trap();
        }
    }
    return 0;
}
