// `binlogstream tail` output against SQL written here: every column type's value as the SQL wrote it
// (dump contract), the Maxwell fields (type, data, old with only the changed columns, xid on every
// row, commit on the last row of a transaction, position, gtid) and the Debezium envelope.

#include "integration/tail_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

namespace bt = binlogstream::test;
using bt::operator+;

namespace {

const std::string schema = "bls_tail_fmt";

const char* create_table = "CREATE TABLE t (id INT PRIMARY KEY, ti TINYINT, ub BIGINT UNSIGNED, "
                           "d DECIMAL(10,2), f FLOAT, db DOUBLE, dt DATETIME(3), ts TIMESTAMP(6) NULL, "
                           "dd DATE, tm TIME(2), y YEAR, b BIT(12), e ENUM('new','paid','shipped'), "
                           "st SET('gift','express','fragile'), j JSON, vb VARBINARY(8), bl BLOB, "
                           "u VARCHAR(32) CHARACTER SET utf8mb4, l CHAR(8) CHARACTER SET latin1, n INT NULL)";

const char* insert_row = "INSERT INTO t VALUES (1, -128, 18446744073709551615, 19.90, 1.5, 2.5e-300, "
                         "'2026-11-26 10:00:00.123', '2026-11-26 10:00:01.000001', '2026-11-26', "
                         "'-12:34:56.78', 2026, b'101010101010', 'new', 'gift,fragile', "
                         "'{\"a\": [1, 2], \"s\": \"x\"}', x'00ff10', x'deadbeef', 'Zoë 李', 'café', NULL)";

// The inserted row, column by column, as minified JSON (what the SQL above wrote, in the dump
// contract); f and db are compared as numbers.
std::map<std::string, std::string> inserted_values()
{
    return {
        {"id", "1"},
        {"ti", "-128"},
        {"ub", "18446744073709551615"},
        {"d", "\"19.90\""},
        {"dt", "\"2026-11-26 10:00:00.123\""},
        {"ts", "\"2026-11-26 10:00:01.000001\""},
        {"dd", "\"2026-11-26\""},
        {"tm", "\"-12:34:56.78\""},
        {"y", "2026"},
        {"b", "2730"},
        {"e", "\"new\""},
        {"st", "[\"gift\",\"fragile\"]"},
        // MariaDB's JSON is LONGTEXT: the binlog says "text", so the value is the text as written.
        {"j", "\"{\\\"a\\\": [1, 2], \\\"s\\\": \\\"x\\\"}\""},
        {"vb", "{\"base64\":\"AP8Q\"}"},
        {"bl", "{\"base64\":\"3q2+7w==\"}"},
        {"u", "\"Zoë 李\""},
        {"l", "\"café\""},
        {"n", "null"},
    };
}

void check_row(simdjson::dom::element obj, const std::map<std::string, std::string>& expected)
{
    for (const auto& [col, text] : expected)
        BOOST_TEST(bt::member_text(obj, col.c_str()) == text, "column " << col);
    double f = 0, db = 0;
    BOOST_TEST(!obj["f"].get(f));
    BOOST_TEST(f == 1.5);
    BOOST_TEST(!obj["db"].get(db));
    BOOST_TEST(db == 2.5e-300);
    simdjson::dom::object o;
    BOOST_REQUIRE(!obj.get(o));
    BOOST_TEST(o.size() == 20u); // every column, nothing else
}

// Creates the table, then runs insert / update / delete as three transactions; returns the GTID of
// each (the server's @@last_gtid).
std::vector<std::string> write_changes()
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; USE " + schema + "; " +
        create_table
    );
    auto out = bt::admin_sql(
        "SET time_zone = '+00:00'; USE " + schema + "; " + insert_row +
        "; SELECT @@last_gtid; UPDATE t SET d = 20.90, e = 'paid', n = 7 WHERE id = 1; SELECT @@last_gtid; "
        "DELETE FROM t WHERE id = 1; SELECT @@last_gtid;"
    );
    std::vector<std::string> gtids;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);)
        gtids.push_back(l);
    return gtids;
}

std::vector<simdjson::dom::element> rows_of(const bt::json_lines& j, const std::string& table)
{
    std::vector<simdjson::dom::element> out;
    for (auto l : j.lines)
    {
        std::string_view db, tb;
        if (!l["database"].get(db) && db == schema && !l["table"].get(tb) && tb == table)
            out.push_back(l);
        simdjson::dom::element src;
        if (!l["source"].get(src) && !src["db"].get(db) && db == schema && !src["table"].get(tb) &&
            tb == table)
            out.push_back(l);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tail_formats)

BOOST_AUTO_TEST_CASE(maxwell_lines_carry_the_values_the_sql_wrote)
{
    auto dir = bt::tail_scratch("maxwell");
    auto start = bt::from_here();
    auto gtids = write_changes();
    BOOST_REQUIRE_EQUAL(gtids.size(), 3u);
    auto end = bt::current_binlog_position();

    auto r =
        bt::run_tail(bt::tail_connection_args() + start + std::vector<std::string>{"--non-blocking"}, dir);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    bt::json_lines j(r.out);
    auto rows = rows_of(j, "t");
    BOOST_REQUIRE_EQUAL(rows.size(), 3u);

    const char* types[] = {"insert", "update", "delete"};
    std::set<std::string> xids;
    for (std::size_t i = 0; i < 3; ++i)
    {
        auto l = rows[i];
        BOOST_TEST(bt::member_text(l, "type") == "\"" + std::string(types[i]) + "\"");
        BOOST_TEST(bt::member_text(l, "commit") == "true"); // one row per transaction
        BOOST_TEST(bt::member_text(l, "gtid") == "\"" + gtids[i] + "\"");
        std::uint64_t ts = 0;
        BOOST_TEST(!l["ts"].get(ts));
        BOOST_TEST(ts > 1700000000u);
        std::uint64_t xid = 0;
        BOOST_TEST(!l["xid"].get(xid));
        xids.insert(std::to_string(xid));
        std::string_view pos;
        BOOST_REQUIRE(!l["position"].get(pos));
        auto colon = pos.rfind(':');
        BOOST_TEST(std::string(pos.substr(0, colon)) == end.file);
        auto offset = std::stoull(std::string(pos.substr(colon + 1)));
        BOOST_TEST(offset > 4u);
        BOOST_TEST(offset < end.offset);
    }
    BOOST_TEST(xids.size() == 3u); // each transaction its own xid

    check_row(rows[0]["data"], inserted_values());
    BOOST_TEST(bt::member_text(rows[0], "old") == "");

    auto updated = inserted_values();
    updated["d"] = "\"20.90\"";
    updated["e"] = "\"paid\"";
    updated["n"] = "7";
    check_row(rows[1]["data"], updated);
    // Only the changed columns, with their previous values.
    BOOST_TEST(bt::member_text(rows[1], "old") == "{\"d\":\"19.90\",\"e\":\"new\",\"n\":null}");

    check_row(rows[2]["data"], updated); // a delete's data is the deleted row
    BOOST_TEST(bt::member_text(rows[2], "old") == "");
}

BOOST_AUTO_TEST_CASE(maxwell_xid_on_every_row_commit_on_the_last)
{
    auto dir = bt::tail_scratch("xid");
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; USE " + schema +
        "; CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(10))"
    );
    auto start = bt::from_here();
    bt::admin_sql(
        "USE " + schema +
        "; BEGIN; INSERT INTO m VALUES (1, 'a'), (2, 'b'); UPDATE m SET v = 'c' "
        "WHERE id = 1; DELETE FROM m WHERE id = 2; COMMIT; INSERT INTO m VALUES (3, 'd');"
    );
    auto r =
        bt::run_tail(bt::tail_connection_args() + start + std::vector<std::string>{"--non-blocking"}, dir);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    bt::json_lines j(r.out);
    auto rows = rows_of(j, "m");
    BOOST_REQUIRE_EQUAL(rows.size(), 5u);
    const char* types[] = {"insert", "insert", "update", "delete", "insert"};
    const char* ids[] = {"1", "2", "1", "2", "3"};
    for (std::size_t i = 0; i < 5; ++i)
    {
        BOOST_TEST(bt::member_text(rows[i], "type") == "\"" + std::string(types[i]) + "\"");
        BOOST_TEST(bt::member_text(rows[i]["data"], "id") == ids[i]);
    }
    auto xid = bt::member_text(rows[0], "xid");
    BOOST_TEST(!xid.empty());
    for (std::size_t i = 0; i < 4; ++i)
        BOOST_TEST(bt::member_text(rows[i], "xid") == xid);
    BOOST_TEST(bt::member_text(rows[4], "xid") != xid);
    for (std::size_t i = 0; i < 3; ++i)
    {
        BOOST_TEST(bt::member_text(rows[i], "commit") == "");
        BOOST_TEST(bt::member_text(rows[i], "xoffset") == std::to_string(i));
    }
    BOOST_TEST(bt::member_text(rows[3], "commit") == "true");
    BOOST_TEST(bt::member_text(rows[4], "commit") == "true");
    BOOST_TEST(bt::member_text(rows[2], "old") == "{\"v\":\"a\"}");
}

BOOST_AUTO_TEST_CASE(debezium_envelope)
{
    auto dir = bt::tail_scratch("debezium");
    auto start = bt::from_here();
    auto gtids = write_changes();
    auto server_id = bt::admin_sql("SELECT @@server_id");
    server_id.erase(server_id.find_last_not_of('\n') + 1);
    auto end = bt::current_binlog_position();
    auto r = bt::run_tail(
        bt::tail_connection_args() + start +
            std::vector<std::string>{"--non-blocking", "--format", "debezium"},
        dir
    );
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    bt::json_lines j(r.out);
    auto rows = rows_of(j, "t");
    BOOST_REQUIRE_EQUAL(rows.size(), 3u);
    const char* ops[] = {"\"c\"", "\"u\"", "\"d\""};
    for (std::size_t i = 0; i < 3; ++i)
    {
        auto l = rows[i];
        BOOST_TEST(bt::member_text(l, "op") == ops[i]);
        auto src = l["source"];
        BOOST_TEST(bt::member_text(src, "file") == "\"" + end.file + "\"");
        BOOST_TEST(bt::member_text(src, "gtid") == "\"" + gtids[i] + "\"");
        BOOST_TEST(bt::member_text(src, "server_id") == server_id);
        BOOST_TEST(bt::member_text(src, "db") == "\"" + schema + "\"");
        BOOST_TEST(bt::member_text(src, "table") == "\"t\"");
        std::uint64_t pos = 0, ts_ms = 0, top_ts = 0;
        BOOST_TEST(!src["pos"].get(pos));
        BOOST_TEST(pos > 4u);
        BOOST_TEST(pos < end.offset);
        BOOST_TEST(!src["ts_ms"].get(ts_ms));
        BOOST_TEST(ts_ms % 1000 == 0u);
        BOOST_TEST(!l["ts_ms"].get(top_ts));
        BOOST_TEST(top_ts >= ts_ms);
    }
    auto updated = inserted_values();
    updated["d"] = "\"20.90\"";
    updated["e"] = "\"paid\"";
    updated["n"] = "7";
    BOOST_TEST(bt::member_text(rows[0], "before") == "null");
    check_row(rows[0]["after"], inserted_values());
    check_row(rows[1]["before"], inserted_values());
    check_row(rows[1]["after"], updated);
    check_row(rows[2]["before"], updated);
    BOOST_TEST(bt::member_text(rows[2], "after") == "null");
}

BOOST_AUTO_TEST_CASE(ddl_and_transaction_lines_on_request)
{
    auto dir = bt::tail_scratch("ddl");
    bt::admin_sql("DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema);
    auto start = bt::from_here();
    bt::admin_sql(
        "USE " + schema +
        "; CREATE TABLE k (id INT PRIMARY KEY); BEGIN; INSERT INTO k VALUES (1), (2); "
        "COMMIT;"
    );
    auto args = bt::tail_connection_args() + start;
    // Without the flags: only the two rows.
    auto plain = bt::run_tail(args + std::vector<std::string>{"--non-blocking"}, dir);
    BOOST_REQUIRE_MESSAGE(plain.status == 0, plain.err);
    BOOST_TEST(bt::json_lines(plain.out).lines.size() == 2u);

    auto r = bt::run_tail(args + std::vector<std::string>{"--non-blocking", "--ddl", "--transactions"}, dir);
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    bt::json_lines j(r.out);
    std::vector<std::string> types;
    for (auto l : j.lines)
        types.push_back(bt::member_text(l, "type"));
    std::vector<std::string> expected{
        "\"begin\"", "\"ddl\"", "\"commit\"", "\"begin\"", "\"insert\"", "\"insert\"", "\"commit\""};
    BOOST_TEST(types == expected, boost::test_tools::per_element());
    BOOST_TEST(bt::member_text(j.lines[1], "sql") == "\"CREATE TABLE k (id INT PRIMARY KEY)\"");
    BOOST_TEST(bt::member_text(j.lines[1], "database") == "\"" + schema + "\"");
    BOOST_TEST(bt::member_text(j.lines[6], "rows") == "2");
    BOOST_TEST(bt::member_text(j.lines[6], "xid") == bt::member_text(j.lines[5], "xid"));

    auto d = bt::run_tail(
        args + std::vector<std::string>{"--non-blocking", "--ddl", "--transactions", "--format", "debezium"},
        dir
    );
    BOOST_REQUIRE_MESSAGE(d.status == 0, d.err);
    bt::json_lines dj(d.out);
    BOOST_REQUIRE_EQUAL(dj.lines.size(), 7u);
    BOOST_TEST(bt::member_text(dj.lines[0], "status") == "\"BEGIN\"");
    BOOST_TEST(bt::member_text(dj.lines[1], "ddl") == "\"CREATE TABLE k (id INT PRIMARY KEY)\"");
    BOOST_TEST(bt::member_text(dj.lines[3], "id") == bt::member_text(dj.lines[6], "id"));
    BOOST_TEST(bt::member_text(dj.lines[6], "status") == "\"END\"");
    BOOST_TEST(bt::member_text(dj.lines[6], "event_count") == "2");
}

BOOST_AUTO_TEST_SUITE_END()
