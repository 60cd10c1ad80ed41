// Queries, pings, the raw packet interface, unix sockets, timeouts, cancellation and server faults
// against the sandbox.

#include <binlogstream/connection.hpp>

#include "connection_common.hpp"

#include <asio/bind_cancellation_slot.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

using namespace binlogstream;
using namespace binlogstream::test;
using namespace std::chrono_literals;
using asio::experimental::as_tuple;

namespace {

asio::awaitable<void> text_query_with_nulls(connection_options opts)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    resultset rs;
    co_await conn.async_query(
        "SELECT 1 AS id, NULL AS nothing, 'caf\xc3\xa9' AS word, CAST(NULL AS CHAR) AS n2 "
        "UNION ALL SELECT 2, 'x', '', NULL",
        rs,
        diag,
        asio::use_awaitable
    );
    BOOST_TEST(rs.column_names() == (std::vector<std::string>{"id", "nothing", "word", "n2"}));
    BOOST_TEST_REQUIRE(rs.rows.size() == 2u);
    BOOST_TEST((rs.columns[0].type == column_type::long_ || rs.columns[0].type == column_type::longlong));
    BOOST_TEST(rs.rows[0][0].value() == "1");
    BOOST_TEST(!rs.rows[0][1].has_value());
    BOOST_TEST(rs.rows[0][2].value() == "caf\xc3\xa9");
    BOOST_TEST(!rs.rows[0][3].has_value());
    BOOST_TEST(rs.rows[1][1].value() == "x");
    BOOST_TEST(rs.rows[1][2].value().empty()); // empty string, not NULL
    BOOST_TEST(!rs.rows[1][3].has_value());

    // Statements without rows report OK counters.
    co_await conn.async_query(
        "CREATE TEMPORARY TABLE t (a INT PRIMARY KEY AUTO_INCREMENT, b TEXT)", rs, diag, asio::use_awaitable
    );
    co_await conn.async_query(
        "INSERT INTO t (b) VALUES ('one'), (NULL), ('three')", rs, diag, asio::use_awaitable
    );
    BOOST_TEST(rs.affected_rows == 3u);
    BOOST_TEST(rs.last_insert_id == 1u);
    BOOST_TEST(rs.columns.empty());
    co_await conn.async_query("SELECT a, b FROM t ORDER BY a", rs, diag, asio::use_awaitable);
    BOOST_TEST_REQUIRE(rs.rows.size() == 3u);
    BOOST_TEST(!rs.rows[1][1].has_value());

    // A server error leaves the connection usable.
    auto [ec] =
        co_await conn.async_query("SELECT * FROM no_such_table_xyz", rs, diag, as_tuple(asio::use_awaitable));
    BOOST_TEST((ec == make_server_error(1046) || ec == make_server_error(1146)), ec.message());
    BOOST_TEST(!diag.sql_state().empty());
    BOOST_TEST(conn.is_open());
    co_await conn.async_ping(diag, asio::use_awaitable);

    // A large result (many rows, one > 64 KiB cell).
    co_await conn.async_query(
        "SELECT seq, REPEAT('x', 70000) FROM seq_1_to_300", rs, diag, asio::use_awaitable
    );
    BOOST_TEST(rs.rows.size() == 300u);
    BOOST_TEST(rs.rows.back()[1].value().size() == 70000u);
    co_await conn.async_close(asio::use_awaitable);
}

asio::awaitable<void> ping_and_raw_packets(connection_options opts)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    co_await conn.async_ping(diag, asio::use_awaitable);

    // The replication interface: a command packet out, whole packets in.
    const std::byte ping[] = {std::byte{0x0e}};
    co_await conn.async_write_command(ping, asio::use_awaitable);
    std::vector<std::byte> packet;
    co_await conn.async_read_packet(packet, asio::use_awaitable);
    BOOST_TEST_REQUIRE(!packet.empty());
    BOOST_TEST(std::to_integer<int>(packet[0]) == 0x00); // OK

    // A payload over 16 MiB goes out as several frames and the server answers its query.
    std::string sql = "SELECT LENGTH('" + std::string(17u << 20, 'a') + "')";
    resultset rs;
    co_await conn.async_query(sql, rs, diag, asio::use_awaitable);
    BOOST_TEST(rs.rows.at(0).at(0).value() == std::to_string(17u << 20));
    // And a result row over 16 MiB comes back joined.
    co_await conn.async_query("SELECT REPEAT('b', 17 * 1024 * 1024)", rs, diag, asio::use_awaitable);
    BOOST_TEST(rs.rows.at(0).at(0).value().size() == (17u << 20));
    co_await conn.async_close(asio::use_awaitable);

    // After close, operations say so.
    auto [ec] = co_await conn.async_ping(diag, as_tuple(asio::use_awaitable));
    BOOST_TEST(ec == make_error_code(errc::not_connected));
}

asio::awaitable<void> over_unix_socket(connection_options opts)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    BOOST_TEST(conn.server_info().unix_socket);
    BOOST_TEST(!conn.server_info().tls);
    BOOST_TEST((conn.server_info().flavor == server_flavor::mariadb));
    BOOST_TEST(conn.server_info().version.find("MariaDB") != std::string::npos);
    BOOST_TEST(!conn.server_info().version.starts_with("5.5.5-"));
    resultset rs;
    co_await conn.async_query("SELECT CONNECTION_ID()", rs, diag, asio::use_awaitable);
    BOOST_TEST(rs.rows.at(0).at(0).value() == std::to_string(conn.server_info().connection_id));
    co_await conn.async_close(asio::use_awaitable);
}

asio::awaitable<void> closed_port(connection_options opts)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    auto start = std::chrono::steady_clock::now();
    auto [ec] = co_await conn.async_connect(opts, diag, as_tuple(asio::use_awaitable));
    BOOST_TEST(ec == asio::error::connection_refused, ec.message());
    BOOST_TEST(diag.client_message().find(std::to_string(opts.port)) != std::string::npos);
    BOOST_TEST((std::chrono::steady_clock::now() - start < opts.connect_timeout));
}

// A listener that accepts and never speaks: the handshake never comes.
asio::awaitable<void> silent_server()
{
    auto ex = co_await asio::this_coro::executor;
    asio::ip::tcp::acceptor acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0});
    auto opts = sandbox_options();
    opts.port = acceptor.local_endpoint().port();
    opts.connect_timeout = 500ms;
    connection conn(ex);
    diagnostics diag;
    auto start = std::chrono::steady_clock::now();
    auto [ec] = co_await conn.async_connect(opts, diag, as_tuple(asio::use_awaitable));
    auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(ec == make_error_code(errc::connect_timeout), ec.message());
    BOOST_TEST((elapsed >= 450ms));
    BOOST_TEST((elapsed < 5s));
    BOOST_TEST(!conn.is_open());
}

asio::awaitable<void> read_timeout(connection_options opts)
{
    opts.read_timeout = 300ms;
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    resultset rs;
    auto start = std::chrono::steady_clock::now();
    auto [ec] = co_await conn.async_query("SELECT SLEEP(5)", rs, diag, as_tuple(asio::use_awaitable));
    BOOST_TEST(ec == make_error_code(errc::read_timeout), ec.message());
    BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
    BOOST_TEST(!conn.is_open());

    // The per-read deadline of async_read_packet overrides read_timeout.
    opts.read_timeout = 0ms;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    std::vector<std::byte> packet;
    auto [rec] = co_await conn.async_read_packet(packet, 200ms, as_tuple(asio::use_awaitable));
    BOOST_TEST(rec == make_error_code(errc::read_timeout));
}

asio::awaitable<void> close_aborts_pending(connection_options opts)
{
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    connection conn(ex);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);

    // Nothing will arrive: close() from another coroutine must complete the read with
    // operation_aborted.
    std::vector<std::byte> packet;
    asio::steady_timer timer(ex, 200ms);
    std::error_code read_ec;
    auto reader = [](connection& c, std::vector<std::byte>& p, std::error_code& out
                  ) -> asio::awaitable<void> {
        auto [ec] = co_await c.async_read_packet(p, as_tuple(asio::use_awaitable));
        out = ec;
    };
    auto closer = [](connection& c, asio::steady_timer& t) -> asio::awaitable<void> {
        co_await t.async_wait(asio::use_awaitable);
        // While the read runs, another read-side operation is refused.
        diagnostics d;
        auto [ping_ec] = co_await c.async_ping(d, as_tuple(asio::use_awaitable));
        BOOST_TEST(ping_ec == make_error_code(errc::operation_in_progress), ping_ec.message());
        std::vector<std::byte> other;
        auto [read_ec] = co_await c.async_read_packet(other, as_tuple(asio::use_awaitable));
        BOOST_TEST(read_ec == make_error_code(errc::operation_in_progress), read_ec.message());
        c.close();
    };
    co_await (reader(conn, packet, read_ec) && closer(conn, timer));
    BOOST_TEST(read_ec == asio::error::operation_aborted, read_ec.message());
    BOOST_TEST(!conn.is_open());
}

asio::awaitable<void> cancellation_slot(connection_options opts)
{
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    connection conn(ex);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    // `||` cancels the loser through its cancellation slot.
    std::vector<std::byte> packet;
    asio::steady_timer timer(ex, 200ms);
    auto start = std::chrono::steady_clock::now();
    auto result = co_await (
        conn.async_read_packet(packet, as_tuple(asio::use_awaitable)) || timer.async_wait(asio::use_awaitable)
    );
    BOOST_TEST(result.index() == 1u);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
    BOOST_TEST(!conn.is_open()); // the framing is unknown after a cancelled read

    // An explicitly bound slot works the same way.
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    asio::cancellation_signal signal;
    asio::steady_timer later(ex, 100ms);
    later.async_wait([&](std::error_code) { signal.emit(asio::cancellation_type::terminal); });
    auto [ec] = co_await conn.async_read_packet(
        packet, asio::bind_cancellation_slot(signal.slot(), as_tuple(asio::use_awaitable))
    );
    BOOST_TEST(ec == asio::error::operation_aborted, ec.message());
}

asio::awaitable<void> server_killed_mid_query(connection_options opts)
{
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    connection conn(ex);
    diagnostics diag;
    co_await conn.async_connect(opts, diag, asio::use_awaitable);
    auto pid = plain_server_pid();
    BOOST_TEST_REQUIRE(pid != "0");

    resultset rs;
    std::error_code query_ec;
    auto query = [](connection& c, resultset& r, diagnostics& d, std::error_code& out
                 ) -> asio::awaitable<void> {
        auto [ec] = co_await c.async_query("SELECT SLEEP(30)", r, d, as_tuple(asio::use_awaitable));
        out = ec;
    };
    auto killer = [](std::string victim) -> asio::awaitable<void> {
        asio::steady_timer t(co_await asio::this_coro::executor, 1s);
        co_await t.async_wait(asio::use_awaitable);
        run_command("kill -9 " + victim);
    };
    auto start = std::chrono::steady_clock::now();
    co_await (query(conn, rs, diag, query_ec) && killer(pid));
    BOOST_TEST(
        (query_ec == make_error_code(errc::server_closed) || query_ec == asio::error::connection_reset),
        query_ec.message()
    );
    BOOST_TEST((std::chrono::steady_clock::now() - start < 10s));
    BOOST_TEST(!conn.is_open());
}

} // namespace

BOOST_AUTO_TEST_SUITE(connection_query)

static connection_options admin_options()
{
    auto o = sandbox_options();
    o.user = sandbox().admin_user;
    o.password = sandbox().admin_password;
    o.database = "bls_test";
    return o;
}

BOOST_AUTO_TEST_CASE(text_query)
{
    run_with_limit(text_query_with_nulls(admin_options()));
}

BOOST_AUTO_TEST_CASE(text_query_without_tls)
{
    auto o = admin_options();
    o.ssl = ssl_mode::disabled;
    run_with_limit(text_query_with_nulls(o));
}

BOOST_AUTO_TEST_CASE(ping_and_packets)
{
    run_with_limit(ping_and_raw_packets(sandbox_options()), std::chrono::seconds(60));
}

BOOST_AUTO_TEST_CASE(unix_socket)
{
    auto o = sandbox_options();
    o.unix_socket = sandbox().socket;
    o.ssl = ssl_mode::required; // a local socket counts as secure
    run_with_limit(over_unix_socket(o));
}

BOOST_AUTO_TEST_CASE(closed_port_fails_fast)
{
    // A port nobody listens on: bind one, note it, close it.
    std::uint16_t port = 0;
    {
        asio::io_context io;
        asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    auto o = sandbox_options();
    o.port = port;
    o.connect_timeout = 5s;
    run_with_limit(closed_port(o));
}

BOOST_AUTO_TEST_CASE(connect_timeout)
{
    run_with_limit(silent_server());
}

BOOST_AUTO_TEST_CASE(read_timeout_closes)
{
    run_with_limit(read_timeout(sandbox_options()));
}

BOOST_AUTO_TEST_CASE(close_cancels)
{
    run_with_limit(close_aborts_pending(sandbox_options()));
}

BOOST_AUTO_TEST_CASE(per_operation_cancellation)
{
    run_with_limit(cancellation_slot(sandbox_options()));
}

BOOST_AUTO_TEST_CASE(server_killed)
{
    auto o = sandbox_options();
    o.port = sandbox().plain_port;
    run_with_limit(server_killed_mid_query(o));
    restart_plain_server();
}

BOOST_AUTO_TEST_SUITE_END()
