// TLS modes against the sandbox: the main instance offers TLS with a certificate for DNS:localhost
// signed by ssl_ca; the plain instance offers none.

#include <binlogstream/connection.hpp>

#include "connection_common.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

using namespace binlogstream;
using namespace binlogstream::test;
using asio::experimental::as_tuple;

namespace {

// Connects; on success checks whether TLS is active and that the server agrees (Ssl_cipher).
asio::awaitable<void> expect_tls(connection_options opts, bool should_connect, bool tls_expected)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    auto [ec] = co_await conn.async_connect(opts, diag, as_tuple(asio::use_awaitable));
    if (!should_connect)
    {
        BOOST_TEST(ec, "connecting should have failed");
        BOOST_TEST((!diag.client_message().empty() || !diag.server_message().empty()));
        BOOST_TEST(!conn.is_open());
        co_return;
    }
    BOOST_TEST_REQUIRE(!ec, ec.message() << " | " << diag.client_message());
    BOOST_TEST(conn.server_info().tls == tls_expected);
    resultset rs;
    auto [qec] = co_await conn.async_query(
        "SHOW SESSION STATUS LIKE 'Ssl_cipher'", rs, diag, as_tuple(asio::use_awaitable)
    );
    BOOST_TEST_REQUIRE(!qec);
    BOOST_TEST_REQUIRE(rs.rows.size() == 1u);
    BOOST_TEST(rs.rows[0][1].value_or("").empty() == !tls_expected);
    co_await conn.async_close(asio::use_awaitable);
}

asio::awaitable<void> expect_error(connection_options opts, std::error_code expected)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    auto [ec] = co_await conn.async_connect(opts, diag, as_tuple(asio::use_awaitable));
    BOOST_TEST(ec == expected, ec.message() << " | " << diag.client_message());
}

connection_options with(ssl_mode mode, std::string host = "127.0.0.1")
{
    auto o = sandbox_options();
    o.ssl = mode;
    o.host = host;
    o.ssl_ca = sandbox().ssl_ca;
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(connection_tls)

BOOST_AUTO_TEST_CASE(disabled)
{
    run_with_limit(expect_tls(with(ssl_mode::disabled), true, false));
}

BOOST_AUTO_TEST_CASE(preferred)
{
    run_with_limit(expect_tls(with(ssl_mode::preferred), true, true));
    // Against a server without TLS, preferred falls back to plain.
    auto o = with(ssl_mode::preferred);
    o.port = sandbox().plain_port;
    run_with_limit(expect_tls(o, true, false));
}

BOOST_AUTO_TEST_CASE(required)
{
    run_with_limit(expect_tls(with(ssl_mode::required), true, true));
    auto o = with(ssl_mode::required);
    o.port = sandbox().plain_port;
    run_with_limit(expect_error(o, make_error_code(errc::tls_unavailable)));
    // required does not verify: an unrelated CA changes nothing.
    o = with(ssl_mode::required);
    o.ssl_ca = sandbox().other_ca;
    run_with_limit(expect_tls(o, true, true));
}

BOOST_AUTO_TEST_CASE(verify_ca)
{
    run_with_limit(expect_tls(with(ssl_mode::verify_ca), true, true));
    // The chain does not lead to other_ca.
    auto o = with(ssl_mode::verify_ca);
    o.ssl_ca = sandbox().other_ca;
    run_with_limit(expect_tls(o, false, false));
    // verify_ca does not check the name: 127.0.0.1 is fine.
    run_with_limit(expect_tls(with(ssl_mode::verify_ca, "127.0.0.1"), true, true));
    o = with(ssl_mode::verify_ca);
    o.port = sandbox().plain_port;
    run_with_limit(expect_error(o, make_error_code(errc::tls_unavailable)));
}

BOOST_AUTO_TEST_CASE(verify_identity)
{
    // The certificate names DNS:localhost only.
    run_with_limit(expect_tls(with(ssl_mode::verify_identity, "localhost"), true, true));
    run_with_limit(expect_tls(with(ssl_mode::verify_identity, "127.0.0.1"), false, false));
    auto o = with(ssl_mode::verify_identity, "localhost");
    o.ssl_ca = sandbox().other_ca;
    run_with_limit(expect_tls(o, false, false));
}

BOOST_AUTO_TEST_CASE(client_certificate)
{
    auto o = with(ssl_mode::verify_ca);
    o.ssl_cert = sandbox().client_cert;
    o.ssl_key = sandbox().client_key;
    run_with_limit(expect_tls(o, true, true));
    o.ssl_cert = "/nonexistent/client-cert.pem";
    run_with_limit(expect_tls(o, false, false));
}

BOOST_AUTO_TEST_CASE(missing_ca_file)
{
    auto o = with(ssl_mode::verify_ca);
    o.ssl_ca = "/nonexistent/ca.pem";
    run_with_limit(expect_tls(o, false, false));
}

BOOST_AUTO_TEST_SUITE_END()
