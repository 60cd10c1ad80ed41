// The replication stream against the sandbox MariaDB: SQL in, events and values out. Expected values
// are written here from the SQL, never taken from earlier output.

#include "stream_test_support.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <thread>
#include <vector>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

constexpr auto tuple_token = asio::experimental::as_tuple(asio::use_awaitable);
using json_map = std::map<std::string, std::string>;

struct collected
{
    std::vector<std::string> kinds; // "insert", "update", "delete" per row
    std::vector<std::map<std::string, std::string>> before, after;
    std::vector<std::string> queries;
    std::error_code end;
    bls::stream_position position;
};

// Streams until the end (non-blocking) and collects the rows of `schema`.`table`.
collected collect(bls::stream_options opts, const std::string& schema, const std::string& table)
{
    collected out;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(tuple_token);
            if (ec)
            {
                out.end = ec;
                break;
            }
            if (auto* q = std::get_if<bls::query_event>(&ev))
                out.queries.emplace_back(q->query);
            std::visit(
                [&](const auto& e) {
                    using T = std::decay_t<decltype(e)>;
                    if constexpr (std::is_base_of_v<bls::rows_event, T>)
                    {
                        if (!e.table || e.table->schema != schema || e.table->table != table)
                            return;
                        for (const auto& r : e.rows())
                        {
                            out.kinds.push_back(
                                e.kind == bls::rows_kind::write    ? "insert"
                                : e.kind == bls::rows_kind::update ? "update"
                                                                   : "delete"
                            );
                            out.before.push_back(r.before.exists() ? bt::image_json(r.before) : json_map{});
                            out.after.push_back(r.after.exists() ? bt::image_json(r.after) : json_map{});
                        }
                    }
                },
                ev
            );
        }
        out.position = stream.position();
    });
    return out;
}

bls::stream_options non_blocking_from(const bls::file_position& start)
{
    bls::stream_options o;
    o.server_id = 7001;
    o.start = start;
    o.blocking = false;
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_basic)

BOOST_AUTO_TEST_CASE(insert_update_delete_with_values)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_stream; DROP TABLE IF EXISTS bls_stream.basic;"
                  "CREATE TABLE bls_stream.basic (id INT PRIMARY KEY, name VARCHAR(20) CHARACTER SET utf8mb4,"
                  " amount DECIMAL(8,2), seen DATETIME(3), flag BIT(3), big BIGINT UNSIGNED)");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_stream.basic VALUES (1, 'Zoë', 12.5, '2026-11-26 10:00:00.125', b'101', "
                  "18446744073709551615),"
                  " (2, NULL, -0.01, '1999-12-31 23:59:59.000', b'0', 0);"
                  "UPDATE bls_stream.basic SET name = '李雷', amount = amount + 1 WHERE id = 1;"
                  "DELETE FROM bls_stream.basic WHERE id = 2;");
    auto got = collect(non_blocking_from(start), "bls_stream", "basic");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_TEST(
        (got.kinds == std::vector<std::string>{"insert", "insert", "update", "delete"}),
        boost::test_tools::per_element()
    );
    BOOST_REQUIRE_EQUAL(got.after.size(), 4u);
    std::map<std::string, std::string> row1 = {
        {"id", "1"},
        {"name", "\"Zoë\""},
        {"amount", "\"12.50\""},
        {"seen", "\"2026-11-26 10:00:00.125\""},
        {"flag", "5"},
        {"big", "18446744073709551615"}};
    std::map<std::string, std::string> row2 = {
        {"id", "2"},
        {"name", "null"},
        {"amount", "\"-0.01\""},
        {"seen", "\"1999-12-31 23:59:59.000\""},
        {"flag", "0"},
        {"big", "0"}};
    BOOST_TEST(got.after[0] == row1);
    BOOST_TEST(got.after[1] == row2);
    BOOST_TEST(got.before[2] == row1);
    auto row1_updated = row1;
    row1_updated["name"] = "\"李雷\"";
    row1_updated["amount"] = "\"13.50\"";
    BOOST_TEST(got.after[2] == row1_updated);
    BOOST_TEST(got.before[3] == row2);
    BOOST_TEST(got.after[3].empty());
}

BOOST_AUTO_TEST_CASE(stop_at_ends_exactly_there)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_stream; DROP TABLE IF EXISTS bls_stream.stop;"
                  "CREATE TABLE bls_stream.stop (id INT PRIMARY KEY)");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_stream.stop VALUES (1)");
    auto after_first = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_stream.stop VALUES (2)");

    auto opts = non_blocking_from(start);
    opts.blocking = true; // the stop position, not the end of the binlog, ends this stream
    opts.stop_at = after_first;
    auto got = collect(opts, "bls_stream", "stop");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(got.after.size(), 1u);
    BOOST_TEST(got.after[0].at("id") == "1");
    BOOST_TEST(got.position.file.to_string() == after_first.to_string());
}

BOOST_AUTO_TEST_CASE(schema_and_table_filters_apply_to_rows_and_queries)
{
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_keep; CREATE DATABASE IF NOT EXISTS bls_drop;"
        "DROP TABLE IF EXISTS bls_keep.a; DROP TABLE IF EXISTS bls_keep.b; DROP TABLE IF EXISTS bls_drop.a;"
        "DROP TABLE IF EXISTS bls_drop.c;"
        "CREATE TABLE bls_keep.a (id INT PRIMARY KEY); CREATE TABLE bls_keep.b (id INT PRIMARY KEY);"
        "CREATE TABLE bls_drop.a (id INT PRIMARY KEY)"
    );
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_keep.a VALUES (1); INSERT INTO bls_keep.b VALUES (2); INSERT INTO "
                  "bls_drop.a VALUES (3);"
                  "USE bls_drop; CREATE TABLE bls_drop.c (id INT)");
    auto opts = non_blocking_from(start);
    opts.only_schemas = {"bls_k*"};
    opts.ignored_tables = {bls::table_name::parse("bls_keep.b")};
    std::vector<std::string> tables;
    std::vector<std::string> ddl;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(tuple_token);
            if (ec)
                break;
            if (auto* tm = std::get_if<bls::table_map_event>(&ev))
                tables.push_back(tm->table->schema + "." + tm->table->table);
            if (auto* q = std::get_if<bls::query_event>(&ev))
                if (q->query.find("CREATE") != std::string_view::npos)
                    ddl.emplace_back(q->query);
        }
    });
    BOOST_TEST((tables == std::vector<std::string>{"bls_keep.a"}), boost::test_tools::per_element());
    BOOST_TEST(ddl.empty()); // the CREATE ran in bls_drop
}

BOOST_AUTO_TEST_CASE(a_purged_binlog_is_a_clear_error)
{
    auto opts = non_blocking_from({"mysql-bin.999999", 4});
    opts.reconnect.enabled = false;
    auto got = collect(opts, "x", "y");
    BOOST_TEST((got.end.category() == bls::server_category()));
    BOOST_TEST(got.end.value() == 1236); // ER_MASTER_FATAL_ERROR_READING_BINLOG
}

BOOST_AUTO_TEST_CASE(position_text_restarts_a_new_stream_exactly_there)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_stream; DROP TABLE IF EXISTS bls_stream.resume;"
                  "CREATE TABLE bls_stream.resume (id INT PRIMARY KEY)");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_stream.resume VALUES (1); INSERT INTO bls_stream.resume VALUES (2);");
    auto stop = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_stream.resume VALUES (3); INSERT INTO bls_stream.resume VALUES (4);");

    auto first = non_blocking_from(start);
    first.stop_at = stop;
    first.blocking = true;
    auto a = collect(first, "bls_stream", "resume");
    BOOST_REQUIRE_EQUAL(a.after.size(), 2u);
    auto checkpoint = a.position.to_string();

    auto second = non_blocking_from(start);
    second.start = bls::stream_position::parse(checkpoint).resume();
    auto b = collect(second, "bls_stream", "resume");
    BOOST_REQUIRE_EQUAL(b.after.size(), 2u);
    BOOST_TEST(b.after[0].at("id") == "3");
    BOOST_TEST(b.after[1].at("id") == "4");
}

BOOST_AUTO_TEST_CASE(killing_the_dump_thread_loses_and_repeats_nothing)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_stream; DROP TABLE IF EXISTS bls_stream.kill;"
                  "CREATE TABLE bls_stream.kill (id INT PRIMARY KEY, note VARCHAR(40))");
    auto start = bt::current_binlog_position();
    constexpr int total = 5000;
    // Writer: one transaction per row, mixing multi-statement transactions.
    std::thread writer([] {
        std::string sql;
        for (int i = 1; i <= total; ++i)
        {
            if (i % 50 == 1)
                sql += "BEGIN;";
            sql += "INSERT INTO bls_stream.kill VALUES (" + std::to_string(i) + ", 'row " +
                   std::to_string(i) + "');";
            if (i % 50 == 0)
                sql += "COMMIT;";
            if (i % 500 == 0)
            {
                bt::admin_sql(sql);
                sql.clear();
            }
        }
    });
    // Killer: KILL the stream's dump thread repeatedly while rows flow.
    std::atomic<bool> stop_killing{false};
    std::atomic<int> kills{0};
    std::thread killer([&] {
        while (!stop_killing)
        {
            std::this_thread::sleep_for(150ms);
            auto ids = bt::admin_sql(
                "SELECT id FROM information_schema.processlist WHERE command = 'Binlog Dump' AND user = '" +
                bt::sandbox().user + "'"
            );
            if (!ids.empty())
            {
                try
                {
                    bt::admin_sql("KILL " + ids.substr(0, ids.find('\n')));
                    ++kills;
                }
                catch (const std::exception&)
                {}
            }
        }
    });

    std::vector<int> ids;
    std::uint64_t reconnects = 0;
    bt::run_coroutine(
        [&]() -> asio::awaitable<void> {
            bls::stream_options opts;
            opts.server_id = 7002;
            opts.start = start;
            opts.reconnect.initial_delay = 10ms;
            opts.reconnect.max_delay = 100ms;
            bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
            while (ids.size() < std::size_t(total))
            {
                auto ev = co_await stream.next();
                if (auto* w = std::get_if<bls::write_rows_event>(&ev))
                {
                    if (w->table->table != "kill")
                        continue;
                    for (const auto& r : w->rows())
                        ids.push_back(std::stoi(bt::image_json(r.after).at("id")));
                }
            }
            reconnects = stream.reconnect_count();
        },
        std::chrono::seconds(120)
    );
    stop_killing = true;
    writer.join();
    killer.join();
    BOOST_TEST_MESSAGE("kills: " << kills << ", reconnects: " << reconnects);
    BOOST_TEST(kills > 0);
    BOOST_TEST(reconnects > 0u);
    std::vector<int> expected(total);
    for (int i = 0; i < total; ++i)
        expected[i] = i + 1;
    BOOST_TEST(ids == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
