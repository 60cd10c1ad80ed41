// The charset optional metadata on MariaDB counts GEOMETRY columns among the character columns
// (MySQL does not): a table with GEOMETRY before its text columns, written by a real MariaDB 10.11
// (test/data/values/geometry-charset.sql, README there). Expected collations are the server's own
// (information_schema), the values those the script inserted.

#include <binlogstream/file_reader.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace bls = binlogstream;

BOOST_AUTO_TEST_SUITE(table_map_geometry_charset)

BOOST_AUTO_TEST_CASE(mariadb_counts_geometry_for_column_charsets)
{
    bls::file_reader reader;
    reader.open({std::string(BINLOGSTREAM_TEST_DATA_DIR) + "/values/mariadb-10.11-geometry-charset.000001"});
    std::shared_ptr<const bls::table_info> table;
    std::vector<std::string> texts;
    std::vector<std::uint16_t> collations;
    std::size_t geometries = 0;
    bls::event ev;
    std::error_code ec;
    while (reader.next(ev, ec))
    {
        if (auto* tm = std::get_if<bls::table_map_event>(&ev); tm && tm->table->table == "t")
            table = tm->table;
        if (auto* w = std::get_if<bls::write_rows_event>(&ev))
        {
            for (const auto& r : w->rows())
            {
                std::vector<bls::row_cell> cells;
                BOOST_TEST_REQUIRE(!r.after.cells(cells));
                for (const auto& c : cells)
                {
                    if (auto* s = c.data.get_if<bls::string_value>())
                    {
                        std::string utf8;
                        BOOST_TEST_REQUIRE(!s->to_utf8(utf8));
                        texts.push_back(utf8);
                        collations.push_back(s->collation);
                    }
                    else if (c.data.is<bls::geometry_value>())
                    {
                        ++geometries;
                    }
                }
            }
        }
    }
    BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
    BOOST_TEST_REQUIRE(table);
    BOOST_TEST_REQUIRE(table->columns.size() == 6u);
    const auto& cols = table->columns;
    BOOST_TEST(cols[1].name == "g");
    BOOST_TEST(cols[2].charset == 8u);   // a: latin1_swedish_ci
    BOOST_TEST(cols[3].charset == 224u); // b: utf8mb4_unicode_ci
    BOOST_TEST(cols[5].charset == 5u);   // c: latin1_german1_ci
    BOOST_TEST(cols[1].charset == 63u);  // GEOMETRY: binary
    BOOST_TEST(cols[4].charset == 63u);  // POINT: binary
    BOOST_TEST(geometries == 2u);
    BOOST_TEST_REQUIRE(texts.size() == 3u);
    BOOST_TEST(texts[0] == "caf\xc3\xa9");
    BOOST_TEST(texts[1] == "caf\xc3\xa9 \xf0\x9f\x98\x80");
    BOOST_TEST(
        texts[2] == "Stra\xc3\x9f"
                    "e"
    );
    BOOST_TEST(collations[0] == 8u);
    BOOST_TEST(collations[1] == 224u);
    BOOST_TEST(collations[2] == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
