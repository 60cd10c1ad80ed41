// `binlogstream tail --checkpoint`: resume after the last transaction written out; SIGTERM stops
// cleanly; kill -9 at random moments during continuous writes, restarting from the checkpoint each
// time, delivers every change exactly once (stdout is a regular file opened for appending, as with
// `>>`: the documented exactly-once case), checked against the table the server holds.

#include "integration/tail_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <random>
#include <thread>

namespace bt = binlogstream::test;
using bt::operator+;

namespace {

const std::string schema = "bls_tail_cp";

std::vector<std::string> ids_of(const std::string& out)
{
    bt::json_lines j(out);
    std::vector<std::string> ids;
    for (auto l : j.lines)
        ids.push_back(bt::member_text(l["data"], "id"));
    return ids;
}

std::size_t line_count(const std::string& path)
{
    auto text = bt::read_file(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

BOOST_AUTO_TEST_SUITE(tail_checkpoint)

BOOST_AUTO_TEST_CASE(resumes_after_the_last_transaction_written)
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; CREATE TABLE " + schema +
        ".c (id INT PRIMARY KEY)"
    );
    auto dir = bt::tail_scratch("resume");
    const std::string cp = dir + "/cp.json";
    auto args = bt::tail_connection_args() + bt::from_here() +
                std::vector<std::string>{"--checkpoint", cp, "--non-blocking", "--only-schemas", schema};
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (1); INSERT INTO " + schema + ".c VALUES (2);");

    auto first = bt::run_tail(args, dir);
    BOOST_REQUIRE_MESSAGE(first.status == 0, first.err);
    BOOST_TEST(ids_of(first.out) == (std::vector<std::string>{"1", "2"}), boost::test_tools::per_element());

    // The checkpoint is JSON holding the stream position: the current end of the binlog.
    auto end = bt::current_binlog_position();
    simdjson::dom::parser p;
    simdjson::dom::element root;
    BOOST_REQUIRE(!p.parse(bt::read_file(cp)).get(root));
    BOOST_TEST(bt::member_text(root["position"], "file") == "\"" + end.file + "\"");
    BOOST_TEST(bt::member_text(root["position"], "pos") == std::to_string(end.offset));

    // The start flags are ignored once the checkpoint exists.
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (3), (4);");
    auto second = bt::run_tail(args, dir);
    BOOST_REQUIRE_MESSAGE(second.status == 0, second.err);
    BOOST_TEST(ids_of(second.out) == (std::vector<std::string>{"3", "4"}), boost::test_tools::per_element());

    auto third = bt::run_tail(args, dir);
    BOOST_REQUIRE_MESSAGE(third.status == 0, third.err);
    BOOST_TEST(third.out.empty());
}

BOOST_AUTO_TEST_CASE(restart_cuts_output_written_after_the_checkpoint)
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; CREATE TABLE " + schema +
        ".c (id INT PRIMARY KEY)"
    );
    auto dir = bt::tail_scratch("repair");
    const std::string cp = dir + "/cp.json", out = dir + "/out.jsonl", err = dir + "/err.txt";
    auto args = bt::tail_connection_args() + bt::from_here() +
                std::vector<std::string>{"--checkpoint", cp, "--non-blocking"};
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (1);");
    BOOST_REQUIRE_EQUAL(bt::wait_tail(bt::spawn_tail(args, out, err, bt::sandbox().password)), 0);
    // What a run killed after writing lines and before replacing the checkpoint leaves behind.
    bt::run_command(
        "printf '%s' '{\"database\":\"" + schema + "\",\"table\":\"c\",\"type\":\"ins' >> " + out
    );
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (2);");
    BOOST_REQUIRE_EQUAL(bt::wait_tail(bt::spawn_tail(args, out, err, bt::sandbox().password)), 0);
    BOOST_TEST(
        ids_of(bt::read_file(out)) == (std::vector<std::string>{"1", "2"}), boost::test_tools::per_element()
    );
    BOOST_TEST(bt::read_file(err).find("removed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sigterm_stops_cleanly_with_the_checkpoint_saved)
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; CREATE TABLE " + schema +
        ".c (id INT PRIMARY KEY)"
    );
    auto dir = bt::tail_scratch("sigterm");
    const std::string cp = dir + "/cp.json", out = dir + "/out.jsonl", err = dir + "/err.txt";
    auto args = bt::tail_connection_args() + bt::from_here() + std::vector<std::string>{"--checkpoint", cp};
    auto pid = bt::spawn_tail(args, out, err, bt::sandbox().password); // blocking: waits for changes
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (1), (2); INSERT INTO " + schema + ".c VALUES (3);");
    // Wait (bounded) until the three lines are out, then stop it.
    for (int i = 0; i < 300 && line_count(out) < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_REQUIRE_EQUAL(line_count(out), 3u);
    ::kill(pid, SIGTERM);
    BOOST_TEST(bt::wait_tail(pid) == 0);

    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (4);");
    BOOST_REQUIRE_EQUAL(
        bt::wait_tail(bt::spawn_tail(
            args + std::vector<std::string>{"--non-blocking"}, out, err, bt::sandbox().password
        )),
        0
    );
    BOOST_TEST(
        ids_of(bt::read_file(out)) == (std::vector<std::string>{"1", "2", "3", "4"}),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(kill_9_at_random_moments_loses_and_repeats_nothing)
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; CREATE TABLE " + schema +
        ".k (id INT AUTO_INCREMENT PRIMARY KEY, tx INT, v VARCHAR(8))"
    );
    auto dir = bt::tail_scratch("kill9");
    const std::string cp = dir + "/cp.json", out = dir + "/out.jsonl", err = dir + "/err.txt";
    auto args = bt::tail_connection_args() + bt::from_here() +
                std::vector<std::string>{"--checkpoint", cp, "--only-schemas", schema};

    // The generator: 500 transactions of two inserts and an update, every third followed by a
    // delete in its own transaction, about 10 ms apart.
    const int transactions = 500;
    std::atomic<bool> generating{true};
    std::thread generator([&] {
        bt::admin_sql(
            "USE " + schema + ";\nDELIMITER //\nBEGIN NOT ATOMIC DECLARE i INT DEFAULT 1; WHILE i <= " +
            std::to_string(transactions) +
            " DO START TRANSACTION; INSERT INTO k (tx, v) VALUES (i, 'a'), (i, 'b'); "
            "UPDATE k SET v = 'c' WHERE tx = i AND v = 'a'; COMMIT; "
            "IF i % 3 = 0 THEN DELETE FROM k WHERE tx = i AND v = 'b'; END IF; DO SLEEP(0.01); "
            "SET i = i + 1; END WHILE; END//\nDELIMITER ;\n"
        );
        generating = false;
    });

    std::random_device rd;
    auto seed = rd();
    BOOST_TEST_MESSAGE("kill -9 schedule seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> delay_ms(50, 700);
    int kills = 0;
    while (generating || kills < 10)
    {
        auto pid = bt::spawn_tail(args, out, err, bt::sandbox().password);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        ::kill(pid, SIGKILL);
        BOOST_TEST(bt::wait_tail(pid) == 128 + SIGKILL);
        ++kills;
    }
    generator.join();
    BOOST_TEST_MESSAGE("kills: " << kills);
    BOOST_TEST(kills >= 10);
    auto last =
        bt::spawn_tail(args + std::vector<std::string>{"--non-blocking"}, out, err, bt::sandbox().password);
    BOOST_REQUIRE_EQUAL(bt::wait_tail(last), 0);

    // Replay the delivered changes onto an empty table; each change must apply exactly once.
    std::map<std::string, std::string> rows; // id -> "tx v"
    std::size_t inserts = 0, updates = 0, deletes = 0;
    bt::json_lines j(bt::read_file(out));
    for (auto l : j.lines)
    {
        auto type = bt::member_text(l, "type");
        auto data = l["data"];
        auto id = bt::member_text(data, "id");
        std::string_view v;
        BOOST_REQUIRE(!data["v"].get(v));
        auto value = bt::member_text(data, "tx") + " " + std::string(v);
        if (type == "\"insert\"")
        {
            ++inserts;
            BOOST_TEST_REQUIRE(rows.count(id) == 0u, "insert of id " << id << " delivered twice");
            rows[id] = value;
        }
        else if (type == "\"update\"")
        {
            ++updates;
            BOOST_TEST_REQUIRE(rows.count(id) == 1u, "update of id " << id << " without its row");
            BOOST_TEST_REQUIRE(
                rows[id].substr(rows[id].size() - 1) == "a", "update of id " << id << " twice"
            );
            rows[id] = value;
        }
        else
        {
            ++deletes;
            BOOST_TEST_REQUIRE(rows.erase(id) == 1u, "delete of id " << id << " twice or without its row");
        }
    }
    BOOST_TEST(inserts == 2u * transactions);
    BOOST_TEST(updates == std::size_t(transactions));
    BOOST_TEST(deletes == std::size_t(transactions / 3));

    std::map<std::string, std::string> server;
    std::istringstream in(bt::admin_sql("SELECT id, tx, v FROM " + schema + ".k ORDER BY id"));
    for (std::string line; std::getline(in, line);)
    {
        auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
        server[line.substr(0, t1)] = line.substr(t1 + 1, t2 - t1 - 1) + " " + line.substr(t2 + 1);
    }
    BOOST_TEST(rows.size() == server.size());
    BOOST_TEST((rows == server));
}

BOOST_AUTO_TEST_SUITE_END()
