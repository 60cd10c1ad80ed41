// Memory of one huge transaction (issue 6, item 3, first point): the replay server (in a child
// process) streams a single transaction of at least 1 GiB of WRITE_ROWS events (synthetic mode,
// generated on the fly from the rows of a recorded MySQL 9.6.0 binlog), plain or inside one
// TRANSACTION_PAYLOAD, and the stream hands it out event by event. The client process's resident set
// (VmRSS from /proc/self/status) is sampled while it runs: it must not grow by more than 16 MiB over
// what the process held before the stream started (the test binary's own baseline, Boost.Test,
// OpenSSL and the other tests' leftovers, is reported, not counted). Run alone
// (--run_test=replay_memory) the process's peak (VmHWM) is printed too.

#include "integration/replay_common.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace bls = binlogstream;

namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM").
std::uint64_t status_kib(const std::string& field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stoull(line.substr(field.size() + 1));
    return 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_memory)

namespace {

struct measured
{
    std::uint64_t rows_bytes = 0, rows_events = 0, xids = 0, payloads = 0, sampled_rows = 0;
    std::uint64_t baseline = 0, peak = 0;
    std::error_code end;
};

measured stream_one_huge_transaction(std::uint64_t transaction_bytes, bool in_payload)
{
    bls::test::replay_options o;
    o.password = "Replay-memory-77aa";
    o.binlog_files = {bls::test::shared_binlog(bls::test::tagged_gtid_file)};
    o.synthetic_transaction_bytes = transaction_bytes;
    o.synthetic_in_payload = in_payload;

    // The server runs in a child process, so that the figures are the client's alone (its zstd
    // compressor and packet copies would otherwise count). The child tells its port through a pipe
    // and serves until the parent closes it.
    int to_parent[2], to_child[2];
    BOOST_REQUIRE(::pipe(to_parent) == 0 && ::pipe(to_child) == 0);
    pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0)
    {
        // The child never returns into the test framework.
        try
        {
            ::close(to_parent[0]);
            ::close(to_child[1]);
            bls::test::replay_server server(o);
            std::uint16_t port = server.port();
            if (::write(to_parent[1], &port, sizeof port) != sizeof port)
                ::_exit(1);
            char c;
            while (::read(to_child[0], &c, 1) > 0)
            {}
        }
        catch (...)
        {
            ::_exit(2);
        }
        ::_exit(0);
    }
    ::close(to_parent[1]);
    ::close(to_child[0]);
    std::uint16_t port = 0;
    BOOST_REQUIRE(::read(to_parent[0], &port, sizeof port) == sizeof port);
    ::close(to_parent[0]);
    bls::connection_options conn;
    conn.host = "127.0.0.1";
    conn.port = port;
    conn.user = o.user;
    conn.password = o.password;
    conn.ssl = bls::ssl_mode::disabled;

    bls::stream_options opts;
    opts.server_id = 4242;
    opts.start = bls::file_position{"binlog.000001", 4};
    opts.blocking = false;
    opts.reconnect.enabled = false;

    measured m;
    bls::test::run_replay(
        [&]() -> asio::awaitable<void> {
            bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
            m.baseline = status_kib("VmRSS");
            m.peak = m.baseline;
            for (;;)
            {
                auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
                if (ec)
                {
                    m.end = ec;
                    break;
                }
                if (const auto* w = std::get_if<bls::write_rows_event>(&ev))
                {
                    m.rows_bytes += w->header.event_size;
                    // Decode the rows of one event in 1024.
                    if (m.rows_events++ % 1024 == 0)
                    {
                        std::size_t n = 0;
                        for (const auto& r : w->rows())
                        {
                            (void)r;
                            ++n;
                        }
                        BOOST_TEST(n == 4096u);
                        ++m.sampled_rows;
                    }
                    if (m.rows_events % 64 == 0)
                        m.peak = std::max(m.peak, status_kib("VmRSS"));
                }
                else if (std::holds_alternative<bls::xid_event>(ev))
                    ++m.xids;
                else if (std::holds_alternative<bls::transaction_payload_event>(ev))
                    ++m.payloads;
            }
        },
        std::chrono::seconds(300)
    );
    m.peak = std::max(m.peak, status_kib("VmRSS"));
    ::close(to_child[1]);
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    return m;
}

void check(const measured& m, std::uint64_t transaction_bytes, const char* what)
{
    BOOST_TEST((m.end == bls::errc::end_of_stream));
    BOOST_TEST(m.rows_bytes >= transaction_bytes);
    BOOST_TEST(m.xids == 1u); // one transaction
    BOOST_TEST(m.sampled_rows > 0u);
    const auto growth_kib = m.peak - m.baseline;
    BOOST_TEST_MESSAGE(
        what << ": " << m.rows_events << " WRITE_ROWS events, " << m.rows_bytes << " bytes; VmRSS baseline "
             << m.baseline << " KiB, peak " << m.peak << " KiB, growth " << growth_kib
             << " KiB; process VmHWM " << status_kib("VmHWM") << " KiB"
    );
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed blocks in quarantine (256 MiB by default): RSS says nothing then.
    BOOST_TEST_MESSAGE("RSS bound not checked under AddressSanitizer");
#else
    BOOST_TEST(growth_kib <= 16u * 1024u);
#endif
}

constexpr std::uint64_t one_gib = std::uint64_t(1) << 30;

} // namespace

BOOST_AUTO_TEST_CASE(a_1_gib_transaction_of_rows_events_streams_in_bounded_memory)
{
    auto m = stream_one_huge_transaction(one_gib, false);
    BOOST_TEST(m.payloads == 0u);
    check(m, one_gib, "1 GiB transaction, rows events");
}

// The same transaction inside one TRANSACTION_PAYLOAD_EVENT: the payload (zstd) is decompressed
// event by event (codec::payload_reader), never whole.
BOOST_AUTO_TEST_CASE(a_1_gib_transaction_payload_streams_in_bounded_memory)
{
    auto m = stream_one_huge_transaction(one_gib, true);
    BOOST_TEST(m.payloads == 1u);
    check(m, one_gib, "1 GiB transaction in one TRANSACTION_PAYLOAD");
}

BOOST_AUTO_TEST_SUITE_END()
