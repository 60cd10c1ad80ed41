// `binlogstream tail --checkpoint`: resume after the last transaction written out; SIGTERM stops
// cleanly; kill -9 at random moments during continuous writes, restarting from the checkpoint each
// time, delivers every change exactly once when stdout is a regular file opened for appending (as
// with `>>`), and at least once, repeating at most the last transaction out, when stdout is a pipe;
// both checked against the table the server holds.

#include "integration/tail_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
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

BOOST_AUTO_TEST_CASE(sigterm_and_sigint_stop_cleanly_with_the_checkpoint_saved)
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; CREATE TABLE " + schema +
        ".c (id INT PRIMARY KEY)"
    );
    auto dir = bt::tail_scratch("sigterm");
    const std::string cp = dir + "/cp.json", out = dir + "/out.jsonl", err = dir + "/err.txt";
    auto args = bt::tail_connection_args() +
                std::vector<std::string>{"--from-end", "--checkpoint", cp, "--progress", "--heartbeat", "1"};
    auto wait_for = [](auto ready) {
        for (int i = 0; i < 300 && !ready(); ++i) // bounded wait, no timing asserted
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return ready();
    };
    auto pid = bt::spawn_tail(args, out, err, bt::sandbox().password); // blocking: waits for changes
    // The first checkpoint says the stream is at the end: changes from now on are seen.
    BOOST_REQUIRE(wait_for([&] { return ::access(cp.c_str(), F_OK) == 0; }));
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (1), (2); INSERT INTO " + schema + ".c VALUES (3);");
    BOOST_REQUIRE(wait_for([&] { return line_count(out) >= 3; }));
    // --progress: a line on stderr about once a second.
    BOOST_REQUIRE(wait_for([&] {
        auto e = bt::read_file(err);
        return e.find("events/s") != std::string::npos && e.find("rows/s") != std::string::npos &&
               e.find("behind source") != std::string::npos;
    }));
    ::kill(pid, SIGTERM);
    BOOST_TEST(bt::wait_tail(pid) == 0);

    pid = bt::spawn_tail(args, out, err, bt::sandbox().password);
    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (4);");
    BOOST_REQUIRE(wait_for([&] { return line_count(out) >= 4; }));
    ::kill(pid, SIGINT);
    BOOST_TEST(bt::wait_tail(pid) == 0);

    bt::admin_sql("INSERT INTO " + schema + ".c VALUES (5);");
    BOOST_REQUIRE_EQUAL(
        bt::wait_tail(bt::spawn_tail(
            args + std::vector<std::string>{"--non-blocking"}, out, err, bt::sandbox().password
        )),
        0
    );
    BOOST_TEST(
        ids_of(bt::read_file(out)) == (std::vector<std::string>{"1", "2", "3", "4", "5"}),
        boost::test_tools::per_element()
    );
}

// Creates the generator's table; returns the start arguments (the binlog position before any change).
std::vector<std::string> create_generator_table()
{
    bt::admin_sql(
        "DROP DATABASE IF EXISTS " + schema + "; CREATE DATABASE " + schema + "; CREATE TABLE " + schema +
        ".k (id INT AUTO_INCREMENT PRIMARY KEY, tx INT, v VARCHAR(8))"
    );
    return bt::from_here();
}

// The generator of the kill -9 tests: `transactions` transactions of two inserts and an update,
// every third followed by a delete in its own transaction, about 10 ms apart.
std::thread start_generator(std::atomic<bool>& generating, int transactions)
{
    generating = true;
    return std::thread([&generating, transactions] {
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
}

// Replays the delivered changes onto an empty table: each must apply exactly once, and the result
// must be the table the server holds.
void check_replay(const std::vector<simdjson::dom::element>& lines, int transactions)
{
    std::map<std::string, std::string> rows; // id -> "tx v"
    std::size_t inserts = 0, updates = 0, deletes = 0;
    for (auto l : lines)
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
            BOOST_TEST_REQUIRE(rows[id].back() == 'a', "update of id " << id << " twice");
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

std::mt19937 kill_schedule()
{
    std::random_device rd;
    auto seed = rd();
    BOOST_TEST_MESSAGE("kill -9 schedule seed " << seed);
    return std::mt19937(seed);
}

BOOST_AUTO_TEST_CASE(kill_9_at_random_moments_loses_and_repeats_nothing)
{
    const int transactions = 500;
    auto dir = bt::tail_scratch("kill9");
    const std::string cp = dir + "/cp.json", out = dir + "/out.jsonl", err = dir + "/err.txt";
    auto args = bt::tail_connection_args() + create_generator_table() +
                std::vector<std::string>{"--checkpoint", cp, "--only-schemas", schema};
    std::atomic<bool> generating{false};
    auto generator = start_generator(generating, transactions);

    auto rng = kill_schedule();
    std::uniform_int_distribution<int> delay_ms(50, 700);
    int kills = 0;
    while (generating || kills < 10)
    {
        // Every other run checkpoints at most every 100 ms: the cut-back then spans several
        // transactions, and the result must be the same.
        auto run_args = kills % 2 ? args + std::vector<std::string>{"--checkpoint-every", "100"} : args;
        auto pid = bt::spawn_tail(run_args, out, err, bt::sandbox().password);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        ::kill(pid, SIGKILL);
        BOOST_TEST(bt::wait_tail(pid) == 128 + SIGKILL);
        ++kills;
    }
    generator.join();
    auto last =
        bt::spawn_tail(args + std::vector<std::string>{"--non-blocking"}, out, err, bt::sandbox().password);
    BOOST_REQUIRE_EQUAL(bt::wait_tail(last), 0);
    auto errors = bt::read_file(err);
    std::size_t cuts = 0;
    for (auto at = errors.find("removed"); at != std::string::npos; at = errors.find("removed", at + 1))
        ++cuts;
    // Cuts are the kills that landed between a write to stdout and the checkpoint's rename.
    BOOST_TEST_MESSAGE("kills: " << kills << ", output cut back after " << cuts << " of them");
    BOOST_TEST(kills >= 10);
    check_replay(bt::json_lines(bt::read_file(out)).lines, transactions);
}

BOOST_AUTO_TEST_CASE(kill_9_with_a_pipe_repeats_at_most_the_last_transaction)
{
    const int transactions = 300;
    auto dir = bt::tail_scratch("kill9pipe");
    const std::string cp = dir + "/cp.json", err = dir + "/err.txt";
    auto args = bt::tail_connection_args() + create_generator_table() +
                std::vector<std::string>{"--checkpoint", cp, "--only-schemas", schema};
    std::atomic<bool> generating{false};
    auto generator = start_generator(generating, transactions);

    // One run: stdout is a pipe that the test reads to its end.
    auto run = [&](const std::vector<std::string>& a, std::optional<int> kill_after_ms) {
        int fds[2];
        BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        auto pid = bt::spawn_tail_with(a, fds[1], "", err, bt::sandbox().password);
        ::close(fds[1]);
        std::string got;
        std::thread reader([&] {
            char buf[65536];
            ssize_t n;
            while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
                got.append(buf, static_cast<std::size_t>(n));
        });
        int status = 0;
        if (kill_after_ms)
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(*kill_after_ms));
            ::kill(pid, SIGKILL);
        }
        status = bt::wait_tail(pid);
        reader.join();
        ::close(fds[0]);
        BOOST_TEST(status == (kill_after_ms ? 128 + SIGKILL : 0));
        return got;
    };

    auto rng = kill_schedule();
    std::uniform_int_distribution<int> delay_ms(50, 700);
    std::vector<std::string> runs;
    while (generating || runs.size() < 10)
        runs.push_back(run(args, delay_ms(rng)));
    generator.join();
    const auto kills = runs.size();
    runs.push_back(run(args + std::vector<std::string>{"--non-blocking"}, std::nullopt));

    // Each run's transactions (consecutive lines with one GTID). A transaction already delivered may
    // only come again as the first one of the next run, identical, after a kill.
    std::vector<std::string> kept;
    std::map<std::string, std::string> delivered; // gtid -> its lines
    std::string last_gtid;
    std::size_t repeats = 0;
    for (const auto& text : runs)
    {
        BOOST_TEST((text.empty() || text.back() == '\n'));       // never a partial line
        std::vector<std::pair<std::string, std::string>> groups; // gtid, lines
        bt::json_lines j(text);
        std::istringstream in(text);
        std::size_t i = 0;
        for (std::string line; std::getline(in, line); ++i)
        {
            auto gtid = bt::member_text(j.lines[i], "gtid");
            if (groups.empty() || groups.back().first != gtid)
                groups.emplace_back(gtid, "");
            groups.back().second += line + "\n";
        }
        for (std::size_t g = 0; g < groups.size(); ++g)
        {
            const auto& [gtid, lines] = groups[g];
            if (delivered.count(gtid))
            {
                BOOST_TEST_REQUIRE(g == 0u, "transaction " << gtid << " repeated in the middle of a run");
                BOOST_TEST_REQUIRE(
                    gtid == last_gtid, "repeated transaction " << gtid << " is not the last one out"
                );
                BOOST_TEST_REQUIRE(lines == delivered[gtid]);
                ++repeats;
                continue;
            }
            delivered[gtid] = lines;
            last_gtid = gtid;
            kept.push_back(lines);
        }
    }
    BOOST_TEST_MESSAGE("kills: " << kills << ", transactions repeated: " << repeats);
    BOOST_TEST(repeats <= kills);
    std::string all;
    for (const auto& k : kept)
        all += k;
    check_replay(bt::json_lines(all).lines, transactions);
}

BOOST_AUTO_TEST_SUITE_END()
