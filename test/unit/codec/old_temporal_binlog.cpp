// The old (pre-MySQL 5.6, MariaDB 10.0-era) temporal column types TIME (11), DATETIME (12) and
// TIMESTAMP (7), from a binlog a real MariaDB wrote with mysql56_temporal_format=OFF
// (test/data/values/old-temporal.sql). Expected values: the server's own SELECT of the rows.

#include <binlogstream/file_reader.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace bls = binlogstream;

namespace {

struct expected_row
{
    bls::time_value tm;
    bls::datetime_value dt;
    bool ts_null;
    std::int64_t ts;
};

} // namespace

BOOST_AUTO_TEST_SUITE(old_temporal_binlog)

BOOST_AUTO_TEST_CASE(time_datetime_timestamp_old_forms)
{
    // clang-format off
    const std::vector<expected_row> expected = {
        {{false, 12, 34, 56, 0, 0}, {{2023, 8, 24}, 7, 54, 55, 0, 0}, false, 1692863695},
        {{true, 838, 59, 59, 0, 0}, {{0, 0, 0}, 0, 0, 0, 0, 0}, false, 1},
        {{false, 838, 59, 59, 0, 0}, {{9999, 12, 31}, 23, 59, 59, 0, 0}, false, 2147483647},
        {{true, 0, 0, 1, 0, 0}, {{2021, 2, 30}, 1, 2, 3, 0, 0}, true, 0},
    };
    // clang-format on
    bls::file_reader reader;
    reader.open({std::string(BINLOGSTREAM_TEST_DATA_DIR) + "/values/mariadb-10.11-old-temporal.000001"});
    bls::event ev;
    std::error_code ec;
    std::size_t n = 0;
    while (reader.next(ev, ec))
    {
        if (auto* tm = std::get_if<bls::table_map_event>(&ev))
        {
            BOOST_TEST_REQUIRE(tm->table->columns.size() == 4u);
            BOOST_TEST((tm->table->columns[1].wire_type == bls::column_type::time));
            BOOST_TEST((tm->table->columns[2].wire_type == bls::column_type::datetime));
            BOOST_TEST((tm->table->columns[3].wire_type == bls::column_type::timestamp));
        }
        auto* w = std::get_if<bls::write_rows_event>(&ev);
        if (!w)
            continue;
        for (const auto& r : w->rows())
        {
            BOOST_TEST_REQUIRE(n < expected.size());
            const auto& e = expected[n++];
            BOOST_TEST_CONTEXT("row " << n)
            {
                std::vector<bls::row_cell> cells;
                BOOST_TEST_REQUIRE(!r.after.cells(cells));
                BOOST_TEST_REQUIRE(cells.size() == 4u);
                BOOST_TEST(cells[0].data.as_int64() == std::int64_t(n));
                BOOST_TEST((cells[1].data.as_time() == e.tm));
                BOOST_TEST((cells[2].data.as_datetime() == e.dt));
                BOOST_TEST(cells[2].data.as_datetime().is_invalid() == (n == 2 || n == 4));
                if (e.ts_null)
                    BOOST_TEST(cells[3].data.is_null());
                else
                    BOOST_TEST(cells[3].data.as_timestamp().seconds == e.ts);
            }
        }
    }
    BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
    BOOST_TEST(n == expected.size());
}

BOOST_AUTO_TEST_SUITE_END()
