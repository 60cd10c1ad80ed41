// Backpressure: with a bounded queue (queue_depth) and a consumer that stops taking events, the reader
// stops reading the socket, so a 200,000-row transaction (about 40 MB of binlog) never piles up in the
// process. Measured through a loopback proxy (how many bytes the client accepted while the consumer
// paused) and the process's resident memory (/proc/self/statm) while the whole transaction is consumed.
// No assertion is about time: the pause ends when the proxy's byte count stops moving.

#include "common/tcp_proxy.hpp"
#include "stream_fault_support.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <fstream>
#include <unistd.h>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

std::uint64_t resident_bytes()
{
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

// Decodes every row (the benchmark-like part of the consumer's work) and counts them.
std::size_t count_rows(const bls::write_rows_event& w)
{
    std::size_t n = 0;
    for (const auto& r : w.rows())
        n += r.after.exists() ? 1 : 0;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_backpressure)

BOOST_AUTO_TEST_CASE(a_slow_consumer_stops_the_reader_and_memory_stays_bounded)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_bp; DROP TABLE IF EXISTS bls_bp.big;"
                  "CREATE TABLE bls_bp.big (id INT PRIMARY KEY, note VARCHAR(200))");
    const auto start = bt::current_binlog_position();
    constexpr int rows_total = 200000;
    bt::admin_sql(
        "USE bls_bp; INSERT INTO bls_bp.big SELECT seq, REPEAT('n', 180) FROM seq_1_to_" +
        std::to_string(rows_total)
    );
    const auto end = bt::current_binlog_position();
    BOOST_REQUIRE(end.file == start.file);
    const auto transaction_bytes = end.offset - start.offset;
    bt::tcp_proxy proxy(bt::sandbox().host, bt::sandbox().port);

    std::uint64_t bytes_while_paused = 0, rss_base = 0, rss_peak = 0;
    std::size_t rows = 0;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto conn = bt::sandbox_connection();
            conn.port = proxy.port();
            bls::stream_options opts;
            opts.server_id = 7501;
            opts.start = start;
            opts.blocking = false;
            opts.queue_depth = 8;
            bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
            // Take events until the first rows event: the transaction is flowing.
            for (int i = 0; i < 100 && rows == 0; ++i)
                if (auto ev = co_await stream.next(); auto* w = std::get_if<bls::write_rows_event>(&ev))
                    rows += count_rows(*w);
            rss_base = resident_bytes();
            // The pause: wait until the proxy forwards nothing more (6 still looks 50 ms apart), at most
            // 200 looks.
            asio::steady_timer timer(co_await asio::this_coro::executor);
            std::uint64_t last = proxy.bytes_to_clients();
            for (int looks = 0, still = 0; looks < 200 && still < 6; ++looks)
            {
                timer.expires_after(50ms);
                co_await timer.async_wait(asio::use_awaitable);
                auto now = proxy.bytes_to_clients();
                still = now == last ? still + 1 : 0;
                last = now;
            }
            bytes_while_paused = last;
            // Now consume everything, watching resident memory.
            rss_peak = resident_bytes();
            for (int i = 0; i < 1000000; ++i)
            {
                auto [ec, ev] = co_await stream.async_next(asio::experimental::as_tuple(asio::use_awaitable));
                if (ec)
                {
                    BOOST_TEST(ec == bls::errc::end_of_stream);
                    break;
                }
                if (auto* w = std::get_if<bls::write_rows_event>(&ev))
                    rows += count_rows(*w);
                if (i % 64 == 0)
                    rss_peak = std::max(rss_peak, resident_bytes());
            }
        },
        60s
    );
    BOOST_TEST_MESSAGE(
        "transaction: " << transaction_bytes << " bytes; accepted while paused: " << bytes_while_paused
                        << " bytes; resident memory " << rss_base / 1024 << " KiB at the pause, peak "
                        << rss_peak / 1024 << " KiB"
    );
    BOOST_TEST(rows == std::size_t(rows_total));
    BOOST_TEST(transaction_bytes > 30u * 1024 * 1024);
    // Kernel socket buffers (client receive + proxy send, a few MiB on loopback) and queue_depth events
    // are all that may pass while the consumer pauses, far below the transaction.
    BOOST_TEST(bytes_while_paused < transaction_bytes / 3);
    // Consuming the whole transaction grows the process by far less than the transaction's size.
    // (Not under AddressSanitizer: its quarantine keeps freed memory resident on purpose.)
#if !defined(__SANITIZE_ADDRESS__)
    BOOST_TEST(rss_peak < rss_base + 16u * 1024 * 1024);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
