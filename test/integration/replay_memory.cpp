// Memory of one huge transaction (issue 6, item 3, first point): the replay server streams a single
// transaction of at least 1 GiB of WRITE_ROWS events (synthetic mode, generated on the fly from the
// rows of a recorded MySQL 9.6.0 binlog), and the stream hands it out event by event. The process's
// resident set (VmRSS from /proc/self/status) is sampled while it runs: it must not grow by more than
// 16 MiB over what the process held before the stream started (the test binary's own baseline,
// Boost.Test, OpenSSL and the other tests' leftovers, is reported, not counted). Run alone
// (--run_test=replay_memory) the process's peak (VmHWM) is printed too.

#include "integration/replay_common.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <fstream>

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

BOOST_AUTO_TEST_CASE(a_1_gib_transaction_streams_in_bounded_memory)
{
    constexpr std::uint64_t transaction_bytes = std::uint64_t(1) << 30;
    bls::test::replay_options o;
    o.password = "Replay-memory-77aa";
    o.binlog_files = {bls::test::shared_binlog(bls::test::tagged_gtid_file)};
    o.synthetic_transaction_bytes = transaction_bytes;
    bls::test::replay_server server(o);

    bls::stream_options opts;
    opts.server_id = 4242;
    opts.start = bls::file_position{"binlog.000001", 4};
    opts.blocking = false;
    opts.reconnect.enabled = false;

    std::uint64_t rows_bytes = 0, rows_events = 0, xids = 0, sampled_rows = 0;
    std::uint64_t baseline = 0, peak = 0;
    std::error_code end;
    bls::test::run_replay(
        [&]() -> asio::awaitable<void> {
            bls::binlog_stream stream(
                co_await asio::this_coro::executor, bls::test::replay_connection(server, o.password), opts
            );
            baseline = status_kib("VmRSS");
            peak = baseline;
            for (;;)
            {
                auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
                if (ec)
                {
                    end = ec;
                    break;
                }
                if (const auto* w = std::get_if<bls::write_rows_event>(&ev))
                {
                    rows_bytes += w->header.event_size;
                    // Decode the rows of one event in 1024: the values are the file's row.
                    if (rows_events++ % 1024 == 0)
                    {
                        std::size_t n = 0;
                        for (const auto& r : w->rows())
                        {
                            (void)r;
                            ++n;
                        }
                        BOOST_TEST(n == 4096u);
                        ++sampled_rows;
                    }
                    if (rows_events % 64 == 0)
                        peak = std::max(peak, status_kib("VmRSS"));
                }
                else if (std::holds_alternative<bls::xid_event>(ev))
                    ++xids;
            }
        },
        std::chrono::seconds(300)
    );
    peak = std::max(peak, status_kib("VmRSS"));
    BOOST_TEST((end == bls::errc::end_of_stream));
    BOOST_TEST(rows_bytes >= transaction_bytes);
    BOOST_TEST(xids == 1u); // one transaction
    BOOST_TEST(sampled_rows > 0u);
    const auto growth_kib = peak - baseline;
    BOOST_TEST_MESSAGE(
        "1 GiB transaction: " << rows_events << " WRITE_ROWS events, " << rows_bytes
                              << " bytes; VmRSS baseline " << baseline << " KiB, peak " << peak
                              << " KiB, growth " << growth_kib << " KiB; process VmHWM "
                              << status_kib("VmHWM") << " KiB"
    );
    BOOST_TEST(growth_kib <= 16u * 1024u);
}

BOOST_AUTO_TEST_SUITE_END()
