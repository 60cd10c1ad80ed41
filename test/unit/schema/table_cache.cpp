// The table cache's bookkeeping (lib/schema/table_cache.hpp), without a server: which TABLE_MAPs ask
// for an information_schema read, which reuse one, and what a DDL or a restart forgets.

#include "schema/table_cache.hpp"

#include <boost/test/unit_test.hpp>

namespace bls = binlogstream;
namespace bs = binlogstream::schema;
using ct = bls::column_type;

namespace {

// A TABLE_MAP of s.t without names (binlog_row_metadata=MINIMAL/NO_LOG): INT, VARCHAR(10)[, INT].
bls::table_map_event table_map(std::uint64_t id, std::size_t columns = 2, std::string table = "t")
{
    auto t = std::make_shared<bls::table_info>();
    t->table_id = id;
    t->schema = "s";
    t->table = std::move(table);
    for (std::size_t i = 0; i < columns; ++i)
    {
        bls::column_info c;
        c.wire_type = c.type = i == 1 ? ct::varchar : ct::long_;
        c.meta = i == 1 ? 10 : 0;
        t->columns.push_back(c);
    }
    bls::table_map_event tm;
    tm.table_id = id;
    tm.table = t;
    return tm;
}

std::shared_ptr<const bs::fetched_table> columns(std::vector<std::string> names)
{
    auto f = std::make_shared<bs::fetched_table>();
    for (std::size_t i = 0; i < names.size(); ++i)
    {
        bs::fetched_column c;
        c.name = names[i];
        c.data_type = i == 1 ? "varchar" : "int";
        c.octet_length = i == 1 ? std::optional<std::uint64_t>(10) : std::nullopt;
        f->columns.push_back(c);
    }
    return f;
}

struct fixture
{
    std::vector<std::string> logged;
    bs::table_cache cache{false, [this](bls::log_level, std::string_view s) { logged.emplace_back(s); }};
};

} // namespace

BOOST_AUTO_TEST_SUITE(schema_table_cache)

BOOST_FIXTURE_TEST_CASE(a_table_map_without_names_waits_for_one_read, fixture)
{
    auto tm = table_map(10);
    auto raw = tm.table;
    cache.on_table_map(tm, true);
    BOOST_TEST(cache.registry().at(10) == raw);
    auto p = cache.pending_for(raw.get());
    BOOST_REQUIRE(p);
    BOOST_TEST(!p->done);
    BOOST_REQUIRE(cache.next_request());
    BOOST_TEST(cache.next_request()->schema == "s");
    BOOST_TEST(cache.next_request()->table == "t");

    // The next transaction's TABLE_MAP arrives before the read is done: no second read.
    auto tm2 = table_map(10);
    cache.on_table_map(tm2, true);
    auto p2 = cache.pending_for(tm2.table.get());
    BOOST_REQUIRE(p2);
    BOOST_TEST(!cache.pending_for(raw.get())); // the registry no longer hands out the first one

    cache.on_fetched(columns({"id", "name"}), {});
    BOOST_TEST(!cache.next_request());
    BOOST_TEST(p->done);
    BOOST_TEST(p2->done);
    BOOST_TEST(p->resolved->columns[1].name == "name");
    BOOST_TEST((p2->resolved->metadata == bls::table_metadata::cache));
    BOOST_TEST(cache.registry().at(10) == p2->resolved); // later rows decode with names directly

    // Same id and shape again: the resolution is reused, nothing is read or merged.
    auto tm3 = table_map(10);
    cache.on_table_map(tm3, true);
    BOOST_TEST(tm3.table == p2->resolved);
    BOOST_TEST(!cache.next_request());

    // A new id of the unchanged table (FLUSH TABLES): resolved from the name's read at once.
    auto tm4 = table_map(11);
    cache.on_table_map(tm4, true);
    BOOST_TEST(!cache.next_request());
    BOOST_TEST(tm4.table->columns[0].name == "id");
    BOOST_TEST(cache.stats().lookups == 3u);
    BOOST_TEST(logged.empty());
}

BOOST_FIXTURE_TEST_CASE(names_in_the_binlog_or_unwanted_tables_need_no_read, fixture)
{
    auto tm = table_map(5);
    auto full = std::make_shared<bls::table_info>(*tm.table);
    full->names_from_binlog = true;
    tm.table = full;
    cache.on_table_map(tm, true);
    auto other = table_map(6, 2, "filtered");
    cache.on_table_map(other, false);
    BOOST_TEST(!cache.next_request());
    BOOST_TEST(cache.registry().at(5) == full);
    BOOST_TEST(cache.registry().at(6) == other.table);
    BOOST_TEST(cache.stats().lookups == 0u);
}

BOOST_FIXTURE_TEST_CASE(ddl_forgets_the_table_and_old_events_are_mismatches, fixture)
{
    // Replaying from before an ALTER ... ADD COLUMN: the read is of the table after it.
    auto old_map = table_map(20, 2);
    cache.on_table_map(old_map, true);
    cache.on_fetched(columns({"id", "name", "added"}), {});
    auto p = cache.pending_for(old_map.table.get());
    BOOST_REQUIRE(p);
    BOOST_TEST((p->resolved->metadata == bls::table_metadata::mismatch));
    BOOST_TEST(p->resolved->columns[0].name.empty());
    BOOST_TEST(cache.stats().mismatches == 1u);
    BOOST_REQUIRE_EQUAL(logged.size(), 1u);
    BOOST_TEST(logged[0].find("no longer matches") != std::string::npos);

    cache.on_query("ALTER TABLE t ADD COLUMN added INT", "s");
    auto new_map = table_map(21, 3);
    cache.on_table_map(new_map, true);
    BOOST_REQUIRE(cache.next_request()); // forgotten: read again
    cache.on_fetched(columns({"id", "name", "added"}), {});
    auto q = cache.pending_for(new_map.table.get());
    BOOST_TEST((q->resolved->metadata == bls::table_metadata::cache));
    BOOST_TEST(q->resolved->columns[2].name == "added");
}

BOOST_FIXTURE_TEST_CASE(a_read_in_flight_during_a_ddl_is_not_kept, fixture)
{
    auto a = table_map(30, 2);
    cache.on_table_map(a, true);
    cache.on_query("DROP TABLE IF EXISTS `s`.`t`", "other");
    auto b = table_map(31, 2);
    cache.on_table_map(b, true); // after the DDL: needs a read of its own
    cache.on_fetched(columns({"id", "name"}), {});
    BOOST_TEST(cache.pending_for(a.table.get())->done);
    BOOST_TEST(!cache.pending_for(b.table.get())->done);
    BOOST_REQUIRE(cache.next_request());
    cache.on_fetched(columns({"id", "name"}), {});
    BOOST_TEST(cache.pending_for(b.table.get())->done);
}

BOOST_FIXTURE_TEST_CASE(ddl_names_match_case_insensitively, fixture)
{
    auto a = table_map(70);
    cache.on_table_map(a, true);
    cache.on_fetched(columns({"id", "name"}), {});
    cache.on_query("ALTER TABLE S.T ADD COLUMN c INT", "x");
    auto b = table_map(71, 3);
    cache.on_table_map(b, true);
    BOOST_TEST(cache.next_request()); // forgotten, read again
    cache.on_fetched(columns({"id", "name", "c"}), {});
    cache.on_query("DROP DATABASE `s`", "x");
    auto c = table_map(72, 3);
    cache.on_table_map(c, true);
    BOOST_TEST(cache.next_request());
}

BOOST_FIXTURE_TEST_CASE(a_change_without_ddl_is_read_again_once, fixture)
{
    // The table was altered with sql_log_bin=0: no DDL in the stream, but a new table id that the
    // last read does not fit. It is read again instead of being reported as a mismatch.
    auto a = table_map(80, 2);
    cache.on_table_map(a, true);
    cache.on_fetched(columns({"id", "name"}), {});
    auto b = table_map(81, 3);
    cache.on_table_map(b, true);
    BOOST_REQUIRE(cache.next_request());
    cache.on_fetched(columns({"id", "name", "c"}), {});
    auto p = cache.pending_for(b.table.get());
    BOOST_TEST((p->resolved->metadata == bls::table_metadata::cache));
    BOOST_TEST(p->resolved->columns[2].name == "c");
    BOOST_TEST(cache.stats().mismatches == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_frozen_cache_ignores_ddl, fixture)
{
    bs::table_cache frozen(true, {});
    auto a = table_map(40, 2);
    frozen.on_table_map(a, true);
    frozen.on_fetched(columns({"id", "name"}), {});
    frozen.on_query("ALTER TABLE t ADD COLUMN c INT", "s");
    auto b = table_map(41, 3);
    frozen.on_table_map(b, true);
    BOOST_TEST(!frozen.next_request());
    BOOST_TEST((b.table->metadata == bls::table_metadata::mismatch));
}

BOOST_FIXTURE_TEST_CASE(a_missing_table_is_unavailable_and_asked_again_later, fixture)
{
    auto a = table_map(50);
    cache.on_table_map(a, true);
    cache.on_fetched(std::make_shared<bs::fetched_table>(), {});
    auto p = cache.pending_for(a.table.get());
    BOOST_TEST((p->resolved->metadata == bls::table_metadata::unavailable));
    BOOST_TEST(cache.stats().unavailable == 1u);
    auto again = table_map(50);
    cache.on_table_map(again, true);
    BOOST_TEST(again.table == p->resolved); // same id and shape: not asked again
    auto created = table_map(51);
    cache.on_table_map(created, true);
    BOOST_TEST(cache.next_request()); // a new id: the table may exist now
}

BOOST_FIXTURE_TEST_CASE(a_restart_clears_the_table_ids, fixture)
{
    auto a = table_map(60);
    cache.on_table_map(a, true);
    cache.on_fetched(columns({"id", "name"}), {});
    cache.on_server_restart();
    BOOST_TEST(cache.registry().empty());
    auto b = table_map(60, 2, "u"); // the same id now means another table
    cache.on_table_map(b, true);
    BOOST_TEST(cache.next_request()->table == "u");
}

BOOST_FIXTURE_TEST_CASE(a_restart_reads_an_unchanged_name_again, fixture)
{
    // Same id, same name, same types after a restart: the table may have been recreated with other
    // column names by DDL the stream never saw, so the old read is not reused.
    auto a = table_map(70);
    cache.on_table_map(a, true);
    cache.on_fetched(columns({"id", "name"}), {});
    BOOST_TEST(!cache.next_request());
    cache.on_server_restart();
    auto b = table_map(70);
    cache.on_table_map(b, true);
    BOOST_REQUIRE(cache.next_request());
    BOOST_TEST(cache.next_request()->table == a.table->table);
}

BOOST_AUTO_TEST_SUITE_END()
