// Hostile-server and secret-handling checks against the replay server (a MySQL 8.4 test double):
// * no secret in any output: connections and streams that fail (wrong password, TLS verification,
//   missing RSA key, unreachable server) and that succeed (fast, TLS and RSA full authentication)
//   run with a recognisable password; every diagnostics text, error message, exception what() and
//   log line (the stream's log callback, every level) is captured and searched for it;
// * a packet larger than connection_options::max_packet_size ends the stream with
//   errc::packet_too_large before the client buffers it.

#include "integration/replay_common.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace bls = binlogstream;
using bls::test::replay_options;
using bls::test::replay_server;

namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
// Recognisable, and unlike anything a message would contain by chance.
const std::string secret = "Zq7-SECRET-pw-4c1f9e";

// Everything the library said, in one place.
struct capture
{
    std::string text;
    void add(std::string_view s)
    {
        text.append(s);
        text.push_back('\n');
    }
    void add(const std::error_code& ec) { add(ec.message()); }
    void add(const bls::diagnostics& d)
    {
        add(d.server_message());
        add(d.sql_state());
        add(d.client_message());
    }
};

void connect_and_capture(const bls::connection_options& opts, capture& out, bool expect_success)
{
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::connection conn(co_await asio::this_coro::executor);
        bls::diagnostics diag;
        auto [ec] = co_await conn.async_connect(opts, diag, as_tuple_awaitable);
        out.add(ec);
        out.add(diag);
        BOOST_TEST(!ec == expect_success);
        if (!ec)
        {
            bls::resultset rs;
            auto [qec] = co_await conn.async_query("SHOW MASTER STATUS", rs, diag, as_tuple_awaitable);
            out.add(qec); // ER_PARSE_ERROR on 8.4: the error path of a query, captured too
            out.add(diag);
            co_await conn.async_close(as_tuple_awaitable);
        }
        // The throwing form: the exception's what() and its diagnostics.
        bls::connection conn2(co_await asio::this_coro::executor);
        bls::diagnostics diag2;
        try
        {
            co_await conn2.async_connect(opts, diag2, asio::use_awaitable);
            co_await conn2.async_close(asio::use_awaitable);
        }
        catch (const std::exception& e)
        {
            out.add(e.what());
            out.add(diag2);
        }
    });
}

void stream_and_capture(bls::connection_options conn, capture& out)
{
    bls::stream_options opts;
    opts.server_id = 4242;
    opts.start = bls::file_position{"binlog.000001", 4};
    opts.blocking = false;
    opts.reconnect.max_attempts = 2;
    opts.reconnect.initial_delay = std::chrono::milliseconds(1);
    opts.report_as = bls::replica_report{"replica-host", "report-user", secret, 3306};
    opts.log = [&out](bls::log_level, std::string_view line) { out.add(line); };
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
        try
        {
            for (;;)
                (void)co_await stream.next();
        }
        catch (const bls::error& e)
        {
            out.add(e.what());
            out.add(e.get_diagnostics());
        }
        out.add(stream.last_diagnostics());
        out.add(stream.position().to_string());
    });
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_security)

BOOST_AUTO_TEST_CASE(no_secret_in_any_message_log_or_exception)
{
    const auto& keys = bls::test::test_keys();
    const auto other = bls::test::make_key_material(); // a CA that signed nothing of the server's
    auto ca_file = bls::test::write_temp_file("replay-ca", keys.certificate_pem);
    auto other_ca_file = bls::test::write_temp_file("replay-other-ca", other.certificate_pem);
    auto key_file = bls::test::write_temp_file("replay-pub", keys.public_key_pem);

    replay_options o;
    o.password = secret;
    o.password_cached = false;
    o.tls_certificate_pem = keys.certificate_pem;
    o.tls_private_key_pem = keys.private_key_pem;
    o.rsa_private_key_pem = keys.private_key_pem;
    o.rsa_public_key_pem = keys.public_key_pem;
    o.binlog_files = {bls::test::shared_binlog(bls::test::compressed_file)};
    replay_server server(o);

    capture out;
    auto base = bls::test::replay_connection(server, secret);

    // Failures: the secret is the *client's* password in each case.
    auto plain_no_key = base; // full auth needed, no TLS, no key, fetch not allowed
    connect_and_capture(plain_no_key, out, false);
    auto bad_ca = base;
    bad_ca.ssl = bls::ssl_mode::verify_ca;
    bad_ca.ssl_ca = other_ca_file;
    connect_and_capture(bad_ca, out, false);
    auto bad_name = base;
    bad_name.ssl = bls::ssl_mode::verify_identity;
    bad_name.ssl_ca = ca_file; // the certificate names localhost, not 127.0.0.1
    connect_and_capture(bad_name, out, false);
    auto missing_key_file = base;
    missing_key_file.server_public_key_file = "/nonexistent/" + secret + "-not-a-path.pem";
    // The path itself is user input that may be quoted; only the password must never appear.
    connect_and_capture(missing_key_file, out, false);
    auto unreachable = base;
    unreachable.port = 1; // nothing listens there
    connect_and_capture(unreachable, out, false);

    // A wrong password: the server holds `secret`, the client sends this one, which must not leak
    // either.
    const std::string wrong = "Wrong-" + secret;
    auto wrong_tls = bls::test::replay_connection(server, wrong);
    wrong_tls.ssl = bls::ssl_mode::required;
    connect_and_capture(wrong_tls, out, false);
    auto wrong_rsa = wrong_tls;
    wrong_rsa.ssl = bls::ssl_mode::disabled;
    wrong_rsa.server_public_key_file = key_file;
    connect_and_capture(wrong_rsa, out, false);

    // Successes: TLS full authentication, RSA full authentication, fast authentication.
    auto tls = base;
    tls.ssl = bls::ssl_mode::verify_identity;
    tls.host = "localhost";
    tls.ssl_ca = ca_file;
    connect_and_capture(tls, out, true);
    auto rsa = base;
    rsa.get_server_public_key = true;
    connect_and_capture(rsa, out, true);

    // Streams: one that succeeds (with a report password) and one that cannot log in (retries
    // logged at warning level, then the error).
    stream_and_capture(tls, out);
    stream_and_capture(wrong_tls, out);

    // Remove the one place where the test itself put the secret into a message: the key-file path.
    std::string text = out.text;
    for (auto at = text.find(missing_key_file.server_public_key_file); at != std::string::npos;
         at = text.find(missing_key_file.server_public_key_file))
        text.erase(at, missing_key_file.server_public_key_file.size());
    BOOST_TEST(text.size() > 200u); // something was captured
    BOOST_TEST(text.find(secret) == std::string::npos);
    BOOST_TEST(text.find("4c1f9e") == std::string::npos);
    auto rec = server.record();
    BOOST_TEST(rec.cleartext_without_tls == 0u);
    BOOST_TEST_MESSAGE("captured " << text.size() << " bytes of messages");
}

// A server that switches the client to mysql_clear_password over plain TCP gets nothing: the client
// refuses before answering (errc::auth_needs_secure_transport). Over TLS the switch is honoured
// (the server, authenticated or not, then sees the password: see SECURITY.md on verify_identity).
BOOST_AUTO_TEST_CASE(a_switch_to_mysql_clear_password_without_tls_is_refused)
{
    replay_options o;
    o.password = secret;
    o.hostile_switch_to = "mysql_clear_password";
    replay_server server(o);
    std::error_code result;
    bls::diagnostics diag;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::connection conn(co_await asio::this_coro::executor);
        auto [ec] = co_await conn.async_connect(
            bls::test::replay_connection(server, secret), diag, as_tuple_awaitable
        );
        result = ec;
    });
    BOOST_TEST((result == bls::errc::auth_needs_secure_transport));
    BOOST_TEST(diag.client_message().find(secret) == std::string::npos);
    BOOST_TEST(server.record().cleartext_without_tls == 0u);
}

BOOST_AUTO_TEST_CASE(an_oversized_packet_ends_the_stream_with_packet_too_large)
{
    replay_options o;
    o.password = secret;
    o.binlog_files = {bls::test::shared_binlog(bls::test::compressed_file)};
    o.oversized_event = 3 * 1024 * 1024; // 3 MiB, one frame
    replay_server server(o);
    auto conn = bls::test::replay_connection(server, secret);
    conn.max_packet_size = 1024 * 1024;
    bls::stream_options opts;
    opts.server_id = 4242;
    opts.start = bls::file_position{"binlog.000001", 4};
    opts.reconnect.enabled = false;
    std::error_code end;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
            if (ec)
            {
                end = ec;
                co_return;
            }
        }
    });
    BOOST_TEST((end == bls::errc::packet_too_large));
    BOOST_TEST(server.record().events_sent == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
