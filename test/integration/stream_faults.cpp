// Faults against the sandbox MariaDB: the stream's connection killed many times at random moments and
// the server restarted while rows flow, and two streams with the same server_id. The expected change
// sequence is the server's own binlog, read from its files after the run.

#include "stream_fault_support.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <random>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

constexpr auto tuple_token = asio::experimental::as_tuple(asio::use_awaitable);

// The ids of the replication user's dump threads (SHOW PROCESSLIST's "Binlog Dump").
std::vector<std::string> dump_thread_ids()
{
    auto out = bt::admin_sql(
        "SELECT id FROM information_schema.PROCESSLIST WHERE command = 'Binlog Dump' AND user = '" +
        bt::sandbox().user + "'"
    );
    std::vector<std::string> ids;
    std::size_t at = 0;
    while (at < out.size())
    {
        auto nl = out.find('\n', at);
        if (nl == std::string::npos)
            nl = out.size();
        if (nl > at)
            ids.push_back(out.substr(at, nl - at));
        at = nl + 1;
    }
    return ids;
}

// One writer batch: a multi-statement transaction whose 40-row INSERT spans two rows events (over
// 8 KiB), an UPDATE of several rows, then an autocommit INSERT and an autocommit DELETE.
std::string batch_sql(int batch)
{
    const int base = batch * 100;
    std::string sql = "BEGIN; INSERT INTO bls_faults.k VALUES ";
    for (int j = 0; j < 40; ++j)
    {
        if (j)
            sql += ",";
        sql += "(" + std::to_string(base + j) + ", REPEAT('" + char('a' + j % 26) + "', 250), " +
               std::to_string(batch) + ")";
    }
    sql += "; UPDATE bls_faults.k SET n = n + 1000 WHERE id BETWEEN " + std::to_string(base) + " AND " +
           std::to_string(base + 4) + "; COMMIT;";
    sql += "INSERT INTO bls_faults.k VALUES (" + std::to_string(base + 50) + ", 'single', " +
           std::to_string(batch) + ");";
    sql += "DELETE FROM bls_faults.k WHERE id = " + std::to_string(base + 39) + ";";
    return sql;
}

// 60 KILLs of the dump thread at random moments and one server restart half-way, while a writer keeps
// committing; the delivered GTIDs and row images must equal the binlog's, line for line. Every loop is
// bounded and every thread is joined, also on failure; the whole case ends within about 90 s.
// `gtid_mode`: the stream starts from (and resumes by) the MariaDB GTID position, else from the file
// position (resuming at the interrupted transaction's start and skipping what was handed out).
void kills_and_a_restart(bool gtid_mode)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_faults; DROP TABLE IF EXISTS bls_faults.k;"
                  "CREATE TABLE bls_faults.k (id INT PRIMARY KEY, note VARCHAR(300), n INT)");
    const auto start = bt::current_binlog_position();
    auto gtid_start = bt::admin_sql("SELECT @@gtid_binlog_pos");
    while (!gtid_start.empty() && gtid_start.back() == '\n')
        gtid_start.pop_back();
    const auto deadline = std::chrono::steady_clock::now() + 75s;
    constexpr int target_kills = 60;

    std::atomic<int> kills{0};
    std::atomic<bool> restarted{false};
    std::atomic<bool> faults_done{false};
    std::atomic<int> batches{0};
    std::atomic<bool> sentinel_written{false};

    bt::bounded_worker writer([&](const std::atomic<bool>& stop) {
        for (int b = 1; b < 100000 && !stop && !faults_done && std::chrono::steady_clock::now() < deadline;
             ++b)
        {
            try
            {
                bt::admin_sql(batch_sql(b));
                ++batches;
            }
            catch (const std::exception&)
            {
                // The server is restarting: this batch may be half done, which the binlog shows too.
                std::this_thread::sleep_for(50ms);
            }
        }
        // The sentinel row tells the consumer that everything is written.
        for (int i = 0; i < 400 && !stop && std::chrono::steady_clock::now() < deadline; ++i)
        {
            try
            {
                bt::admin_sql("INSERT INTO bls_faults.k VALUES (-1, 'end', 0)");
                sentinel_written = true;
                return;
            }
            catch (const std::exception&)
            {
                std::this_thread::sleep_for(50ms);
            }
        }
    });

    bt::bounded_worker killer([&](const std::atomic<bool>& stop) {
        std::minstd_rand rng{std::random_device{}()};
        std::uniform_int_distribution<int> pause_ms(0, 60);
        for (int attempt = 0;
             attempt < 3000 && !stop && kills < target_kills && std::chrono::steady_clock::now() < deadline;
             ++attempt)
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
            try
            {
                if (!restarted && kills >= target_kills / 2)
                {
                    bt::restart_main_server();
                    restarted = true;
                    continue;
                }
                for (const auto& id : dump_thread_ids())
                {
                    bt::admin_sql("KILL " + id);
                    ++kills;
                }
            }
            catch (const std::exception&)
            {
                // The thread ended on its own, or the server is still starting.
            }
        }
        faults_done = true;
    });

    bt::change_log delivered("bls_faults", "k");
    std::uint64_t reconnects = 0;
    std::uint64_t told = 0;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            bls::stream_options opts;
            opts.server_id = gtid_mode ? 7203 : 7201;
            opts.start = start;
            if (gtid_mode)
                opts.start = bls::mariadb_gtid_list::parse(gtid_start);
            opts.reconnect.initial_delay = 5ms;
            opts.reconnect.max_delay = 200ms;
            opts.on_reconnect = [&](const bls::stream_position&) { ++told; };
            bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
            // Bounded by run_coroutine's time limit; a fatal stream error throws out of next().
            for (;;)
            {
                auto ev = co_await stream.next();
                delivered.add(ev);
                if (!delivered.lines.empty() && delivered.lines.back().rfind("I id=-1;", 0) == 0)
                    break;
            }
            reconnects = stream.reconnect_count();
        },
        80s
    );
    killer.join();
    writer.join();
    BOOST_TEST_MESSAGE(
        "kills: " << kills << ", batches: " << batches << ", reconnects: " << reconnects
                  << ", lines: " << delivered.lines.size()
    );
    BOOST_TEST(kills >= 50);
    BOOST_TEST(restarted.load());
    BOOST_TEST(sentinel_written.load());
    BOOST_TEST(reconnects >= 50u);
    BOOST_TEST(told == reconnects);

    auto expected = bt::binlog_change_lines(start, "bls_faults", "k");
    BOOST_REQUIRE(!expected.empty());
    BOOST_TEST(expected.back().rfind("I id=-1;", 0) == 0u);
    BOOST_REQUIRE_EQUAL(delivered.lines.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
    {
        BOOST_TEST_CONTEXT("line " << i)
        BOOST_REQUIRE_EQUAL(delivered.lines[i], expected[i]);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_faults)

BOOST_AUTO_TEST_CASE(kills_and_a_restart_lose_and_repeat_nothing)
{
    kills_and_a_restart(false);
}

BOOST_AUTO_TEST_CASE(kills_and_a_restart_lose_and_repeat_nothing_from_a_mariadb_gtid_position)
{
    kills_and_a_restart(true);
}

// MariaDB lets one replica per server_id dump: a second COM_BINLOG_DUMP with the same id kills the
// first one's dump thread, which gets ER_SLAVE_SAME_ID (4052). The older stream ends with that error
// and a message naming the server_id (it does not reconnect: that would only kill the other one in
// turn); the newer stream goes on.
BOOST_AUTO_TEST_CASE(a_server_id_clash_ends_the_older_stream_with_a_clear_error)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_faults; DROP TABLE IF EXISTS bls_faults.clash;"
                  "CREATE TABLE bls_faults.clash (id INT PRIMARY KEY)");
    std::error_code older_end;
    std::string older_client_message, older_server_message;
    std::vector<int> newer_ids;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            bls::stream_options o;
            o.server_id = 7202;
            o.reconnect.initial_delay = 10ms;
            bls::binlog_stream older(ex, bt::sandbox_connection(), o);
            // The older stream is dumping once it delivered its first event (the artificial ROTATE).
            auto [ec1, ev1] = co_await older.async_next(tuple_token);
            BOOST_REQUIRE(!ec1);
            bls::binlog_stream newer(ex, bt::sandbox_connection(), o);
            auto [ec2, ev2] = co_await newer.async_next(tuple_token);
            BOOST_REQUIRE(!ec2);
            // The older one drains what it had and then ends (bounded: 10,000 events at most).
            for (int i = 0; i < 10000; ++i)
            {
                auto [ec, ev] = co_await older.async_next(tuple_token);
                if (ec)
                {
                    older_end = ec;
                    older_client_message = older.last_diagnostics().client_message();
                    older_server_message = older.last_diagnostics().server_message();
                    break;
                }
            }
            bt::admin_sql("INSERT INTO bls_faults.clash VALUES (1), (2)");
            for (int i = 0; i < 10000 && newer_ids.size() < 2; ++i)
            {
                auto ev = co_await newer.next();
                if (auto* w = std::get_if<bls::write_rows_event>(&ev); w && w->table->table == "clash")
                    for (const auto& r : w->rows())
                        newer_ids.push_back(std::stoi(bt::image_json(r.after).at("id")));
            }
        },
        30s
    );
    BOOST_TEST_MESSAGE("older stream: " << older_end.message() << ": " << older_client_message);
    BOOST_TEST((older_end.category() == bls::server_category()));
    BOOST_TEST(older_end.value() == 4052); // ER_SLAVE_SAME_ID
    BOOST_TEST(older_client_message.find("server_id 7202") != std::string::npos);
    BOOST_TEST(older_server_message.find("same server_uuid/server_id") != std::string::npos);
    BOOST_TEST((newer_ids == std::vector<int>{1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
