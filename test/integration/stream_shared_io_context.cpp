// Many clients on one thread: two binlog_streams, an HTTP-like responder and the connection that
// writes the load share one io_context run by one thread. Nothing is timed: the test drives the load
// in batches and asserts on order and progress. Each batch is written, then the responder is asked
// (over TCP, from the same thread) until both streams report the whole batch; so every batch shows
// requests answered while the streams wait on their sockets and both streams delivering rows between
// requests. Rows are compared with the ids the test inserted.

#include <binlogstream/connection.hpp>

#include "stream_test_support.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using asio::ip::tcp;

namespace {

constexpr auto tuple_token = asio::experimental::as_tuple(asio::use_awaitable);

struct shared_state
{
    std::vector<int> ids_a, ids_b; // row ids each stream delivered, in order
    std::string trace;             // 'a' / 'b' per row delivered, 'h' per request answered
};

asio::awaitable<void>
consume(bls::binlog_stream& stream, std::vector<int>& ids, std::string& trace, char mark)
{
    for (;;)
    {
        auto [ec, ev] = co_await stream.async_next(tuple_token);
        if (ec)
            co_return; // closed at the end of the test
        if (auto* w = std::get_if<bls::write_rows_event>(&ev);
            w && w->table && w->table->table == "shared_load")
            for (const auto& r : w->rows())
            {
                ids.push_back(std::stoi(bt::image_json(r.after).at("id")));
                trace += mark;
            }
    }
}

// One request per connection: "GET /progress", answered with the two stream counters.
asio::awaitable<void> answer(tcp::socket socket, shared_state& st)
{
    std::string request;
    auto [ec, n] =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n", tuple_token);
    if (ec)
        co_return;
    std::string body = std::to_string(st.ids_a.size()) + " " + std::to_string(st.ids_b.size());
    st.trace += 'h';
    std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n" + body;
    co_await asio::async_write(socket, asio::buffer(response), tuple_token);
}

asio::awaitable<void> serve(tcp::acceptor& acceptor, shared_state& st)
{
    for (;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(tuple_token);
        if (ec)
            co_return;
        asio::co_spawn(acceptor.get_executor(), answer(std::move(socket), st), asio::detached);
    }
}

// The client side of one request: the two counters the responder reported.
asio::awaitable<std::pair<std::size_t, std::size_t>> get_progress(tcp::endpoint at)
{
    tcp::socket s(co_await asio::this_coro::executor);
    co_await s.async_connect(at, asio::use_awaitable);
    std::string request = "GET /progress HTTP/1.1\r\nHost: localhost\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(request), asio::use_awaitable);
    std::string response;
    auto [ec, n] = co_await asio::async_read(s, asio::dynamic_buffer(response), tuple_token);
    BOOST_REQUIRE(ec == asio::error::eof);
    auto body = response.substr(response.find("\r\n\r\n") + 4);
    auto space = body.find(' ');
    co_return std::pair<std::size_t, std::size_t>{
        std::stoul(body.substr(0, space)), std::stoul(body.substr(space + 1))};
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_shared_io_context)

BOOST_AUTO_TEST_CASE(two_streams_and_a_responder_share_one_thread)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_stream; DROP TABLE IF EXISTS bls_stream.shared_load;"
                  "CREATE TABLE bls_stream.shared_load (id INT PRIMARY KEY, note VARCHAR(20))");
    const auto start = bt::current_binlog_position();
    constexpr int batches = 8, statements_per_batch = 5, rows_per_statement = 10;
    constexpr std::size_t rows_per_batch = statements_per_batch * rows_per_statement;

    shared_state st;
    std::vector<std::pair<std::size_t, std::size_t>> answers;
    std::vector<std::size_t> answers_at_batch_end; // index into answers of each batch's last answer
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto ex = co_await asio::this_coro::executor;
            bls::stream_options opts;
            opts.server_id = 7101;
            opts.start = start;
            bls::binlog_stream a(ex, bt::sandbox_connection(), opts);
            opts.server_id = 7102;
            bls::binlog_stream b(ex, bt::sandbox_connection(), opts);
            tcp::acceptor acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0});
            asio::co_spawn(ex, consume(a, st.ids_a, st.trace, 'a'), asio::detached);
            asio::co_spawn(ex, consume(b, st.ids_b, st.trace, 'b'), asio::detached);
            asio::co_spawn(ex, serve(acceptor, st), asio::detached);

            // The load, written from this thread too, through the library's own connection.
            auto admin = bt::sandbox_connection();
            admin.user = bt::sandbox().admin_user;
            admin.password = bt::sandbox().admin_password;
            bls::connection writer(ex);
            bls::diagnostics diag;
            co_await writer.async_connect(admin, diag, asio::use_awaitable);
            int id = 0;
            for (int batch = 1; batch <= batches; ++batch)
            {
                for (int s = 0; s < statements_per_batch; ++s)
                {
                    std::string sql = "INSERT INTO bls_stream.shared_load VALUES ";
                    for (int r = 0; r < rows_per_statement; ++r)
                    {
                        ++id;
                        sql += (r ? "," : "") +
                               ("(" + std::to_string(id) + ",'row " + std::to_string(id) + "')");
                    }
                    bls::resultset rs;
                    co_await writer.async_query(sql, rs, diag, asio::use_awaitable);
                }
                const auto target = batch * rows_per_batch;
                for (;;)
                {
                    auto got = co_await get_progress(acceptor.local_endpoint());
                    answers.push_back(got);
                    if (got.first >= target && got.second >= target)
                        break;
                }
                answers_at_batch_end.push_back(answers.size() - 1);
            }
            writer.close();
            a.close();
            b.close();
            acceptor.close();
        },
        std::chrono::seconds(120)
    );

    const std::size_t total = batches * rows_per_batch;
    std::vector<int> expected(total);
    for (std::size_t i = 0; i < total; ++i)
        expected[i] = int(i + 1);
    BOOST_TEST(st.ids_a == expected, boost::test_tools::per_element());
    BOOST_TEST(st.ids_b == expected, boost::test_tools::per_element());

    // Every request was answered, with counters that only grow.
    BOOST_TEST(std::count(st.trace.begin(), st.trace.end(), 'h') == std::ptrdiff_t(answers.size()));
    for (std::size_t i = 1; i < answers.size(); ++i)
    {
        BOOST_TEST(answers[i].first >= answers[i - 1].first);
        BOOST_TEST(answers[i].second >= answers[i - 1].second);
    }
    // Batch by batch: between the answer that closed the previous batch and the one that closes this
    // batch, both streams delivered that batch's rows, interleaved with the responder's answers.
    std::size_t answered = 0, from = 0;
    for (int batch = 0; batch < batches; ++batch)
    {
        const auto last = answers_at_batch_end[batch];
        // Position in the trace just after the answer `last`.
        std::size_t to = from;
        while (answered <= last)
            answered += st.trace[to++] == 'h';
        auto segment = st.trace.substr(from, to - from);
        BOOST_TEST_CONTEXT("batch " << batch + 1 << ": " << segment)
        {
            BOOST_TEST(std::size_t(std::count(segment.begin(), segment.end(), 'a')) == rows_per_batch);
            BOOST_TEST(std::size_t(std::count(segment.begin(), segment.end(), 'b')) == rows_per_batch);
            BOOST_TEST(segment.back() == 'h');
        }
        from = to;
    }
    std::size_t mid_batch = 0;
    for (auto [x, y] : answers)
        mid_batch += (x % rows_per_batch != 0) || (y % rows_per_batch != 0);
    BOOST_TEST_MESSAGE(
        answers.size() << " requests answered, " << mid_batch << " of them while a stream was mid-batch"
    );
}

BOOST_AUTO_TEST_SUITE_END()
