// libFuzzer target: one event decoded under one of several FORMAT_DESCRIPTION contexts, then, for rows
// events, every row and cell iterated and rendered; TRANSACTION_PAYLOAD events are expanded.
//
// Input: byte 0 selects the context (checksums off/on, MySQL 8 / MariaDB / 5.1 "alcatel" FDE, strict or
// not); the rest is one whole event (header + body [+ CRC]); its event_size field is patched to the
// input length so that the body decoders, not the framing check, see the bytes.
//
// Seed corpus from the shared binlogs (one file per event, prefixed with a context byte):
//   python3 -c 'import struct,sys,os,glob
//   for f in glob.glob(sys.argv[1]+"/**/*",recursive=True):
//    d=open(f,"rb").read() if os.path.isfile(f) else b""
//    if d[:4]!=b"\xfebin": continue
//    p=4;i=0
//    while p+19<=len(d):
//     n=struct.unpack_from("<I",d,p+9)[0]
//     if n<19: break
//     open(f"{sys.argv[2]}/{os.path.basename(f)}.{i}","wb").write(bytes([1])+d[p:p+n]);p+=n;i+=1' \
//     ../shared/testdata/binlogs corpus/

#include <binlogstream/event.hpp>

#include "codec/event_decoder.hpp"
#include "codec/payload.hpp"
#include "codec/value_json.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <variant>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;

namespace {

bls::format_description_event make_fde(int kind)
{
    bls::format_description_event f = codec::default_format_description();
    switch (kind)
    {
        case 0:
            break;
        case 1:
            f.server_version = "8.0.40";
            f.checksum = bls::checksum_algorithm::crc32;
            break;
        case 2:
            f.server_version = "11.8.5-MariaDB-log";
            f.checksum = bls::checksum_algorithm::off;
            break;
        default:
            f.server_version = "5.2.2-a_drop6p13-debug-log";
            f.event_type_permutation = true;
            break;
    }
    return f;
}

void exercise(const bls::event& ev)
{
    std::string out;
    std::visit(
        [&](const auto& e) {
            if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
            {
                std::size_t offset = 0;
                bls::row r;
                std::error_code ec;
                int rows = 0;
                while (rows++ < 1000 && e.next_row(offset, r, ec))
                {
                    for (const auto* img : {&r.before, &r.after})
                    {
                        bls::row_image::cursor at;
                        bls::row_cell c;
                        std::error_code cec;
                        while (img->next(at, c, cec))
                            codec::append_json(out, c.data, *c.column);
                    }
                }
            }
            else if constexpr (std::is_same_v<std::decay_t<decltype(e)>, bls::previous_gtids_event>)
                out = e.to_string();
        },
        ev
    );
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1 + codec::v4_header_size)
        return 0;
    int selector = data[0];
    auto fde = make_fde(selector & 3);
    std::size_t n = size - 1;
    auto buf = bls::event_buffer::allocate(n);
    std::memcpy(buf.mutable_bytes().data(), data + 1, n);
    auto sz = static_cast<std::uint32_t>(n);
    std::memcpy(buf.mutable_bytes().data() + 9, &sz, 4);

    // A table for rows events: decode the input once as a TABLE_MAP body when it is one.
    codec::table_registry tables;
    codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.tables = &tables;
    ctx.strict = (selector & 4) != 0;
    ctx.verify_checksum = (selector & 8) != 0;
    bls::event ev;
    if (codec::decode_event(std::move(buf), ctx, ev))
        return 0;
    exercise(ev);
    if (auto* p = std::get_if<bls::transaction_payload_event>(&ev))
    {
        codec::payload_reader reader;
        if (!reader.open(*p))
        {
            codec::decode_context inner = ctx;
            inner.in_payload = true;
            bls::event_buffer b;
            std::error_code ec;
            int count = 0;
            while (count++ < 1000 && reader.next(b, ec))
            {
                bls::event iev;
                if (!codec::decode_event(std::move(b), inner, iev))
                {
                    if (auto* tm = std::get_if<bls::table_map_event>(&iev))
                        tables[tm->table_id] = tm->table;
                    exercise(iev);
                }
            }
        }
    }
    return 0;
}
