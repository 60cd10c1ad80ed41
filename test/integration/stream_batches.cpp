// Events travel from the stream's reader to the consumer in batches (queue_depth / 8 per channel
// message) and are handed out one by one. What must hold whatever the batching: order, nothing lost or
// repeated, a checkpoint that counts only the events handed out, close() refusing the rest of a batch,
// and an event delivered while the reader waits for the server, not when a batch fills. Expected ids
// come from the SQL; expected offsets from the server (its end_log_pos in each event's header).

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "stream_test_support.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <string>
#include <vector>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

constexpr auto tuple_token = asio::experimental::as_tuple(asio::use_awaitable);

// The `id` values of a write_rows event (the table's first column).
std::vector<std::int64_t> ids_of(const bls::event& ev)
{
    std::vector<std::int64_t> ids;
    if (const auto* w = std::get_if<bls::write_rows_event>(&ev))
        for (const auto& r : w->rows())
            ids.push_back(std::stoll(bt::image_json(r.after).at("id")));
    return ids;
}

// `n` single-row transactions into a fresh table; returns the binlog position before them.
bls::file_position insert_rows(const std::string& table, int n)
{
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_batches; DROP TABLE IF EXISTS bls_batches." + table +
        "; CREATE TABLE bls_batches." + table + " (id INT PRIMARY KEY)"
    );
    auto start = bt::current_binlog_position();
    std::string sql;
    for (int i = 1; i <= n; ++i)
        sql += "INSERT INTO bls_batches." + table + " VALUES (" + std::to_string(i) + ");";
    bt::admin_sql(sql);
    return start;
}

bls::stream_options from(const bls::file_position& start, std::uint32_t server_id)
{
    bls::stream_options o;
    o.server_id = server_id;
    o.start = start;
    o.blocking = false;
    o.queue_depth = 64; // batches of 8
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_batches)

BOOST_AUTO_TEST_CASE(both_forms_hand_out_every_event_in_order)
{
    // 300 transactions of 4 events each: many full batches. next() and async_next() alternate, so
    // both take events from the middle of a batch.
    auto start = insert_rows("ordered", 300);
    auto end = bt::current_binlog_position();
    std::vector<std::int64_t> ids;
    bls::stream_position last;
    std::error_code finish;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(
            co_await asio::this_coro::executor, bt::sandbox_connection(), from(start, 7601)
        );
        for (std::size_t i = 0;; ++i)
        {
            bls::event ev;
            if (i % 3 == 0)
            {
                try
                {
                    ev = co_await stream.next();
                }
                catch (const bls::error& e)
                {
                    finish = e.code();
                    break;
                }
            }
            else
            {
                auto [ec, got] = co_await stream.async_next(tuple_token);
                if (ec)
                {
                    finish = ec;
                    break;
                }
                ev = std::move(got);
            }
            for (auto id : ids_of(ev))
                ids.push_back(id);
        }
        last = stream.position();
    });
    BOOST_TEST(finish == bls::errc::end_of_stream, finish.message());
    BOOST_REQUIRE_EQUAL(ids.size(), 300u);
    for (std::size_t i = 0; i < ids.size(); ++i)
        BOOST_REQUIRE_EQUAL(ids[i], std::int64_t(i + 1));
    // Everything was handed out: the checkpoint is the server's end of the binlog.
    BOOST_TEST(last.file.file == end.file);
    BOOST_TEST(last.file.offset == end.offset);
}

BOOST_AUTO_TEST_CASE(checkpoint_counts_only_what_was_handed_out)
{
    // The reader runs ahead (the whole range fits the queue); the consumer stops in the middle of a
    // batch, after the XID of id 37. The checkpoint is that XID's end, whatever is still queued;
    // close() refuses the rest; a new stream from the checkpoint starts at id 38.
    auto start = insert_rows("checkpoint", 100);
    std::uint64_t xid_end = 0;
    std::string checkpoint;
    std::error_code after_close;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(
            co_await asio::this_coro::executor, bt::sandbox_connection(), from(start, 7602)
        );
        bool seen_37 = false;
        for (;;)
        {
            auto ev = co_await stream.next();
            for (auto id : ids_of(ev))
                seen_37 = seen_37 || id == 37;
            if (const auto* x = std::get_if<bls::xid_event>(&ev); x && seen_37)
            {
                xid_end = x->header.log_pos;
                break;
            }
        }
        // Let the reader fill the queue behind the consumer.
        asio::steady_timer pause(co_await asio::this_coro::executor, 200ms);
        co_await pause.async_wait(asio::use_awaitable);
        checkpoint = stream.position().to_string();
        BOOST_TEST(stream.position().file.offset == xid_end);
        stream.close();
        auto [ec, ev] = co_await stream.async_next(tuple_token);
        after_close = ec;
    });
    BOOST_TEST(xid_end != 0u);
    BOOST_TEST(after_close == asio::error::operation_aborted, after_close.message());

    std::vector<std::int64_t> ids;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        auto opts = from(start, 7603);
        opts.start = bls::stream_position::parse(checkpoint).resume();
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(tuple_token);
            if (ec)
                break;
            for (auto id : ids_of(ev))
                ids.push_back(id);
        }
    });
    BOOST_REQUIRE_EQUAL(ids.size(), 63u);
    BOOST_TEST(ids.front() == 38);
    BOOST_TEST(ids.back() == 100);
}

BOOST_AUTO_TEST_CASE(an_event_is_delivered_while_the_reader_waits_for_more)
{
    // A blocking stream over one transaction: after its XID the server sends nothing more, so the
    // batch is not full when the reader starts to wait. The XID must still reach the consumer (the
    // reader sends what it has before it waits); without that the test would hang until its limit.
    auto start = insert_rows("trickle", 1);
    std::vector<std::int64_t> ids;
    bool got_xid = false;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            auto opts = from(start, 7604);
            opts.blocking = true;
            opts.heartbeat = std::chrono::seconds(30); // no heartbeat fills the batch meanwhile
            bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
            while (!got_xid)
            {
                auto ev = co_await stream.next();
                for (auto id : ids_of(ev))
                    ids.push_back(id);
                got_xid = ids.size() == 1 && std::holds_alternative<bls::xid_event>(ev);
            }
        },
        20s
    );
    BOOST_TEST(got_xid);
    BOOST_REQUIRE_EQUAL(ids.size(), 1u);
    BOOST_TEST(ids[0] == 1);
}

BOOST_AUTO_TEST_SUITE_END()
