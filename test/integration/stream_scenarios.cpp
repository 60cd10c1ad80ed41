// The acceptance scenarios of python-mysql-replication's test suite that MariaDB can express, against
// the sandbox: SQL in, events and values out. Expected values come from the SQL (or, where the server
// chooses them, such as RAND seeds or GTIDs, from asking the server), never from earlier output.

#include "stream_scenarios_support.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <cstring>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using namespace std::chrono_literals;

namespace {

using json_map = std::map<std::string, std::string>;

void fresh_table(const std::string& name, const std::string& columns)
{
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_sc; DROP TABLE IF EXISTS bls_sc.`" + name +
        "`; CREATE TABLE bls_sc.`" + name + "` (" + columns + ")"
    );
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

template <typename T>
T read_le(std::span<const std::byte> b)
{
    T v{};
    std::memcpy(&v, b.data(), sizeof(T)); // the test machine is little-endian (x86-64), like the wire
    return v;
}

std::string text_of(std::span<const std::byte> b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_scenarios)

// test_query_event with unicode identifiers: the DDL comes back byte for byte, and the rows carry the
// unicode table and column names.
BOOST_AUTO_TEST_CASE(unicode_identifiers_in_query_events)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_sc; DROP TABLE IF EXISTS bls_sc.`表_ü`");
    auto start = bt::current_binlog_position();
    const std::string ddl = "CREATE TABLE bls_sc.`表_ü` (`列_é` INT PRIMARY KEY, `名前` VARCHAR(10))";
    bt::admin_sql(ddl + "; INSERT INTO bls_sc.`表_ü` VALUES (1, 'ß')");
    auto got = bt::stream_events(start);
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    bool found = false;
    for (const auto* q : bt::all_of<bls::query_event>(got))
        found = found || q->query == ddl;
    BOOST_TEST(found, "the CREATE TABLE query event, byte for byte");
    auto rows = bt::rows_of(got, "bls_sc", "表_ü");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST((rows[0].after == json_map{{"列_é", "1"}, {"名前", "\"ß\""}}));
}

// test_reading_rotate_event / test_connection_stream_lost_event: a stream that is closed and started
// again from its checkpoint first receives the artificial ROTATE naming the file it resumes in.
BOOST_AUTO_TEST_CASE(a_reconnect_after_close_yields_a_rotate)
{
    fresh_table("rot", "id INT PRIMARY KEY");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.rot VALUES (1)");
    auto first = bt::stream_events(start);
    BOOST_REQUIRE(!first.events.empty());
    const auto* r1 = std::get_if<bls::rotate_event>(&first.events.front());
    BOOST_REQUIRE(r1);
    BOOST_TEST(r1->next_file == start.file);
    BOOST_TEST(r1->position == start.offset);

    auto again = bt::stream_events(first.position.resume());
    BOOST_REQUIRE(!again.events.empty());
    const auto* r2 = std::get_if<bls::rotate_event>(&again.events.front());
    BOOST_REQUIRE(r2);
    BOOST_TEST(r2->next_file == first.position.file.file);
    BOOST_TEST(r2->position == first.position.file.offset);
    BOOST_TEST(bt::rows_of(again, "bls_sc", "rot").empty()); // nothing repeated
}

// test_filtering_only_events / test_filtering_ignore_events.
BOOST_AUTO_TEST_CASE(only_and_ignored_event_filters)
{
    fresh_table("filt", "id INT PRIMARY KEY");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.filt VALUES (1); UPDATE bls_sc.filt SET id = 2");
    auto only = bt::stream_events(start, [](bls::stream_options& o) {
        // MariaDB writes version-1 rows events (24); MySQL 8 writes version 2 (31).
        o.events = {bls::event_type::query, bls::event_type::update_rows_v1, bls::event_type::update_rows};
    });
    BOOST_REQUIRE(!only.events.empty());
    for (const auto& e : only.events)
        BOOST_TEST(
            (std::holds_alternative<bls::query_event>(e) || std::holds_alternative<bls::update_rows_event>(e))
        );
    BOOST_TEST(bt::all_of<bls::update_rows_event>(only).size() == 1u);

    auto ignored = bt::stream_events(start, [](bls::stream_options& o) {
        o.events = bls::event_type_set::all_except(
            {bls::event_type::update_rows_v1, bls::event_type::update_rows, bls::event_type::table_map}
        );
    });
    BOOST_TEST(bt::all_of<bls::update_rows_event>(ignored).empty());
    BOOST_TEST(bt::all_of<bls::table_map_event>(ignored).empty());
    // The write rows are still decoded without their (filtered) TABLE_MAP being handed out.
    auto rows = bt::rows_of(ignored, "bls_sc", "filt");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows[0].after.at("id") == "1");
}

// test_write/update/delete_row_event and the multi-row variants: one statement over several rows is
// one rows event holding every row.
BOOST_AUTO_TEST_CASE(write_update_delete_sequences_with_multi_row_events)
{
    fresh_table("multi", "id INT PRIMARY KEY, data VARCHAR(20)");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.multi VALUES (1, 'a'), (2, 'b'), (3, 'c');"
                  "UPDATE bls_sc.multi SET data = CONCAT(data, '!') WHERE id >= 2;"
                  "DELETE FROM bls_sc.multi WHERE id IN (1, 3);"
                  "INSERT INTO bls_sc.multi VALUES (4, NULL)");
    auto got = bt::stream_events(start);
    auto rows = bt::rows_of(got, "bls_sc", "multi");
    BOOST_REQUIRE_EQUAL(rows.size(), 3u + 2u + 2u + 1u);
    std::vector<std::string> kinds;
    std::vector<std::size_t> events;
    for (const auto& r : rows)
    {
        kinds.push_back(r.kind);
        events.push_back(r.event_index);
    }
    BOOST_TEST(
        (kinds ==
         std::vector<std::string>{
             "insert", "insert", "insert", "update", "update", "delete", "delete", "insert"}),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        (events == std::vector<std::size_t>{0, 0, 0, 1, 1, 2, 2, 3}), boost::test_tools::per_element()
    );
    BOOST_TEST((rows[2].after == json_map{{"id", "3"}, {"data", "\"c\""}}));
    BOOST_TEST((rows[3].before == json_map{{"id", "2"}, {"data", "\"b\""}}));
    BOOST_TEST((rows[3].after == json_map{{"id", "2"}, {"data", "\"b!\""}}));
    BOOST_TEST((rows[4].after == json_map{{"id", "3"}, {"data", "\"c!\""}}));
    BOOST_TEST((rows[5].before == json_map{{"id", "1"}, {"data", "\"a\""}}));
    BOOST_TEST((rows[6].before == json_map{{"id", "3"}, {"data", "\"c!\""}}));
    BOOST_TEST((rows[7].after == json_map{{"id", "4"}, {"data", "null"}}));
}

// test_default_charset_parsing: the table's default charset and a column's own charset arrive as
// collation ids (MariaDB 10.11: latin1_swedish_ci 8, utf8mb4_general_ci 45, utf8mb4_bin 46, binary 63).
BOOST_AUTO_TEST_CASE(default_charset_parsing)
{
    bt::admin_sql("CREATE DATABASE IF NOT EXISTS bls_sc; DROP TABLE IF EXISTS bls_sc.cs;"
                  "CREATE TABLE bls_sc.cs (id INT PRIMARY KEY, a VARCHAR(5),"
                  " b VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, c TEXT, d VARBINARY(5))"
                  " DEFAULT CHARSET=latin1");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.cs VALUES (1, 'é', 'é', 'é', 'é')");
    auto got = bt::stream_events(start);
    auto maps = bt::all_of<bls::table_map_event>(got);
    BOOST_REQUIRE_EQUAL(maps.size(), 1u);
    const auto& cols = maps[0]->table->columns;
    BOOST_REQUIRE_EQUAL(cols.size(), 5u);
    BOOST_TEST(cols[1].charset == 8u);
    BOOST_TEST(cols[2].charset == 46u);
    BOOST_TEST(cols[3].charset == 8u);
    BOOST_TEST(cols[4].charset == 63u);
    auto rows = bt::rows_of(got, "bls_sc", "cs");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows[0].after.at("a") == "\"é\""); // latin1 0xE9 converted to UTF-8
    BOOST_TEST(rows[0].after.at("b") == "\"é\"");
    BOOST_TEST(rows[0].after.at("c") == "\"é\"");
    BOOST_TEST(rows[0].after.at("d") == "{\"base64\":\"w6k=\"}"); // the UTF-8 bytes c3 a9, as sent
}

// test_log_pos / test_log_pos_handles_disconnects: starting from a file and position, and resuming
// from the checkpoint taken right after a FORMAT_DESCRIPTION or right after an XID.
BOOST_AUTO_TEST_CASE(resume_from_file_position_after_an_fde_or_an_xid)
{
    fresh_table("res", "id INT PRIMARY KEY");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.res VALUES (1); INSERT INTO bls_sc.res VALUES (2)");

    // Stop right after the FDE (the stream's first real event), then resume from the checkpoint.
    bls::stream_position after_fde, after_xid;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::stream_options o;
        o.server_id = 7401;
        o.start = start;
        bls::binlog_stream s(co_await asio::this_coro::executor, bt::sandbox_connection(), o);
        for (int i = 0; i < 100; ++i)
        {
            auto ev = co_await s.next();
            if (std::holds_alternative<bls::format_description_event>(ev) && after_fde.file.file.empty())
                after_fde = s.position();
            if (std::holds_alternative<bls::xid_event>(ev))
            {
                after_xid = s.position();
                break;
            }
        }
    });
    BOOST_TEST(after_fde.file.to_string() == start.to_string());
    auto from_fde = bt::stream_events(after_fde.resume());
    auto rows = bt::rows_of(from_fde, "bls_sc", "res");
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    BOOST_TEST(rows[0].after.at("id") == "1");

    auto from_xid = bt::stream_events(after_xid.resume());
    rows = bt::rows_of(from_xid, "bls_sc", "res");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows[0].after.at("id") == "2");
    // The first transaction's GTID is not seen again.
    auto gtids = bt::all_of<bls::mariadb_gtid_event>(from_xid);
    BOOST_REQUIRE_EQUAL(gtids.size(), 1u);
    BOOST_TEST(bt::all_of<bls::mariadb_gtid_event>(from_fde).size() == 2u);
    BOOST_TEST(gtids[0]->seq_no == bt::all_of<bls::mariadb_gtid_event>(from_fde)[1]->seq_no);
}

// test_skip_to_timestamp: the events are stamped with SET TIMESTAMP, so no waiting is needed.
BOOST_AUTO_TEST_CASE(skip_to_timestamp)
{
    fresh_table("ts", "id INT PRIMARY KEY");
    auto start = bt::current_binlog_position();
    bt::admin_sql("SET TIMESTAMP = 1700000000; INSERT INTO bls_sc.ts VALUES (1);"
                  "SET TIMESTAMP = 1800000000; INSERT INTO bls_sc.ts VALUES (2)");
    auto got = bt::stream_events(start, [](bls::stream_options& o) {
        o.skip_until = std::chrono::sys_seconds(std::chrono::seconds(1750000000));
    });
    auto rows = bt::rows_of(got, "bls_sc", "ts");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows[0].after.at("id") == "2");
    for (const auto& e : got.events)
    {
        auto ts = bls::header_of(e).timestamp;
        BOOST_TEST((ts == 0 || ts >= 1750000000u));
    }
}

// test_end_log_pos: the stop position is taken from the stream itself (the end of the second XID),
// and a second stream stops exactly there.
BOOST_AUTO_TEST_CASE(end_log_pos_computed_dynamically)
{
    fresh_table("endpos", "id INT PRIMARY KEY");
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.endpos VALUES (1); INSERT INTO bls_sc.endpos VALUES (2);"
                  "INSERT INTO bls_sc.endpos VALUES (3)");
    auto all = bt::stream_events(start);
    auto xids = bt::all_of<bls::xid_event>(all);
    BOOST_REQUIRE_GE(xids.size(), 3u);
    const bls::file_position stop{start.file, xids[1]->header.log_pos};
    auto got = bt::stream_events(start, [&](bls::stream_options& o) {
        o.blocking = true;
        o.stop_at = stop;
    });
    BOOST_TEST(got.end == bls::errc::end_of_stream);
    BOOST_REQUIRE(!got.events.empty());
    BOOST_TEST(std::holds_alternative<bls::xid_event>(got.events.back()));
    BOOST_TEST(bls::header_of(got.events.back()).log_pos == stop.offset);
    BOOST_TEST(bt::rows_of(got, "bls_sc", "endpos").size() == 2u);
    BOOST_TEST(got.position.file.to_string() == stop.to_string());
}

// MariaDB GTID position start (auto_position with @slave_connect_state): the stream begins with the
// transaction after the given position.
BOOST_AUTO_TEST_CASE(mariadb_gtid_position_start)
{
    fresh_table("gtid", "id INT PRIMARY KEY");
    bt::admin_sql("INSERT INTO bls_sc.gtid VALUES (1)");
    auto pos = trimmed(bt::admin_sql("SELECT @@gtid_binlog_pos"));
    bt::admin_sql("INSERT INTO bls_sc.gtid VALUES (2); INSERT INTO bls_sc.gtid VALUES (3)");
    auto after = trimmed(bt::admin_sql("SELECT @@gtid_binlog_pos"));
    auto got = bt::stream_events(bls::mariadb_gtid_list::parse(pos));
    auto rows = bt::rows_of(got, "bls_sc", "gtid");
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    BOOST_TEST(rows[0].after.at("id") == "2");
    BOOST_TEST(rows[1].after.at("id") == "3");
    auto gtids = bt::all_of<bls::mariadb_gtid_event>(got);
    BOOST_REQUIRE_EQUAL(gtids.size(), 2u);
    auto last = bls::mariadb_gtid_list::parse(after);
    BOOST_TEST(
        (std::to_string(gtids[1]->domain_id) + "-" + std::to_string(gtids[1]->header.server_id) + "-" +
         std::to_string(gtids[1]->seq_no)) == after
    );
    BOOST_REQUIRE(got.position.mariadb_gtids.has_value());
    BOOST_TEST(got.position.mariadb_gtids->to_string() == last.to_string());
}

// Statement-based logging: RAND() is logged as a RAND event whose seeds reproduce the value, and user
// variables of every type as USER_VAR events before the statement.
BOOST_AUTO_TEST_CASE(statement_format_rand_and_user_var_events)
{
    fresh_table(
        "stmt", "r DOUBLE, s VARCHAR(20), i BIGINT, u BIGINT UNSIGNED, d DECIMAL(10,3), f DOUBLE, n INT"
    );
    auto start = bt::current_binlog_position();
    bt::admin_sql("SET SESSION binlog_format = STATEMENT;"
                  "INSERT INTO bls_sc.stmt (r) VALUES (RAND());"
                  "SET @s = 'héllo', @i = -42, @u = CAST(18446744073709551615 AS UNSIGNED), @d = 12.345,"
                  " @f = 1.5e10, @n = NULL;"
                  "INSERT INTO bls_sc.stmt (s, i, u, d, f, n) VALUES (@s, @i, @u, @d, @f, @n)");
    auto got = bt::stream_events(start);
    auto rands = bt::all_of<bls::rand_event>(got);
    BOOST_REQUIRE_EQUAL(rands.size(), 1u);
    // The seeds reproduce the value the server stored.
    auto stored = trimmed(bt::admin_sql("SELECT r FROM bls_sc.stmt WHERE r IS NOT NULL"));
    auto replayed = trimmed(bt::admin_sql(
        "SET @@rand_seed1 = " + std::to_string(rands[0]->seed1) +
        ", @@rand_seed2 = " + std::to_string(rands[0]->seed2) + "; SELECT RAND()"
    ));
    BOOST_TEST(stored == replayed);

    auto vars = bt::all_of<bls::user_var_event>(got);
    BOOST_REQUIRE_EQUAL(vars.size(), 6u);
    std::map<std::string, const bls::user_var_event*> by_name;
    for (const auto* v : vars)
        by_name[std::string(v->name)] = v;
    using vt = bls::user_var_event::value_type;
    const auto* s = by_name.at("s");
    BOOST_TEST((s->type == vt::string));
    BOOST_TEST(text_of(s->value) == "héllo");
    BOOST_TEST(s->charset == 45u); // utf8mb4_general_ci, the client's
    const auto* i = by_name.at("i");
    BOOST_TEST((i->type == vt::integer));
    BOOST_TEST(read_le<std::int64_t>(i->value) == -42);
    BOOST_TEST(!i->is_unsigned());
    const auto* u = by_name.at("u");
    BOOST_TEST((u->type == vt::integer));
    BOOST_TEST(read_le<std::uint64_t>(u->value) == 18446744073709551615ull);
    BOOST_TEST(u->is_unsigned());
    const auto* d = by_name.at("d");
    BOOST_TEST((d->type == vt::decimal));
    BOOST_REQUIRE_GE(d->value.size(), 2u);
    BOOST_TEST(std::to_integer<int>(d->value[1]) == 3); // the scale of 12.345
    const auto* f = by_name.at("f");
    BOOST_TEST((f->type == vt::real));
    BOOST_TEST(read_le<double>(f->value) == 1.5e10);
    const auto* n = by_name.at("n");
    BOOST_TEST(n->is_null);
}

// MariaDB's BINLOG_CHECKPOINT, GTID_LIST (a new file after a small max_binlog_size) and the FDE's
// version fields.
BOOST_AUTO_TEST_CASE(binlog_checkpoint_gtid_list_and_fde_version_after_a_small_max_binlog_size)
{
    fresh_table("rotate", "id INT PRIMARY KEY, pad TEXT");
    auto start = bt::current_binlog_position();
    auto old_size = trimmed(bt::admin_sql("SELECT @@global.max_binlog_size"));
    std::string last_before_rotate;
    struct restore_size
    {
        std::string size;
        ~restore_size()
        {
            try
            {
                bt::admin_sql("SET GLOBAL max_binlog_size = " + size);
            }
            catch (const std::exception&)
            {}
        }
    } restore{old_size};
    bt::admin_sql("SET GLOBAL max_binlog_size = 4096"); // each of the next two rows rotates the binlog
    bt::admin_sql("INSERT INTO bls_sc.rotate VALUES (1, REPEAT('a', 5000))");
    bt::admin_sql("INSERT INTO bls_sc.rotate VALUES (2, REPEAT('b', 5000))");
    auto gtid_after_2 = trimmed(bt::admin_sql("SELECT @@gtid_binlog_pos"));
    bt::admin_sql("SET GLOBAL max_binlog_size = " + old_size);
    bt::admin_sql("INSERT INTO bls_sc.rotate VALUES (3, 'c')");
    auto end = bt::current_binlog_position();
    BOOST_TEST(end.file != start.file); // the binlog rotated

    auto got = bt::stream_events(start);
    BOOST_TEST(bt::rows_of(got, "bls_sc", "rotate").size() == 3u);
    // A real ROTATE (not the artificial one that starts the dump) to the new file.
    bool real_rotate = false;
    for (const auto* r : bt::all_of<bls::rotate_event>(got))
        real_rotate = real_rotate || ((r->header.flags & 0x20) == 0 && r->next_file != start.file);
    BOOST_TEST(real_rotate);
    auto lists = bt::all_of<bls::mariadb_gtid_list_event>(got);
    BOOST_REQUIRE(!lists.empty());
    // The last GTID_LIST starts the newest file: the state after the last transaction of the one before.
    BOOST_TEST(lists.back()->to_string() == gtid_after_2);
    auto checkpoints = bt::all_of<bls::mariadb_binlog_checkpoint_event>(got);
    BOOST_REQUIRE(!checkpoints.empty());
    for (const auto* c : checkpoints)
        BOOST_TEST(c->log_file.rfind("mysql-bin.", 0) == 0u);
    auto fdes = bt::all_of<bls::format_description_event>(got);
    BOOST_REQUIRE_GE(fdes.size(), 2u);
    auto version = trimmed(bt::admin_sql("SELECT VERSION()"));
    for (const auto* f : fdes)
    {
        BOOST_TEST(f->binlog_version == 4u);
        BOOST_TEST(f->server_version == version);
        BOOST_TEST((f->checksum == bls::checksum_algorithm::crc32));
    }
}

// MariaDB ANNOTATE_ROWS: with annotate_rows the statement text precedes its rows; without it, not.
BOOST_AUTO_TEST_CASE(annotate_rows)
{
    fresh_table("ann", "id INT PRIMARY KEY");
    auto start = bt::current_binlog_position();
    const std::string sql = "INSERT INTO bls_sc.ann VALUES (1), (2)";
    bt::admin_sql(sql);
    auto with = bt::stream_events(start, [](bls::stream_options& o) { o.annotate_rows = true; });
    std::vector<std::string> texts;
    std::size_t annotate_at = 0, map_at = 0;
    for (std::size_t i = 0; i < with.events.size(); ++i)
    {
        if (const auto* a = std::get_if<bls::rows_query_event>(&with.events[i]))
        {
            BOOST_TEST((a->header.type == bls::event_type::mariadb_annotate_rows));
            texts.emplace_back(a->query);
            annotate_at = i;
        }
        if (std::holds_alternative<bls::table_map_event>(with.events[i]))
            map_at = i;
    }
    BOOST_TEST((texts == std::vector<std::string>{sql}), boost::test_tools::per_element());
    BOOST_TEST(annotate_at < map_at);
    auto without = bt::stream_events(start);
    BOOST_TEST(bt::all_of<bls::rows_query_event>(without).empty());
}

// Latin-1 query text: a client speaking latin1 sends é as the byte E9; the QUERY event keeps the bytes
// and says which charset they are in.
BOOST_AUTO_TEST_CASE(latin1_query_text)
{
    fresh_table("l1", "id INT PRIMARY KEY, t VARCHAR(10) CHARACTER SET latin1");
    auto start = bt::current_binlog_position();
    // The statement text is written in latin1 bytes here: "café" with E9.
    bt::admin_sql("SET NAMES latin1; SET SESSION binlog_format = STATEMENT;"
                  "INSERT INTO bls_sc.l1 VALUES (1, 'caf\xe9')");
    auto got = bt::stream_events(start);
    const bls::query_event* insert = nullptr;
    for (const auto* q : bt::all_of<bls::query_event>(got))
        if (q->query.find("INSERT INTO bls_sc.l1") != std::string_view::npos)
            insert = q;
    BOOST_REQUIRE(insert);
    BOOST_TEST(insert->query == "INSERT INTO bls_sc.l1 VALUES (1, 'caf\xe9')");
    BOOST_REQUIRE(insert->status.charset.has_value());
    BOOST_TEST(insert->status.charset->client == 8u); // latin1_swedish_ci
    BOOST_TEST(trimmed(bt::admin_sql("SELECT HEX(t) FROM bls_sc.l1")) == "636166E9");
}

// NULL bitmaps over 16 columns (three bitmap bytes), NULL in every position pattern.
BOOST_AUTO_TEST_CASE(null_bitmaps_over_16_columns)
{
    std::string cols, vals;
    for (int c = 1; c <= 20; ++c)
    {
        cols += (c > 1 ? ", c" : "c") + std::to_string(c) + " INT";
        vals +=
            (c > 1 ? ", " : "") + ((c % 3 == 0 || c == 17) ? std::string("NULL") : std::to_string(c * 10));
    }
    fresh_table("nulls", cols);
    auto start = bt::current_binlog_position();
    bt::admin_sql("INSERT INTO bls_sc.nulls VALUES (" + vals + ")");
    auto rows = bt::rows_of(bt::stream_events(start), "bls_sc", "nulls");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    for (int c = 1; c <= 20; ++c)
    {
        BOOST_TEST_CONTEXT("c" << c)
        BOOST_TEST(
            rows[0].after.at("c" + std::to_string(c)) ==
            ((c % 3 == 0 || c == 17) ? std::string("null") : std::to_string(c * 10))
        );
    }
}

BOOST_AUTO_TEST_SUITE_END()
