// `binlogstream tail` filters (--only-/--ignore- schemas and tables, comma lists and patterns) and
// its two ends: --non-blocking (every test here) and --stop-at FILE:POS.

#include "integration/tail_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

namespace bt = binlogstream::test;
using bt::operator+;

namespace {

// Writes one row into each of bls_tail_a.orders, bls_tail_a.logs, bls_tail_b.orders (one
// transaction spanning both schemas, committed from a session whose default schema is b) and
// returns the start arguments.
std::vector<std::string> write_three_tables()
{
    bt::admin_sql("DROP DATABASE IF EXISTS bls_tail_a; DROP DATABASE IF EXISTS bls_tail_b; "
                  "CREATE DATABASE bls_tail_a; CREATE DATABASE bls_tail_b; "
                  "CREATE TABLE bls_tail_a.orders (id INT PRIMARY KEY); "
                  "CREATE TABLE bls_tail_a.logs (id INT PRIMARY KEY); "
                  "CREATE TABLE bls_tail_b.orders (id INT PRIMARY KEY)");
    auto start = bt::from_here();
    bt::admin_sql("USE bls_tail_b; BEGIN; INSERT INTO bls_tail_a.orders VALUES (1); "
                  "INSERT INTO bls_tail_a.logs VALUES (2); INSERT INTO bls_tail_b.orders VALUES (3); COMMIT;"
    );
    return start;
}

std::set<std::string> tables_in(const std::string& out)
{
    bt::json_lines j(out);
    std::set<std::string> seen;
    for (auto l : j.lines)
    {
        std::string_view db, tb;
        BOOST_REQUIRE(!l["database"].get(db) && !l["table"].get(tb));
        seen.insert(std::string(db) + "." + std::string(tb));
        // The transaction's last printed row carries commit:true even when the others are filtered.
    }
    if (!j.lines.empty())
        BOOST_TEST(bt::member_text(j.lines.back(), "commit") == "true");
    return seen;
}

std::set<std::string> run_filtered(const std::vector<std::string>& start, std::vector<std::string> filter)
{
    auto dir = bt::tail_scratch("filters");
    auto r = bt::run_tail(
        bt::tail_connection_args() + start + filter + std::vector<std::string>{"--non-blocking"}, dir
    );
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    return tables_in(r.out);
}

} // namespace

BOOST_AUTO_TEST_SUITE(tail_filters)

BOOST_AUTO_TEST_CASE(schema_and_table_filters)
{
    auto start = write_three_tables();
    using S = std::set<std::string>;
    BOOST_TEST((run_filtered(start, {}) == S{"bls_tail_a.orders", "bls_tail_a.logs", "bls_tail_b.orders"}));
    BOOST_TEST(
        (run_filtered(start, {"--only-schemas", "bls_tail_a"}) == S{"bls_tail_a.orders", "bls_tail_a.logs"})
    );
    BOOST_TEST((run_filtered(start, {"--only-schemas=bls_tail_b, nothere"}) == S{"bls_tail_b.orders"}));
    BOOST_TEST(
        (run_filtered(start, {"--only-tables", "bls_tail_*.orders"}) ==
         S{"bls_tail_a.orders", "bls_tail_b.orders"})
    );
    BOOST_TEST(
        (run_filtered(start, {"--ignore-schemas", "bls_tail_b"}) == S{"bls_tail_a.orders", "bls_tail_a.logs"})
    );
    BOOST_TEST(
        (run_filtered(start, {"--ignore-tables", "bls_tail_a.logs,bls_tail_b.*"}) == S{"bls_tail_a.orders"})
    );
    BOOST_TEST(
        (run_filtered(start, {"--only-schemas", "bls_tail_?", "--ignore-tables", "*.orders"}) ==
         S{"bls_tail_a.logs"})
    );
    BOOST_TEST((run_filtered(start, {"--only-tables", "nothing.here"}) == S{}));
}

BOOST_AUTO_TEST_CASE(stop_at_ends_after_the_transaction_that_reaches_it)
{
    bt::admin_sql("DROP DATABASE IF EXISTS bls_tail_a; CREATE DATABASE bls_tail_a; "
                  "CREATE TABLE bls_tail_a.s (id INT PRIMARY KEY)");
    auto start = bt::from_here();
    bt::admin_sql("INSERT INTO bls_tail_a.s VALUES (1); INSERT INTO bls_tail_a.s VALUES (2), (3);");
    auto middle = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_tail_a.s VALUES (4);");
    auto dir = bt::tail_scratch("stop");
    // Blocking (no --non-blocking): --stop-at alone must end the run, with status 0.
    auto r = bt::run_tail(
        bt::tail_connection_args() + start +
            std::vector<std::string>{"--stop-at", middle.file + ":" + std::to_string(middle.offset)},
        dir
    );
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    bt::json_lines j(r.out);
    std::vector<std::string> ids;
    for (auto l : j.lines)
        ids.push_back(bt::member_text(l["data"], "id"));
    BOOST_TEST(ids == (std::vector<std::string>{"1", "2", "3"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mariadb_gtid_start_and_gtid_checkpoint)
{
    bt::admin_sql("DROP DATABASE IF EXISTS bls_tail_a; CREATE DATABASE bls_tail_a; "
                  "CREATE TABLE bls_tail_a.g (id INT PRIMARY KEY); INSERT INTO bls_tail_a.g VALUES (1)");
    auto pos = bt::admin_sql("SELECT @@gtid_binlog_pos");
    pos.erase(pos.find_last_not_of('\n') + 1);
    bt::admin_sql("INSERT INTO bls_tail_a.g VALUES (2); INSERT INTO bls_tail_a.g VALUES (3);");
    auto last = bt::admin_sql("SELECT @@gtid_binlog_pos");
    last.erase(last.find_last_not_of('\n') + 1);
    auto dir = bt::tail_scratch("gtid");
    const std::string cp = dir + "/cp.json";
    auto r = bt::run_tail(
        bt::tail_connection_args() +
            std::vector<std::string>{
                "--mariadb-gtid", pos, "--non-blocking", "--only-schemas", "bls_tail_a", "--checkpoint", cp},
        dir
    );
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    bt::json_lines j(r.out);
    std::vector<std::string> ids;
    for (auto l : j.lines)
        ids.push_back(bt::member_text(l["data"], "id"));
    BOOST_TEST(ids == (std::vector<std::string>{"2", "3"}), boost::test_tools::per_element());
    // Started from GTIDs, the checkpoint resumes from GTIDs: the server's position after the last one.
    simdjson::dom::parser p;
    simdjson::dom::element root;
    BOOST_REQUIRE(!p.parse(bt::read_file(cp)).get(root));
    BOOST_TEST(bt::member_text(root["position"], "mariadb_gtid") == "\"" + last + "\"");
}

BOOST_AUTO_TEST_SUITE_END()
