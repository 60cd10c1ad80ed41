// Runs every sample program (samples/*.cpp, built with the tests) against the sandbox, with data
// the test writes, and compares what it prints with values written here from the SQL (or, for the
// offline dump, from the MANIFEST of the shared binlogs), so that the samples cannot rot.

#include "stream_test_support.hpp"

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace bt = binlogstream::test;
namespace bls = binlogstream;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string sample_path(const std::string& name)
{
    auto path = std::string(BINLOGSTREAM_BINARY_DIR) + "/samples/" + name;
    BOOST_REQUIRE_MESSAGE(fs::exists(path), path << " is missing: build with BINLOGSTREAM_BUILD_SAMPLES=ON");
    return path;
}

// The samples read where to connect from the environment (never a password on a command line).
void export_connection()
{
    const auto& s = bt::sandbox();
    ::setenv("BINLOGSTREAM_HOST", s.host.c_str(), 1);
    ::setenv("BINLOGSTREAM_PORT", std::to_string(s.port).c_str(), 1);
    ::setenv("BINLOGSTREAM_USER", s.user.c_str(), 1);
    ::setenv("BINLOGSTREAM_PASSWORD", s.password.c_str(), 1);
    ::setenv("BINLOGSTREAM_SSL_MODE", "disabled", 1);
}

// A sample running in the background, its stdout on a pipe.
class child_process
{
public:
    explicit child_process(std::vector<std::string> args)
    {
        int fds[2];
        BOOST_REQUIRE(::pipe(fds) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addclose(&actions, fds[1]);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        BOOST_REQUIRE_MESSAGE(rc == 0, "cannot start " << args[0]);
    }
    ~child_process()
    {
        if (pid_ > 0)
        {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    /// The next line of its stdout ("" at the end).
    std::string read_line()
    {
        std::string line;
        char c;
        while (::read(out_, &c, 1) == 1 && c != '\n')
            line += c;
        return line;
    }
    std::string read_rest()
    {
        std::string rest;
        char buf[4096];
        for (ssize_t n; (n = ::read(out_, buf, sizeof buf)) > 0;)
            rest.append(buf, std::size_t(n));
        return rest;
    }
    /// Sends `signal` and returns the exit status (-1 if it did not exit normally).
    int stop(int signal)
    {
        ::kill(pid_, signal);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
};

// Runs a sample to its end; fails the test on a non-zero exit. Returns its stdout lines.
std::vector<std::string> run_sample(const std::string& name, const std::vector<std::string>& args)
{
    std::vector<std::string> all{sample_path(name)};
    all.insert(all.end(), args.begin(), args.end());
    child_process p(all);
    std::vector<std::string> lines;
    std::istringstream out(p.read_rest());
    for (std::string line; std::getline(out, line);)
        lines.push_back(line);
    BOOST_TEST(p.stop(0) == 0, name << " failed");
    return lines;
}

std::vector<std::string> lines_with(const std::vector<std::string>& lines, const std::string& needle)
{
    std::vector<std::string> out;
    for (const auto& l : lines)
        if (l.find(needle) != std::string::npos)
            out.push_back(l);
    return out;
}

// `"file":"...","pos":N`: how a stream_position's text starts.
std::string position_json(const bls::file_position& p)
{
    return "\"file\":\"" + p.file + "\",\"pos\":" + std::to_string(p.offset);
}

std::string http_get(std::uint16_t port, const std::string& path)
{
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    asio::write(s, asio::buffer(request));
    std::string response;
    std::error_code ec;
    asio::read(s, asio::dynamic_buffer(response), ec); // until the server closes
    return response;
}

std::string trim(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
        s.pop_back();
    return s;
}

struct samples_fixture
{
    samples_fixture()
    {
        export_connection();
        bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_samples");
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(samples_run, samples_fixture)

BOOST_AUTO_TEST_CASE(next_loop_prints_every_row_change)
{
    bt::admin_sql("DROP TABLE IF EXISTS bls_samples.items;"
                  "CREATE TABLE bls_samples.items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))"
    );
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_samples.items VALUES (1, 'apple', 1.50), (2, 'pear', 0.75);"
                  "UPDATE bls_samples.items SET price = 2 WHERE id = 1;"
                  "DELETE FROM bls_samples.items WHERE id = 2;");
    auto end = bt::current_binlog_position();
    auto out = run_sample("next_loop", {"--non-blocking", start.to_string()});
    BOOST_TEST(
        (lines_with(out, "bls_samples.items") ==
         std::vector<std::string>{
             "insert bls_samples.items id=1 name=apple price=1.50",
             "insert bls_samples.items id=2 name=pear price=0.75",
             "update bls_samples.items id=1 name=apple price=1.50 -> id=1 name=apple price=2.00",
             "delete bls_samples.items id=2 name=pear price=0.75"}),
        boost::test_tools::per_element()
    );
    BOOST_REQUIRE(!out.empty());
    BOOST_TEST(out.back().find("end at {" + position_json(end)) == 0u, out.back());
}

BOOST_AUTO_TEST_CASE(dispatcher_sample_runs_plain_and_coroutine_handlers)
{
    bt::admin_sql("DROP TABLE IF EXISTS bls_samples.handlers");
    auto start = bt::current_binlog_position();
    bt::admin_sql("CREATE TABLE bls_samples.handlers (id INT PRIMARY KEY, name VARCHAR(20));"
                  "INSERT INTO bls_samples.handlers VALUES (1, 'a'), (2, 'b');"
                  "UPDATE bls_samples.handlers SET name = 'c' WHERE id = 2;"
                  "DELETE FROM bls_samples.handlers WHERE id = 1;");
    auto out = run_sample("dispatcher_handlers", {"--non-blocking", start.to_string()});
    std::vector<std::string> changes;
    for (const auto& l : lines_with(out, "bls_samples.handlers "))
        if (l.rfind("query ", 0) != 0)
            changes.push_back(l);
    BOOST_TEST(
        (changes ==
         std::vector<std::string>{
             "insert bls_samples.handlers id=1 name=a",
             "insert bls_samples.handlers id=2 name=b",
             "update bls_samples.handlers id=2 name=c",
             "delete bls_samples.handlers id=1 name=a"}),
        boost::test_tools::per_element()
    );
    auto ddl = lines_with(out, "CREATE TABLE bls_samples.handlers");
    BOOST_REQUIRE_EQUAL(ddl.size(), 1u);
    BOOST_TEST(ddl[0].find("query ") == 0u);
    BOOST_TEST(lines_with(out, "commit ").size() == 3u); // the three row transactions
    BOOST_TEST(out.back() == "changes 4");
}

BOOST_AUTO_TEST_CASE(http_sample_serves_position_and_lag_while_streaming)
{
    bt::admin_sql("DROP TABLE IF EXISTS bls_samples.http;"
                  "CREATE TABLE bls_samples.http (id INT PRIMARY KEY, v VARCHAR(10))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_samples.http VALUES (1, 'a'), (2, 'b'), (3, 'c');"
                  "INSERT INTO bls_samples.http VALUES (4, 'd'), (5, 'e');");
    auto end = bt::current_binlog_position();

    child_process server({sample_path("http_status"), "--http-port", "0", start.to_string()});
    auto listening = server.read_line();
    BOOST_REQUIRE_MESSAGE(listening.find("listening on 127.0.0.1:") == 0, "got: " << listening);
    auto port = static_cast<std::uint16_t>(std::stoi(listening.substr(listening.rfind(':') + 1)));

    // Asks until the answer holds `text` (bounded: a sample that never gets there fails the test).
    auto status_with = [&](const std::string& text) {
        std::string body;
        for (int attempt = 0; attempt < 600; ++attempt)
        {
            auto response = http_get(port, "/status");
            BOOST_REQUIRE(response.find("HTTP/1.1 200 OK\r\n") == 0);
            body = response.substr(response.find("\r\n\r\n") + 4);
            if (body.find(text) != std::string::npos)
                return body;
            std::this_thread::sleep_for(50ms);
        }
        BOOST_FAIL("the sample never answered with " << text << "; last answer: " << body);
        return body;
    };
    auto body = status_with("\"rows\":5,");
    BOOST_TEST(body.find("{\"position\":{" + position_json(end)) == 0u, body);
    BOOST_TEST(body.find("\"lag_seconds\":null") == std::string::npos, body);
    // Caught up: the server's heartbeats (asked for every second) bring the lag to 0.
    body = status_with("\"lag_seconds\":0}");
    BOOST_TEST(body.find("\"rows\":5,") != std::string::npos, body);

    // Still streaming: a new row shows up in the next answers.
    bt::admin_sql("INSERT INTO bls_samples.http VALUES (6, 'f')");
    auto later = bt::current_binlog_position();
    body = status_with("\"rows\":6,");
    BOOST_TEST(body.find("{\"position\":{" + position_json(later)) == 0u, body);

    BOOST_TEST(http_get(port, "/elsewhere").find("HTTP/1.1 404 Not Found\r\n") == 0u);
    BOOST_TEST(server.stop(SIGTERM) == 0); // a clean stop
    auto rest = server.read_rest();
    BOOST_TEST(rest.find("stopped at {" + position_json(later)) != std::string::npos, rest);
}

BOOST_AUTO_TEST_CASE(file_dump_sample_matches_the_manifest)
{
    // "events (N): 2 QUERY_EVENT x5, ..." and "tables: `a.b`" of one file, from MANIFEST.md.
    std::ifstream manifest(std::string(BINLOGSTREAM_TESTDATA_DIR) + "/MANIFEST.md");
    std::map<std::string, std::string> events_line, tables_line;
    std::string current;
    for (std::string line; std::getline(manifest, line);)
    {
        if (line.rfind("#### `", 0) == 0)
            current = line.substr(6, line.find('`', 6) - 6);
        else if (line.rfind("* events (", 0) == 0)
            events_line[current] = line;
        else if (line.rfind("* tables: ", 0) == 0)
            tables_line[current] = line;
    }
    for (std::string file :
         {"rust_mysql_common/test-data/binlogs/mariadb-bin.000001",
          "rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001"})
    {
        BOOST_TEST_CONTEXT(file)
        {
            BOOST_REQUIRE(events_line.count(file));
            std::map<int, int> expected;
            std::istringstream items(events_line[file].substr(events_line[file].find(": ") + 2));
            for (std::string item; std::getline(items, item, ',');)
            {
                std::istringstream parts(item);
                int code = 0;
                std::string name, count;
                parts >> code >> name >> count;
                expected[code] = std::stoi(count.substr(1));
            }
            int expected_total = std::stoi(events_line[file].substr(10));

            auto out = run_sample("file_dump", {std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + file});
            std::map<int, int> got;
            for (const auto& l : out)
            {
                if (l.rfind("type ", 0) != 0)
                    continue;
                std::istringstream parts(l.substr(5));
                int code = 0;
                std::string name, count;
                parts >> code >> name >> count;
                got[code] = std::stoi(count.substr(1));
            }
            BOOST_TEST((got == expected));
            BOOST_TEST(out.back() == "events " + std::to_string(expected_total));
            auto table = tables_line[file].substr(tables_line[file].find('`') + 1);
            table = table.substr(0, table.find('`'));
            BOOST_TEST(!lines_with(out, " table_map " + table).empty(), table);
        }
    }
}

BOOST_AUTO_TEST_CASE(file_dump_sample_values_match_mariadb_binlog)
{
    // The rows of a MariaDB 10.5 binlog, as `mariadb-binlog -vv` prints them ("###   @1=62 /* INT ..."):
    // id (@1), topic (@2), event (@4, text) and created (@5, a TIMESTAMP as epoch seconds).
    const std::string file =
        std::string(BINLOGSTREAM_TESTDATA_DIR) + "/rust_mysql_common/test-data/binlogs/mariadb-bin.000001";
    std::istringstream reference(
        bt::run_command("mariadb-binlog -vv --base64-output=decode-rows '" + file + "'")
    );
    std::vector<std::map<int, std::string>> rows;
    for (std::string line; std::getline(reference, line);)
    {
        if (line.rfind("### INSERT INTO", 0) == 0)
            rows.emplace_back();
        else if (line.rfind("###   @", 0) == 0 && !rows.empty())
        {
            auto eq = line.find('=');
            auto value = line.substr(eq + 1, line.find(" /*") - eq - 1);
            if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
                value = value.substr(1, value.size() - 2);
            rows.back()[std::stoi(line.substr(7, eq - 7))] = value;
        }
    }
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    std::vector<std::string> expected;
    for (auto& r : rows)
    {
        std::time_t t = std::stol(r[5]);
        std::tm utc{};
        ::gmtime_r(&t, &utc);
        char created[40];
        std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%S.000000Z", &utc);
        expected.push_back("id=" + r[1] + " topic=" + r[2] + " event=" + r[4] + " created=" + created);
    }

    auto out = run_sample("file_dump", {file});
    std::vector<std::string> got;
    for (const auto& l : lines_with(out, "  insert "))
    {
        // Leave out the ENUM column: mariadb-binlog prints its index, the sample its literal.
        auto text = l.substr(9);
        auto e = text.find(" event_type=");
        got.push_back(text.substr(0, e) + text.substr(text.find(' ', e + 1)));
    }
    BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(checkpoint_sample_resumes_without_loss_or_repeat)
{
    bt::admin_sql("DROP TABLE IF EXISTS bls_samples.ckpt; CREATE TABLE bls_samples.ckpt (id INT PRIMARY KEY)"
    );
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_samples.ckpt VALUES (1); INSERT INTO bls_samples.ckpt VALUES (2);");
    auto after_two = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_samples.ckpt VALUES (3); INSERT INTO bls_samples.ckpt VALUES (4);");
    auto end = bt::current_binlog_position();
    const auto checkpoint =
        fs::temp_directory_path() / ("bls-sample-checkpoint-" + std::to_string(::getpid()));
    fs::remove(checkpoint);

    auto first = run_sample(
        "checkpoint_resume", {checkpoint.string(), "--stop-after", "2", "--non-blocking", start.to_string()}
    );
    BOOST_TEST(
        (lines_with(first, "bls_samples.ckpt") ==
         std::vector<std::string>{"insert bls_samples.ckpt id=1", "insert bls_samples.ckpt id=2"}),
        boost::test_tools::per_element()
    );
    std::ifstream saved(checkpoint);
    std::string text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find("{" + position_json(after_two)) == 0u, text);

    auto second = run_sample("checkpoint_resume", {checkpoint.string(), "--non-blocking"});
    BOOST_REQUIRE(!second.empty());
    BOOST_TEST(second.front().find("resuming from {" + position_json(after_two)) == 0u, second.front());
    BOOST_TEST(
        (lines_with(second, "bls_samples.ckpt") ==
         std::vector<std::string>{"insert bls_samples.ckpt id=3", "insert bls_samples.ckpt id=4"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(second.back().find("checkpoint {" + position_json(end)) == 0u, second.back());
    fs::remove(checkpoint);
}

BOOST_AUTO_TEST_CASE(gtid_sample_starts_from_a_mariadb_gtid_position)
{
    bt::admin_sql("DROP TABLE IF EXISTS bls_samples.gtid; CREATE TABLE bls_samples.gtid (id INT PRIMARY KEY)"
    );
    auto state = trim(bt::admin_sql("SELECT @@gtid_binlog_pos"));
    BOOST_REQUIRE(!state.empty());
    std::vector<std::string> expected;
    for (int id = 1; id <= 3; ++id)
    {
        bt::admin_sql("INSERT INTO bls_samples.gtid VALUES (" + std::to_string(id) + ")");
        expected.push_back("gtid " + trim(bt::admin_sql("SELECT @@gtid_binlog_pos")));
        expected.push_back("insert bls_samples.gtid id=" + std::to_string(id));
    }
    auto last = trim(bt::admin_sql("SELECT @@gtid_binlog_pos"));

    auto out = run_sample("gtid_start", {"--non-blocking", state});
    // Nothing else was written after `state`: every line is one of ours.
    std::vector<std::string> got;
    for (const auto& l : out)
        if (l.rfind("state ", 0) != 0)
            got.push_back(l);
    BOOST_TEST(got == expected, boost::test_tools::per_element());
    BOOST_TEST(out.back() == "state " + last);
}

BOOST_AUTO_TEST_SUITE_END()
