// Per-family decoders with byte vectors from MariaDB's replication protocol documentation
// (mariadb-docs clientserver-protocol/replication-protocol/{query,rotate,user_var,gtid,
// rows_event_v1v2-rows_compressed_event_v1}_event.md; the CRCs there are what mysqlbinlog printed),
// MySQL invariants checked on the shared binlogs, and truncation sweeps over every event of several
// shared binlogs.

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"
#include "codec/value_json.hpp"
#include "common/bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;
using binlogstream::test::base64;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v)
{
    std::vector<std::byte> out;
    for (int b : v)
        out.push_back(static_cast<std::byte>(b));
    return out;
}

bls::format_description_event mariadb_crc_fde()
{
    bls::format_description_event f = codec::default_format_description();
    f.server_version = "10.2.10-MariaDB-log";
    f.checksum = bls::checksum_algorithm::crc32;
    return f;
}

bls::event decode(
    const std::vector<std::byte>& b,
    const bls::format_description_event& fde,
    const codec::table_registry* tables = nullptr
)
{
    codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.tables = tables;
    ctx.strict = true;
    bls::event ev;
    auto ec = codec::decode_event(bls::event_buffer::copy_of(b), ctx, ev);
    BOOST_TEST(!ec, ec.message());
    return ev;
}

// clang-format off
// query_event.md "Example With CRC32": TRUNCATE TABLE test.t4, no default database.
const auto query_no_db = bytes({
    0x71, 0x17, 0x28, 0x5a, 0x02, 0x8c, 0x27, 0x00, 0x00, 0x55, 0x00, 0x00, 0x00, 0x01, 0x09, 0x00,
    0x00, 0x00, 0x00, 0x66, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x06, 0x03,
    0x73, 0x74, 0x64, 0x04, 0x08, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00, 0x54, 0x52, 0x55, 0x4e, 0x43,
    0x41, 0x54, 0x45, 0x20, 0x54, 0x41, 0x42, 0x4c, 0x45, 0x20, 0x74, 0x65, 0x73, 0x74, 0x2e, 0x74,
    0x34, 0x4a, 0x69, 0x9e, 0xed});
// query_event.md "Example With Default db and CRC32": use test; TRUNCATE TABLE t4.
const auto query_with_db = bytes({
    0xce, 0x22, 0x28, 0x5a, 0x02, 0x8c, 0x27, 0x00, 0x00, 0x54, 0x00, 0x00, 0x00, 0x87, 0x0c, 0x00,
    0x00, 0x00, 0x00, 0x66, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x1a, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x06, 0x03,
    0x73, 0x74, 0x64, 0x04, 0x08, 0x00, 0x08, 0x00, 0x08, 0x00, 0x74, 0x65, 0x73, 0x74, 0x00, 0x54,
    0x52, 0x55, 0x4e, 0x43, 0x41, 0x54, 0x45, 0x20, 0x54, 0x41, 0x42, 0x4c, 0x45, 0x20, 0x74, 0x34,
    0x08, 0xf1, 0x09, 0x16});
// rotate_event.md (the 4-byte packet header and the OK byte removed): next file mysql-bin.000019.
const auto rotate = bytes({
    0xbc, 0x4e, 0x21, 0x5a, 0x04, 0xd9, 0x27, 0x00, 0x00, 0x2f, 0x00,
    0x00, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x6d, 0x79, 0x73, 0x71, 0x6c, 0x2d, 0x62, 0x69, 0x6e, 0x2e, 0x30, 0x30, 0x30, 0x30, 0x31, 0x39,
    0xb2, 0xbc, 0xdb, 0xbf});
// user_var_event.md: SET @foo:="bar", "end_log_pos 554 CRC32 0x7dd93d6b User_var
// SET @`foo`:=_utf8 X'626172' COLLATE `utf8_general_ci`".
const auto user_var = bytes({
    0xc3, 0xe0, 0x1c, 0x5b, 0x0e, 0x01, 0x00, 0x00, 0x00, 0x2b, 0x00,
    0x00, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x66, 0x6f, 0x6f, 0x00,
    0x00, 0x21, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x62, 0x61, 0x72, 0x6b, 0x3d, 0xd9, 0x7d});
// gtid_event.md: "GTID 0-10124-9883 ddl" (end_log_pos 535 CRC32 0x309a668e) and
// "GTID 0-10124-9884 trans" (end_log_pos 652 CRC32 0x23c8d337).
const auto gtid_ddl = bytes({
    0xeb, 0xcc, 0x26, 0x5a, 0xa2, 0x8c, 0x27, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x17, 0x02, 0x00,
    0x00, 0x08, 0x00, 0x9b, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x29,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8e, 0x66, 0x9a, 0x30});
const auto gtid_trans = bytes({
    0xec, 0xd5, 0x26, 0x5a, 0xa2, 0x8c, 0x27, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x8c, 0x02, 0x00,
    0x00, 0x08, 0x00, 0x9c, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x37, 0xd3, 0xc8, 0x23});
// clang-format on

// rows_event_v1v2-rows_compressed_event_v1.md: "end_log_pos 1754 CRC32 0x5415a8fb Write_rows: table id
// 23 flags: STMT_END_F", with its TABLE_MAP, as mysqlbinlog printed them (BINLOG '...'). Fed to
// mariadb-binlog -vv (after a MariaDB FDE), the rows are: ('3', 3, 3, '00:00:00', 3.0), a row of five
// NULLs, ('3', 3, 3, '00:00:00', 3.0), with DECIMAL(3,1) meta=769 and VARSTRING(20) meta=20.
const auto bulk_table_map =
    base64("2ykeWxMBAAAAPgAAAJAGAAAAABcAAAAAAAEABHRlc3QACWJ1bGtfbnVsbAAFDwMFE/YGFAAIAAMBH1bULg8=");
const auto bulk_write_rows = base64(
    "2ykeWxcBAAAASgAAANoGAAAAABcAAAAAAAEABf/gATMDAAAAAAAAAAAACECAAACDAP/gATMDAAAAAAAAAAAACECAAACDAPuoFVQ="
);

} // namespace

BOOST_AUTO_TEST_SUITE(event_families)

BOOST_AUTO_TEST_CASE(query_without_schema)
{
    auto fde = mariadb_crc_fde();
    auto ev = decode(query_no_db, fde);
    const auto& q = std::get<bls::query_event>(ev);
    BOOST_TEST(q.header.server_id == 10124u);
    BOOST_TEST(q.header.log_pos == 2305u);
    BOOST_TEST(q.thread_id == 358u);
    BOOST_TEST(q.exec_time == 0u);
    BOOST_TEST(q.error_code == 0u);
    BOOST_TEST(q.schema == "");
    BOOST_TEST(q.query == "TRUNCATE TABLE test.t4");
    BOOST_REQUIRE(q.status.flags2);
    BOOST_TEST(*q.status.flags2 == 0u);
    BOOST_REQUIRE(q.status.sql_mode);
    // 0x50000000 = MODE_NO_AUTO_CREATE_USER | MODE_NO_ENGINE_SUBSTITUTION (the doc's SQL_MODE table)
    BOOST_TEST(*q.status.sql_mode == 0x50000000u);
    BOOST_TEST(q.status.catalog.value_or("") == "std");
    BOOST_REQUIRE(q.status.charset);
    BOOST_TEST(q.status.charset->client == 8u);
    BOOST_TEST(q.status.charset->connection == 8u);
    BOOST_TEST(q.status.charset->server == 8u);
    BOOST_TEST(!q.status.unknown_code);
}

BOOST_AUTO_TEST_CASE(query_with_schema)
{
    auto fde = mariadb_crc_fde();
    auto ev = decode(query_with_db, fde);
    const auto& q = std::get<bls::query_event>(ev);
    BOOST_TEST(q.thread_id == 358u);
    BOOST_TEST(q.exec_time == 1u);
    BOOST_TEST(q.schema == "test");
    BOOST_TEST(q.query == "TRUNCATE TABLE t4");
}

BOOST_AUTO_TEST_CASE(query_unknown_status_variable_is_kept_raw)
{
    // Code 0x83 is unknown here: parsing stops there, the rest is kept, the event still decodes.
    auto fde = codec::default_format_description();
    // clang-format off
    auto b = bytes({
        0, 0, 0, 0, 2, 1, 0, 0, 0, 19 + 13 + 9 + 1 + 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0,
        0x03, 1, 0, 1, 0, 0x83, 0xaa, 0xbb, 0xcc,
        0, 'Q'});
    // clang-format on
    auto ev = decode(b, fde);
    const auto& q = std::get<bls::query_event>(ev);
    BOOST_REQUIRE(q.status.auto_increment);
    BOOST_TEST(q.status.auto_increment->increment == 1u);
    BOOST_TEST(q.status.unknown_code.value_or(0) == 0x83u);
    BOOST_TEST(q.status.unparsed.size() == 4u);
    BOOST_TEST(q.query == "Q");
}

BOOST_AUTO_TEST_CASE(rotate_example)
{
    auto fde = mariadb_crc_fde();
    auto ev = decode(rotate, fde);
    const auto& r = std::get<bls::rotate_event>(ev);
    BOOST_TEST(r.position == 4u);
    BOOST_TEST(r.next_file == "mysql-bin.000019");
}

BOOST_AUTO_TEST_CASE(user_var_example)
{
    auto fde = mariadb_crc_fde();
    auto ev = decode(user_var, fde);
    const auto& u = std::get<bls::user_var_event>(ev);
    BOOST_TEST(u.header.log_pos == 554u);
    BOOST_TEST(u.name == "foo");
    BOOST_TEST(!u.is_null);
    BOOST_TEST((u.type == bls::user_var_event::value_type::string));
    BOOST_TEST(u.charset == 33u); // utf8_general_ci
    BOOST_TEST(codec::as_string(u.value) == "bar");
    BOOST_TEST(!u.flags);
}

BOOST_AUTO_TEST_CASE(mariadb_gtid_examples)
{
    auto fde = mariadb_crc_fde();
    {
        auto ev = decode(gtid_ddl, fde);
        const auto& g = std::get<bls::mariadb_gtid_event>(ev);
        BOOST_TEST(g.header.log_pos == 535u);
        BOOST_TEST(g.to_string() == "0-10124-9883");
        BOOST_TEST(g.flags == 41u); // FL_DDL + FL_ALLOW_PARALLEL + FL_STANDALONE
        BOOST_TEST(g.commit_id == 0u);
    }
    {
        auto ev = decode(gtid_trans, fde);
        const auto& g = std::get<bls::mariadb_gtid_event>(ev);
        BOOST_TEST(g.header.log_pos == 652u);
        BOOST_TEST(g.to_string() == "0-10124-9884");
        BOOST_TEST(g.flags == 12u);
    }
}

// heartbeat_log_event.md (packet header and OK byte removed; its hex spells "foo-bin.1000139"), next pos 493,
// server id 0x2b67, flags 0x20 (LOG_EVENT_ARTIFICIAL_F), no checksum.
BOOST_AUTO_TEST_CASE(heartbeat_example)
{
    auto b = bytes({0x00, 0x00, 0x00, 0x00, 0x1b, 0x67, 0x2b, 0x00, 0x00, 0x22, 0x00, 0x00,
                    0x00, 0xed, 0x01, 0x00, 0x00, 0x20, 0x00, 0x66, 0x6f, 0x6f, 0x2d, 0x62,
                    0x69, 0x6e, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x31, 0x33, 0x39});
    auto fde = codec::default_format_description();
    auto ev = decode(b, fde);
    const auto& h = std::get<bls::heartbeat_event>(ev);
    BOOST_TEST(h.header.server_id == 0x2b67u);
    BOOST_TEST(h.header.flags == bls::event_flags::artificial);
    BOOST_TEST(h.log_file == "foo-bin.1000139");
    BOOST_TEST(h.position == 493u);
}

// start_encryption_event.md: scheme 1, key version 1, nonce "eWP&cY7F/;3#", CRC 0x62dabb06.
BOOST_AUTO_TEST_CASE(start_encryption_example)
{
    auto b = bytes({0xb8, 0x5f, 0x5a, 0x59, 0xa4, 0x5d, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x21,
                    0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x65, 0x57, 0x50, 0x26,
                    0x63, 0x59, 0x37, 0x46, 0x2f, 0x3b, 0x33, 0x23, 0x06, 0xbb, 0xda, 0x62});
    auto fde = mariadb_crc_fde();
    auto ev = decode(b, fde);
    const auto& e = std::get<bls::mariadb_start_encryption_event>(ev);
    BOOST_TEST(e.header.server_id == 93u);
    BOOST_TEST(e.header.log_pos == 289u);
    BOOST_TEST(e.scheme == 1u);
    BOOST_TEST(e.key_version == 1u);
    BOOST_TEST(std::string(e.nonce.begin(), e.nonce.end()) == "eWP&cY7F/;3#");
}

// intvar_event.md: "end_log_pos 770 CRC32 0xf5a23f2d Intvar SET LAST_INSERT_ID=1".
BOOST_AUTO_TEST_CASE(intvar_example)
{
    auto b = bytes({0x78, 0xed, 0x1c, 0x5b, 0x05, 0x01, 0x00, 0x00, 0x00, 0x20, 0x00,
                    0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00,
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2d, 0x3f, 0xa2, 0xf5});
    auto fde = mariadb_crc_fde();
    auto ev = decode(b, fde);
    const auto& i = std::get<bls::intvar_event>(ev);
    BOOST_TEST(i.header.log_pos == 770u);
    BOOST_TEST(i.kind == 1u); // LAST_INSERT_ID
    BOOST_TEST(i.value == 1u);
}

BOOST_AUTO_TEST_CASE(rows_example_three_rows)
{
    auto fde = mariadb_crc_fde();
    codec::table_registry tables;
    auto tm_ev = decode(bulk_table_map, fde);
    const auto& tm = std::get<bls::table_map_event>(tm_ev);
    BOOST_TEST(tm.table_id == 23u);
    BOOST_TEST(tm.table->schema == "test");
    BOOST_TEST(tm.table->table == "bulk_null");
    BOOST_TEST(tm.table->columns.size() == 5u);
    tables[tm.table_id] = tm.table;
    BOOST_TEST(codec::verify_crc32(bulk_write_rows));
    BOOST_TEST(codec::load_le<4>(bulk_write_rows.data() + bulk_write_rows.size() - 4) == 0x5415a8fbu);
    auto ev = decode(bulk_write_rows, fde, &tables);
    const auto& w = std::get<bls::write_rows_event>(ev);
    BOOST_TEST(w.header.log_pos == 1754u);
    BOOST_TEST(w.table_id == 23u);
    BOOST_TEST(w.flags == 1u); // STMT_END_F
    BOOST_TEST(w.version == 1u);
    BOOST_TEST(w.column_count == 5u);
    std::size_t n = 0;
    BOOST_TEST(!w.count_rows(n));
    BOOST_TEST(n == 3u);
    // Lazy range form, values rendered per the dump contract.
    std::vector<std::string> rendered;
    for (const auto& r : w.rows())
    {
        BOOST_TEST(r.after.exists());
        BOOST_TEST(!r.before.exists());
        std::vector<bls::row_cell> cells;
        BOOST_TEST(!r.after.cells(cells));
        std::string s;
        for (const auto& c : cells)
        {
            s += s.empty() ? "" : ",";
            codec::append_json(s, c.data, *c.column);
        }
        rendered.push_back(s);
    }
    BOOST_REQUIRE(rendered.size() == 3u);
    BOOST_TEST(rendered[0] == R"("3",3,3,"00:00:00","3.0")");
    BOOST_TEST(rendered[1] == "null,null,null,null,null");
    BOOST_TEST(rendered[2] == rendered[0]);
    BOOST_TEST(tm.table->columns[0].meta == 20u);
    BOOST_TEST(tm.table->columns[4].meta == 769u);
}

BOOST_AUTO_TEST_CASE(rows_without_table_map)
{
    auto fde = mariadb_crc_fde();
    auto ev = decode(bulk_write_rows, fde);
    const auto& w = std::get<bls::write_rows_event>(ev);
    BOOST_TEST(!w.table);
    std::size_t n = 0;
    BOOST_TEST((w.count_rows(n) == bls::errc::missing_table_map));
    BOOST_CHECK_THROW(
        {
            for (const auto& r : w.rows())
                (void)r;
        },
        bls::error
    );
}

// MySQL invariants on real files: a GTID's transaction_length is the size of its transaction (it ends
// exactly where an event ends), its commit timestamps (microseconds) fall in the header's second, and
// its server versions are the FDE's version number.
BOOST_AUTO_TEST_CASE(gtid_fields_agree_with_the_file)
{
    const char* files[] = {
        "rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001",
        "rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001",
        "mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000057",
        "rust_mysql_common/test-data/binlogs/vector.binlog",
    };
    std::size_t checked = 0;
    for (const char* rel : files)
    {
        BOOST_TEST_CONTEXT(rel)
        {
            bls::file_reader reader;
            reader.open({std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + rel});
            bls::event ev;
            std::error_code ec;
            std::map<std::uint64_t, std::uint64_t> ends_expected; // gtid pos -> end
            std::vector<std::uint64_t> ends;
            std::uint32_t version = 0;
            while (reader.next(ev, ec))
            {
                if (reader.position().in_payload)
                    continue;
                ends.push_back(reader.position().next_position);
                if (auto* f = std::get_if<bls::format_description_event>(&ev))
                {
                    unsigned a = 0, b = 0, c = 0;
                    std::sscanf(f->server_version.c_str(), "%u.%u.%u", &a, &b, &c);
                    version = a * 10000 + b * 100 + c;
                }
                const bls::gtid_event* g = std::get_if<bls::gtid_event>(&ev);
                if (!g)
                    g = std::get_if<bls::anonymous_gtid_event>(&ev);
                if (!g || !g->transaction_length)
                    continue;
                ends_expected[reader.position().offset] = reader.position().offset + g->transaction_length;
                BOOST_TEST(g->immediate_commit_timestamp / 1000000 == g->header.timestamp);
                BOOST_TEST(g->original_commit_timestamp == g->immediate_commit_timestamp);
                BOOST_TEST(g->immediate_server_version == version);
                BOOST_TEST(g->original_server_version == version);
                ++checked;
            }
            BOOST_TEST((ec == bls::errc::end_of_stream));
            for (auto [start, end] : ends_expected)
                BOOST_TEST(std::count(ends.begin(), ends.end(), end) == 1, "transaction at " << start);
        }
    }
    BOOST_TEST(checked >= 10u);
}

// The 9.6.0 file: PREVIOUS_GTIDS lists the untagged and the "mytag" intervals of one server, and the
// tagged GTID that follows continues the tagged interval.
BOOST_AUTO_TEST_CASE(tagged_gtid_and_previous_gtids)
{
    bls::file_reader reader;
    reader.open(
        {std::string(BINLOGSTREAM_TESTDATA_DIR) +
         "/rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001"}
    );
    bls::event ev;
    std::error_code ec;
    std::string previous, tagged;
    while (reader.next(ev, ec))
    {
        if (auto* p = std::get_if<bls::previous_gtids_event>(&ev))
            previous = p->to_string();
        if (auto* g = std::get_if<bls::gtid_event>(&ev); g && g->header.type == bls::event_type::gtid_tagged)
            tagged = g->to_string();
    }
    BOOST_TEST(previous == "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2");
    BOOST_TEST(tagged == "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3");
}

// Truncation sweep: every event of several shared binlogs, cut at every length (header event_size
// patched, no checksum), decodes to an error or to a value, never crashes; for fixed-layout event types
// every cut is an error.
BOOST_AUTO_TEST_CASE(truncation_sweep_over_shared_events)
{
    const char* files[] = {
        "rust_mysql_common/test-data/binlogs/ver_5_1_23.001",
        "rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001",
        "rust_mysql_common/test-data/binlogs/mariadb-bin.000001",
        "rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001",
        "rust_mysql_common/test-data/binlogs/bug40482-bin.000001",
        "mysql-binlog-connector-java/src/test/resources/mysql-bin.compressed",
    };
    std::size_t cuts = 0;
    for (const char* rel : files)
    {
        auto path = std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + rel;
        std::ifstream f(path, std::ios::binary);
        std::vector<char> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        bls::format_description_event fde = codec::default_format_description();
        std::size_t pos = 4;
        while (pos + 19 <= all.size())
        {
            auto p = reinterpret_cast<const std::byte*>(all.data()) + pos;
            auto size = static_cast<std::size_t>(codec::load_le<4>(p + 9));
            std::vector<std::byte> whole(p, p + size);
            auto type = static_cast<bls::event_type>(std::to_integer<std::uint8_t>(p[4]));
            if (type == bls::event_type::format_description)
            {
                BOOST_REQUIRE(!codec::decode_format_description(whole, fde));
                pos += size;
                continue;
            }
            // Strip the checksum so that cuts reach the decoders.
            auto nocrc = fde;
            std::size_t body_end = size - (fde.checksum == bls::checksum_algorithm::crc32 ? 4 : 0);
            nocrc.checksum = bls::checksum_algorithm::off;
            codec::decode_context ctx;
            ctx.fde = &nocrc;
            ctx.strict = true;
            // Layouts where every cut is detectable. (GTID events end in optional fields and MariaDB
            // GTID/GTID_LIST in zero padding, TABLE_MAP in optional TLVs: cuts at those boundaries are
            // valid shorter events; their mandatory parts are checked below.)
            bool fixed = type == bls::event_type::xid || type == bls::event_type::intvar ||
                         type == bls::event_type::rand || type == bls::event_type::gtid_tagged ||
                         type == bls::event_type::previous_gtids || type == bls::event_type::user_var ||
                         type == bls::event_type::incident ||
                         type == bls::event_type::mariadb_binlog_checkpoint ||
                         type == bls::event_type::transaction_payload;
            std::size_t mandatory = 0;
            if (type == bls::event_type::gtid || type == bls::event_type::anonymous_gtid)
                mandatory = 1 + 16 + 8;
            if (type == bls::event_type::mariadb_gtid)
                mandatory = 8 + 4 + 1;
            if (type == bls::event_type::mariadb_gtid_list)
                mandatory = 4 + 16 * std::to_integer<std::size_t>(whole[19]);
            if (type == bls::event_type::table_map)
                mandatory = 6 + 2 + 1; // table id, flags, schema length
            for (std::size_t n = 19; n < body_end; ++n)
            {
                std::vector<std::byte> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
                auto sz = static_cast<std::uint32_t>(n);
                std::memcpy(cut.data() + 9, &sz, 4);
                bls::event ev;
                auto ec = codec::decode_event(bls::event_buffer::copy_of(cut), ctx, ev);
                if (fixed || n - 19 < mandatory)
                    BOOST_TEST(
                        ec, "type " << int(type) << " cut at " << n << " of " << body_end << " in " << rel
                    );
                if (!ec)
                {
                    // A rows event cut inside its rows must fail when iterated.
                    std::visit(
                        [&](const auto& e) {
                            if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
                            {
                                std::size_t rows = 0;
                                (void)e.count_rows(rows);
                            }
                        },
                        ev
                    );
                }
                ++cuts;
            }
            pos += size;
        }
    }
    BOOST_TEST(cuts > 1000u);
}

BOOST_AUTO_TEST_SUITE_END()
