// Authentication against the sandbox MariaDB: each plugin it has, wrong passwords, accounts that
// require TLS, and the password never showing up in errors.

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

asio::awaitable<void> connect_expect(connection_options opts, std::error_code expected, std::string sql_state)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    auto [ec] = co_await conn.async_connect(opts, diag, as_tuple(asio::use_awaitable));
    BOOST_TEST(
        ec == expected, ec.message() << " | " << diag.client_message() << " | " << diag.server_message()
    );
    if (!sql_state.empty())
        BOOST_TEST(diag.sql_state() == sql_state);
    if (!opts.password.empty())
    {
        BOOST_TEST(diag.client_message().find(opts.password) == std::string::npos);
        BOOST_TEST(diag.server_message().find(opts.password) == std::string::npos);
        BOOST_TEST(ec.message().find(opts.password) == std::string::npos);
    }
    if (!ec)
    {
        BOOST_TEST(conn.is_open());
        resultset rs;
        auto [qec] =
            co_await conn.async_query("SELECT CURRENT_USER()", rs, diag, as_tuple(asio::use_awaitable));
        BOOST_TEST(!qec);
        BOOST_TEST_REQUIRE(rs.rows.size() == 1u);
        BOOST_TEST(rs.rows[0][0].value_or("").starts_with(opts.user + "@"));
        co_await conn.async_close(asio::use_awaitable);
        BOOST_TEST(!conn.is_open());
    }
    else
    {
        BOOST_TEST(!conn.is_open());
    }
}

asio::awaitable<void> throwing_form(connection_options opts)
{
    connection conn(co_await asio::this_coro::executor);
    diagnostics diag;
    try
    {
        co_await conn.async_connect(opts, diag, asio::use_awaitable);
        BOOST_FAIL("expected an exception");
    }
    catch (const std::system_error& e)
    {
        BOOST_TEST(e.code() == make_server_error(1045));
        BOOST_TEST(std::string(e.what()).find(opts.password) == std::string::npos);
    }
    BOOST_TEST(diag.sql_state() == "28000");
}

} // namespace

BOOST_AUTO_TEST_SUITE(connection_auth)

BOOST_AUTO_TEST_CASE(native_password)
{
    run_with_limit(connect_expect(sandbox_options(), {}, ""));
}

BOOST_AUTO_TEST_CASE(admin_account)
{
    auto o = sandbox_options();
    o.user = sandbox().admin_user;
    o.password = sandbox().admin_password;
    run_with_limit(connect_expect(o, {}, ""));
}

BOOST_AUTO_TEST_CASE(wrong_password)
{
    auto o = sandbox_options();
    o.password = "definitely-not-the-password";
    run_with_limit(connect_expect(o, make_server_error(1045), "28000"));
    o.ssl = ssl_mode::disabled;
    run_with_limit(connect_expect(o, make_server_error(1045), "28000"));
}

BOOST_AUTO_TEST_CASE(wrong_password_throws)
{
    auto o = sandbox_options();
    o.password = "definitely-not-the-password";
    run_with_limit(throwing_form(o));
}

BOOST_AUTO_TEST_CASE(unknown_user)
{
    auto o = sandbox_options();
    o.user = "no_such_user_here";
    run_with_limit(connect_expect(o, make_server_error(1045), "28000"));
}

BOOST_AUTO_TEST_CASE(account_requiring_tls)
{
    auto o = sandbox_options();
    o.user = sandbox().tls_user;
    o.password = sandbox().tls_password;
    o.ssl = ssl_mode::required;
    run_with_limit(connect_expect(o, {}, ""));
    // Without TLS the server refuses the REQUIRE SSL account.
    o.ssl = ssl_mode::disabled;
    run_with_limit(connect_expect(o, make_server_error(1045), "28000"));
}

BOOST_AUTO_TEST_CASE(ed25519_account)
{
    if (sandbox().ed25519_user.empty())
        return; // the server has no ed25519 plugin (the sandbox loads it; Debian ships it)
    auto o = sandbox_options();
    o.user = sandbox().ed25519_user;
    o.password = sandbox().ed25519_password;
    run_with_limit(connect_expect(o, {}, ""));
    o.password = "wrong-ed25519-password";
    run_with_limit(connect_expect(o, make_server_error(1045), "28000"));
}

BOOST_AUTO_TEST_CASE(database_selected_at_connect)
{
    auto o = sandbox_options();
    o.database = "bls_test";
    run_with_limit(connect_expect(o, {}, ""));
    o.database = "no_such_database";
    // ER_DBACCESS_DENIED_ERROR (1044) or ER_BAD_DB_ERROR (1049), depending on the account's grants.
    auto check = [](connection_options opts) -> asio::awaitable<void> {
        connection conn(co_await asio::this_coro::executor);
        diagnostics diag;
        auto [ec] = co_await conn.async_connect(opts, diag, as_tuple(asio::use_awaitable));
        BOOST_TEST((ec == make_server_error(1044) || ec == make_server_error(1049)), ec.message());
    };
    run_with_limit(check(o));
}

BOOST_AUTO_TEST_SUITE_END()
