// MariaDB's own fractional TIME(N)/DATETIME(N)/TIMESTAMP(N) (the 5.3-10.0 format, still created
// under mysql56_temporal_format=OFF): the binlog logs them as the old types 11/12/7 with no
// metadata, so only the table cache's DATETIME_PRECISION can size them (codec/temporal_hires.hpp).
// The sandbox writes them for real; expected values are the SQL's literals (session time zone UTC,
// so TIMESTAMPs print as written).

#include "stream_scenarios_support.hpp"

namespace bt = binlogstream::test;
namespace bls = binlogstream;

BOOST_AUTO_TEST_SUITE(schema_hires_temporal)

BOOST_AUTO_TEST_CASE(mariadb_5_3_fractional_temporals_are_sized_by_the_table_cache)
{
    bt::admin_sql(
        "CREATE DATABASE IF NOT EXISTS bls_old; DROP TABLE IF EXISTS bls_old.hires;"
        "SET GLOBAL mysql56_temporal_format = OFF;"
        "CREATE TABLE bls_old.hires (id INT, ts TIMESTAMP(3) NULL, dt DATETIME(6), tm TIME(2), tm5 TIME(5),"
        " dt1 DATETIME(1), ts6 TIMESTAMP(6) NULL, ts0 TIMESTAMP NULL, dt0 DATETIME, tm0 TIME);"
        "SET GLOBAL mysql56_temporal_format = ON"
    );
    // The server says which format the columns have.
    auto types = bt::admin_sql("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                               "'bls_old' AND TABLE_NAME = 'hires' AND COLUMN_NAME = 'ts'");
    BOOST_REQUIRE_EQUAL(types, "timestamp(3) /* mariadb-5.3 */\n");

    auto start = bt::current_binlog_position();
    bt::admin_sql(
        "SET time_zone = '+00:00';"
        "INSERT INTO bls_old.hires VALUES (1, '2024-01-02 03:04:05.678', '2024-05-06 07:08:09.123456',"
        " '-12:34:56.78', '838:59:59.99999', '1999-12-31 23:59:59.9', '2038-01-19 03:14:07.999999',"
        " '2020-01-01 00:00:00', '1000-01-01 00:00:00', '-838:59:59'),"
        " (2, NULL, '2000-02-29 12:00:00.000001', '00:00:00.00', '-00:00:00.00001', '2000-01-01 00:00:00.0',"
        " '1970-01-01 00:00:01.000000', NULL, '9999-12-31 23:59:59', '00:00:01')"
    );
    auto s = bt::stream_events(start);
    BOOST_TEST(s.end == bls::errc::end_of_stream);
    auto rows = bt::rows_of(s, "bls_old", "hires");
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    std::map<std::string, std::string> first{
        {"id", "1"},
        {"ts", R"("2024-01-02 03:04:05.678")"},
        {"dt", R"("2024-05-06 07:08:09.123456")"},
        {"tm", R"("-12:34:56.78")"},
        {"tm5", R"("838:59:59.99999")"},
        {"dt1", R"("1999-12-31 23:59:59.9")"},
        {"ts6", R"("2038-01-19 03:14:07.999999")"},
        {"ts0", R"("2020-01-01 00:00:00")"},
        {"dt0", R"("1000-01-01 00:00:00")"},
        {"tm0", R"("-838:59:59")"},
    };
    std::map<std::string, std::string> second{
        {"id", "2"},
        {"ts", "null"},
        {"dt", R"("2000-02-29 12:00:00.000001")"},
        {"tm", R"("00:00:00.00")"},
        {"tm5", R"("-00:00:00.00001")"},
        {"dt1", R"("2000-01-01 00:00:00.0")"},
        {"ts6", R"("1970-01-01 00:00:01.000000")"},
        {"ts0", "null"},
        {"dt0", R"("9999-12-31 23:59:59")"},
        {"tm0", R"("00:00:01")"},
    };
    for (const auto& [expected, got] :
         {std::pair{&first, &rows[0].after}, std::pair{&second, &rows[1].after}})
    {
        BOOST_TEST(got->size() == expected->size());
        for (const auto& [column, text] : *expected)
            BOOST_TEST((*got)[column] == text, "column " << column);
    }
    for (const auto* w : bt::all_of<bls::write_rows_event>(s))
        if (w->table && w->table->table == "hires")
            BOOST_TEST((w->table->metadata == bls::table_metadata::cache));

    // Without the cache (ctl refused), the FULL TABLE_MAP keeps its own names and says why the
    // precision is unknown; the stream does not fail for it, even when told to fail on missing
    // metadata (the names it needs are there).
    auto blind = bt::stream_events(start, [](bls::stream_options& o) {
        o.ctl = bt::sandbox_connection();
        o.ctl->port = bt::closed_port();
        o.fail_on_table_metadata_unavailable = true;
    });
    BOOST_TEST(blind.end == bls::errc::end_of_stream);
    std::size_t seen = 0;
    for (const auto* w : bt::all_of<bls::write_rows_event>(blind))
        if (w->table && w->table->table == "hires")
        {
            ++seen;
            BOOST_TEST((w->table->metadata == bls::table_metadata::binlog));
            BOOST_TEST(w->table->columns[1].name == "ts");
            BOOST_TEST_MESSAGE("note: " << w->table->metadata_note);
            BOOST_TEST(w->table->metadata_note.find("fractional precision") != std::string::npos);
        }
    BOOST_TEST(seen == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
