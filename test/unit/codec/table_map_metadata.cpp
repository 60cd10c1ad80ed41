// TABLE_MAP and its optional metadata, checked against third-party facts:
// * per file, the MANIFEST's "column types", "STRING real types", "optional metadata" and "tables"
//   lines (transcribed below from /work/shared/testdata/binlogs/MANIFEST.md);
// * per table, the CREATE TABLE statements the servers logged in the same binlogs (column names, order,
//   types, UNSIGNED, INVISIBLE, NOT NULL, ENUM/SET literals, VECTOR(n), TEXT vs BLOB).

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace bls = binlogstream;

namespace {

struct manifest_tables
{
    const char* path;
    std::set<int> column_types;
    std::set<int> string_real_types;
    std::set<int> optional_metadata;
    std::set<std::string> tables;
    bool tables_truncated; // the MANIFEST lists the first 8 and "..."
};

// clang-format off
const std::vector<manifest_tables> manifest = {
    {"rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001", {3, 8, 252}, {}, {1, 3, 4, 12}, {"mysql.t1"}, false},
    {"rust_mysql_common/test-data/binlogs/binlog_56_gtid_reserved_word.000001", {3}, {}, {}, {"test.GENERATED"}, false},
    {"rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001", {3, 246}, {}, {1}, {"test.orders"}, false},
    {"rust_mysql_common/test-data/binlogs/bug32407.001", {3}, {}, {}, {"test.t1"}, false},
    {"rust_mysql_common/test-data/binlogs/json-opaque.binlog", {245}, {}, {4, 12}, {"foo.test"}, false},
    {"rust_mysql_common/test-data/binlogs/json.binlog.000001", {3, 15, 245}, {}, {1, 2}, {"mysql.t"}, false},
    {"rust_mysql_common/test-data/binlogs/mariadb-bin.000001", {3, 15, 17, 252, 254}, {247}, {1, 3, 4, 6, 8, 10}, {"toddy_test.outbox"}, false},
    {"rust_mysql_common/test-data/binlogs/minimal_row_metadata.000001", {3, 252, 254}, {254}, {1, 3}, {"noria.t1"}, false},
    {"rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001", {15, 252, 254}, {247, 248, 254}, {2, 4, 5, 6, 10, 12}, {"mysql.t"}, false},
    {"rust_mysql_common/test-data/binlogs/mysql_type_bit.000001", {16, 252}, {}, {2, 4, 12}, {"mysql.foo"}, false},
    {"rust_mysql_common/test-data/binlogs/rpl_unfiltered_hidden_gcol.000001", {3, 8, 252}, {}, {1, 2}, {"test.t"}, false},
    {"rust_mysql_common/test-data/binlogs/time_issue.000001", {19}, {}, {}, {"noria.t"}, false},
    {"rust_mysql_common/test-data/binlogs/transaction_compression.000001", {3}, {}, {1}, {"test.tb1"}, false},
    {"rust_mysql_common/test-data/binlogs/update-full-row.binlog", {3, 8, 15}, {}, {}, {"mysql.ndb_apply_status", "test.ba"}, false},
    {"rust_mysql_common/test-data/binlogs/update-partial-row.binlog", {3, 8, 15}, {}, {}, {"mysql.ndb_apply_status", "test.ba"}, false},
    {"rust_mysql_common/test-data/binlogs/vector.binlog", {8, 242, 252}, {}, {1, 2, 4, 8, 12, 13}, {"dtb.bar", "dtb.foo"}, false},
    {"rust_mysql_common/test-data/binlogs/ver_5_1_23.001", {3, 254}, {254}, {}, {"test.t1"}, false},
    {"rust_mysql_common/test-data/binlogs/ver_trunk_row_v2.001", {3, 254}, {254}, {}, {"test.t1"}, false},
    {"rust_mysql_common/test-data/binlogs/write-full-row.binlog", {3, 8, 15}, {}, {}, {"mysql.ndb_apply_status", "test.ba"}, false},
    {"rust_mysql_common/test-data/binlogs/write-partial-row.binlog", {3, 8, 15}, {}, {}, {"mysql.ndb_apply_status", "test.ba"}, false},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-crc32", {1, 3, 5, 8, 15, 17, 246, 252}, {}, {}, {"auth.announcement_member", "auth.material_warehouse", "auth.material_warehouse_ownership", "auth.role", "auth.role_permission", "menkor_dev.fund_account", "menkor_dev.fund_pool", "menkor_dev.fund_pool_ownership"}, true},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-none", {1, 3, 15, 18, 254}, {254}, {}, {"account_db.account", "account_db.message", "account_db.refresh_token", "meeteam_file_storage.meeteam_fs_storage"}, false},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.compressed", {3, 15}, {}, {1, 2}, {"demo.movies"}, false},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.sakila.gz", {1, 2, 3, 7, 9, 12, 13, 15, 246, 252, 254}, {247, 248, 254}, {}, {"sakila.actor", "sakila.address", "sakila.category", "sakila.city", "sakila.country", "sakila.customer", "sakila.film", "sakila.film_actor"}, true},
    {"mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000057", {3, 10, 15, 17, 245, 252, 254}, {247, 248, 254}, {1, 2}, {"a.b", "a.test_table_3"}, false},
    {"mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000080", {3, 15}, {}, {}, {"a.b", "a.emoji"}, false},
    {"go-mysql/replication/t/tcb-eval002c-bin.003320", {3, 246}, {}, {}, {"test.decodedecimal"}, false},
    {"tiflow/mysql-bin.000001", {3, 7, 252, 254}, {247, 254}, {}, {"mysql.user", "steven.t", "steven.t1", "steven.t2", "steven.t3", "steven.t5", "steven.t6"}, false},
};
// clang-format on

struct seen
{
    std::set<int> column_types, string_real_types, optional_metadata;
    std::set<std::string> tables;
    std::vector<std::shared_ptr<const bls::table_info>> maps;
};

seen read_maps(const std::string& rel)
{
    bls::file_reader reader;
    reader.open({std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + rel});
    seen s;
    bls::event ev;
    std::error_code ec;
    while (reader.next(ev, ec))
    {
        auto* tm = std::get_if<bls::table_map_event>(&ev);
        if (!tm)
            continue;
        s.tables.insert(tm->table->schema + "." + tm->table->table);
        for (const auto& c : tm->table->columns)
        {
            s.column_types.insert(static_cast<int>(c.wire_type));
            if (c.wire_type == bls::column_type::string)
                s.string_real_types.insert(static_cast<int>(c.type));
        }
        for (auto t : tm->optional_metadata_types)
            s.optional_metadata.insert(t);
        s.maps.push_back(tm->table);
    }
    // tiflow/mysql-bin.000001 reads to its end at the event level too.
    BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
    return s;
}

std::shared_ptr<const bls::table_info> last_map(const seen& s, std::string_view name)
{
    std::shared_ptr<const bls::table_info> found;
    for (const auto& t : s.maps)
        if (t->schema + "." + t->table == name)
            found = t;
    BOOST_REQUIRE(found);
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(table_map_manifest)

BOOST_AUTO_TEST_CASE(types_metadata_and_tables_per_file)
{
    BOOST_TEST(manifest.size() == 28u);
    for (const auto& m : manifest)
    {
        BOOST_TEST_CONTEXT(m.path)
        {
            auto s = read_maps(m.path);
            BOOST_TEST(s.column_types == m.column_types, boost::test_tools::per_element());
            BOOST_TEST(s.string_real_types == m.string_real_types, boost::test_tools::per_element());
            BOOST_TEST(s.optional_metadata == m.optional_metadata, boost::test_tools::per_element());
            if (m.tables_truncated)
            {
                for (const auto& t : m.tables)
                    BOOST_TEST(s.tables.count(t) == 1u, t);
            }
            else
                BOOST_TEST(s.tables == m.tables, boost::test_tools::per_element());
        }
    }
}

// CREATE TABLE t(f1 CHAR(128), f2 VARCHAR(300), f3 ENUM('var1', 'variant2', 'foo'),
//                f4 SET('one', 'two', 'three', 'four'), f5 TEXT)       (MySQL 8.0.28, FULL metadata)
BOOST_AUTO_TEST_CASE(enum_and_set_literals)
{
    auto s = read_maps("rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001");
    auto t = last_map(s, "mysql.t");
    BOOST_REQUIRE(t->columns.size() == 5u);
    BOOST_TEST(t->names_from_binlog);
    const char* names[] = {"f1", "f2", "f3", "f4", "f5"};
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(t->columns[i].name == names[i]);
    BOOST_TEST((t->columns[0].type == bls::column_type::string));
    BOOST_TEST((t->columns[1].type == bls::column_type::varchar));
    BOOST_TEST((t->columns[2].type == bls::column_type::enum_));
    BOOST_TEST((t->columns[3].type == bls::column_type::set));
    BOOST_TEST((t->columns[4].type == bls::column_type::blob));
    std::vector<std::string> enums{"var1", "variant2", "foo"}, sets{"one", "two", "three", "four"};
    BOOST_TEST(t->columns[2].enum_values == enums, boost::test_tools::per_element());
    BOOST_TEST(t->columns[3].set_values == sets, boost::test_tools::per_element());
    // mariadb-binlog -vv prints: STRING(512) meta=56832, VARSTRING(1200) meta=1200, ENUM meta=63233,
    // SET meta=63489, BLOB/TEXT meta=2.
    BOOST_TEST(t->columns[0].meta == 56832u);
    BOOST_TEST(t->columns[1].meta == 1200u);
    BOOST_TEST(t->columns[2].meta == 63233u);
    BOOST_TEST(t->columns[3].meta == 63489u);
    BOOST_TEST(t->columns[4].meta == 2u);
}

// CREATE TABLE t1 (f1 INT UNSIGNED INVISIBLE, f2 INT UNSIGNED INVISIBLE, f3 INT , f4 TEXT, f5 BLOB,
//                  f6 BIGINT UNSIGNED INVISIBLE)                       (MySQL 8.0.26)
BOOST_AUTO_TEST_CASE(invisible_and_unsigned_columns)
{
    auto s = read_maps("rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001");
    auto t = last_map(s, "mysql.t1");
    BOOST_REQUIRE(t->columns.size() == 6u);
    const char* names[] = {"f1", "f2", "f3", "f4", "f5", "f6"};
    const bool visible[] = {false, false, true, true, true, false};
    const bls::column_type types[] = {
        bls::column_type::long_,
        bls::column_type::long_,
        bls::column_type::long_,
        bls::column_type::blob,
        bls::column_type::blob,
        bls::column_type::longlong};
    for (std::size_t i = 0; i < 6; ++i)
    {
        BOOST_TEST_CONTEXT(names[i])
        {
            BOOST_TEST(t->columns[i].name == names[i]);
            BOOST_TEST(t->columns[i].visible == visible[i]);
            BOOST_TEST((t->columns[i].type == types[i]));
        }
    }
    BOOST_TEST(t->columns[0].is_unsigned);
    BOOST_TEST(t->columns[1].is_unsigned);
    BOOST_TEST(!t->columns[2].is_unsigned);
    BOOST_TEST(t->columns[5].is_unsigned);
    // TEXT has a character collation, BLOB is binary (63).
    BOOST_TEST(t->columns[4].charset == 63u);
    BOOST_TEST(t->columns[3].charset != 63u);
    BOOST_TEST(t->columns[3].charset != 0u);
}

// CREATE TABLE bar(id SERIAL, vector_column VECTOR(2) NOT NULL, foo TEXT,
//                  vector_column2 VECTOR(4) NOT NULL)                  (MySQL 9.0.1)
BOOST_AUTO_TEST_CASE(vector_columns)
{
    auto s = read_maps("rust_mysql_common/test-data/binlogs/vector.binlog");
    auto t = last_map(s, "dtb.bar");
    BOOST_REQUIRE(t->columns.size() == 4u);
    const char* names[] = {"id", "vector_column", "foo", "vector_column2"};
    for (std::size_t i = 0; i < 4; ++i)
        BOOST_TEST(t->columns[i].name == names[i]);
    BOOST_TEST((t->columns[0].type == bls::column_type::longlong));
    BOOST_TEST(t->columns[0].is_unsigned); // SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
    BOOST_TEST(!t->columns[0].nullable);
    BOOST_TEST((t->columns[1].type == bls::column_type::vector));
    BOOST_TEST(!t->columns[1].nullable);
    BOOST_TEST(t->columns[2].nullable);
    BOOST_TEST((t->columns[3].type == bls::column_type::vector));
    BOOST_TEST(t->columns[1].vector_dimensions == 2u);
    BOOST_TEST(t->columns[3].vector_dimensions == 4u);
    // SERIAL's UNIQUE NOT NULL key serves as the primary key: SIMPLE_PRIMARY_KEY lists column 0.
    BOOST_REQUIRE(t->primary_key.size() == 1u);
    BOOST_TEST(t->primary_key[0].column == 0u);
    BOOST_TEST(t->primary_key[0].prefix == 0u);
}

// CREATE TABLE foo(a BIT(3), b TEXT, c BIT(8))                         (MySQL 8.0.26)
BOOST_AUTO_TEST_CASE(bit_columns)
{
    auto s = read_maps("rust_mysql_common/test-data/binlogs/mysql_type_bit.000001");
    auto t = last_map(s, "mysql.foo");
    BOOST_REQUIRE(t->columns.size() == 3u);
    BOOST_TEST(t->columns[0].name == "a");
    BOOST_TEST(t->columns[1].name == "b");
    BOOST_TEST(t->columns[2].name == "c");
    // meta = bytes << 8 | bits: BIT(3) = 0 bytes + 3 bits, BIT(8) = 1 byte + 0 bits.
    BOOST_TEST(t->columns[0].meta == 3u);
    BOOST_TEST(t->columns[2].meta == 256u);
}

BOOST_AUTO_TEST_CASE(table_map_truncation_sweep)
{
    // Every strict prefix of every TABLE_MAP body of a FULL-metadata file fails (or, cut inside the
    // optional metadata, fails or yields fewer fields: never a crash, never an over-read).
    auto path = std::string(BINLOGSTREAM_TESTDATA_DIR) + "/rust_mysql_common/test-data/binlogs/vector.binlog";
    bls::file_reader reader;
    reader.open({path});
    bls::event ev;
    std::error_code ec;
    std::size_t checked = 0;
    bls::format_description_event fde;
    while (reader.next(ev, ec))
    {
        if (auto* f = std::get_if<bls::format_description_event>(&ev))
            fde = *f;
        auto* tm = std::get_if<bls::table_map_event>(&ev);
        if (!tm)
            continue;
        (void)tm;
    }
    // Re-read the raw TABLE_MAP bodies.
    std::ifstream f(path, std::ios::binary);
    std::vector<char> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::size_t pos = 4;
    bls::codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.strict = true;
    while (pos + 19 <= all.size())
    {
        auto p = reinterpret_cast<const std::byte*>(all.data()) + pos;
        auto size = static_cast<std::size_t>(bls::codec::load_le<4>(p + 9));
        if (std::to_integer<int>(p[4]) == 19)
        {
            auto body = std::span<const std::byte>(p + 19, size - 19 - 4);
            // The fixed part (up to and including the nullability bitmap) must fail when cut.
            bls::table_map_event full;
            BOOST_REQUIRE(!bls::codec::decode_table_map(body, ctx, full));
            for (std::size_t n = 0; n < body.size(); ++n)
            {
                bls::table_map_event out;
                auto rec = bls::codec::decode_table_map(body.first(n), ctx, out);
                if (!rec)
                    BOOST_TEST(out.optional_metadata_types.size() < full.optional_metadata_types.size());
                ++checked;
            }
        }
        pos += size;
    }
    BOOST_TEST(checked > 100u);
}

BOOST_AUTO_TEST_SUITE_END()
