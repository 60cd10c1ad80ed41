// The table cache against the sandbox MariaDB: with binlog_row_metadata=MINIMAL the TABLE_MAPs carry
// no column names, so they come from information_schema over the ctl connection. Expected names and
// values are written here from the SQL. Every case restores binlog_row_metadata=FULL on exit (the
// integration tests run serially, and the others expect FULL).

#include "stream_fault_support.hpp"
#include "stream_test_support.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <vector>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

constexpr auto tuple_token = asio::experimental::as_tuple(asio::use_awaitable);

// binlog_row_metadata=MINIMAL for one test case, FULL again afterwards whatever happens.
struct minimal_metadata
{
    minimal_metadata() { bt::admin_sql("SET GLOBAL binlog_row_metadata = MINIMAL"); }
    ~minimal_metadata()
    {
        try
        {
            bt::admin_sql("SET GLOBAL binlog_row_metadata = FULL");
        }
        catch (const std::exception& e)
        {
            BOOST_TEST_MESSAGE("could not restore binlog_row_metadata=FULL: " << e.what());
        }
    }
};

// One rows event of the table under test: how its table was described, and its rows as
// "name=value" (or "@N=value" when the column has no name) in column order.
struct seen_rows
{
    bls::table_metadata metadata = bls::table_metadata::none;
    std::string note;
    std::vector<std::string> rows;
    std::vector<bls::key_part> primary_key;
};

std::string render(const bls::row_image& image)
{
    std::vector<bls::row_cell> cells;
    auto ec = image.cells(cells);
    BOOST_REQUIRE_MESSAGE(!ec, "row image: " << ec.message());
    std::string out;
    for (const auto& c : cells)
    {
        if (!out.empty())
            out += ' ';
        out += c.column->name.empty() ? "@" + std::to_string(c.index + 1) : c.column->name;
        out += '=';
        bls::codec::append_json(out, c.data, *c.column);
    }
    return out;
}

struct collected
{
    std::vector<seen_rows> events;
    std::vector<std::string> log;
    std::error_code end;
    bls::diagnostics diag;
    bls::table_cache_statistics stats;
    bool table_map_named = false; // a TABLE_MAP of the table arrived with the names filled in
    bool in_order = true;         // delivered events' end positions never went back
};

void record(collected& out, const bls::event& ev, const std::string& schema, const std::string& table)
{
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, bls::table_map_event>)
            {
                if (e.table && e.table->schema == schema && e.table->table == table &&
                    !e.table->columns.empty())
                    out.table_map_named = out.table_map_named || !e.table->columns[0].name.empty();
            }
            if constexpr (std::is_base_of_v<bls::rows_event, T>)
            {
                if (!e.table || e.table->schema != schema || e.table->table != table)
                    return;
                seen_rows s;
                s.metadata = e.table->metadata;
                s.note = e.table->metadata_note;
                s.primary_key = e.table->primary_key;
                for (const auto& r : e.rows())
                    s.rows.push_back(render(r.after.exists() ? r.after : r.before));
                out.events.push_back(std::move(s));
            }
        },
        ev
    );
}

// Streams from `start` to the end of the binlog (non-blocking) and collects the rows of the table.
collected collect(bls::stream_options opts, const std::string& schema, const std::string& table)
{
    collected out;
    opts.log = [&](bls::log_level, std::string_view text) { out.log.emplace_back(text); };
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        std::uint32_t last_pos = 0;
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(tuple_token);
            if (ec)
            {
                out.end = ec;
                break;
            }
            auto pos = bls::header_of(ev).log_pos;
            if (pos != 0)
            {
                out.in_order = out.in_order && pos >= last_pos;
                last_pos = pos;
            }
            record(out, ev, schema, table);
        }
        out.diag = stream.last_diagnostics();
        out.stats = stream.table_cache_stats();
    });
    return out;
}

bls::stream_options from(const bls::file_position& start)
{
    bls::stream_options o;
    o.server_id = 7301;
    o.start = start;
    o.blocking = false;
    o.reconnect.enabled = false;
    return o;
}

bool logged(const collected& c, std::string_view part)
{
    for (const auto& line : c.log)
        if (line.find(part) != std::string::npos)
            return true;
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(schema_table_cache)

BOOST_AUTO_TEST_CASE(minimal_metadata_names_come_from_information_schema)
{
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.minimal;"
                  "CREATE TABLE bls_schema.minimal (id INT UNSIGNED NOT NULL, e ENUM('a','it''s'),"
                  " tags SET('x','y'), name VARCHAR(20) CHARACTER SET utf8mb4, amount DECIMAL(8,2),"
                  " PRIMARY KEY (id))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.minimal VALUES (4294967295, 'it''s', 'x,y', 'Zoë', -1.50);"
                  "INSERT INTO bls_schema.minimal VALUES (7, 'a', '', NULL, 0)");
    auto got = collect(from(start), "bls_schema", "minimal");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(got.events.size(), 2u);
    BOOST_TEST((got.events[0].metadata == bls::table_metadata::cache));
    BOOST_TEST(
        got.events[0].rows ==
            std::vector<std::string>{R"(id=4294967295 e="it's" tags=["x","y"] name="Zoë" amount="-1.50")"},
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        got.events[1].rows == std::vector<std::string>{R"(id=7 e="a" tags=[] name=null amount="0.00")"},
        boost::test_tools::per_element()
    );
    BOOST_REQUIRE_EQUAL(got.events[0].primary_key.size(), 1u);
    BOOST_TEST(got.events[0].primary_key[0].column == 0u);
    BOOST_TEST(got.table_map_named);
    BOOST_TEST(got.in_order);
    // One read for the table: the second transaction's TABLE_MAP reuses it.
    BOOST_TEST(got.stats.queries == 1u);
    BOOST_TEST(got.stats.ctl_connects == 1u);
    BOOST_TEST(got.stats.mismatches == 0u);
}

BOOST_AUTO_TEST_CASE(held_back_events_keep_their_order_with_a_one_event_queue)
{
    // Three tables first seen in turn: each one's first event is held back while its read runs, with
    // every event behind it, in a hold-back queue of one event (the reader waits for room).
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.h1;"
                  "DROP TABLE IF EXISTS bls_schema.h2; DROP TABLE IF EXISTS bls_schema.h3;"
                  "CREATE TABLE bls_schema.h1 (id INT, a INT); CREATE TABLE bls_schema.h2 (id INT, b INT);"
                  "CREATE TABLE bls_schema.h3 (id INT, c INT)");
    auto start = bt::current_binlog_position();
    std::string sql;
    std::vector<std::string> expected;
    for (int i = 1; i <= 30; ++i)
    {
        const char* col[] = {"a", "b", "c"};
        auto t = std::to_string(i % 3 + 1);
        sql += "INSERT INTO bls_schema.h" + t + " VALUES (" + std::to_string(i) + ", " +
               std::to_string(i * 10) + ");";
        expected.push_back(
            "h" + t + ": id=" + std::to_string(i) + " " + col[i % 3] + "=" + std::to_string(i * 10)
        );
    }
    bt::admin_sql(sql);
    auto opts = from(start);
    opts.queue_depth = 1;
    std::vector<std::string> got;
    bool in_order = true;
    bls::table_cache_statistics stats;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        std::uint32_t last_pos = 0;
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(tuple_token);
            if (ec)
            {
                BOOST_TEST(ec == bls::errc::end_of_stream);
                break;
            }
            auto pos = bls::header_of(ev).log_pos;
            in_order = in_order && (pos == 0 || pos >= last_pos);
            last_pos = pos != 0 ? pos : last_pos;
            if (auto* w = std::get_if<bls::write_rows_event>(&ev); w && w->table->schema == "bls_schema")
                for (const auto& r : w->rows())
                    got.push_back(w->table->table + ": " + render(r.after));
        }
        stats = stream.table_cache_stats();
    });
    BOOST_TEST(got == expected, boost::test_tools::per_element());
    BOOST_TEST(in_order);
    BOOST_TEST(stats.queries == 3u);
}

BOOST_AUTO_TEST_CASE(full_metadata_makes_no_query)
{
    bt::admin_sql("SET GLOBAL binlog_row_metadata = FULL;"
                  "CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.full_meta;"
                  "CREATE TABLE bls_schema.full_meta (id INT PRIMARY KEY, name VARCHAR(10))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.full_meta VALUES (1, 'one'), (2, 'two')");
    auto got = collect(from(start), "bls_schema", "full_meta");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(got.events.size(), 1u);
    BOOST_TEST((got.events[0].metadata == bls::table_metadata::binlog));
    BOOST_TEST(
        got.events[0].rows == (std::vector<std::string>{R"(id=1 name="one")", R"(id=2 name="two")"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(got.stats.lookups == 0u);
    BOOST_TEST(got.stats.queries == 0u);
    BOOST_TEST(got.stats.ctl_connects == 0u);
}

BOOST_AUTO_TEST_CASE(drop_column_replayed_from_before_the_ddl_is_detected)
{
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.drop_col;"
                  "CREATE TABLE bls_schema.drop_col (id INT, data VARCHAR(50), data2 VARCHAR(50))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.drop_col VALUES (1, 'A value', 'A value 2');"
                  "ALTER TABLE bls_schema.drop_col DROP COLUMN data;"
                  "INSERT INTO bls_schema.drop_col VALUES (2, 'Another value')");
    auto got = collect(from(start), "bls_schema", "drop_col");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(got.events.size(), 2u);
    // Read now, the table has (id, data2): applying that to the 3-column event would mislabel it.
    BOOST_TEST((got.events[0].metadata == bls::table_metadata::mismatch));
    BOOST_TEST(got.events[0].note == "the event has 3 columns, the table now has 2");
    BOOST_TEST(
        got.events[0].rows == std::vector<std::string>{R"(@1=1 @2="A value" @3="A value 2")"},
        boost::test_tools::per_element()
    );
    BOOST_TEST((got.events[1].metadata == bls::table_metadata::cache));
    BOOST_TEST(
        got.events[1].rows == std::vector<std::string>{R"(id=2 data2="Another value")"},
        boost::test_tools::per_element()
    );
    BOOST_TEST(got.stats.mismatches == 1u);
    BOOST_TEST(logged(got, "no longer matches"));
}

BOOST_AUTO_TEST_CASE(add_column_after_replayed_from_before_the_ddl_is_detected)
{
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.add_col;"
                  "CREATE TABLE bls_schema.add_col (id INT, data VARCHAR(50))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.add_col VALUES (1, 'A value');"
                  "ALTER TABLE bls_schema.add_col ADD COLUMN another_data VARCHAR(50) AFTER id;"
                  "INSERT INTO bls_schema.add_col VALUES (2, 'Another value', 'A value')");
    auto got = collect(from(start), "bls_schema", "add_col");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(got.events.size(), 2u);
    BOOST_TEST((got.events[0].metadata == bls::table_metadata::mismatch));
    BOOST_TEST(got.events[0].note == "the event has 2 columns, the table now has 3");
    BOOST_TEST(
        got.events[0].rows == std::vector<std::string>{R"(@1=1 @2="A value")"},
        boost::test_tools::per_element()
    );
    BOOST_TEST((got.events[1].metadata == bls::table_metadata::cache));
    BOOST_TEST(
        got.events[1].rows == std::vector<std::string>{R"(id=2 another_data="Another value" data="A value")"},
        boost::test_tools::per_element()
    );
    BOOST_TEST(logged(got, "`bls_schema`.`add_col`"));
}

BOOST_AUTO_TEST_CASE(separate_ctl_settings_with_the_table_dropped_and_recreated)
{
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.recreated");
    auto start = bt::current_binlog_position();
    bt::admin_sql("CREATE TABLE bls_schema.recreated (id INT(11));"
                  "INSERT INTO bls_schema.recreated VALUES (1);"
                  "DROP TABLE bls_schema.recreated;"
                  "CREATE TABLE bls_schema.recreated (id INT(11));"
                  "INSERT INTO bls_schema.recreated VALUES (2)");
    const auto& sb = bt::sandbox();
    auto opts = from(start);
    opts.ctl = bt::sandbox_connection();
    opts.ctl->user = sb.admin_user; // a different account than the stream's
    opts.ctl->password = sb.admin_password;
    auto got = collect(opts, "bls_schema", "recreated");
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(got.events.size(), 2u);
    // The recreated table has the same shape, so the first event's names are right too.
    BOOST_TEST(got.events[0].rows == std::vector<std::string>{"id=1"}, boost::test_tools::per_element());
    BOOST_TEST(got.events[1].rows == std::vector<std::string>{"id=2"}, boost::test_tools::per_element());
    BOOST_TEST(got.stats.ctl_connects == 1u);

    // The ctl settings are the ones used: a wrong password there leaves the names unavailable, and
    // the stream itself (its own account) still works.
    opts.ctl->password = "not-the-password";
    opts.reconnect.enabled = false;
    auto bad = collect(opts, "bls_schema", "recreated");
    BOOST_TEST(bad.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(bad.events.size(), 2u);
    BOOST_TEST((bad.events[0].metadata == bls::table_metadata::unavailable));
    BOOST_TEST_MESSAGE("unavailable: " << bad.events[0].note);
    BOOST_TEST(bad.events[0].note.find("1045") != std::string::npos);
    BOOST_TEST(bad.events[0].note.find("not-the-password") == std::string::npos);
    BOOST_TEST(bad.events[0].rows == std::vector<std::string>{"@1=1"}, boost::test_tools::per_element());
    BOOST_TEST(bad.stats.ctl_connects == 0u);
}

BOOST_AUTO_TEST_CASE(fail_on_table_metadata_unavailable)
{
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.gone;"
                  "CREATE TABLE bls_schema.gone (id INT, name VARCHAR(10))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.gone VALUES (1, 'x'); DROP TABLE bls_schema.gone");

    // Without the option: delivered by position, marked unavailable.
    auto lenient = collect(from(start), "bls_schema", "gone");
    BOOST_TEST(lenient.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(lenient.events.size(), 1u);
    BOOST_TEST((lenient.events[0].metadata == bls::table_metadata::unavailable));
    BOOST_TEST(
        lenient.events[0].rows == std::vector<std::string>{R"(@1=1 @2="x")"}, boost::test_tools::per_element()
    );
    BOOST_TEST(logged(lenient, "no metadata for `bls_schema`.`gone`"));

    // With it: the stream ends there, with the error and what it was about.
    auto opts = from(start);
    opts.fail_on_table_metadata_unavailable = true;
    auto strict = collect(opts, "bls_schema", "gone");
    BOOST_TEST(strict.end == bls::errc::metadata_unavailable);
    BOOST_TEST(strict.events.empty());
    BOOST_TEST(strict.diag.client_message().find("`bls_schema`.`gone`") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_killed_ctl_connection_reconnects)
{
    minimal_metadata guard;
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.k1;"
        "DROP TABLE IF EXISTS bls_schema.k2;"
        "CREATE TABLE bls_schema.k1 (id INT, a VARCHAR(10)); CREATE TABLE bls_schema.k2 (id INT, b INT)"
    );
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.k1 VALUES (1, 'one')");
    collected got;
    auto opts = from(start);
    opts.blocking = true;
    opts.reconnect.enabled = true;
    opts.reconnect.initial_delay = 10ms;
    opts.log = [&](bls::log_level, std::string_view text) { got.log.emplace_back(text); };
    std::uint32_t killed = 0;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        auto until = [&](const std::string& table) -> asio::awaitable<void> {
            for (;;)
            {
                auto ev = co_await stream.next();
                auto before = got.events.size();
                record(got, ev, "bls_schema", table);
                if (got.events.size() > before)
                    co_return;
            }
        };
        co_await until("k1");
        killed = stream.table_cache_stats().ctl_connection_id;
        BOOST_REQUIRE(killed != 0);
        bt::admin_sql("KILL " + std::to_string(killed));
        bt::admin_sql("INSERT INTO bls_schema.k2 VALUES (2, 20)");
        co_await until("k2");
        got.stats = stream.table_cache_stats();
        stream.close();
    });
    BOOST_REQUIRE_EQUAL(got.events.size(), 2u);
    BOOST_TEST(
        got.events[0].rows == std::vector<std::string>{R"(id=1 a="one")"}, boost::test_tools::per_element()
    );
    BOOST_TEST((got.events[1].metadata == bls::table_metadata::cache));
    BOOST_TEST(got.events[1].rows == std::vector<std::string>{"id=2 b=20"}, boost::test_tools::per_element());
    BOOST_TEST(got.stats.ctl_connects == 2u);
    BOOST_TEST(got.stats.ctl_connection_id != killed);
    BOOST_TEST(got.stats.queries == 3u); // k1, k2 on the killed connection, k2 again
    BOOST_TEST(logged(got, "reconnecting"));
}

BOOST_AUTO_TEST_CASE(a_ctl_server_that_stays_down_holds_rows_back_for_metadata_wait_only)
{
    // max_attempts = 0 retries the ctl connection for ever; metadata_wait bounds how long the
    // table's rows are held back.
    minimal_metadata guard;
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_schema; DROP TABLE IF EXISTS bls_schema.waited;"
                  "CREATE TABLE bls_schema.waited (id INT, name VARCHAR(10))");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.waited VALUES (1, 'x')");
    auto opts = from(start);
    opts.ctl = bt::sandbox_connection();
    opts.ctl->port = bt::closed_port();
    opts.reconnect.enabled = true; // the ctl connection retries per the stream's policy
    opts.reconnect.max_attempts = 0;
    opts.reconnect.initial_delay = 20ms;
    opts.reconnect.max_delay = 100ms;
    opts.metadata_wait = 700ms;

    auto lenient = collect(opts, "bls_schema", "waited");
    BOOST_TEST(lenient.end == bls::errc::end_of_stream);
    BOOST_REQUIRE_EQUAL(lenient.events.size(), 1u);
    BOOST_TEST((lenient.events[0].metadata == bls::table_metadata::unavailable));
    BOOST_TEST_MESSAGE("unavailable: " << lenient.events[0].note);
    BOOST_TEST(lenient.events[0].note.find("the metadata wait is 700 ms") != std::string::npos);
    BOOST_TEST(
        lenient.events[0].rows == std::vector<std::string>{R"(@1=1 @2="x")"}, boost::test_tools::per_element()
    );
    BOOST_TEST(logged(lenient, "reconnecting")); // it did retry before giving up
    BOOST_TEST(logged(lenient, "no metadata for `bls_schema`.`waited`"));

    opts.fail_on_table_metadata_unavailable = true;
    auto strict = collect(opts, "bls_schema", "waited");
    BOOST_TEST(strict.end == bls::errc::metadata_unavailable);
    BOOST_TEST(strict.events.empty());
    BOOST_TEST(strict.diag.client_message().find("`bls_schema`.`waited`") != std::string::npos);
    BOOST_TEST(strict.diag.client_message().find("metadata wait") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_server_restart_forgets_table_ids_and_names)
{
    // The server restarts under a live stream, and the table is recreated with other column names
    // of the same types by DDL the binlog does not hold (sql_log_bin=0), so nothing but the restart
    // tells the stream that its cached names are stale. Each phase starts right after a restart and
    // runs the same statements, so the server gives the table the same table id both times.
    minimal_metadata guard;
    const std::string recreate_ab = "SET GLOBAL binlog_row_metadata = MINIMAL;"
                                    "CREATE DATABASE IF NOT EXISTS bls_schema; SET sql_log_bin = 0;"
                                    "DROP TABLE IF EXISTS bls_schema.restarted;"
                                    "CREATE TABLE bls_schema.restarted (a INT, b VARCHAR(10));"
                                    "SET sql_log_bin = 1;";
    bt::restart_main_server();
    bt::admin_sql(recreate_ab);
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_schema.restarted VALUES (1, 'one')");

    auto opts = from(start);
    opts.blocking = true;
    opts.reconnect.enabled = true;
    opts.reconnect.initial_delay = 20ms;
    opts.reconnect.max_delay = 200ms;
    collected got;
    std::vector<std::uint64_t> table_ids;
    std::uint64_t reconnects = 0;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        auto until_rows = [&]() -> asio::awaitable<void> {
            for (;;)
            {
                auto ev = co_await stream.next();
                if (auto* tm = std::get_if<bls::table_map_event>(&ev);
                    tm && tm->table && tm->table->table == "restarted")
                    table_ids.push_back(tm->table_id);
                auto before = got.events.size();
                record(got, ev, "bls_schema", "restarted");
                if (got.events.size() > before)
                    co_return;
            }
        };
        co_await until_rows();
        bt::restart_main_server(); // the stream's connection drops; it reconnects below
        bt::admin_sql("SET GLOBAL binlog_row_metadata = MINIMAL;"
                      "CREATE DATABASE IF NOT EXISTS bls_schema; SET sql_log_bin = 0;"
                      "DROP TABLE IF EXISTS bls_schema.restarted;"
                      "CREATE TABLE bls_schema.restarted (c INT, d VARCHAR(10));"
                      "SET sql_log_bin = 1; INSERT INTO bls_schema.restarted VALUES (2, 'two')");
        co_await until_rows();
        got.stats = stream.table_cache_stats();
        reconnects = stream.reconnect_count();
        stream.close();
    });
    BOOST_TEST(reconnects >= 1u);
    BOOST_REQUIRE_EQUAL(got.events.size(), 2u);
    BOOST_REQUIRE_EQUAL(table_ids.size(), 2u);
    BOOST_TEST_MESSAGE("table ids before and after the restart: " << table_ids[0] << ", " << table_ids[1]);
    BOOST_TEST(table_ids[0] == table_ids[1]); // the collision this case is about
    BOOST_TEST(
        got.events[0].rows == std::vector<std::string>{R"(a=1 b="one")"}, boost::test_tools::per_element()
    );
    BOOST_TEST((got.events[1].metadata == bls::table_metadata::cache));
    BOOST_TEST(
        got.events[1].rows == std::vector<std::string>{R"(c=2 d="two")"}, boost::test_tools::per_element()
    );
    BOOST_TEST(got.stats.lookups == 2u); // resolved again after the restart, not reused by id
}

BOOST_AUTO_TEST_SUITE_END()
