// The checkpoint's JSON text form: round trips, tolerated variations, and malformed texts.

#include <binlogstream/position.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace binlogstream;

BOOST_AUTO_TEST_SUITE(stream_position_text)

BOOST_AUTO_TEST_CASE(file_position_text)
{
    const file_position p{"mysql-bin.000003", 1234};
    BOOST_TEST(p.to_string() == "mysql-bin.000003:1234");
    const file_position a4{"a", 4}, a5{"a", 5}, b4{"b", 4};
    BOOST_TEST((a5 < b4));
    BOOST_TEST((a4 < a5));
    BOOST_TEST(file_position().offset == 4u);
}

BOOST_AUTO_TEST_CASE(layout)
{
    stream_position p{{"mysql-bin.000003", 1234}, std::nullopt, std::nullopt};
    BOOST_TEST(p.to_string() == R"({"file":"mysql-bin.000003","pos":1234})");
    p.gtids = gtid_set::parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5");
    p.mariadb_gtids = mariadb_gtid_list::parse("0-1-5");
    BOOST_TEST(
        p.to_string() ==
        R"({"file":"mysql-bin.000003","pos":1234,"gtid_set":"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5","mariadb_gtid":"0-1-5"})"
    );
}

BOOST_AUTO_TEST_CASE(round_trips)
{
    std::vector<stream_position> positions = {
        {{"mysql-bin.000003", 4}, std::nullopt, std::nullopt},
        {{"", 0}, std::nullopt, std::nullopt},
        {{"odd \"name\"\\with\ttabs\nand\x01\x1f controls", 18446744073709551615ull},
         std::nullopt,
         std::nullopt},
        {{"utf8-\xc3\xa9\xe2\x82\xac", 9}, gtid_set{}, mariadb_gtid_list{}},
        {{"binlog.000001", 157},
         gtid_set::parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-3:11:Domain_1:1-3,"
                         "2174B383-5441-11E8-B90A-C80AA9429562:1-3"),
         std::nullopt},
        {{"mariadb-bin.000002", 385}, std::nullopt, mariadb_gtid_list::parse("0-1-100,1-2-5")},
    };
    for (const auto& p : positions)
    {
        BOOST_TEST_CONTEXT(p.to_string())
        {
            std::error_code ec;
            auto back = stream_position::parse(p.to_string(), ec);
            BOOST_TEST(!ec);
            BOOST_TEST((back == p));
        }
    }
}

BOOST_AUTO_TEST_CASE(accepted_variations)
{
    // Key order, white space, JSON escapes (\u with a surrogate pair), unknown keys.
    auto p = stream_position::parse(" {\n \"version\" : 1 , \"pos\" : 99, \"note\":\"x\\/y\", \"file\" : "
                                    "\"a\\u00e9\\ud83d\\ude00\\/b\" } ");
    BOOST_TEST(p.file.file == "a\xc3\xa9\xf0\x9f\x98\x80/b");
    BOOST_TEST(p.file.offset == 99u);
    BOOST_TEST(!p.gtids);
    BOOST_TEST(!p.mariadb_gtids);
}

BOOST_AUTO_TEST_CASE(resume_prefers_gtids)
{
    stream_position p{{"f", 10}, std::nullopt, std::nullopt};
    const file_position f10{"f", 10};
    BOOST_TEST((std::get<file_position>(p.resume()) == f10));
    p.mariadb_gtids = mariadb_gtid_list::parse("0-1-5");
    BOOST_TEST(std::get<mariadb_gtid_list>(p.resume()).to_string() == "0-1-5");
    p.gtids = gtid_set::parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5");
    BOOST_TEST(std::holds_alternative<gtid_set>(p.resume()));
}

BOOST_AUTO_TEST_CASE(malformed)
{
    const std::vector<std::string> bad = {
        "",
        "{}",
        "[]",
        "null",
        R"({"file":"a"})",
        R"({"pos":4})",
        R"({"file":"a","pos":4)",
        R"({"file":"a","pos":4}x)",
        R"({"file":"a","pos":4,})",
        R"({"file":"a",,"pos":4})",
        R"({"file":"a" "pos":4})",
        R"({"file":"a","pos":-4})",
        R"({"file":"a","pos":4.5})",
        R"({"file":"a","pos":4e2})",
        R"({"file":"a","pos":"4"})",
        R"({"file":"a","pos":18446744073709551616})",
        R"({"file":4,"pos":4})",
        R"({"file":"a","file":"b","pos":4})",
        R"({"file":"a","pos":4,"pos":5})",
        R"({"file":"a","pos":4,"gtid_set":"nope"})",
        R"({"file":"a","pos":4,"gtid_set":"3E11FA47-71CA-11E1-9E33-C80AA9429562:5-3"})",
        R"({"file":"a","pos":4,"gtid_set":5})",
        R"({"file":"a","pos":4,"mariadb_gtid":"0-1"})",
        R"({"file":"a","pos":4,"mariadb_gtid":"0-1-1,0-1-2"})",
        R"({"file":"a","pos":4,"other":true})",
        R"({"file":"a","pos":4,"other":{}})",
        R"({"file":"a","pos":4,"other":-})",
        R"({"file":"a\q","pos":4})",
        R"({"file":"a\u12","pos":4})",
        R"({"file":"a\ud800","pos":4})",
        R"({"file":"a\udc00","pos":4})",
        "{\"file\":\"a\nb\",\"pos\":4}", // raw control character in a string
        R"({"file":"a)",
        R"({"file)",
        R"({"file":"a","pos":4,"gtid_set":"3E11FA47-71CA-11E1-9E33-C80AA9429562:1","gtid_set":""})",
    };
    for (const auto& text : bad)
    {
        BOOST_TEST_CONTEXT(text)
        {
            std::error_code ec;
            auto p = stream_position::parse(text, ec);
            BOOST_TEST(ec == errc::invalid_position);
            BOOST_TEST((p == stream_position()));
            BOOST_CHECK_THROW((void)stream_position::parse(text), binlogstream::error);
        }
    }
}

BOOST_AUTO_TEST_CASE(prefix_sweep)
{
    // Every proper prefix of a valid checkpoint is malformed (the closing brace is last).
    stream_position p{
        {"mysql-bin.000003", 1234},
        gtid_set::parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5"),
        mariadb_gtid_list::parse("0-1-5")};
    auto text = p.to_string();
    for (std::size_t n = 0; n < text.size(); ++n)
    {
        std::error_code ec;
        (void)stream_position::parse(std::string_view(text).substr(0, n), ec);
        BOOST_TEST(ec == errc::invalid_position, "prefix " << n);
    }
}

BOOST_AUTO_TEST_SUITE_END()
