// Servers that never stop talking or never start (SECURITY.md "Limits against a hostile server"),
// against the replay server's hostile modes and a bare loopback listener:
// * a query answered with rows without end ends with errc::resultset_too_large at the row or byte
//   limit (connection_options::max_resultset_rows / max_resultset_bytes, defaults included), and the
//   connection is closed;
// * a server that logs the client in and then never answers a query ends a stream's setup with
//   errc::read_timeout (stream_options::setup_timeout), instead of holding next() forever; the same
//   server as the table cache's ctl connection makes the metadata unavailable instead of a hang;
// * a listener that accepts and never sends its handshake ends it with errc::connect_timeout.
// No assertion is about time: each case only has to end, with the right error.

#include "integration/replay_common.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <functional>
#include <thread>
#include <vector>

namespace bls = binlogstream;
using bls::test::replay_options;
using bls::test::replay_server;

namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
const std::string password = "hostile-test-pw";

// Runs one query against `server` with `conn`; returns its error, the rows kept and whether the
// connection is still open afterwards.
struct query_outcome
{
    std::error_code ec;
    std::size_t rows = 0;
    bool open = false;
    std::string message;
};

query_outcome query_once(const bls::connection_options& conn)
{
    query_outcome out;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::connection c(co_await asio::this_coro::executor);
        bls::diagnostics diag;
        auto [cec] = co_await c.async_connect(conn, diag, as_tuple_awaitable);
        BOOST_REQUIRE(!cec);
        bls::resultset rs;
        auto [qec] = co_await c.async_query("SELECT c FROM endless", rs, diag, as_tuple_awaitable);
        out.ec = qec;
        out.rows = rs.rows.size();
        out.open = c.is_open();
        out.message = diag.client_message();
    });
    return out;
}

// Ends a stream started against `conn` and returns the error it ended with (and, in `why`, the
// stream's explanation).
std::error_code
stream_end(const bls::connection_options& conn, bls::stream_options opts, std::string* why = nullptr)
{
    std::error_code end;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
            if (ec)
            {
                end = ec;
                if (why)
                    *why = stream.last_diagnostics().client_message();
                co_return;
            }
        }
    });
    return end;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_hostile)

BOOST_AUTO_TEST_CASE(endless_rows_stop_at_the_row_limit)
{
    replay_options o;
    o.password = password;
    o.endless_rows = 100000000; // 10 GB of rows if nobody stopped them
    replay_server server(o);
    auto conn = bls::test::replay_connection(server, password);
    conn.max_resultset_rows = 1000;
    auto out = query_once(conn);
    BOOST_TEST((out.ec == bls::errc::resultset_too_large), out.ec.message());
    BOOST_TEST(!out.open);
    BOOST_TEST(out.rows == 0u); // nothing half-read is handed out
    BOOST_TEST(out.message.find("max_resultset_rows") != std::string::npos, out.message);
}

BOOST_AUTO_TEST_CASE(endless_rows_stop_at_the_byte_limit)
{
    replay_options o;
    o.password = password;
    o.endless_rows = 100000000;
    replay_server server(o);
    auto conn = bls::test::replay_connection(server, password);
    conn.max_resultset_rows = 0; // no row limit: the bytes stop it
    conn.max_resultset_bytes = 256 * 1024;
    auto out = query_once(conn);
    BOOST_TEST((out.ec == bls::errc::resultset_too_large), out.ec.message());
    BOOST_TEST(!out.open);
}

// With the default options (1,000,000 rows, 64 MiB): about 400,000 rows of 101 bytes (plus the
// memory of their cells) reach the byte limit first.
BOOST_AUTO_TEST_CASE(endless_rows_stop_with_the_default_limits)
{
    replay_options o;
    o.password = password;
    o.endless_rows = 100000000;
    replay_server server(o);
    auto out = query_once(bls::test::replay_connection(server, password));
    BOOST_TEST((out.ec == bls::errc::resultset_too_large), out.ec.message());
}

// Under the limit the same server's resultset arrives whole (the limits count, they do not cut).
BOOST_AUTO_TEST_CASE(a_resultset_within_the_limits_arrives_whole)
{
    replay_options o;
    o.password = password;
    o.endless_rows = 1000;
    replay_server server(o);
    auto conn = bls::test::replay_connection(server, password);
    conn.max_resultset_rows = 1000;
    auto out = query_once(conn);
    BOOST_TEST(!out.ec, out.ec.message());
    BOOST_TEST(out.rows == 1000u);
    BOOST_TEST(out.open);
}

// The server logs the client in, records its queries and never answers. Heartbeats (on by default)
// have not started: only the setup deadline ends the wait. With the default reconnect policy, a
// stream that never reached the dump ends on its first failure.
BOOST_AUTO_TEST_CASE(a_server_that_never_answers_the_setup_ends_the_stream_with_read_timeout)
{
    replay_options o;
    o.password = password;
    o.silent_queries = true;
    replay_server server(o);
    auto conn = bls::test::replay_connection(server, password);
    bls::stream_options opts;
    opts.server_id = 4243;
    opts.start = bls::file_position{"binlog.000001", 4};
    opts.setup_timeout = std::chrono::milliseconds(300);
    auto end = stream_end(conn, opts);
    BOOST_TEST((end == bls::errc::read_timeout), end.message());
    auto record = server.record();
    BOOST_REQUIRE(!record.queries.empty());
    BOOST_TEST(record.queries.front() == "SELECT @@global.binlog_checksum");
    BOOST_TEST(record.dumps == 0u);
}

// The table cache's ctl connection meets a server that never answers its information_schema query
// (MySQL 8.0.32's TABLE_MAPs carry no column names: binlog_row_metadata=MINIMAL). Each try ends at
// setup_timeout, the reconnect policy allows one more, then the metadata is unavailable.
BOOST_AUTO_TEST_CASE(a_ctl_server_that_never_answers_ends_with_metadata_unavailable)
{
    replay_options source;
    source.password = password;
    source.binlog_files = {bls::test::shared_binlog(bls::test::compressed_file)};
    replay_server server(source);
    replay_options silent;
    silent.password = password;
    silent.silent_queries = true;
    replay_server ctl(silent);

    bls::stream_options opts;
    opts.server_id = 4245;
    opts.start = bls::file_position{"binlog.000001", 4};
    opts.blocking = false;
    opts.ctl = bls::test::replay_connection(ctl, password);
    opts.setup_timeout = std::chrono::milliseconds(300);
    opts.reconnect.max_attempts = 1;
    opts.reconnect.initial_delay = std::chrono::milliseconds(10);
    opts.fail_on_table_metadata_unavailable = true;
    std::string why;
    auto end = stream_end(bls::test::replay_connection(server, password), opts, &why);
    BOOST_TEST((end == bls::errc::metadata_unavailable), end.message());
    BOOST_TEST(why.find("read timed out") != std::string::npos, why);
    auto record = ctl.record();
    BOOST_TEST(record.queries.size() == 2u); // the first try and the one retry
}

// A listener that accepts and never sends a byte: the handshake never comes.
BOOST_AUTO_TEST_CASE(a_listener_that_never_answers_ends_the_stream_with_connect_timeout)
{
    asio::io_context listener_io;
    asio::ip::tcp::acceptor acceptor(listener_io, {asio::ip::make_address("127.0.0.1"), 0});
    std::vector<asio::ip::tcp::socket> held;
    std::function<void()> accept_next = [&] {
        acceptor.async_accept([&](std::error_code ec, asio::ip::tcp::socket s) {
            if (ec)
                return;
            held.push_back(std::move(s)); // kept open, never written to
            accept_next();
        });
    };
    accept_next();
    std::thread listener([&] { listener_io.run(); });

    bls::connection_options conn;
    conn.host = "127.0.0.1";
    conn.port = acceptor.local_endpoint().port();
    conn.user = "repl";
    conn.password = password;
    conn.ssl = bls::ssl_mode::disabled;
    conn.connect_timeout = std::chrono::milliseconds(300);
    bls::stream_options opts;
    opts.server_id = 4244;
    opts.start = bls::file_position{"binlog.000001", 4};
    auto end = stream_end(conn, opts);

    asio::post(listener_io, [&] {
        acceptor.close();
        held.clear();
    });
    listener.join();
    BOOST_TEST((end == bls::errc::connect_timeout), end.message());
}

BOOST_AUTO_TEST_SUITE_END()
