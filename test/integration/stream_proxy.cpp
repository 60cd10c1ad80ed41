// Network faults through a loopback TCP proxy (test/common/tcp_proxy): a stalled link that only the
// heartbeat deadline can detect, and links cut at arbitrary bytes. In both the stream reconnects and the
// delivered changes equal the server's binlog.

#include <binlogstream/connection.hpp>

#include "common/tcp_proxy.hpp"
#include "stream_fault_support.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/use_awaitable.hpp>

#include <optional>
#include <random>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

std::string insert_rows(const std::string& table, int from, int to)
{
    std::string sql = "INSERT INTO bls_proxy." + table + " VALUES ";
    for (int i = from; i <= to; ++i)
        sql +=
            (i == from ? "(" : ",(") + std::to_string(i) + ", REPEAT('x', " + std::to_string(i % 300) + "))";
    return sql;
}

bool is_sentinel(const std::vector<std::string>& lines)
{
    return !lines.empty() && lines.back().rfind("I id=-1;", 0) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_proxy)

// The proxy stalls the link (the socket stays open, nothing flows). With a 1 s heartbeat the server
// would have sent something within 1 s; after 2 x 1 s + 0.5 s without a packet the stream declares the
// link dead, reconnects (a new link, which flows) and continues with nothing lost or repeated. The
// user is told: on_reconnect, reconnect_count() and the log line naming the cause.
BOOST_AUTO_TEST_CASE(a_stalled_link_trips_the_heartbeat_deadline)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_proxy; DROP TABLE IF EXISTS bls_proxy.hb;"
                  "CREATE TABLE bls_proxy.hb (id INT PRIMARY KEY, note VARCHAR(300))");
    const auto start = bt::current_binlog_position();
    bt::admin_sql(insert_rows("hb", 1, 100));
    bt::tcp_proxy proxy(bt::sandbox().host, bt::sandbox().port);

    bt::change_log delivered("bls_proxy", "hb");
    std::vector<std::string> log_lines;
    std::size_t told = 0;
    std::uint64_t reconnects = 0;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto conn = bt::sandbox_connection();
            conn.port = proxy.port();
            bls::stream_options opts;
            opts.server_id = 7301;
            opts.start = start;
            opts.heartbeat = 1s;
            opts.heartbeat_margin = 500ms;
            opts.reconnect.initial_delay = 10ms;
            opts.on_reconnect = [&](const bls::stream_position&) { ++told; };
            opts.log = [&](bls::log_level, std::string_view text) { log_lines.emplace_back(text); };
            bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
            bool stalled = false;
            for (int i = 0; i < 100000 && !is_sentinel(delivered.lines); ++i)
            {
                delivered.add(co_await stream.next());
                if (!stalled && delivered.lines.size() >= 101) // the GTID and the 100 rows
                {
                    proxy.stall();
                    stalled = true;
                    // Written while the link is stalled: only a new link can bring these.
                    bt::admin_sql(
                        insert_rows("hb", 101, 200) + "; INSERT INTO bls_proxy.hb VALUES (-1, 'end')"
                    );
                }
            }
            reconnects = stream.reconnect_count();
        },
        40s
    );
    BOOST_TEST(reconnects >= 1u);
    BOOST_TEST(told == reconnects);
    BOOST_TEST(proxy.accepted() >= 2u);
    bool named = false;
    for (const auto& l : log_lines)
        named = named ||
                l.find(bls::make_error_code(bls::errc::heartbeat_timeout).message()) != std::string::npos;
    BOOST_TEST(named, "a log line names the heartbeat deadline");
    auto expected = bt::binlog_change_lines(start, "bls_proxy", "hb");
    BOOST_TEST(expected.size() == 1u + 100u + 1u + 100u + 1u + 1u); // 2 GTIDs + rows, GTID + sentinel
    BOOST_TEST(delivered.lines == expected, boost::test_tools::per_element());
}

// 20 cuts, each after a random number (1..6000) of further server-to-client bytes, so most land inside
// a packet or an event, while a writer keeps committing 50-row transactions (several rows events
// each); the stream reconnects each time and the changes equal the binlog's.
BOOST_AUTO_TEST_CASE(links_cut_at_random_bytes_lose_and_repeat_nothing)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_proxy; DROP TABLE IF EXISTS bls_proxy.cut;"
                  "CREATE TABLE bls_proxy.cut (id INT PRIMARY KEY, note VARCHAR(300))");
    const auto start = bt::current_binlog_position();
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    bt::tcp_proxy proxy(bt::sandbox().host, bt::sandbox().port);
    std::atomic<bool> cuts_done{false};

    bt::bounded_worker writer([&](const std::atomic<bool>& stop) {
        try
        {
            for (int t = 0; t < 5000 && !stop && !cuts_done && std::chrono::steady_clock::now() < deadline;
                 ++t)
                bt::admin_sql("BEGIN;" + insert_rows("cut", t * 50 + 1, t * 50 + 50) + "; COMMIT;");
            if (!stop)
                bt::admin_sql("INSERT INTO bls_proxy.cut VALUES (-1, 'end')");
        }
        catch (const std::exception&)
        {
            // The consumer then misses the sentinel and the test fails on its time limit.
        }
    });
    bt::bounded_worker cutter([&](const std::atomic<bool>& stop) {
        std::minstd_rand rng{std::random_device{}()};
        std::uniform_int_distribution<std::uint64_t> at(1, 6000);
        std::uniform_int_distribution<int> pause_ms(5, 40);
        for (int i = 0; i < 2000 && !stop && proxy.cuts() < 20 && std::chrono::steady_clock::now() < deadline;
             ++i)
        {
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
            proxy.cut_after(at(rng));
        }
        cuts_done = true;
    });

    bt::change_log delivered("bls_proxy", "cut");
    std::uint64_t reconnects = 0;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto conn = bt::sandbox_connection();
            conn.port = proxy.port();
            bls::stream_options opts;
            opts.server_id = 7302;
            opts.start = start;
            opts.reconnect.initial_delay = 5ms;
            opts.reconnect.max_delay = 50ms;
            bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
            // Bounded by run_coroutine's time limit.
            while (!is_sentinel(delivered.lines))
                delivered.add(co_await stream.next());
            reconnects = stream.reconnect_count();
        },
        45s
    );
    cutter.join();
    writer.join();
    BOOST_TEST_MESSAGE("cuts: " << proxy.cuts() << ", reconnects: " << reconnects);
    BOOST_TEST(proxy.cuts() >= 20u);
    BOOST_TEST(reconnects >= 20u);
    auto expected = bt::binlog_change_lines(start, "bls_proxy", "cut");
    BOOST_REQUIRE_EQUAL(delivered.lines.size(), expected.size());
    BOOST_TEST(delivered.lines == expected, boost::test_tools::per_element());
}

// A reconnect whose own link is cut again at each of its first 320 bytes in turn (then at every
// 32nd): in its handshake, in each setup query's answer, in the dump's first events. Whatever the
// byte, the stream reconnects once more and delivers the row; none of these cuts may end it. (A cut
// inside the answer to a checksum query used to be taken for "an old server without checksums"; the
// next query then found the connection closed and ended the stream with "not connected".) The log
// callback shows the attempts: attempt 1 after the first cut, then attempt 2 when the second link
// was cut before it streamed, else attempt 1 again (the count restarts once a link streams).
BOOST_AUTO_TEST_CASE(a_reconnect_cut_at_each_byte_of_its_setup_reconnects_again)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_proxy; DROP TABLE IF EXISTS bls_proxy.setup;"
                  "CREATE TABLE bls_proxy.setup (id INT PRIMARY KEY, note VARCHAR(300))");
    bt::tcp_proxy proxy(bt::sandbox().host, bt::sandbox().port);

    struct pass_result
    {
        std::uint64_t bytes = 0; // server-to-client bytes of the links after the first, up to the row
        std::uint64_t reconnects = 0;
        std::vector<std::string> attempts; // the "reconnect attempt N" of each log line, in order
        bool row = false;
    };
    std::uint64_t swept = 0;
    // Every byte of the first 320 (MariaDB 10.11's greeting, auth OK and the answers to the setup
    // queries are 239 bytes; the rest is the dump's first events), then every 32nd byte.
    constexpr std::uint64_t every_byte_below = 320;
    int setup_cuts = 0;      // cut points below every_byte_below
    int setup_cut_again = 0; // of those, the passes that reconnected twice (all must)
    int cuts = 0;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            // The rows are written over a direct connection, not through the proxy.
            auto admin = bt::sandbox_connection();
            admin.user = bt::sandbox().admin_user;
            admin.password = bt::sandbox().admin_password;
            bls::connection writer(ex);
            bls::diagnostics diag;
            co_await writer.async_connect(admin, diag, asio::use_awaitable);
            int next_id = 0;

            // One pass: a stream from the end of the binlog; its first link is cut after its first
            // event, then a row is written; the reconnect's link is cut after `cut_at` bytes (none:
            // it is not cut).
            auto pass = [&](std::optional<std::uint64_t> cut_at) -> asio::awaitable<pass_result> {
                pass_result r;
                auto conn = bt::sandbox_connection();
                conn.port = proxy.port();
                bls::stream_options opts;
                // A server id per pass (from a cycle of 50): a new dump with the id of a dump the
                // server still holds (a closed link it has not noticed yet) waits about 100 ms for
                // MariaDB to end the older one. Each pass's row wakes and ends the old dumps.
                opts.server_id = 7600 + static_cast<std::uint32_t>(next_id % 50);
                // 5-10 ms: the row is written meanwhile, which ends the server's dump on the cut link
                // (else the reconnect's registration waits about 100 ms for that).
                opts.reconnect.initial_delay = 10ms;
                opts.reconnect.max_delay = 10ms;
                opts.reconnect.max_attempts = 5;
                std::optional<std::uint64_t> before;
                opts.log = [&](bls::log_level, std::string_view text) {
                    auto at = text.find("reconnect attempt ");
                    if (at != std::string_view::npos)
                        r.attempts.emplace_back(text.substr(at, text.find(" in ", at) - at));
                };
                bls::binlog_stream stream(ex, conn, opts);
                (void)co_await stream.next();
                before = proxy.bytes_from_servers();
                if (cut_at)
                    proxy.cut_next_after(*cut_at);
                proxy.cut();
                bls::resultset rs;
                co_await writer.async_query(
                    "INSERT INTO bls_proxy.setup VALUES (" + std::to_string(++next_id) + ", 'row')",
                    rs,
                    diag,
                    asio::use_awaitable
                );
                for (int i = 0; i < 100 && !r.row; ++i)
                {
                    auto ev = co_await stream.next();
                    if (const auto* w = std::get_if<bls::write_rows_event>(&ev))
                        r.row = w->table && w->table->table == "setup";
                }
                r.bytes = proxy.bytes_from_servers() - *before;
                r.reconnects = stream.reconnect_count();
                co_return r;
            };

            const auto clean = co_await pass(std::nullopt);
            BOOST_REQUIRE(clean.row);
            BOOST_REQUIRE_EQUAL(clean.reconnects, 1u);
            swept = clean.bytes;
            BOOST_REQUIRE_GT(clean.bytes, every_byte_below + 64);
            // Every byte up to the dump request and a little past it; every 32nd byte of the events.
            for (std::uint64_t at = 0; at < clean.bytes; at += at < every_byte_below ? 1 : 32)
            {
                BOOST_TEST_CONTEXT("reconnect link cut after " << at << " bytes")
                {
                    ++cuts;
                    setup_cuts += at < every_byte_below ? 1 : 0;
                    pass_result r;
                    std::string ended;
                    try
                    {
                        r = co_await pass(at);
                    }
                    catch (const bls::error& e)
                    {
                        ended = e.what();
                    }
                    BOOST_TEST(ended.empty(), "the stream ended: " << ended);
                    if (!ended.empty())
                        continue;
                    BOOST_TEST(r.row);
                    BOOST_TEST((r.reconnects == 1u || r.reconnects == 2u));
                    BOOST_TEST(r.attempts.size() == r.reconnects);
                    BOOST_TEST((!r.attempts.empty() && r.attempts[0] == "reconnect attempt 1"));
                    if (r.reconnects == 2u && r.attempts.size() == 2u)
                    {
                        setup_cut_again += at < every_byte_below ? 1 : 0;
                        // attempt 2 when the link was cut before it streamed, else 1 again
                        BOOST_TEST(
                            (r.attempts[1] == "reconnect attempt 2" || r.attempts[1] == "reconnect attempt 1")
                        );
                    }
                }
            }
        },
        120s
    );
    BOOST_TEST_MESSAGE("a reconnect carries " << swept << " bytes up to the row; " << cuts << " cut points");
    // A cut in the first 320 bytes comes long before the row: the reconnect was cut, and recovered.
    BOOST_TEST(setup_cuts == static_cast<int>(every_byte_below));
    BOOST_TEST(setup_cut_again == setup_cuts);
}

BOOST_AUTO_TEST_SUITE_END()
