// MariaDB GTIDs and GTID lists. Texts from the MariaDB KB: "Global Transaction ID" (0-1-100 style
// positions), the GTID_LIST_EVENT page ("Gtid list [0-10124-3584]") and "5-Slave Registration"
// (SET @slave_connect_state='0-10201-9868').

#include <binlogstream/position.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace binlogstream;

BOOST_AUTO_TEST_SUITE(mariadb_gtid_text)

BOOST_AUTO_TEST_CASE(single)
{
    auto g = mariadb_gtid::parse("0-10124-3584");
    BOOST_TEST(g.domain_id == 0u);
    BOOST_TEST(g.server_id == 10124u);
    BOOST_TEST(g.seq_no == 3584u);
    BOOST_TEST(g.to_string() == "0-10124-3584");
    auto big = mariadb_gtid::parse("4294967295-4294967295-18446744073709551615");
    BOOST_TEST(big.domain_id == 4294967295u);
    BOOST_TEST(big.seq_no == 18446744073709551615ull);
    BOOST_TEST(big.to_string() == "4294967295-4294967295-18446744073709551615");
}

BOOST_AUTO_TEST_CASE(lists)
{
    struct row
    {
        std::string input;
        std::string canonical;
    };
    const std::vector<row> rows = {
        {"", ""},
        {"0-10201-9868", "0-10201-9868"},
        {"0-1-100,1-2-5", "0-1-100,1-2-5"},
        {"1-2-5, 0-1-100", "0-1-100,1-2-5"}, // sorted by domain
        {" 7-1-1 ,\n3-1-2 ", "3-1-2,7-1-1"},
    };
    for (const auto& r : rows)
    {
        BOOST_TEST_CONTEXT(r.input)
        {
            auto list = mariadb_gtid_list::parse(r.input);
            BOOST_TEST(list.to_string() == r.canonical);
            BOOST_TEST((mariadb_gtid_list::parse(list.to_string()) == list));
        }
    }
}

BOOST_AUTO_TEST_CASE(update_replaces_the_domain)
{
    auto list = mariadb_gtid_list::parse("0-1-100,1-2-5");
    list.update(mariadb_gtid{1, 3, 6});
    list.update(mariadb_gtid{2, 1, 1});
    list.update(mariadb_gtid{0, 1, 101});
    BOOST_TEST(list.to_string() == "0-1-101,1-3-6,2-1-1");
    BOOST_TEST(list.find(1)->server_id == 3u);
    BOOST_TEST(!list.find(9));
}

BOOST_AUTO_TEST_CASE(invalid)
{
    const std::vector<std::string> bad = {
        "0-1",
        "0-1-",
        "-0-1-1",
        "0--1-1",
        "0-1-1-1",
        "0-1-1,",
        ",0-1-1",
        "0-1-1,,1-1-1",
        "0-1-1 1-1-1",
        "a-1-1",
        "4294967296-1-1",           // domain is 32-bit
        "0-4294967296-1",           // server id is 32-bit
        "0-1-18446744073709551616", // sequence is 64-bit
        "0-1-5,0-2-6",              // one domain twice
    };
    for (const auto& text : bad)
    {
        BOOST_TEST_CONTEXT(text)
        {
            std::error_code ec;
            auto list = mariadb_gtid_list::parse(text, ec);
            BOOST_TEST(ec == errc::invalid_gtid);
            BOOST_TEST(list.empty());
            BOOST_CHECK_THROW((void)mariadb_gtid_list::parse(text), binlogstream::error);
        }
    }
    std::error_code ec;
    (void)mariadb_gtid::parse("0-1-1,1-1-1", ec);
    BOOST_TEST(ec == errc::invalid_gtid);
}

BOOST_AUTO_TEST_SUITE_END()
