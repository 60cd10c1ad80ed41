// binlog_stream against the replay server (a MySQL 8.4 test double serving binlogs recorded by real
// MySQL servers): COM_BINLOG_DUMP_GTID with tagged GTID sets, the SHOW BINARY LOG STATUS start of
// MySQL >= 8.2, HEARTBEAT_LOG_EVENT_V2 while idle, and TRANSACTION_PAYLOAD over the wire. Expected
// values come from the MANIFEST of ../shared/testdata/binlogs (event counts, tables, sizes) and from
// the files' own PREVIOUS_GTIDS events, not from this library's output.

#include "codec/value_json.hpp"
#include "integration/replay_common.hpp"

#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>

namespace bls = binlogstream;
using bls::test::replay_options;
using bls::test::replay_server;

namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
const std::string password = "Replay-stream-5b21";

replay_options serving(const std::string& relative)
{
    replay_options o;
    o.password = password;
    o.binlog_files = {bls::test::shared_binlog(relative)};
    return o;
}

bls::stream_options non_blocking(bls::start_position start)
{
    bls::stream_options s;
    s.server_id = 4242;
    s.start = std::move(start);
    s.blocking = false;
    s.reconnect.enabled = false;
    return s;
}

// Every event up to the end of a non-blocking stream.
std::vector<bls::event> drain(const replay_server& server, bls::stream_options opts, std::error_code& end)
{
    std::vector<bls::event> events;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(
            co_await asio::this_coro::executor,
            bls::test::replay_connection(server, password),
            std::move(opts)
        );
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
            if (ec)
            {
                end = ec;
                co_return;
            }
            events.push_back(std::move(ev));
        }
    });
    return events;
}

std::map<bls::event_type, int> histogram(const std::vector<bls::event>& events)
{
    std::map<bls::event_type, int> h;
    for (const auto& ev : events)
        ++h[bls::header_of(ev).type];
    return h;
}

std::vector<std::string> tables_of(const std::vector<bls::event>& events)
{
    std::vector<std::string> names;
    for (const auto& ev : events)
        if (const auto* tm = std::get_if<bls::table_map_event>(&ev); tm && tm->table)
            names.push_back(tm->table->schema + "." + tm->table->table);
    return names;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replay_stream)

// The file holds PREVIOUS_GTIDS 55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2 and one
// transaction 55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3 writing test.orders (MANIFEST: MySQL
// 9.6.0, GTID_TAGGED_LOG_EVENT x1, WRITE_ROWS x1, tables test.orders).
BOOST_AUTO_TEST_CASE(gtid_dump_with_a_tagged_set_starts_after_it)
{
    const std::string uuid = "55778904-0299-11f1-b1b8-4ef0c4956feb";
    {
        replay_server server(serving(bls::test::tagged_gtid_file));
        std::error_code end;
        auto events = drain(server, non_blocking(bls::gtid_set::parse(uuid + ":1-13:mytag:1-2")), end);
        BOOST_TEST((end == bls::errc::end_of_stream));
        auto rec = server.record();
        BOOST_TEST(rec.dump_command == 0x1e);
        BOOST_TEST(rec.dump_gtid_error.empty());
        // The server decoded the tagged (v1) encoding the client sent back to the same set.
        BOOST_TEST(rec.dump_gtids == uuid + ":1-13:mytag:1-2");
        BOOST_TEST(rec.transactions_skipped == 0u);
        std::vector<std::string> gtids;
        for (const auto& ev : events)
            if (const auto* g = std::get_if<bls::gtid_event>(&ev))
                gtids.push_back(g->to_string());
        BOOST_TEST(gtids == std::vector<std::string>{uuid + ":mytag:3"}, boost::test_tools::per_element());
        auto h = histogram(events);
        BOOST_TEST(h[bls::event_type::write_rows] == 1);
        BOOST_TEST(h[bls::event_type::xid] == 1);
        BOOST_TEST(
            tables_of(events) == std::vector<std::string>{"test.orders"}, boost::test_tools::per_element()
        );
    }
    {
        // The set already holds mytag:3: the server skips the transaction; nothing is delivered.
        replay_server server(serving(bls::test::tagged_gtid_file));
        std::error_code end;
        auto events = drain(server, non_blocking(bls::gtid_set::parse(uuid + ":1-13:mytag:1-3")), end);
        BOOST_TEST((end == bls::errc::end_of_stream));
        auto rec = server.record();
        BOOST_TEST(rec.dump_gtids == uuid + ":1-13:mytag:1-3");
        BOOST_TEST(rec.transactions_skipped == 1u);
        auto h = histogram(events);
        BOOST_TEST(h[bls::event_type::gtid_tagged] == 0);
        BOOST_TEST(h[bls::event_type::write_rows] == 0);
    }
}

// MANIFEST: mysql-bin.000057 holds GTID_LOG_EVENT x3 (the first for the DDL QUERY, then the two
// payloads). Excluding the first two GTIDs leaves exactly one payload transaction.
BOOST_AUTO_TEST_CASE(gtid_dump_with_an_untagged_set_skips_what_it_holds)
{
    // The GTIDs, read from the file's bytes here (not through the library): each GTID_LOG_EVENT
    // (type 33) body is a flags byte, the 16-byte source UUID and the 8-byte transaction number
    // (MySQL libs/mysql/binlog/event/control_events.h, Gtid_event).
    std::vector<std::string> gtids;
    {
        std::ifstream in(bls::test::shared_binlog(bls::test::payload_gtid_file), std::ios::binary);
        std::vector<unsigned char> d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto le = [&](std::size_t at, int n) {
            std::uint64_t v = 0;
            for (int i = n - 1; i >= 0; --i)
                v = (v << 8) | d[at + std::size_t(i)];
            return v;
        };
        for (std::size_t pos = 4; pos + 19 <= d.size(); pos += le(pos + 9, 4))
        {
            if (d[pos + 4] != 33)
                continue;
            char uuid[40];
            const unsigned char* u = &d[pos + 20];
            std::snprintf(
                uuid,
                sizeof uuid,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                u[0],
                u[1],
                u[2],
                u[3],
                u[4],
                u[5],
                u[6],
                u[7],
                u[8],
                u[9],
                u[10],
                u[11],
                u[12],
                u[13],
                u[14],
                u[15]
            );
            gtids.push_back(std::string(uuid) + ":" + std::to_string(le(pos + 36, 8)));
        }
    }
    std::error_code end;
    BOOST_REQUIRE_EQUAL(gtids.size(), 3u); // MANIFEST: GTID_LOG_EVENT x3
    auto first = bls::gtid_set::parse(gtids[0]);
    auto second = bls::gtid_set::parse(gtids[1]);
    auto wanted = first;
    wanted.insert(second);

    replay_server server(serving(bls::test::payload_gtid_file));
    auto events = drain(server, non_blocking(wanted), end);
    BOOST_TEST((end == bls::errc::end_of_stream));
    auto rec = server.record();
    BOOST_TEST(rec.dump_gtids == wanted.to_string());
    BOOST_TEST(rec.transactions_skipped == 2u);
    std::vector<std::string> delivered;
    for (const auto& ev : events)
        if (const auto* g = std::get_if<bls::gtid_event>(&ev); g && g->header.type == bls::event_type::gtid)
            delivered.push_back(g->to_string());
    BOOST_TEST(delivered == std::vector<std::string>{gtids[2]}, boost::test_tools::per_element());
    BOOST_TEST(histogram(events)[bls::event_type::transaction_payload] == 1);
}

// MySQL >= 8.2 (8.4 here): the current end comes from SHOW BINARY LOG STATUS (SHOW MASTER STATUS is
// gone); the dump starts at the file's end, 585 bytes (MANIFEST size of the tagged-GTID file), and
// the checkpoint carries the Executed_Gtid_Set the server reported (what a MySQL server that wrote
// the file would report: its PREVIOUS_GTIDS plus its one transaction, mytag:3).
BOOST_AUTO_TEST_CASE(start_at_current_uses_show_binary_log_status)
{
    const std::string executed = "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-3";
    auto o = serving(bls::test::tagged_gtid_file);
    o.executed_gtids = executed;
    replay_server server(o);
    std::error_code end;
    auto opts = non_blocking(bls::start_at_current{});
    bls::stream_position last;
    std::vector<bls::event> events;
    bls::test::run_replay([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(
            co_await asio::this_coro::executor, bls::test::replay_connection(server, password), opts
        );
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
            if (ec)
            {
                end = ec;
                break;
            }
            events.push_back(std::move(ev));
        }
        last = stream.position();
    });
    BOOST_TEST((end == bls::errc::end_of_stream));
    auto rec = server.record();
    BOOST_TEST(
        (std::find(rec.queries.begin(), rec.queries.end(), "SHOW BINARY LOG STATUS") != rec.queries.end())
    );
    BOOST_TEST((std::find(rec.queries.begin(), rec.queries.end(), "SHOW MASTER STATUS") == rec.queries.end())
    );
    BOOST_TEST(rec.dump_command == 0x12);
    BOOST_TEST(rec.dump_file == "binlog.000001");
    BOOST_TEST(rec.dump_position == 585u);
    auto h = histogram(events);
    BOOST_TEST(h[bls::event_type::gtid_tagged] == 0); // nothing before the end is replayed
    BOOST_TEST(h[bls::event_type::write_rows] == 0);
    BOOST_TEST(last.file.file == "binlog.000001");
    BOOST_TEST(last.file.offset == 585u);
    BOOST_REQUIRE(last.gtids.has_value());
    BOOST_TEST(last.gtids->to_string() == executed);
}

// TRANSACTION_PAYLOAD over the wire: the payload event, then its inner events as if inline.
// MANIFEST (transaction_compression.000001, MySQL 8.0.32): payload events (ZSTD) QUERY x1, XID x1,
// TABLE_MAP x1, WRITE_ROWS x1; column types LONG; tables test.tb1.
BOOST_AUTO_TEST_CASE(transaction_payload_inner_events_are_delivered_inline)
{
    replay_server server(serving(bls::test::compressed_file));
    std::error_code end;
    auto events = drain(server, non_blocking(bls::file_position{"binlog.000001", 4}), end);
    BOOST_TEST((end == bls::errc::end_of_stream));
    std::vector<std::string> after_payload;
    bool seen = false;
    for (const auto& ev : events)
    {
        if (std::holds_alternative<bls::transaction_payload_event>(ev))
        {
            seen = true;
            BOOST_TEST(std::get<bls::transaction_payload_event>(ev).compression_type == 0); // ZSTD
            continue;
        }
        if (seen)
            after_payload.push_back(std::string(bls::to_string(bls::header_of(ev).type)));
    }
    BOOST_TEST(seen);
    std::vector<std::string> expected;
    // The inner events, then the file's closing ROTATE (MANIFEST: ROTATE_EVENT x1, the last event).
    for (auto t :
         {bls::event_type::query,
          bls::event_type::table_map,
          bls::event_type::write_rows,
          bls::event_type::xid,
          bls::event_type::rotate})
        expected.emplace_back(bls::to_string(t));
    BOOST_TEST(after_payload == expected, boost::test_tools::per_element());
    BOOST_TEST(tables_of(events) == std::vector<std::string>{"test.tb1"}, boost::test_tools::per_element());
    for (const auto& ev : events)
        if (const auto* tm = std::get_if<bls::table_map_event>(&ev))
            for (const auto& c : tm->table->columns)
                BOOST_TEST((c.type == bls::column_type::long_));
}

// MANIFEST (mysql-bin.000057, MySQL 8.0.31): inside the two payloads QUERY x2, XID x2, TABLE_MAP x3,
// ROWS_QUERY x3, WRITE_ROWS x2, UPDATE_ROWS x1; tables a.b, a.test_table_3.
BOOST_AUTO_TEST_CASE(two_payloads_match_the_manifest_counts)
{
    replay_server server(serving(bls::test::payload_gtid_file));
    std::error_code end;
    auto opts = non_blocking(bls::file_position{"binlog.000001", 4});
    auto events = drain(server, opts, end);
    BOOST_TEST((end == bls::errc::end_of_stream));
    std::map<bls::event_type, int> inner;
    int payloads = 0;
    for (const auto& ev : events)
    {
        if (std::holds_alternative<bls::transaction_payload_event>(ev))
            ++payloads;
        else if (payloads > 0 && !std::holds_alternative<bls::gtid_event>(ev))
            ++inner[bls::header_of(ev).type];
    }
    BOOST_TEST(payloads == 2);
    BOOST_TEST(inner[bls::event_type::query] == 2);
    BOOST_TEST(inner[bls::event_type::xid] == 2);
    BOOST_TEST(inner[bls::event_type::table_map] == 3);
    BOOST_TEST(inner[bls::event_type::rows_query] == 3);
    BOOST_TEST(inner[bls::event_type::write_rows] == 2);
    BOOST_TEST(inner[bls::event_type::update_rows] == 1);
    auto tables = tables_of(events);
    std::sort(tables.begin(), tables.end());
    tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
    BOOST_TEST(
        tables == (std::vector<std::string>{"a.b", "a.test_table_3"}), boost::test_tools::per_element()
    );
}

// Values inside the payloads, against the SQL the server logged next to them (the ROWS_QUERY events
// of mysql-bin.000057): "insert into b values(1)", "insert into test_table_3 values(6666,
// 'product_item_value_2', now(), 111, 'description_1', now(), 'large', 'd', 'b3', '{"c": 1}',
// 'product_item_2_value', now(), now(), 2222, 'description_3_value', now(), now(), 222,
// 'description_4_value', now())" and "update test_table_3 set ... product_item_2='product_3_value'
// where product_id=55555". Cells are compared by position (the file has no column names); now()
// and the ENUM/SET/BLOB columns are left out.
BOOST_AUTO_TEST_CASE(payload_row_values_match_the_logged_statements)
{
    replay_server server(serving(bls::test::payload_gtid_file));
    std::error_code end;
    auto events = drain(server, non_blocking(bls::file_position{"binlog.000001", 4}), end);
    BOOST_TEST((end == bls::errc::end_of_stream));
    std::vector<std::pair<std::string, std::map<std::size_t, std::string>>> images; // table, cells
    for (const auto& ev : events)
    {
        const bls::rows_event* r = std::get_if<bls::write_rows_event>(&ev);
        if (!r)
            r = std::get_if<bls::update_rows_event>(&ev);
        if (!r)
            continue;
        for (const auto& row : r->rows())
        {
            std::vector<bls::row_cell> cells;
            BOOST_REQUIRE(!row.after.cells(cells));
            std::map<std::size_t, std::string> json;
            for (const auto& c : cells)
                bls::codec::append_json(json[c.index], c.data, *c.column);
            images.emplace_back(r->table ? r->table->table : "", std::move(json));
        }
    }
    BOOST_REQUIRE_EQUAL(images.size(), 3u);
    BOOST_TEST(images[0].first == "b");
    BOOST_TEST(images[0].second[0] == "1");
    // The second payload: the UPDATE, then the INSERT (the order of its ROWS_QUERY events).
    auto& update = images[1].second;
    auto& insert = images[2].second;
    BOOST_TEST(images[1].first == "test_table_3");
    BOOST_TEST(update[0] == "55555");
    BOOST_TEST(update[10] == "\"product_3_value\"");
    BOOST_TEST(insert[0] == "6666");
    BOOST_TEST(insert[1] == "\"product_item_value_2\"");
    BOOST_TEST(insert[3] == "111");
    BOOST_TEST(insert[4] == "\"description_1\"");
    BOOST_TEST(insert[9] == "{\"c\": 1}"); // MySQL prints JSON with a space after the colon
    BOOST_TEST(insert[10] == "\"product_item_2_value\"");
    BOOST_TEST(insert[13] == "2222");
    BOOST_TEST(insert[14] == "\"description_3_value\"");
    BOOST_TEST(insert[17] == "222");
    BOOST_TEST(insert[18] == "\"description_4_value\"");
}

// HEARTBEAT_LOG_EVENT_V2: idle at the end of the binlog, the server sends one per heartbeat period.
// The stream keeps the connection (no reconnect) and hands none out unless asked for them.
BOOST_AUTO_TEST_CASE(heartbeat_v2_keeps_the_stream_alive_and_is_not_delivered)
{
    for (bool ask : {false, true})
    {
        BOOST_TEST_CONTEXT("heartbeats asked for: " << ask)
        {
            replay_server server(serving(bls::test::compressed_file));
            bls::stream_options opts;
            opts.server_id = 4242;
            opts.start = bls::file_position{"binlog.000001", 4};
            // The stream gives up after 2 x 50 ms + 1 s without a packet; the server sends a
            // heartbeat every 50 ms and the test lasts 30 of them (1.5 s), longer than that
            // deadline: only the heartbeats keep the connection (no reconnect is allowed).
            opts.heartbeat = std::chrono::milliseconds(50);
            opts.heartbeat_margin = std::chrono::milliseconds(1000);
            opts.reconnect.enabled = false;
            if (ask)
                opts.events.insert(bls::event_type::heartbeat_v2);
            std::vector<bls::event> events;
            std::error_code end;
            std::uint64_t reconnects = 0;
            bls::test::run_replay([&]() -> asio::awaitable<void> {
                auto ex = co_await asio::this_coro::executor;
                bls::binlog_stream stream(ex, bls::test::replay_connection(server, password), opts);
                // Closes the stream once the server has sent 30 heartbeats (polling the server's
                // record; nothing is asserted about time).
                asio::steady_timer poll(ex);
                asio::co_spawn(
                    ex,
                    [&]() -> asio::awaitable<void> {
                        while (server.record().heartbeats_sent < 30)
                        {
                            poll.expires_after(std::chrono::milliseconds(20));
                            co_await poll.async_wait(as_tuple_awaitable);
                        }
                        stream.close();
                    },
                    asio::detached
                );
                for (;;)
                {
                    auto [ec, ev] = co_await stream.async_next(as_tuple_awaitable);
                    if (ec)
                    {
                        end = ec;
                        break;
                    }
                    events.push_back(std::move(ev));
                }
                reconnects = stream.reconnect_count();
            });
            // close() ends the pending next() with operation_aborted (stream.hpp).
            BOOST_TEST((end == asio::error::operation_aborted), end.message());
            BOOST_TEST(reconnects == 0u);
            auto rec = server.record();
            // One dump: the stream never reconnected. (The table cache may log in a second time to
            // read information_schema, since this MySQL file's TABLE_MAPs carry no column names.)
            BOOST_TEST(rec.dumps == 1u);
            BOOST_TEST((rec.dump_flags & 0x02) != 0); // USE_HEARTBEAT_EVENT_V2 requested
            BOOST_TEST(rec.heartbeat_period_ns == 50'000'000u);
            BOOST_TEST(rec.heartbeats_sent >= 30u);
            std::vector<const bls::heartbeat_event*> beats;
            for (const auto& ev : events)
                if (const auto* hb = std::get_if<bls::heartbeat_event>(&ev))
                    beats.push_back(hb);
            if (!ask)
                BOOST_TEST(beats.empty());
            else
            {
                BOOST_TEST(beats.size() >= 29u);
                for (const auto* hb : beats)
                {
                    BOOST_TEST((hb->header.type == bls::event_type::heartbeat_v2));
                    BOOST_TEST(hb->log_file == "binlog.000001");
                    BOOST_TEST(hb->position == 475u); // MANIFEST: the file is 475 bytes
                }
            }
            // The transaction was delivered before the heartbeats.
            BOOST_TEST(histogram(events)[bls::event_type::write_rows] == 1);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
