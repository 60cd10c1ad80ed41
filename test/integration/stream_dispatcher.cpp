// The dispatcher against the sandbox: plain and coroutine handlers see the rows the SQL wrote, in
// order, and registration is the stream's event filter (types without a handler are not delivered).

#include <binlogstream/dispatcher.hpp>

#include "stream_test_support.hpp"

#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <string>
#include <vector>

namespace bt = binlogstream::test;
namespace bls = binlogstream;

namespace {

bls::stream_options from(const bls::file_position& start, std::uint32_t server_id)
{
    bls::stream_options o;
    o.server_id = server_id;
    o.start = start;
    o.blocking = false;
    return o;
}

// The table, and the SQL every case streams: 3 transactions (insert 2 rows, update 1, delete 1).
bls::file_position write_changes(const std::string& table)
{
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_stream; DROP TABLE IF EXISTS bls_stream." + table +
        "; CREATE TABLE bls_stream." + table + " (id INT PRIMARY KEY, name VARCHAR(10))"
    );
    auto start = bt::current_binlog_position();
    bt::admin_sql(
        "INSERT INTO bls_stream." + table +
        " VALUES (1, 'one'), (2, 'two');"
        "UPDATE bls_stream." +
        table +
        " SET name = 'uno' WHERE id = 1;"
        "DELETE FROM bls_stream." +
        table + " WHERE id = 2;"
    );
    return start;
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_dispatcher)

BOOST_AUTO_TEST_CASE(plain_and_coroutine_handlers_in_order_and_only_registered_types)
{
    auto start = write_changes("dispatch");
    std::vector<std::string> seen;
    bls::event_type_set applied;
    bls::event_type_set registered;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        bls::binlog_stream stream(ex, bt::sandbox_connection(), from(start, 7201));
        asio::steady_timer timer(ex);
        bls::dispatcher d;
        d.on<bls::write_rows_event>([&](const bls::write_rows_event& e) {
            for (const auto& r : e.rows())
                seen.push_back("insert " + bt::image_json(r.after).at("id"));
        });
        d.on<bls::update_rows_event>([&](const bls::update_rows_event& e) -> asio::awaitable<void> {
            for (const auto& r : e.rows())
            {
                timer.expires_after(std::chrono::milliseconds(5)); // the next event waits for this
                co_await timer.async_wait(asio::use_awaitable);
                seen.push_back("update " + bt::image_json(r.after).at("name"));
            }
        });
        d.on<bls::xid_event>([&](const bls::xid_event&) { seen.push_back("commit"); });
        registered = d.events();
        co_await d.run(stream);
        applied = stream.events();
    });
    BOOST_TEST(
        (seen ==
         std::vector<std::string>{"insert 1", "insert 2", "commit", "update \"uno\"", "commit", "commit"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST((applied == (registered & bls::event_type_set::all())));
    BOOST_TEST(applied.contains(bls::event_type::write_rows));
    BOOST_TEST(!applied.contains(bls::event_type::delete_rows));
    BOOST_TEST(!applied.contains(bls::event_type::table_map));
}

BOOST_AUTO_TEST_CASE(restricted_stream_delivers_only_those_types)
{
    auto start = write_changes("restrict");
    std::vector<std::size_t> kinds;
    std::vector<std::string> deleted;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(
            co_await asio::this_coro::executor, bt::sandbox_connection(), from(start, 7202)
        );
        // MariaDB writes v1 rows events: of<> names every version of an alternative.
        stream.restrict_events(bls::event_type_set::of<bls::delete_rows_event, bls::xid_event>());
        stream.restrict_events(bls::event_type_set::all_except({bls::event_type::xid})); // narrows again
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(asio::experimental::as_tuple(asio::use_awaitable));
            if (ec)
            {
                BOOST_TEST(ec == bls::errc::end_of_stream);
                break;
            }
            kinds.push_back(ev.index());
            if (auto* d = std::get_if<bls::delete_rows_event>(&ev))
                for (const auto& r : d->rows())
                    deleted.push_back(bt::image_json(r.before).at("name"));
        }
    });
    // Only the DELETE's rows event: no table map, no GTID, no query, no xid, no insert or update.
    BOOST_TEST(
        (kinds == std::vector<std::size_t>{bls::event_index_v<bls::delete_rows_event>}),
        boost::test_tools::per_element()
    );
    BOOST_TEST((deleted == std::vector<std::string>{"\"two\""}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
