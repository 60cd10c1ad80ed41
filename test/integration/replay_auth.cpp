// caching_sha2_password against the replay server (a MySQL 8.4 test double): the fast path with a
// cached hash, and full authentication over TLS, with an RSA key from a file, with the key fetched
// from the server when allowed, and refused when it is not. The server records which path it took
// and whether it ever received a password in clear over plain TCP.

#include "integration/replay_common.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace bls = binlogstream;
using bls::test::replay_options;
using bls::test::replay_server;

namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
const std::string password = "Replay-caching-sha2-9d4e";

replay_options account(bool cached)
{
    replay_options o;
    o.password = password;
    o.password_cached = cached;
    return o;
}

// Connects once; returns the error and the plugin that completed the login.
std::error_code connect_once(const bls::connection_options& opts, bls::server_info* info = nullptr)
{
    std::error_code result;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::connection conn(co_await asio::this_coro::executor);
        bls::diagnostics diag;
        auto [ec] = co_await conn.async_connect(opts, diag, as_tuple_awaitable);
        result = ec;
        if (!ec && info)
            *info = conn.server_info();
        if (!ec)
            co_await conn.async_close(as_tuple_awaitable);
    });
    return result;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_auth)

BOOST_AUTO_TEST_CASE(fast_authentication_with_the_cached_hash)
{
    replay_server server(account(true));
    bls::server_info info;
    BOOST_TEST(!connect_once(bls::test::replay_connection(server, password), &info));
    BOOST_TEST(info.auth_plugin == "caching_sha2_password");
    BOOST_TEST(info.version == "8.4.3");
    BOOST_TEST(!info.tls);
    auto rec = server.record();
    BOOST_TEST(rec.auth_paths == std::vector<std::string>{"fast"}, boost::test_tools::per_element());
    BOOST_TEST(rec.cleartext_without_tls == 0u);
}

BOOST_AUTO_TEST_CASE(full_authentication_over_tls_then_fast)
{
    auto o = account(false);
    o.tls_certificate_pem = bls::test::test_keys().certificate_pem;
    o.tls_private_key_pem = bls::test::test_keys().private_key_pem;
    replay_server server(o);
    auto c = bls::test::replay_connection(server, password);
    c.ssl = bls::ssl_mode::verify_identity;
    c.host = "localhost";
    c.ssl_ca = bls::test::write_temp_file("replay-ca", bls::test::test_keys().certificate_pem);
    bls::server_info info;
    BOOST_TEST(!connect_once(c, &info));
    BOOST_TEST(info.tls);
    // The full authentication filled the cache: the next login takes the fast path.
    BOOST_TEST(!connect_once(c));
    auto rec = server.record();
    BOOST_TEST(rec.tls_used);
    BOOST_TEST(
        rec.auth_paths == (std::vector<std::string>{"full-tls", "fast"}), boost::test_tools::per_element()
    );
    BOOST_TEST(rec.public_key_requests == 0u);
}

BOOST_AUTO_TEST_CASE(full_authentication_with_the_key_from_a_file)
{
    auto o = account(false);
    o.rsa_private_key_pem = bls::test::test_keys().private_key_pem;
    o.rsa_public_key_pem = bls::test::test_keys().public_key_pem;
    replay_server server(o);
    auto c = bls::test::replay_connection(server, password);
    c.server_public_key_file =
        bls::test::write_temp_file("replay-pub", bls::test::test_keys().public_key_pem);
    BOOST_TEST(!connect_once(c));
    auto rec = server.record();
    BOOST_TEST(rec.auth_paths == std::vector<std::string>{"full-rsa"}, boost::test_tools::per_element());
    BOOST_TEST(rec.public_key_requests == 0u); // the file was used, the server never asked
    BOOST_TEST(rec.cleartext_without_tls == 0u);
}

BOOST_AUTO_TEST_CASE(full_authentication_fetching_the_key_when_allowed)
{
    auto o = account(false);
    o.rsa_private_key_pem = bls::test::test_keys().private_key_pem;
    o.rsa_public_key_pem = bls::test::test_keys().public_key_pem;
    replay_server server(o);
    auto c = bls::test::replay_connection(server, password);
    c.get_server_public_key = true;
    BOOST_TEST(!connect_once(c));
    auto rec = server.record();
    BOOST_TEST(
        rec.auth_paths == std::vector<std::string>{"full-rsa-fetched-key"}, boost::test_tools::per_element()
    );
    BOOST_TEST(rec.public_key_requests == 1u);
    BOOST_TEST(rec.cleartext_without_tls == 0u);
}

BOOST_AUTO_TEST_CASE(key_fetch_refused_when_not_allowed)
{
    auto o = account(false);
    o.rsa_private_key_pem = bls::test::test_keys().private_key_pem;
    o.rsa_public_key_pem = bls::test::test_keys().public_key_pem;
    replay_server server(o);
    auto c = bls::test::replay_connection(server, password); // no TLS, no key file, no fetch
    BOOST_TEST((connect_once(c) == bls::errc::rsa_key_unavailable));
    auto rec = server.record();
    BOOST_TEST(rec.public_key_requests == 0u);
    BOOST_TEST(rec.cleartext_without_tls == 0u);
    BOOST_TEST(rec.auth_paths.empty()); // the client gave up before answering
}

BOOST_AUTO_TEST_CASE(wrong_password_is_denied_on_both_paths)
{
    auto o = account(true);
    o.rsa_private_key_pem = bls::test::test_keys().private_key_pem;
    o.rsa_public_key_pem = bls::test::test_keys().public_key_pem;
    replay_server server(o);
    auto c = bls::test::replay_connection(server, "not-the-password");
    c.get_server_public_key = true;
    // The fast check fails, so the server asks for full authentication (sha2_password.cc), which
    // fails too: ER_ACCESS_DENIED_ERROR.
    auto ec = connect_once(c);
    BOOST_TEST((ec.category() == bls::server_category()));
    BOOST_TEST(ec.value() == 1045);
    auto rec = server.record();
    BOOST_TEST(rec.auth_paths == std::vector<std::string>{"denied-full"}, boost::test_tools::per_element());
    BOOST_TEST(rec.cleartext_without_tls == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
