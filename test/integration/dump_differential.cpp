// Differential test of the decoders against MariaDB's own tool: the sandbox writes a binlog holding
// every column type with edge values (once plain, once with log_bin_compress=ON), then every value
// that `binlogstream dump` prints is compared with what `mariadb-binlog --base64-output=decode-rows -vv`
// prints for the same file. Expected values therefore come from the server's tool, not from us.
//
// mariadb-binlog's quirks, normalised here (sql/log_event_client.cc, log_event_print_value):
// integers print signed with the unsigned reading in parentheses; DATE prints as 'YYYY:MM:DD';
// TIMESTAMP prints epoch seconds[.fraction]; YEAR 0 prints as 1900; BIT and SET print b'bits';
// ENUM prints its index; strings print their raw bytes in quotes with bytes < 0x20 as \xNN.

#include "common/sandbox.hpp"

#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace bt = binlogstream::test;

namespace {

enum class kind
{
    sint,
    uint,
    decimal,
    float_,
    double_,
    date,
    datetime,
    timestamp,
    time,
    year,
    bit,
    enum_,
    set,
    utf8,
    latin1,
    binary,
};

struct column
{
    const char* name;
    const char* sql_type;
    kind k;
    std::vector<std::string> literals = {};
};

const std::vector<column>& columns()
{
    static const std::vector<column> cols = {
        {"id", "INT NOT NULL PRIMARY KEY", kind::sint},
        {"c_tiny", "TINYINT", kind::sint},
        {"c_utiny", "TINYINT UNSIGNED", kind::uint},
        {"c_small", "SMALLINT", kind::sint},
        {"c_usmall", "SMALLINT UNSIGNED", kind::uint},
        {"c_med", "MEDIUMINT", kind::sint},
        {"c_umed", "MEDIUMINT UNSIGNED", kind::uint},
        {"c_int", "INT", kind::sint},
        {"c_uint", "INT UNSIGNED", kind::uint},
        {"c_big", "BIGINT", kind::sint},
        {"c_ubig", "BIGINT UNSIGNED", kind::uint},
        {"c_dec", "DECIMAL(65,30)", kind::decimal},
        {"c_dec2", "DECIMAL(10,2)", kind::decimal},
        {"c_dec0", "DECIMAL(18,0)", kind::decimal},
        {"c_float", "FLOAT", kind::float_},
        {"c_double", "DOUBLE", kind::double_},
        {"c_date", "DATE", kind::date},
        {"c_dt0", "DATETIME", kind::datetime},
        {"c_dt3", "DATETIME(3)", kind::datetime},
        {"c_dt6", "DATETIME(6)", kind::datetime},
        {"c_ts0", "TIMESTAMP NULL", kind::timestamp},
        {"c_ts6", "TIMESTAMP(6) NULL", kind::timestamp},
        {"c_time0", "TIME", kind::time},
        {"c_time2", "TIME(2)", kind::time},
        {"c_time6", "TIME(6)", kind::time},
        {"c_year", "YEAR", kind::year},
        {"c_bit1", "BIT(1)", kind::bit},
        {"c_bit12", "BIT(12)", kind::bit},
        {"c_bit64", "BIT(64)", kind::bit},
        {"c_enum", "ENUM('small','medium','large')", kind::enum_, {"small", "medium", "large"}},
        {"c_set", "SET('x','y','z','w')", kind::set, {"x", "y", "z", "w"}},
        {"c_char", "CHAR(10) CHARACTER SET utf8mb4", kind::utf8},
        {"c_vchar", "VARCHAR(300) CHARACTER SET utf8mb4", kind::utf8},
        {"c_latin", "VARCHAR(40) CHARACTER SET latin1", kind::latin1},
        {"c_text", "MEDIUMTEXT CHARACTER SET utf8mb4", kind::utf8},
        {"c_json", "JSON", kind::utf8},
        {"c_blob", "LONGBLOB", kind::binary},
        {"c_bin", "BINARY(4)", kind::binary},
        {"c_vbin", "VARBINARY(20)", kind::binary},
        {"c_geom", "GEOMETRY", kind::binary},
    };
    return cols;
}

// Rows with edge values; sql_mode='' so that zero and invalid dates are accepted.
const char* const inserts = R"sql(
INSERT INTO t VALUES
 (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808,
  18446744073709551615, -99999999999999999999999999999999999.999999999999999999999999999999, -12345678.90, 0,
  -3.4028234e38, -1.7976931348623157e308, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.001',
  '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2038-01-19 03:14:07.999999', '-838:59:59',
  '-838:59:58.99', '-00:00:00.000001', 0, b'0', b'000000000001', b'1111111111111111111111111111111111111111111111111111111111111111',
  'small', '', '', '', '', '', '[]', '', x'00', x'', NULL),
 (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0,
  99999999999999999999999999999999999.999999999999999999999999999999, 0.01, -999999999999999999,
  1.17549435e-38, 2.2250738585072014e-308, '9999-12-31', '9999-12-31 23:59:59', '2024-02-29 12:34:56.789',
  '2024-02-29 12:34:56.000001', NULL, '2001-02-03 04:05:06.5', '838:59:59', '-00:00:01.5', '12:00:00.123456',
  2155, b'1', b'101010101010', b'1000000000000000000000000000000000000000000000000000000000000001',
  'large', 'x,y,z,w', 'äöü😀', 'Zoë 李雷 🚀 \t tab', 'café crème', 'línea\nnueva 😀',
  '{"a": [1, 2.5, "x"], "b": {"c": null, "d": true}}', x'00ff7f80', x'deadbeef', x'000102030405', ST_GeomFromText('POINT(1 2)')),
 (3, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, '0000-00-00', '0000-00-00 00:00:00', '2020-00-00 00:00:00.000',
  '2021-02-30 10:00:00', '0000-00-00 00:00:00', NULL, '00:00:00', '00:00:00.00', '-12:34:56.000789', 1901, NULL, NULL, NULL,
  NULL, 'y,w', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)')),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL);
INSERT INTO t (id, c_text, c_blob, c_json, c_vchar) VALUES
 (5, REPEAT('ü', 100000), REPEAT(x'00ff', 1500000), CONCAT('[', REPEAT('{"k": "v", "n": 12345}, ', 20000), '0]'),
  REPEAT('😀', 300));
UPDATE t SET c_int = c_int + 1, c_vchar = 'changed', c_enum = 'medium' WHERE id IN (2, 3);
UPDATE t SET c_blob = x'01' WHERE id = 5;
DELETE FROM t WHERE id = 1;
)sql";

std::string shell_quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// One row image as mariadb-binlog prints it: column number (1-based) -> raw printed value.
using image = std::map<int, std::string>;
struct row_change
{
    std::string verb; // INSERT, UPDATE, DELETE
    image before, after;
};

// Parses the ### lines of `mariadb-binlog -vv` for table `schema`.`t`.
std::vector<row_change> parse_mariadb_binlog(const std::string& text, const std::string& schema)
{
    std::vector<row_change> rows;
    std::istringstream in(text);
    image* current = nullptr;
    bool ours = false;
    for (std::string line; std::getline(in, line);)
    {
        if (line.rfind("### ", 0) != 0)
            continue;
        std::string body = line.substr(4);
        const std::string target = "`" + schema + "`.`t`";
        if (body.rfind("INSERT INTO ", 0) == 0 || body.rfind("UPDATE ", 0) == 0 ||
            body.rfind("DELETE FROM ", 0) == 0)
        {
            ours = body.find(target) != std::string::npos;
            if (ours)
                rows.push_back({body.substr(0, body.find(' ')), {}, {}});
            current = nullptr;
            continue;
        }
        if (!ours)
            continue;
        if (body == "SET")
        {
            current = &rows.back().after;
            continue;
        }
        if (body == "WHERE")
        {
            current = &rows.back().before;
            continue;
        }
        if (current && body.rfind("  @", 0) == 0)
        {
            auto eq = body.find('=');
            int n = std::stoi(body.substr(3, eq - 3));
            // The value ends before the type comment; strings may contain " /* " themselves, so cut
            // at the last comment opener.
            auto comment = body.rfind(" /* ");
            std::string v = body.substr(eq + 1, comment - eq - 1);
            while (!v.empty() && v.back() == ' ')
                v.pop_back();
            (*current)[n] = v;
        }
    }
    return rows;
}

// Unquotes a mariadb-binlog string value: '...' with bytes < 0x20 written as \xNN.
std::string unquote(const std::string& v)
{
    BOOST_REQUIRE(v.size() >= 2 && v.front() == '\'' && v.back() == '\'');
    std::string out;
    for (std::size_t i = 1; i + 1 < v.size(); ++i)
    {
        if (v[i] == '\\' && i + 3 < v.size() && v[i + 1] == 'x')
        {
            out += static_cast<char>(std::stoi(v.substr(i + 2, 2), nullptr, 16));
            i += 3;
        }
        else
            out += v[i];
    }
    return out;
}

std::string latin1_to_utf8(const std::string& s)
{
    std::string out;
    for (unsigned char c : s)
    {
        if (c < 0x80)
            out += static_cast<char>(c);
        else
        {
            out += static_cast<char>(0xc0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3f));
        }
    }
    return out;
}

std::string base64_decode(std::string_view in)
{
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    int bits = 0, acc = 0;
    for (char c : in)
    {
        int v = val(c);
        if (v < 0)
            continue;
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8)
        {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::uint64_t parse_bits(const std::string& v) // b'0101'
{
    std::uint64_t r = 0;
    for (char c : v.substr(2, v.size() - 3))
        r = (r << 1) | (c == '1' ? 1u : 0u);
    return r;
}

std::string epoch_to_text(const std::string& v) // "1577836800.25" -> "2020-01-01 00:00:00.25"
{
    auto dot = v.find('.');
    std::time_t secs = std::stoll(v.substr(0, dot));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::string out = buf;
    if (dot != std::string::npos)
        out += v.substr(dot);
    return out;
}

// Compares one value of our JSON with mariadb-binlog's text for the same cell.
void compare_cell(const column& col, simdjson::dom::element ours, const std::string& theirs)
{
    BOOST_TEST_CONTEXT(
        "column " << col.name << " (" << col.sql_type << "), mariadb-binlog printed " << theirs
    )
    {
        if (theirs == "NULL")
        {
            BOOST_TEST(ours.is_null());
            return;
        }
        BOOST_REQUIRE(!ours.is_null());
        switch (col.k)
        {
            case kind::sint:
            {
                auto signed_text = theirs.substr(0, theirs.find(' '));
                BOOST_TEST(ours.is_int64());
                BOOST_TEST(std::to_string(int64_t(ours)) == signed_text);
                break;
            }
            case kind::uint:
            {
                auto open = theirs.find('(');
                auto text =
                    open == std::string::npos ? theirs : theirs.substr(open + 1, theirs.find(')') - open - 1);
                BOOST_TEST((ours.is_uint64() || ours.is_int64()));
                auto v = ours.is_uint64() ? uint64_t(ours) : uint64_t(int64_t(ours));
                BOOST_TEST(std::to_string(v) == text);
                break;
            }
            case kind::decimal:
                BOOST_TEST(std::string(std::string_view(ours)) == theirs);
                break;
            case kind::float_:
                BOOST_TEST(ours.is_number());
                // mariadb-binlog prints FLOAT with %g (6 significant digits): compare to that precision.
                BOOST_TEST(
                    std::fabs(double(ours) - std::strtod(theirs.c_str(), nullptr)) <=
                    1e-5 * std::fabs(std::strtod(theirs.c_str(), nullptr))
                );
                break;
            case kind::double_:
                BOOST_TEST(ours.is_number());
                BOOST_TEST(double(ours) == std::strtod(theirs.c_str(), nullptr));
                break;
            case kind::date:
            {
                auto t = unquote(theirs);
                for (auto& c : t)
                    c = c == ':' ? '-' : c;
                BOOST_TEST(std::string(std::string_view(ours)) == t);
                break;
            }
            case kind::datetime:
            case kind::time:
                BOOST_TEST(std::string(std::string_view(ours)) == unquote(theirs));
                break;
            case kind::timestamp:
            {
                auto expected = theirs == "0" ? std::string("0000-00-00 00:00:00") : epoch_to_text(theirs);
                BOOST_TEST(std::string(std::string_view(ours)) == expected);
                break;
            }
            case kind::year:
                // mariadb-binlog prints the zero year as 1900 (it adds 1900 to the stored 0).
                BOOST_TEST(int64_t(ours) == (theirs == "1900" ? 0 : std::stoll(theirs)));
                break;
            case kind::bit:
                BOOST_TEST(uint64_t(ours) == parse_bits(theirs));
                break;
            case kind::enum_:
            {
                auto index = std::stoul(theirs);
                std::string expected = index == 0 ? "" : col.literals.at(index - 1);
                BOOST_TEST(std::string(std::string_view(ours)) == expected);
                break;
            }
            case kind::set:
            {
                auto bits = parse_bits(theirs);
                std::vector<std::string> expected, got;
                for (std::size_t i = 0; i < col.literals.size(); ++i)
                    if (bits & (1ull << i))
                        expected.push_back(col.literals[i]);
                for (auto e : simdjson::dom::array(ours))
                    got.emplace_back(std::string_view(e));
                BOOST_TEST(got == expected, boost::test_tools::per_element());
                break;
            }
            case kind::utf8:
                BOOST_TEST(std::string(std::string_view(ours)) == unquote(theirs));
                break;
            case kind::latin1:
                BOOST_TEST(std::string(std::string_view(ours)) == latin1_to_utf8(unquote(theirs)));
                break;
            case kind::binary:
            {
                auto b64 = ours["base64"];
                BOOST_REQUIRE(!b64.error());
                BOOST_TEST(base64_decode(std::string_view(b64.value())) == unquote(theirs));
                break;
            }
        }
    }
}

void compare_image(const image& theirs, simdjson::dom::element ours)
{
    const auto& cols = columns();
    BOOST_TEST(theirs.size() == cols.size());
    for (const auto& [n, text] : theirs)
    {
        BOOST_REQUIRE(n >= 1 && std::size_t(n) <= cols.size());
        const auto& col = cols[n - 1];
        auto v = ours[col.name];
        BOOST_TEST_CONTEXT("row value " << col.name)
        {
            BOOST_REQUIRE(!v.error());
            compare_cell(col, v.value(), text);
        }
    }
}

void run_differential(bool compressed)
{
    const auto& sb = bt::sandbox();
    const std::string schema = compressed ? "bls_diff_compressed" : "bls_diff_plain";
    std::string ddl = "CREATE TABLE " + schema + ".t (";
    for (std::size_t i = 0; i < columns().size(); ++i)
        ddl += std::string(i ? ", " : "") + columns()[i].name + " " + columns()[i].sql_type;
    ddl += ")";

    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + ";" + ddl + ";" +
        "SET GLOBAL log_bin_compress = " + (compressed ? "ON" : "OFF") +
        "; SET GLOBAL log_bin_compress_min_len = 10; FLUSH BINARY LOGS;"
    );
    auto file = bt::admin_sql("SHOW MASTER STATUS");
    file = file.substr(0, file.find('\t'));
    // A new session so that it sees the global log_bin_compress; sql_mode allows zero/invalid dates.
    bt::admin_sql(
        "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'; SET time_zone = '+00:00'; USE " + schema + ";" +
        inserts
    );
    bt::admin_sql("SET GLOBAL log_bin_compress = OFF; FLUSH BINARY LOGS");
    const std::string path = sb.datadir + "/" + file;

    auto theirs = parse_mariadb_binlog(
        bt::run_command(
            "mariadb-binlog --base64-output=decode-rows -vv " + shell_quote(path) + " 2>/dev/null"
        ),
        schema
    );
    const std::string tool = std::string(BINLOGSTREAM_BINARY_DIR) + "/samples/binlogstream";
    auto dump = bt::run_command(shell_quote(tool) + " dump " + shell_quote(path));

    // Our row changes, one per row of each rows event of table `schema`.t, in order. Each relevant
    // line keeps its own parser, which owns the elements we hold on to.
    std::deque<simdjson::dom::parser> parsers;
    std::vector<std::pair<std::string, simdjson::dom::element>> ours; // verb, row object
    std::size_t compressed_events = 0;
    std::istringstream in(dump);
    for (std::string line; std::getline(in, line);)
    {
        auto& p = parsers.emplace_back();
        simdjson::dom::element el;
        auto err = p.parse(line).get(el);
        BOOST_REQUIRE_MESSAGE(!err, "dump printed invalid JSON: " << line.substr(0, 200));
        std::string_view type;
        if (el["type"].get(type) || type.find("rows") == std::string_view::npos || type == "rows_query")
        {
            parsers.pop_back();
            continue;
        }
        std::string_view row_schema;
        if (el["schema"].get(row_schema) || row_schema != schema)
        {
            parsers.pop_back();
            continue;
        }
        bool is_compressed = false;
        if (!el["compressed"].get(is_compressed) && is_compressed)
            ++compressed_events;
        std::string verb = type.find("write") != std::string_view::npos    ? "INSERT"
                           : type.find("update") != std::string_view::npos ? "UPDATE"
                                                                           : "DELETE";
        for (auto row : el["rows"].get_array())
            ours.emplace_back(verb, row);
    }
    if (compressed)
        BOOST_TEST(compressed_events > 0u);

    BOOST_TEST_REQUIRE(theirs.size() == ours.size());
    BOOST_TEST(theirs.size() == 9u); // 5 rows inserted, 2 + 1 updated, 1 deleted
    for (std::size_t i = 0; i < theirs.size(); ++i)
    {
        BOOST_TEST_CONTEXT("row change " << i << " (" << theirs[i].verb << ")")
        {
            BOOST_TEST(theirs[i].verb == ours[i].first);
            auto row = ours[i].second;
            if (!theirs[i].before.empty())
                compare_image(theirs[i].before, row["before"].value());
            if (!theirs[i].after.empty())
                compare_image(theirs[i].after, row["after"].value());
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(dump_differential)

BOOST_AUTO_TEST_CASE(every_type_matches_mariadb_binlog)
{
    run_differential(false);
}

BOOST_AUTO_TEST_CASE(every_type_matches_mariadb_binlog_with_log_bin_compress)
{
    run_differential(true);
}

BOOST_AUTO_TEST_SUITE_END()
