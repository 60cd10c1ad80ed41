// The seed's data-type suite through the live stream: one table per family, values chosen at the edges
// of each type, and the expected JSON text of every cell written from the SQL (the rendering rules are
// codec/value_json.hpp's: DECIMAL as a string with its scale, temporals as text, binary data as
// {"base64":...}).

#include "stream_scenarios_support.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace bt = binlogstream::test;
namespace bls = binlogstream;

namespace {

using json_map = std::map<std::string, std::string>;

// Streams the rows that `inserts` writes into a fresh bls_types.`table` (columns `columns`).
std::vector<json_map>
rows_after(const std::string& table, const std::string& columns, const std::string& inserts)
{
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_types; DROP TABLE IF EXISTS bls_types." + table +
        "; CREATE TABLE bls_types." + table + " (" + columns + ")"
    );
    auto start = bt::current_binlog_position();
    // UTC and a permissive mode (zero dates), in the inserting session only.
    bt::admin_sql("SET time_zone = '+00:00', sql_mode = ''; " + inserts);
    std::vector<json_map> out;
    for (auto& r : bt::rows_of(bt::stream_events(start), "bls_types", table))
        out.push_back(std::move(r.after));
    return out;
}

std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3)
    {
        auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                 (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
        for (int k = 18; k >= 0; k -= 6)
            out += alphabet[(n >> k) & 63];
    }
    if (i + 1 == bytes.size())
    {
        auto n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += "==";
    }
    else if (i + 2 == bytes.size())
    {
        auto n =
            (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string b64json(std::string_view bytes)
{
    return "{\"base64\":\"" + base64(bytes) + "\"}";
}

void check_row(const json_map& got, const json_map& expected)
{
    for (const auto& [name, value] : expected)
    {
        BOOST_TEST_CONTEXT("column " << name)
        {
            auto it = got.find(name);
            BOOST_REQUIRE(it != got.end());
            BOOST_TEST(it->second == value);
        }
    }
    BOOST_TEST(got.size() == expected.size());
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_scenarios_types)

BOOST_AUTO_TEST_CASE(decimal_precisions_and_negatives)
{
    auto rows = rows_after(
        "dec",
        "a DECIMAL(4,2), b DECIMAL(10,0), c DECIMAL(20,10), d DECIMAL(65,30), e DECIMAL(5,3), f DECIMAL(1,0)",
        "INSERT INTO bls_types.dec VALUES (-12.34, 1234567890, -1234567890.0123456789,"
        " 12345678901234567890123456789012345.123456789012345678901234567890, 0.001, -9),"
        " (0, -1, 0.0000000001, -0.000000000000000000000000000001, -99.999, 0)"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    check_row(
        rows[0],
        {{"a", "\"-12.34\""},
         {"b", "\"1234567890\""},
         {"c", "\"-1234567890.0123456789\""},
         {"d", "\"12345678901234567890123456789012345.123456789012345678901234567890\""},
         {"e", "\"0.001\""},
         {"f", "\"-9\""}}
    );
    check_row(
        rows[1],
        {{"a", "\"0.00\""},
         {"b", "\"-1\""},
         {"c", "\"0.0000000001\""},
         {"d", "\"-0.000000000000000000000000000001\""},
         {"e", "\"-99.999\""},
         {"f", "\"0\""}}
    );
}

BOOST_AUTO_TEST_CASE(integer_bounds)
{
    auto rows = rows_after(
        "ints",
        "t TINYINT, tu TINYINT UNSIGNED, s SMALLINT, su SMALLINT UNSIGNED, m MEDIUMINT, mu MEDIUMINT "
        "UNSIGNED,"
        " i INT, iu INT UNSIGNED, b BIGINT, bu BIGINT UNSIGNED",
        "INSERT INTO bls_types.ints VALUES (-128, 255, -32768, 65535, -8388608, 16777215, -2147483648,"
        " 4294967295, -9223372036854775808, 18446744073709551615),"
        " (127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0)"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    check_row(
        rows[0],
        {{"t", "-128"},
         {"tu", "255"},
         {"s", "-32768"},
         {"su", "65535"},
         {"m", "-8388608"},
         {"mu", "16777215"},
         {"i", "-2147483648"},
         {"iu", "4294967295"},
         {"b", "-9223372036854775808"},
         {"bu", "18446744073709551615"}}
    );
    check_row(
        rows[1],
        {{"t", "127"},
         {"tu", "0"},
         {"s", "32767"},
         {"su", "0"},
         {"m", "8388607"},
         {"mu", "0"},
         {"i", "2147483647"},
         {"iu", "0"},
         {"b", "9223372036854775807"},
         {"bu", "0"}}
    );
}

BOOST_AUTO_TEST_CASE(float_and_double)
{
    auto rows = rows_after(
        "fl",
        "f FLOAT, d DOUBLE",
        "INSERT INTO bls_types.fl VALUES (1.5, -1234.5625), (-0.75, 1e300), (0, -2.5e-300)"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 3u);
    // Compared as numbers: the JSON spelling of an exponent is free.
    BOOST_TEST(std::stod(rows[0].at("f")) == 1.5);
    BOOST_TEST(std::stod(rows[0].at("d")) == -1234.5625);
    BOOST_TEST(std::stod(rows[1].at("f")) == -0.75);
    BOOST_TEST(std::stod(rows[1].at("d")) == 1e300);
    BOOST_TEST(std::stod(rows[2].at("f")) == 0.0);
    BOOST_TEST(std::stod(rows[2].at("d")) == -2.5e-300);
}

BOOST_AUTO_TEST_CASE(timestamps_with_fsp_0_to_6)
{
    std::string cols, vals;
    for (int fsp = 0; fsp <= 6; ++fsp)
        cols += (fsp ? ", t" : "t") + std::to_string(fsp) + " TIMESTAMP(" + std::to_string(fsp) + ") NULL";
    for (int fsp = 0; fsp <= 6; ++fsp)
        vals += std::string(fsp ? ", " : "") + "'2026-11-26 07:08:09.123456'";
    auto rows = rows_after("ts", cols, "INSERT INTO bls_types.ts VALUES (" + vals + ")");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    // MariaDB truncates the fraction to the column's fsp (time_round_fractional is off).
    const std::string full = "2026-11-26 07:08:09.123456";
    for (int fsp = 0; fsp <= 6; ++fsp)
    {
        BOOST_TEST_CONTEXT("fsp " << fsp)
        BOOST_TEST(
            rows[0].at("t" + std::to_string(fsp)) == "\"" + full.substr(0, fsp ? 20 + fsp : 19) + "\""
        );
    }
}

BOOST_AUTO_TEST_CASE(dates_datetimes_and_zero_dates)
{
    auto rows = rows_after(
        "dates",
        "d DATE, dt DATETIME, dt6 DATETIME(6)",
        "INSERT INTO bls_types.dates VALUES ('2026-11-26', '1000-01-01 00:00:00', '9999-12-31 "
        "23:59:59.999999'),"
        " ('0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000')"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    check_row(
        rows[0],
        {{"d", "\"2026-11-26\""},
         {"dt", "\"1000-01-01 00:00:00\""},
         {"dt6", "\"9999-12-31 23:59:59.999999\""}}
    );
    check_row(
        rows[1],
        {{"d", "\"0000-00-00\""},
         {"dt", "\"0000-00-00 00:00:00\""},
         {"dt6", "\"0000-00-00 00:00:00.000000\""}}
    );
}

BOOST_AUTO_TEST_CASE(time_at_its_bounds_with_fractions)
{
    auto rows = rows_after(
        "times",
        "t TIME, t3 TIME(3), t6 TIME(6)",
        "INSERT INTO bls_types.times VALUES ('838:59:59', '-838:59:59.000', '838:59:59.000000'),"
        " ('-838:59:59', '-00:00:01.500', '-12:34:56.000001'), ('00:00:00', '00:00:00.001', '-00:00:00.5')"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 3u);
    check_row(
        rows[0], {{"t", "\"838:59:59\""}, {"t3", "\"-838:59:59.000\""}, {"t6", "\"838:59:59.000000\""}}
    );
    check_row(
        rows[1], {{"t", "\"-838:59:59\""}, {"t3", "\"-00:00:01.500\""}, {"t6", "\"-12:34:56.000001\""}}
    );
    check_row(rows[2], {{"t", "\"00:00:00\""}, {"t3", "\"00:00:00.001\""}, {"t6", "\"-00:00:00.500000\""}});
}

BOOST_AUTO_TEST_CASE(year_varchar_char_and_bit_widths)
{
    auto rows = rows_after(
        "misc",
        "y YEAR, v VARCHAR(300) CHARACTER SET utf8mb4, c CHAR(5), b6 BIT(6), b13 BIT(13), b32 BIT(32), b64 "
        "BIT(64)",
        "INSERT INTO bls_types.misc VALUES (1901, REPEAT('ü', 300), 'ab', b'101010', b'1000000000001',"
        " b'11111111111111111111111111111111', "
        "b'1111111111111111111111111111111111111111111111111111111111111111'),"
        " (2155, '', '', b'0', b'0', b'0', b'1')"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    std::string u300;
    for (int i = 0; i < 300; ++i)
        u300 += "ü";
    check_row(
        rows[0],
        {{"y", "1901"},
         {"v", "\"" + u300 + "\""},
         {"c", "\"ab\""},
         {"b6", "42"},
         {"b13", "4097"},
         {"b32", "4294967295"},
         {"b64", "18446744073709551615"}}
    );
    check_row(
        rows[1],
        {{"y", "2155"}, {"v", "\"\""}, {"c", "\"\""}, {"b6", "0"}, {"b13", "0"}, {"b32", "0"}, {"b64", "1"}}
    );
}

BOOST_AUTO_TEST_CASE(every_blob_size)
{
    auto rows = rows_after(
        "blobs",
        "tb TINYBLOB, b BLOB, mb MEDIUMBLOB, lb LONGBLOB, tt TINYTEXT, t TEXT, mt MEDIUMTEXT, lt LONGTEXT",
        "INSERT INTO bls_types.blobs VALUES ('abc', REPEAT('x', 300), REPEAT('y', 70000), REPEAT('z', "
        "17000000),"
        " 'é', REPEAT('t', 300), '', NULL)"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    check_row(
        rows[0],
        {{"tb", b64json("abc")},
         {"b", b64json(std::string(300, 'x'))},
         {"mb", b64json(std::string(70000, 'y'))},
         {"lb", b64json(std::string(17000000, 'z'))},
         {"tt", "\"é\""},
         {"t", "\"" + std::string(300, 't') + "\""},
         {"mt", "\"\""},
         {"lt", "null"}}
    );
}

// GEOMETRY comes last here: MariaDB counts GEOMETRY among the character columns of the TABLE_MAP's
// charset metadata (its is_character_type: "base class is blob for geom type"), MySQL does not, and
// codec/table_map.cpp follows MySQL, so a GEOMETRY before character columns shifts their charsets on
// MariaDB (reported; lib/codec is not this test's to change).
BOOST_AUTO_TEST_CASE(geometry_json_latin1_utf8_and_varbinary)
{
    auto rows = rows_after(
        "other",
        "j JSON, l VARCHAR(10) CHARACTER SET latin1, u VARCHAR(10) CHARACTER SET utf8mb4, vb VARBINARY(10),"
        " g GEOMETRY",
        "INSERT INTO bls_types.other VALUES ('{\"a\": [1, 2]}', 'café', '日本', X'00FF10',"
        " ST_GeomFromText('POINT(1 2)'))"
    );
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    // GEOMETRY: SRID 0, then WKB little-endian POINT (type 1) x = 1.0, y = 2.0.
    const std::string point(
        "\x00\x00\x00\x00"
        "\x01\x01\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\xf0\x3f"
        "\x00\x00\x00\x00\x00\x00\x00\x40",
        25
    );
    // MariaDB's JSON is a LONGTEXT alias: the binlog carries the text as written.
    check_row(
        rows[0],
        {{"g", b64json(point)},
         {"j", "\"{\\\"a\\\": [1, 2]}\""},
         {"l", "\"café\""},
         {"u", "\"日本\""},
         {"vb", b64json(std::string("\x00\xff\x10", 3))}}
    );
}

BOOST_AUTO_TEST_SUITE_END()
