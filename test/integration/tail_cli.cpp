// `binlogstream tail` as a command: --help lists every flag of the contract, usage errors exit 2,
// connection and authentication errors exit 3, a password is refused on the command line and never
// appears in the tool's output.

#include "integration/tail_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

namespace bt = binlogstream::test;
using bt::operator+;

BOOST_AUTO_TEST_SUITE(tail_cli)

BOOST_AUTO_TEST_CASE(help_lists_every_flag)
{
    auto dir = bt::tail_scratch("help");
    auto r = bt::run_tail({"tail", "--help"}, dir);
    BOOST_TEST(r.status == 0);
    for (const char* flag : {"--host",           "--port",          "--socket",
                             "--user",           "--password-file", "BINLOGSTREAM_PASSWORD",
                             "--ssl-mode",       "--ssl-ca",        "--ssl-cert",
                             "--ssl-key",        "--server-id",     "--start-file",
                             "--start-pos",      "--gtid",          "--mariadb-gtid",
                             "--from-end",       "--checkpoint",    "--stop-at",
                             "--non-blocking",   "--only-schemas",  "--only-tables",
                             "--ignore-schemas", "--ignore-tables", "--format",
                             "--progress",       "--heartbeat",     "--ddl",
                             "--transactions",   "Exit status"})
        BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
    auto top = bt::run_tail({"--help"}, dir);
    BOOST_TEST(top.out.find("tail") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2)
{
    auto dir = bt::tail_scratch("usage");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"tail", "--no-such-flag"},
             {"tail", "--format", "avro"},
             {"tail", "--port", "x"},
             {"tail", "--start-pos", "100"},
             {"tail", "--from-end", "--gtid", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"},
             {"tail", "--mariadb-gtid", "0-1"},
             {"tail", "--stop-at", "nocolon"},
             {"tail", "--ssl-mode", "sometimes"},
         })
    {
        auto r = bt::run_tail(args, dir);
        BOOST_TEST(r.status == 2, args.back());
        BOOST_TEST(r.out.empty());
        BOOST_TEST(!r.err.empty());
    }
}

BOOST_AUTO_TEST_CASE(password_on_the_command_line_is_refused)
{
    auto dir = bt::tail_scratch("argv");
    const std::string secret = "s3cret-on-argv";
    for (const auto& flag : {std::string("--password=") + secret, std::string("-p") + secret})
    {
        auto r = bt::run_tail(bt::tail_connection_args() + std::vector<std::string>{flag}, dir);
        BOOST_TEST(r.status == 2);
        BOOST_TEST(r.err.find("password-file") != std::string::npos);
        BOOST_TEST(r.err.find(secret) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(connection_errors_exit_3_and_never_show_the_password)
{
    const auto& sb = bt::sandbox();
    auto dir = bt::tail_scratch("password");
    // Wrong password (through the environment): authentication fails.
    const std::string wrong = "wrong-Pa55word-xyz";
    auto out = dir + "/o", err = dir + "/e";
    auto pid = bt::spawn_tail(
        bt::tail_connection_args() + std::vector<std::string>{"--non-blocking"}, out, err, wrong
    );
    BOOST_TEST(bt::wait_tail(pid) == 3);
    auto text = bt::read_file(out) + bt::read_file(err);
    BOOST_TEST(!text.empty());
    BOOST_TEST(text.find(wrong) == std::string::npos);

    // Nothing listens: connection refused.
    auto args = bt::tail_connection_args();
    args[4] = "1"; // --port 1
    auto refused = bt::run_tail(args + std::vector<std::string>{"--non-blocking"}, dir);
    BOOST_TEST(refused.status == 3);
    BOOST_TEST((refused.out + refused.err).find(sb.password) == std::string::npos);

    // A good run with --password-file, --progress and every output option: the password nowhere.
    bt::run_command("printf '%s\\n' '" + sb.password + "' > " + dir + "/pw");
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_tail_pw; CREATE TABLE IF NOT EXISTS bls_tail_pw.p (s "
                  "VARCHAR(64)); INSERT INTO bls_tail_pw.p VALUES ('x')");
    auto start = bt::from_here();
    bt::admin_sql("INSERT INTO bls_tail_pw.p VALUES ('y')");
    auto ok_out = dir + "/ok", ok_err = dir + "/okerr";
    auto good = bt::spawn_tail(
        bt::tail_connection_args() + start +
            std::vector<std::string>{
                "--password-file", dir + "/pw", "--non-blocking", "--progress", "--ddl", "--transactions"},
        ok_out,
        ok_err,
        "not-the-password-env"
    );
    BOOST_TEST(bt::wait_tail(good) == 0);
    auto good_text = bt::read_file(ok_out) + bt::read_file(ok_err);
    BOOST_TEST(good_text.find("\"y\"") != std::string::npos); // the file's password was used
    BOOST_TEST(good_text.find(sb.password) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(tls_and_unix_socket_connections)
{
    const auto& sb = bt::sandbox();
    auto dir = bt::tail_scratch("tls");
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_tail_pw; CREATE TABLE IF NOT EXISTS bls_tail_pw.p (s "
                  "VARCHAR(64))");
    auto start = bt::from_here();
    bt::admin_sql("INSERT INTO bls_tail_pw.p VALUES ('tls')");
    auto base = [&] {
        return std::vector<std::string>{
                   "tail", "--user", sb.user, "--non-blocking", "--only-schemas", "bls_tail_pw"} +
               start;
    };
    // The server's certificate names localhost and is signed by the sandbox CA; a client certificate too.
    auto verified = bt::run_tail(
        base() +
            std::vector<std::string>{
                "--host",
                "localhost",
                "--port",
                std::to_string(sb.port),
                "--ssl-mode",
                "verify_identity",
                "--ssl-ca",
                sb.ssl_ca,
                "--ssl-cert",
                sb.client_cert,
                "--ssl-key",
                sb.client_key},
        dir
    );
    BOOST_TEST_REQUIRE(verified.status == 0, verified.err);
    BOOST_TEST(verified.out.find("\"tls\"") != std::string::npos);
    // A CA that did not sign the server's certificate: a connection error.
    auto wrong_ca = bt::run_tail(
        base() +
            std::vector<std::string>{
                "--host",
                sb.host,
                "--port",
                std::to_string(sb.port),
                "--ssl-mode",
                "verify_ca",
                "--ssl-ca",
                sb.other_ca},
        dir
    );
    BOOST_TEST(wrong_ca.status == 3);
    BOOST_TEST(wrong_ca.out.empty());
    // TLS required from the server without TLS.
    auto no_tls = bt::run_tail(
        base() + std::vector<std::string>{"--port", std::to_string(sb.plain_port), "--ssl-mode", "required"},
        dir
    );
    BOOST_TEST(no_tls.status == 3);
    auto socket = bt::run_tail(base() + std::vector<std::string>{"--socket", sb.socket}, dir);
    BOOST_TEST_REQUIRE(socket.status == 0, socket.err);
    BOOST_TEST(socket.out.find("\"tls\"") != std::string::npos);
}

// --verbose: a KILL of the tool's dump thread shows on stderr as the lost link with its reason,
// attempt 1 and its wait, the new dump request and "streaming again"; the password appears nowhere.
// The waits are bounded polls (10 s at most each), not timed assertions.
BOOST_AUTO_TEST_CASE(verbose_logs_a_reconnect_and_never_the_password)
{
    const auto& sb = bt::sandbox();
    auto dir = bt::tail_scratch("verbose");
    auto out = dir + "/o", err = dir + "/e";
    // The replication user's dump threads: those there before the tool starts are other streams'.
    auto dump_ids = [&] {
        auto rows = bt::admin_sql(
            "SELECT id FROM information_schema.PROCESSLIST WHERE command = 'Binlog Dump' AND user = '" +
            sb.user + "'"
        );
        std::vector<std::string> list;
        for (std::size_t at = 0; at < rows.size();)
        {
            auto nl = std::min(rows.find('\n', at), rows.size());
            if (nl > at)
                list.push_back(rows.substr(at, nl - at));
            at = nl + 1;
        }
        return list;
    };
    const auto others = dump_ids();
    auto pid = bt::spawn_tail(
        bt::tail_connection_args(7311) + std::vector<std::string>{"--verbose", "--heartbeat", "1"},
        out,
        err,
        sb.password
    );
    std::vector<std::string> ids;
    for (int i = 0; i < 200 && ids.empty(); ++i)
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (const auto& id : dump_ids())
            if (std::find(others.begin(), others.end(), id) == others.end())
                ids.push_back(id);
    }
    for (const auto& id : ids)
        bt::admin_sql("KILL " + id);
    std::string text;
    for (int i = 0; i < 200 && (text = bt::read_file(err)).find("streaming again") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(pid, SIGTERM);
    BOOST_TEST(bt::wait_tail(pid) == 0);
    text = bt::read_file(out) + bt::read_file(err);
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(!ids.empty());
    BOOST_TEST(text.find("Z debug: stream: dump requested at ") != std::string::npos);
    BOOST_TEST(text.find("Z warning: stream: connection lost (") != std::string::npos);
    BOOST_TEST(text.find("), reconnect attempt 1 in ") != std::string::npos);
    BOOST_TEST(
        text.find("Z info: stream: streaming again after 1 reconnect attempt(s)") != std::string::npos
    );
    BOOST_TEST(text.find(sb.password) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
