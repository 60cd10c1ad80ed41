// Cell decoding checked against binlogs written by real servers (BINLOGSTREAM_TESTDATA_DIR, see
// its MANIFEST.md), with expected values published by third parties next to those files.

#include "codec/value_json.hpp"
#include "unit/codec/value_binlog_walk.hpp"
#include "unit/codec/value_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

using namespace binlogstream;
using namespace value_test;

namespace {

std::string testdata(const char* relative)
{
    return std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + relative;
}

std::string json(const value& v, const column_info& col)
{
    std::string out;
    codec::append_json(out, v, col);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(value_binlogs)

// go-mysql/replication/t/tcb-eval002c-bin.003320 (Percona Server 5.6.16) holds the rows of
// go-mysql's ddsql.sql; the expected values are what MySQL returned for `select * from
// decodedecimal` on that table, as recorded in go-mysql's replication/row_event_test.go.
BOOST_AUTO_TEST_CASE(decimals_of_go_mysql_decodedecimal)
{
    // clang-format off
    static const std::array<std::array<const char*, 11>, 17> expected{{
        {"-10.55", "-11", "-10.550", "-10.55", "-10.550", "-10.55", "-9.99999999999999", "-10.5500000000", "-10.55000", "-10.55000000000000000000", "-10.5500000000000000000000000"},
        {"0.01", "0", "0.012", "0.01", "0.012", "0.01", "0.01234567890123", "0.0123456789", "0.01235", "0.01234567890123456789", "0.0123456789012345678912345"},
        {"99.99", "12345", "9999.999", "12345.00", "12345.000", "12345.00", "9.99999999999999", "12345.0000000000", "12345.00000", "12345.00000000000000000000", "12345.0000000000000000000000000"},
        {"99.99", "12345", "9999.999", "12345.00", "12345.000", "12345.00", "9.99999999999999", "12345.0000000000", "12345.00000", "12345.00000000000000000000", "12345.0000000000000000000000000"},
        {"99.99", "123", "123.450", "123.45", "123.450", "123.45", "9.99999999999999", "123.4500000000", "123.45000", "123.45000000000000000000", "123.4500000000000000000000000"},
        {"-99.99", "-123", "-123.450", "-123.45", "-123.450", "-123.45", "-9.99999999999999", "-123.4500000000", "-123.45000", "-123.45000000000000000000", "-123.4500000000000000000000000"},
        {"0.00", "0", "0.000", "0.00", "0.000", "0.00", "0.00012345000099", "0.0001234500", "0.00012", "0.00012345000098765000", "0.0001234500009876500000000"},
        {"0.00", "0", "0.000", "0.00", "0.000", "0.00", "0.00012345000099", "0.0001234500", "0.00012", "0.00012345000098765000", "0.0001234500009876500000000"},
        {"0.12", "0", "0.123", "0.12", "0.123", "0.12", "0.12345000098765", "0.1234500010", "0.12345", "0.12345000098765000000", "0.1234500009876500000000000"},
        {"0.00", "0", "0.000", "0.00", "0.000", "0.00", "-0.00000001234500", "-0.0000000123", "0.00000", "-0.00000001234500009877", "-0.0000000123450000987650000"},
        {"99.99", "99999", "9999.999", "99999999.99", "9999999.999", "99999999999.99", "9.99999999999999", "9999999999.9999999999", "1234500009876.50000", "9999999999.99999999999999999999", "99999.9999999999999999999999999"},
        {"99.99", "99999", "9999.999", "99999999.99", "9999999.999", "111111111.11", "9.99999999999999", "111111111.1100000000", "111111111.11000", "111111111.11000000000000000000", "99999.9999999999999999999999999"},
        {"0.01", "0", "0.010", "0.01", "0.010", "0.01", "0.01000000000000", "0.0100000000", "0.01000", "0.01000000000000000000", "0.0100000000000000000000000"},
        {"99.99", "123", "123.400", "123.40", "123.400", "123.40", "9.99999999999999", "123.4000000000", "123.40000", "123.40000000000000000000", "123.4000000000000000000000000"},
        {"-99.99", "-563", "-562.580", "-562.58", "-562.580", "-562.58", "-9.99999999999999", "-562.5800000000", "-562.58000", "-562.58000000000000000000", "-562.5800000000000000000000000"},
        {"-99.99", "-3699", "-3699.010", "-3699.01", "-3699.010", "-3699.01", "-9.99999999999999", "-3699.0100000000", "-3699.01000", "-3699.01000000000000000000", "-3699.0100000000000000000000000"},
        {"-99.99", "-1948", "-1948.140", "-1948.14", "-1948.140", "-1948.14", "-9.99999999999999", "-1948.1400000000", "-1948.14000", "-1948.14000000000000000000", "-1948.1400000000000000000000000"},
    }};
    // The prec and scale columns of each INSERTed row (ddsql.sql).
    static const std::array<std::array<int, 2>, 17> prec_scale{{
        {4, 2}, {30, 25}, {5, 0}, {10, 3}, {10, 3}, {20, 10}, {15, 14}, {22, 20}, {30, 20}, {30, 20}, {30, 5},
        {10, 2}, {7, 3}, {10, 2}, {13, 2}, {13, 2}, {13, 2}}};
    // clang-format on
    binlog_walk walk(testdata("go-mysql/replication/t/tcb-eval002c-bin.003320"));
    BOOST_TEST_REQUIRE(walk.loaded());
    std::size_t row = 0;
    auto ec = walk.run([&](const table_info& t, const row_image& img) {
        BOOST_TEST_REQUIRE(t.table == "decodedecimal");
        BOOST_TEST_REQUIRE(row < expected.size());
        BOOST_TEST_REQUIRE(img.cells.size() == 14u);
        BOOST_TEST_CONTEXT("row " << row + 1)
        {
            BOOST_TEST(img.cells[0].v.as_int64() == std::int64_t(row + 1));
            for (std::size_t c = 0; c < 11; ++c)
            {
                const auto& v = img.cells[c + 1].v;
                BOOST_TEST_CONTEXT("column " << c + 1)
                {
                    BOOST_TEST_REQUIRE(v.kind() == value_kind::decimal);
                    BOOST_TEST(v.as_decimal().to_string() == expected[row][c]);
                    BOOST_TEST(json(v, t.columns[c + 1]) == std::string("\"") + expected[row][c] + "\"");
                }
            }
            BOOST_TEST(img.cells[12].v.as_int64() == prec_scale[row][0]);
            BOOST_TEST(img.cells[13].v.as_int64() == prec_scale[row][1]);
        }
        ++row;
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(row == 17u);
}

// rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001 (MySQL 8.0.28, FULL metadata):
// t(f1 CHAR(128), f2 VARCHAR(300), f3 ENUM('var1', 'variant2', 'foo'), f4 SET('one', 'two', 'three',
// 'four'), f5 TEXT). The values are those rust_mysql_common's binlog_event_roundtrip test asserts
// (enum index 1 / 2, set bits 0b101 / 0b1010).
BOOST_AUTO_TEST_CASE(enum_set_and_strings_of_rust_mysql_common)
{
    const std::string digits100 = "01234567890123456789012345678901234567890123456789012345678901234567890123"
                                  "45678901234567890123456789";
    // clang-format off
    const std::string long_text = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456780123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456780123456789012345678901234567890123456789";
    // clang-format on
    binlog_walk walk(testdata("rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001"));
    BOOST_TEST_REQUIRE(walk.loaded());
    int images = 0;
    auto ec = walk.run([&](const table_info& t, const row_image& img) {
        BOOST_TEST_REQUIRE(img.cells.size() == 5u);
        const auto& f1 = img.cells[0].v.as_string();
        const auto& f2 = img.cells[1].v.as_string();
        const auto& f5 = img.cells[4].v.as_string();
        bool first_version = (img.event_type == 30) || (img.event_type == 31 && !img.after);
        BOOST_TEST_CONTEXT("image " << images)
        {
            if (first_version)
            {
                BOOST_TEST(f1.bytes == digits100);
                BOOST_TEST(f2.bytes == long_text);
                BOOST_TEST(img.cells[2].v.as_enum().index == 1);
                BOOST_TEST(img.cells[3].v.as_set().bits == 0b101u);
                BOOST_TEST(f5.bytes == "0123456789");
                BOOST_TEST(json(img.cells[2].v, t.columns[2]) == "\"var1\"");
                BOOST_TEST(json(img.cells[3].v, t.columns[3]) == "[\"one\",\"three\"]");
            }
            else
            {
                BOOST_TEST(f1.bytes == "field1");
                BOOST_TEST(f2.bytes == "field_2");
                BOOST_TEST(img.cells[2].v.as_enum().index == 2);
                BOOST_TEST(img.cells[3].v.as_set().bits == 0b1010u);
                BOOST_TEST(f5.bytes == long_text);
                BOOST_TEST(json(img.cells[2].v, t.columns[2]) == "\"variant2\"");
                BOOST_TEST(json(img.cells[3].v, t.columns[3]) == "[\"two\",\"four\"]");
                BOOST_TEST(json(img.cells[0].v, t.columns[0]) == "\"field1\"");
            }
            BOOST_TEST(f5.is_blob);
            BOOST_TEST(!f1.is_binary());
        }
        ++images;
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(images == 4); // write, update (before + after), delete
}

// rust_mysql_common/test-data/binlogs/mysql_type_bit.000001: foo(a BIT(3), b TEXT, c BIT(8)) with the
// row rust_mysql_common asserts: b'100', 'foo', b'100000'.
BOOST_AUTO_TEST_CASE(bits_of_rust_mysql_common)
{
    binlog_walk walk(testdata("rust_mysql_common/test-data/binlogs/mysql_type_bit.000001"));
    BOOST_TEST_REQUIRE(walk.loaded());
    int rows = 0;
    auto ec = walk.run([&](const table_info& t, const row_image& img) {
        BOOST_TEST_REQUIRE(img.cells.size() == 3u);
        BOOST_TEST(img.cells[0].v.as_bit().bits == 4u);
        BOOST_TEST(img.cells[0].v.as_bit().width == 3);
        BOOST_TEST(img.cells[1].v.as_string().bytes == "foo");
        BOOST_TEST(img.cells[2].v.as_bit().bits == 32u);
        BOOST_TEST(json(img.cells[2].v, t.columns[2]) == "32");
        ++rows;
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(rows == 1);
}

// rust_mysql_common/test-data/binlogs/json.binlog.000001 (MySQL 8.0.22): t(id, json_col JSON, ...)
// written with documents {age, data, name}, then updated, then partially updated with
// JSON_SET(json_col, '$.age', ...) (PARTIAL_UPDATE_ROWS_EVENT, one REPLACE diff per row).
BOOST_AUTO_TEST_CASE(partial_json_update_of_rust_mysql_common)
{
    binlog_walk walk(testdata("rust_mysql_common/test-data/binlogs/json.binlog.000001"));
    BOOST_TEST_REQUIRE(walk.loaded());
    std::map<std::int64_t, json_cell> docs;
    std::vector<std::string> first_writes;
    std::vector<std::string> patched;
    std::int64_t before_id = 0;
    auto ec = walk.run([&](const table_info&, const row_image& img) {
        std::int64_t id = before_id;
        if (!img.cells.empty() && img.cells[0].column == 0)
            id = img.cells[0].v.as_int64();
        if (!img.after)
        {
            before_id = id;
            return;
        }
        for (const auto& cell : img.cells)
        {
            if (cell.column != 1 || cell.v.is_null())
                continue;
            if (!cell.partial_json)
            {
                if (img.event_type == 30 && first_writes.size() < 3)
                {
                    std::string text;
                    BOOST_TEST(!cell.v.as_json().to_text(text));
                    first_writes.push_back(text);
                }
                docs[id] = cell.v.as_json();
                continue;
            }
            std::vector<json_diff> diffs;
            BOOST_TEST_REQUIRE(!decode_json_diffs(cell.v.as_json().data, diffs));
            BOOST_TEST_REQUIRE(diffs.size() == 1u);
            BOOST_TEST(diffs[0].operation == json_diff_operation::replace);
            BOOST_TEST(diffs[0].path == "$.age");
            std::string applied;
            BOOST_TEST_REQUIRE(!apply_json_diffs(docs[id].data, diffs, applied));
            patched.push_back(applied);
        }
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST_REQUIRE(first_writes.size() == 3u);
    BOOST_TEST(first_writes[0] == R"({"age": 24, "data": "xxxxxxxxxx", "name": "Joe"})");
    BOOST_TEST(first_writes[1] == R"({"age": 32, "data": "yyyyyyyyyy", "name": "Sue"})");
    BOOST_TEST(first_writes[2] == R"({"age": 40, "data": "zzzzzzzzzz", "name": "Pete"})");
    BOOST_TEST_REQUIRE(!patched.empty());
    BOOST_TEST(patched[0] == R"({"age": 26, "data": "xxxxxxxxxx", "name": "Joe"})");
}

// Every row image of every server-written binlog in the shared data decodes cell by cell without an
// error, every JSON cell renders, and every partial JSON update applies to its before image.
BOOST_AUTO_TEST_CASE(every_row_of_every_binlog_decodes)
{
    namespace fs = std::filesystem;
    std::size_t files = 0;
    std::size_t cells = 0;
    std::size_t json_cells = 0;
    std::size_t diffs_applied = 0;
    for (const auto& entry : fs::recursive_directory_iterator(BINLOGSTREAM_TESTDATA_DIR))
    {
        if (!entry.is_regular_file())
            continue;
        auto ext = entry.path().extension().string();
        if (ext == ".md" || ext == ".sql" || ext == ".txt" || ext == ".gz")
            continue;
        auto name = entry.path().filename().string();
        // MariaDB 10.0 wrote TIMESTAMP(n) in its pre-5.6 hi-res format with no fraction width in the
        // table map (MANIFEST.md): the cell size is unknowable from the binlog alone.
        if (name == "mysql-bin.000001" && entry.path().parent_path().filename() == "tiflow")
            continue;
        // A pre-GA 5.2 tree's row events (rust_mysql_common skips the same file).
        if (name == "ver_5_1-wl2325_r.001")
            continue;
        binlog_walk walk(entry.path().string());
        if (!walk.loaded())
            continue;
        ++files;
        // The last full JSON document seen per (table, first column) row key, to apply partial
        // updates to (MINIMAL row images leave the JSON column out of the before image).
        std::map<std::pair<std::uint64_t, std::int64_t>, json_cell> last_json;
        std::optional<std::int64_t> before_key;
        auto ec = walk.run([&](const table_info& t, const row_image& img) {
            std::optional<std::int64_t> key;
            if (!img.cells.empty() && img.cells[0].column == 0 && img.cells[0].v.kind() == value_kind::int64)
                key = img.cells[0].v.as_int64();
            // An update's after image may omit the key: it is the before image's.
            if (!img.after)
                before_key = key;
            else if (!key)
                key = before_key;
            for (const auto& cell : img.cells)
            {
                ++cells;
                if (cell.v.kind() != value_kind::json)
                    continue;
                ++json_cells;
                std::string text;
                auto rec = cell.v.as_json().to_text(text);
                BOOST_TEST(!rec, name << " column " << t.columns[cell.column].name << ": " << rec.message());
                if (!key)
                    continue;
                auto row_key = std::make_pair(t.table_id, *key);
                if (!cell.partial_json)
                {
                    last_json[row_key] = cell.v.as_json();
                    continue;
                }
                auto it = last_json.find(row_key);
                if (it == last_json.end())
                    continue;
                std::vector<json_diff> diffs;
                BOOST_TEST_REQUIRE(!decode_json_diffs(cell.v.as_json().data, diffs));
                std::string applied;
                auto aec = apply_json_diffs(it->second.data, diffs, applied);
                BOOST_TEST(!aec, name << ": " << aec.message());
                ++diffs_applied;
            }
        });
        BOOST_TEST(!ec, entry.path().string() << ": " << ec.message());
    }
    BOOST_TEST(files > 40u);
    BOOST_TEST(cells > 1000u);
    BOOST_TEST(json_cells > 10u);
    BOOST_TEST(diffs_applied > 0u);
    BOOST_TEST_MESSAGE(
        "files " << files << ", cells " << cells << ", json " << json_cells << ", diffs " << diffs_applied
    );
}

BOOST_AUTO_TEST_SUITE_END()
