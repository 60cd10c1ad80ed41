// MariaDB compressed events (QUERY_COMPRESSED 165, *_ROWS_COMPRESSED 166-171) and MySQL
// TRANSACTION_PAYLOAD (40) streaming.
//
// The shared binlogs hold no MariaDB compressed event (MANIFEST "Known gaps"), so the compressed events
// here are built from documented uncompressed ones (mariadb-docs query_event.md and
// rows_event_v1v2-rows_compressed_event_v1.md) with the block format MariaDB documents and writes
// (sql/log_event.cc binlog_buf_compress: one byte 0x80 | algorithm << 4 | length-field size, the
// uncompressed length big-endian, then a zlib stream made by zlib's compress()). Expected values are
// the documents' (and, for the rows, what mariadb-binlog -vv printed for the uncompressed event).

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"
#include "codec/payload.hpp"
#include "common/bytes.hpp"
#include "common/mariadb_compress.hpp"

#include <boost/test/unit_test.hpp>
#include <zlib.h>

#include <string>
#include <vector>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;
using binlogstream::test::base64;

namespace {

std::vector<std::byte> mariadb_compress(std::span<const std::byte> raw)
{
    auto n = static_cast<std::uint32_t>(raw.size());
    unsigned lenlen = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
    return binlogstream::test::mariadb_compressed_block(raw, n, lenlen);
}

// Rebuilds an event: new type, new body, size patched, no checksum.
std::vector<std::byte>
make_event(std::span<const std::byte> header, std::uint8_t type, std::span<const std::byte> body)
{
    std::vector<std::byte> ev;
    ev.reserve(19 + body.size());
    for (std::size_t i = 0; i < 19; ++i)
        ev.push_back(header[i]);
    for (auto b : body)
        ev.push_back(b);
    ev[4] = static_cast<std::byte>(type);
    auto size = static_cast<std::uint32_t>(ev.size());
    for (std::size_t i = 0; i < 4; ++i)
        ev[9 + i] = static_cast<std::byte>((size >> (8 * i)) & 0xff);
    return ev;
}

bls::format_description_event mariadb_fde()
{
    bls::format_description_event f = codec::default_format_description();
    f.server_version = "10.11.13-MariaDB-log";
    f.checksum = bls::checksum_algorithm::off;
    return f;
}

// query_event.md "Example With Default db and CRC32" without its CRC: use test; TRUNCATE TABLE t4.
const std::vector<std::byte> query_example = [] {
    const int b[] = {0xce, 0x22, 0x28, 0x5a, 0x02, 0x8c, 0x27, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00, 0x87,
                     0x0c, 0x00, 0x00, 0x00, 0x00, 0x66, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04,
                     0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x50,
                     0x00, 0x00, 0x00, 0x00, 0x06, 0x03, 0x73, 0x74, 0x64, 0x04, 0x08, 0x00, 0x08, 0x00,
                     0x08, 0x00, 0x74, 0x65, 0x73, 0x74, 0x00, 0x54, 0x52, 0x55, 0x4e, 0x43, 0x41, 0x54,
                     0x45, 0x20, 0x54, 0x41, 0x42, 0x4c, 0x45, 0x20, 0x74, 0x34};
    std::vector<std::byte> v;
    for (int x : b)
        v.push_back(static_cast<std::byte>(x));
    return v;
}();

} // namespace

BOOST_AUTO_TEST_SUITE(event_compressed)

BOOST_AUTO_TEST_CASE(query_compressed)
{
    // Body = post-header + status vars + "test\0", then the compressed query text.
    auto body = std::span(query_example).subspan(19);
    std::size_t text_at = 13 + 26 + 5;
    std::string text(reinterpret_cast<const char*>(body.data() + text_at), body.size() - text_at);
    BOOST_REQUIRE(text == "TRUNCATE TABLE t4");
    std::vector<std::byte> new_body(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(text_at));
    auto z = mariadb_compress(body.subspan(text_at));
    new_body.insert(new_body.end(), z.begin(), z.end());
    auto ev_bytes = make_event(query_example, 165, new_body);

    auto fde = mariadb_fde();
    codec::decode_context ctx;
    ctx.fde = &fde;
    bls::event ev;
    BOOST_REQUIRE(!codec::decode_event(bls::event_buffer::copy_of(ev_bytes), ctx, ev));
    const auto& q = std::get<bls::query_event>(ev);
    BOOST_TEST(q.compressed);
    BOOST_TEST(q.schema == "test");
    BOOST_TEST(q.query == "TRUNCATE TABLE t4");
    BOOST_TEST(q.thread_id == 358u);

    // Corrupt zlib data, a wrong length, a bad header byte: decompression_failed, never a crash.
    for (std::size_t i = text_at; i < new_body.size(); ++i)
    {
        auto bad = new_body;
        bad[i] ^= std::byte{0x5a};
        bls::event out;
        auto ec =
            codec::decode_event(bls::event_buffer::copy_of(make_event(query_example, 165, bad)), ctx, out);
        if (!ec)
            BOOST_TEST(std::get<bls::query_event>(out).query.size() == 17u);
    }
    for (std::size_t n = text_at; n < new_body.size(); ++n)
    {
        std::vector<std::byte> cut(new_body.begin(), new_body.begin() + static_cast<std::ptrdiff_t>(n));
        bls::event out;
        BOOST_TEST(
            codec::decode_event(bls::event_buffer::copy_of(make_event(query_example, 165, cut)), ctx, out)
        );
    }
}

BOOST_AUTO_TEST_CASE(write_rows_compressed_v1)
{
    // The documented TABLE_MAP + WRITE_ROWS_V1 of test.bulk_null; the rows after the column bitmap are
    // compressed into a WRITE_ROWS_COMPRESSED_EVENT_V1 (166).
    auto tm = base64("2ykeWxMBAAAAPgAAAJAGAAAAABcAAAAAAAEABHRlc3QACWJ1bGtfbnVsbAAFDwMFE/YGFAAIAAMBH1bULg8=");
    auto wr = base64(
        "2ykeWxcBAAAASgAAANoGAAAAABcAAAAAAAEABf/gATMDAAAAAAAAAAAACECAAACDAP/gATMDAAAAAAAAAAAACECAAACDAPuoFVQ="
    );
    tm.resize(tm.size() - 4); // drop the CRCs: this FDE has checksums off
    wr.resize(wr.size() - 4);
    auto tm_ev = make_event(tm, 19, std::span(tm).subspan(19));
    auto body = std::span(wr).subspan(19);
    std::size_t rows_at = 6 + 2 + 1 + 1; // table id, flags, width (5), one bitmap byte
    std::vector<std::byte> cbody(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(rows_at));
    auto z = mariadb_compress(body.subspan(rows_at));
    cbody.insert(cbody.end(), z.begin(), z.end());

    auto fde = mariadb_fde();
    codec::table_registry tables;
    codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.tables = &tables;
    ctx.strict = true;
    bls::event ev;
    BOOST_REQUIRE(!codec::decode_event(bls::event_buffer::copy_of(tm_ev), ctx, ev));
    auto& t = std::get<bls::table_map_event>(ev);
    tables[t.table_id] = t.table;

    for (std::uint8_t type : {std::uint8_t{23}, std::uint8_t{166}})
    {
        BOOST_TEST_CONTEXT("type " << int(type))
        {
            auto bytes = type == 23 ? make_event(wr, 23, body) : make_event(wr, 166, cbody);
            bls::event rev;
            BOOST_REQUIRE(!codec::decode_event(bls::event_buffer::copy_of(bytes), ctx, rev));
            const auto& w = std::get<bls::write_rows_event>(rev);
            BOOST_TEST(w.compressed == (type == 166));
            BOOST_TEST(w.table_id == 23u);
            std::size_t n = 0;
            BOOST_TEST(!w.count_rows(n));
            BOOST_TEST(n == 3u); // mariadb-binlog -vv: 3 rows, the middle one all NULL
            std::size_t offset = 0;
            bls::row r;
            std::error_code ec;
            std::size_t nulls = 0;
            while (w.next_row(offset, r, ec))
            {
                std::vector<bls::row_cell> cells;
                BOOST_TEST(!r.after.cells(cells));
                for (const auto& c : cells)
                    nulls += c.data.is_null();
            }
            BOOST_TEST(nulls == 5u);
        }
    }
}

// TRANSACTION_PAYLOAD: the inner events of the three shared compressed files (MANIFEST "payload
// events (ZSTD)") are covered by the walk; here, damage to the payload is an error, never a crash.
BOOST_AUTO_TEST_CASE(damaged_payload)
{
    auto path = std::string(BINLOGSTREAM_TESTDATA_DIR) +
                "/mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000057";
    bls::file_reader reader;
    reader.open({path});
    bls::event ev;
    std::error_code ec;
    std::vector<std::byte> payload_event;
    bls::format_description_event fde;
    while (reader.next(ev, ec))
    {
        if (auto* f = std::get_if<bls::format_description_event>(&ev))
            fde = *f;
        if (auto* p = std::get_if<bls::transaction_payload_event>(&ev); p && payload_event.empty())
            payload_event.assign(p->buffer.bytes().begin(), p->buffer.bytes().end());
    }
    BOOST_REQUIRE(!payload_event.empty());
    fde.checksum = bls::checksum_algorithm::off;
    payload_event.resize(payload_event.size() - 4); // drop the CRC
    auto size = static_cast<std::uint32_t>(payload_event.size());
    std::memcpy(payload_event.data() + 9, &size, 4);

    auto count_inner = [&](const std::vector<std::byte>& bytes, std::error_code& err) {
        codec::decode_context ctx;
        ctx.fde = &fde;
        bls::event e;
        err = codec::decode_event(bls::event_buffer::copy_of(bytes), ctx, e);
        if (err)
            return std::size_t(0);
        codec::payload_reader pr;
        if ((err = pr.open(std::get<bls::transaction_payload_event>(e))))
            return std::size_t(0);
        bls::event_buffer b;
        std::size_t n = 0;
        while (pr.next(b, err))
            ++n;
        return n;
    };
    std::error_code err;
    auto inner = count_inner(payload_event, err);
    BOOST_TEST(!err, err.message());
    BOOST_TEST(inner >= 4u);
    std::size_t failures = 0;
    for (std::size_t i = 19; i < payload_event.size(); i += 3)
    {
        auto bad = payload_event;
        bad[i] ^= std::byte{0xff};
        count_inner(bad, err);
        failures += err ? 1 : 0;
    }
    BOOST_TEST(failures > 0u);
    for (std::size_t n = 19; n < payload_event.size(); ++n)
    {
        std::vector<std::byte> cut(
            payload_event.begin(), payload_event.begin() + static_cast<std::ptrdiff_t>(n)
        );
        auto sz = static_cast<std::uint32_t>(n);
        std::memcpy(cut.data() + 9, &sz, 4);
        count_inner(cut, err);
        BOOST_TEST(err, "cut at " << n);
    }
}

BOOST_AUTO_TEST_SUITE_END()
