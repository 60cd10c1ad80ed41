// The awaitable file_reader form (async_file_reader.hpp): a coroutine on an io_context reads a real
// binlog with co_await while the reads run on a thread pool; it must see exactly the events the
// synchronous reader gives, in order, resume on its own thread, and end with errc::end_of_stream.

#include <binlogstream/async_file_reader.hpp>

#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>
#include <vector>

namespace bls = binlogstream;

namespace {

struct seen_event
{
    std::uint8_t type;
    std::uint64_t offset;
    std::uint32_t size;
    friend bool operator==(const seen_event&, const seen_event&) = default;
};

std::ostream& operator<<(std::ostream& os, const seen_event& e)
{
    return os << int(e.type) << "@" << e.offset << "+" << e.size;
}

seen_event describe(const bls::event& ev, const bls::file_reader& r)
{
    const auto& h = std::visit([](const auto& e) -> const bls::event_header& { return e.header; }, ev);
    return {static_cast<std::uint8_t>(h.type), r.position().offset, h.event_size};
}

const std::string file =
    std::string(BINLOGSTREAM_TESTDATA_DIR) + "/rust_mysql_common/test-data/binlogs/mariadb-bin.000001";

asio::awaitable<void> read_all(
    bls::file_reader& reader,
    asio::any_io_executor pool,
    std::vector<seen_event>& out,
    std::error_code& end,
    bool& always_on_caller_thread,
    std::thread::id caller
)
{
    for (;;)
    {
        auto [ec, ev] =
            co_await bls::async_next(reader, pool, asio::experimental::as_tuple(asio::use_awaitable));
        always_on_caller_thread = always_on_caller_thread && std::this_thread::get_id() == caller;
        if (ec)
        {
            end = ec;
            co_return;
        }
        out.push_back(describe(ev, reader));
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(file_reader_async)

BOOST_AUTO_TEST_CASE(same_events_as_the_synchronous_reader)
{
    std::vector<seen_event> expected;
    {
        bls::file_reader sync;
        sync.open({file});
        bls::event ev;
        std::error_code ec;
        while (sync.next(ev, ec))
            expected.push_back(describe(ev, sync));
        BOOST_TEST_REQUIRE((ec == bls::errc::end_of_stream), ec.message());
    }
    BOOST_TEST_REQUIRE(expected.size() == 13u); // MANIFEST: 13 events

    asio::io_context io;
    asio::thread_pool pool(1);
    bls::file_reader reader;
    reader.open({file});
    std::vector<seen_event> got;
    std::error_code end;
    bool on_caller = true;
    asio::co_spawn(
        io,
        read_all(reader, pool.get_executor(), got, end, on_caller, std::this_thread::get_id()),
        asio::detached
    );
    io.run();
    pool.join();
    BOOST_TEST(got == expected, boost::test_tools::per_element());
    BOOST_TEST((end == bls::errc::end_of_stream), end.message());
    BOOST_TEST(on_caller);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_not_a_hang)
{
    asio::io_context io;
    asio::thread_pool pool(1);
    bls::file_reader reader;
    reader.open({"/nonexistent/binlog.000001"});
    std::error_code got;
    bool called = false;
    bls::async_next(reader, pool.get_executor(), asio::bind_executor(io, [&](std::error_code ec, bls::event) {
                        got = ec;
                        called = true;
                    }));
    io.run();
    pool.join();
    BOOST_TEST(called);
    BOOST_TEST((got == std::errc::no_such_file_or_directory), got.message());
}

BOOST_AUTO_TEST_SUITE_END()
