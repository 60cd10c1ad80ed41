// GTID and GTID set text forms. Expected values come from the MySQL manual ("GTID Format and
// Storage", MySQL 8.4/9.x) and from what a MySQL 9.1.0 server printed in MySQL bug #116789.

#include <binlogstream/position.hpp>

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace binlogstream;

namespace {
const std::string manual_uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
const std::string manual_uuid_lc = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
} // namespace

BOOST_AUTO_TEST_SUITE(gtid_text)

BOOST_AUTO_TEST_CASE(single_gtids_from_the_manual)
{
    auto g = gtid::parse(manual_uuid + ":23");
    BOOST_TEST(g.source.to_string() == manual_uuid_lc);
    BOOST_TEST(g.tag.empty());
    BOOST_TEST(g.gno == 23u);
    BOOST_TEST(g.to_string() == manual_uuid_lc + ":23");

    // "the one-hundred-seventeenth transaction ... with the tag Domain_1" (tags are case-insensitive)
    auto t = gtid::parse("ed102faf-eb00-11eb-8f20-0c5415bfaa1d:Domain_1:117");
    BOOST_TEST(t.tag == "domain_1");
    BOOST_TEST(t.gno == 117u);
    BOOST_TEST(t.to_string() == "ed102faf-eb00-11eb-8f20-0c5415bfaa1d:domain_1:117");
}

BOOST_AUTO_TEST_CASE(invalid_single_gtids)
{
    const std::vector<std::string> bad = {
        "",
        manual_uuid,
        manual_uuid + ":",
        manual_uuid + ":0",
        manual_uuid + ":1-2",
        manual_uuid + ":tag",
        manual_uuid + ":tag:",
        manual_uuid + ":1x",
        "3E11FA47-71CA-11E1-9E33-C80AA942956:1",
    };
    for (const auto& text : bad)
    {
        BOOST_TEST_CONTEXT(text)
        {
            std::error_code ec;
            (void)gtid::parse(text, ec);
            BOOST_TEST(ec == errc::invalid_gtid);
            BOOST_CHECK_THROW((void)gtid::parse(text), binlogstream::error);
        }
    }
}

BOOST_AUTO_TEST_CASE(sets_parse_to_canonical_text)
{
    struct row
    {
        std::string input;
        std::string canonical;
    };
    // clang-format off
    const std::vector<row> rows = {
        {"", ""},
        {"  \n ", ""},
        // Manual: a range, and single GTIDs and ranges of one server separated by colons.
        {manual_uuid + ":1-5", manual_uuid_lc + ":1-5"},
        {manual_uuid + ":1-3:11:47-49", manual_uuid_lc + ":1-3:11:47-49"},
        // Manual: a tag is part of the source; several intervals of one tag.
        {manual_uuid + ":Domain_1:1-3:11:47-49", manual_uuid_lc + ":domain_1:1-3:11:47-49"},
        // MySQL bug #116789: what SET gtid_purged = <the manual's example> made the 9.1.0 server print.
        {manual_uuid + ":Domain_1:1-3:15-21,\n" + manual_uuid + ":Domain_2:8-52",
         manual_uuid_lc + ":domain_1:1-3:15-21:domain_2:8-52"},
        // Manual: "UUIDs are in alphabetical order, and numeric intervals are merged and in ascending order".
        {"24da1670-0c0c-11e8-8442-00059a3c7b00:1-19, 2174B383-5441-11E8-B90A-C80AA9429562:1-3",
         "2174b383-5441-11e8-b90a-c80aa9429562:1-3,24da1670-0c0c-11e8-8442-00059a3c7b00:1-19"},
        {manual_uuid + ":47-49:1-3:11", manual_uuid_lc + ":1-3:11:47-49"},
        {manual_uuid + ":1-3:4-5:7:6", manual_uuid_lc + ":1-7"},
        {manual_uuid + ":1-10:2-3,"  + manual_uuid + ":5-12", manual_uuid_lc + ":1-12"},
        {manual_uuid + ":5-5", manual_uuid_lc + ":5"},
        // Untagged intervals print first, then each tag in ascending order.
        {manual_uuid + ":zz:1:aa:2,"  + manual_uuid + ":3", manual_uuid_lc + ":3:aa:2:zz:1"},
        {manual_uuid + ":_:1", manual_uuid_lc + ":_:1"},
        {manual_uuid + ":9223372036854775806", manual_uuid_lc + ":9223372036854775806"},
        {manual_uuid + " : 1 - 2 ", manual_uuid_lc + ":1-2"},
    };
    // clang-format on
    for (const auto& r : rows)
    {
        BOOST_TEST_CONTEXT(r.input)
        {
            std::error_code ec;
            auto set = gtid_set::parse(r.input, ec);
            BOOST_TEST(!ec);
            BOOST_TEST(set.to_string() == r.canonical);
            BOOST_TEST((gtid_set::parse(set.to_string()) == set));
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_sets)
{
    const std::string tag33(33, 'a');
    const std::vector<std::string> bad = {
        manual_uuid,                               // no interval
        manual_uuid + ":",                         // empty interval
        manual_uuid + ":1-5:",                     // empty trailing interval
        manual_uuid + ":1-5::7",                   // empty interval in the middle
        manual_uuid + ":5-3",                      // reversed
        manual_uuid + ":0",                        // transaction numbers start at 1
        manual_uuid + ":0-3",                      //
        manual_uuid + ":1-",                       //
        manual_uuid + ":-1",                       //
        manual_uuid + ":9223372036854775807",      // beyond 2^63 - 2
        manual_uuid + ":9223372036854775808",      // 2^63
        manual_uuid + ":1-18446744073709551616",   // 2^64
        manual_uuid + ":" + tag33 + ":1",          // tag too long
        manual_uuid + ":tag",                      // a tag without intervals
        manual_uuid + ":tag:1:other",              //
        manual_uuid + ":1:tag:other:2",            //
        manual_uuid + ":t-g:1",                    // '-' is not a tag character
        manual_uuid + ":1,",                       // empty element
        "," + manual_uuid + ":1",                  //
        manual_uuid + ":1,," + manual_uuid + ":2", //
        manual_uuid + ":1 2",                      //
        "3E11FA47-71CA-11E1-9E33-C80AA942956:1",   // 35 characters
        "3E11FA47-71CA-11E1-9E33-C80AA9429562X:1", //
        "3E11FA4771CA11E19E33C80AA9429562:1",      // 32 hex digits without dashes
        "3G11FA47-71CA-11E1-9E33-C80AA9429562:1",  // not hex
        "3E11FA47+71CA-11E1-9E33-C80AA9429562:1",  //
        // The manual's multi-source example has a 7-digit first group ("24DA167-"): not a UUID.
        "2174B383-5441-11E8-B90A-C80AA9429562:1-3, 24DA167-0C0C-11E8-8442-00059A3C7B00:1-19",
    };
    for (const auto& text : bad)
    {
        BOOST_TEST_CONTEXT(text)
        {
            std::error_code ec;
            auto set = gtid_set::parse(text, ec);
            BOOST_TEST(ec == errc::invalid_gtid);
            BOOST_TEST(set.empty());
            BOOST_CHECK_THROW((void)gtid_set::parse(text), binlogstream::error);
        }
    }
}

BOOST_AUTO_TEST_CASE(insert_merges_like_gtid_executed_compression)
{
    // The manual's mysql.gtid_executed compression example: single GTIDs 31..48 alternating between
    // two tags compress to 31-35, 36-39, 40-43, 44-46, 47-48.
    gtid_set set;
    auto u = uuid::parse(manual_uuid);
    auto tag_of = [](std::uint64_t n) {
        return (n <= 35 || (n >= 40 && n <= 43) || n >= 47) ? "domain_1" : "domain_2";
    };
    for (std::uint64_t n = 48; n >= 31; --n) // out of order on purpose
        set.insert(gtid{u, tag_of(n), n});
    BOOST_TEST(set.to_string() == manual_uuid_lc + ":domain_1:31-35:40-43:47-48:domain_2:36-39:44-46");
    BOOST_TEST(set.contains(gtid{u, "domain_1", 42}));
    BOOST_TEST(!set.contains(gtid{u, "domain_2", 42}));
    BOOST_TEST(!set.contains(gtid{u, "", 42}));
    BOOST_TEST(set.contains(gtid{u, "domain_2", 36}));
    BOOST_TEST(set.contains(gtid{u, "domain_2", 46}));
    BOOST_TEST(!set.contains(gtid{u, "domain_2", 47}));
    BOOST_TEST(!set.contains(gtid{u, "domain_1", 30}));
    BOOST_TEST(set.has_tags());
}

BOOST_AUTO_TEST_CASE(insert_bridges_and_unions)
{
    auto set = gtid_set::parse(manual_uuid + ":1-3:7-9:20");
    set.insert(gtid::parse(manual_uuid + ":4"));
    BOOST_TEST(set.to_string() == manual_uuid_lc + ":1-4:7-9:20");
    set.insert(gtid::parse(manual_uuid + ":5"));
    set.insert(gtid::parse(manual_uuid + ":6"));
    BOOST_TEST(set.to_string() == manual_uuid_lc + ":1-9:20");
    set.insert(gtid::parse(manual_uuid + ":3")); // already there
    BOOST_TEST(set.to_string() == manual_uuid_lc + ":1-9:20");

    auto other = gtid_set::parse("2174b383-5441-11e8-b90a-c80aa9429562:1-3," + manual_uuid + ":10-19:t:1");
    set.insert(other);
    BOOST_TEST(set.to_string() == "2174b383-5441-11e8-b90a-c80aa9429562:1-3," + manual_uuid_lc + ":1-20:t:1");
    BOOST_TEST(!set.contains(gtid::parse(manual_uuid + ":21")));
    BOOST_TEST(set.contains(gtid::parse(manual_uuid + ":T:1")));
}

BOOST_AUTO_TEST_CASE(insert_rejects_invalid_gtids)
{
    gtid_set set;
    auto u = uuid::parse(manual_uuid);
    BOOST_CHECK_THROW(set.insert(gtid{u, "", 0}), binlogstream::error);
    BOOST_CHECK_THROW(set.insert(gtid{u, "", gtid::max_gno + 1}), binlogstream::error);
    BOOST_CHECK_THROW(set.insert(gtid{u, "Upper", 1}), binlogstream::error);
    BOOST_CHECK_THROW(set.insert(gtid{u, "9lives", 1}), binlogstream::error);
    BOOST_CHECK_THROW(set.insert(gtid_set::source_id{u, ""}, gtid_set::interval{5, 3}), binlogstream::error);
    BOOST_TEST(set.empty());
    set.insert(gtid{u, "", gtid::max_gno});
    BOOST_TEST(set.to_string() == manual_uuid_lc + ":9223372036854775806");
}

BOOST_AUTO_TEST_CASE(tag_validation)
{
    BOOST_TEST(is_valid_gtid_tag("domain_1"));
    BOOST_TEST(is_valid_gtid_tag("_"));
    BOOST_TEST(is_valid_gtid_tag(std::string(32, 'x')));
    BOOST_TEST(!is_valid_gtid_tag(std::string(33, 'x')));
    BOOST_TEST(!is_valid_gtid_tag(""));
    BOOST_TEST(!is_valid_gtid_tag("1a"));
    BOOST_TEST(!is_valid_gtid_tag("Domain_1")); // not normalised
}

BOOST_AUTO_TEST_CASE(equality_and_hash)
{
    auto a = gtid_set::parse(manual_uuid + ":1-5");
    auto b = gtid_set::parse(manual_uuid_lc + ":1-2:3-5");
    BOOST_TEST((a == b));
    BOOST_TEST(std::hash<gtid_set>{}(a) == std::hash<gtid_set>{}(b));
    BOOST_TEST(
        std::hash<gtid>{}(gtid::parse(manual_uuid + ":1")) ==
        std::hash<gtid>{}(gtid::parse(manual_uuid_lc + ":1"))
    );
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(gtid_set_model)

// Random inserts checked against a plain std::set of GTIDs: membership, canonical text (rebuilt from
// the model), and the round trips through text and the binary form.
BOOST_AUTO_TEST_CASE(random_inserts_match_a_simple_model)
{
    std::uint64_t state = 0x9e3779b97f4a7c15ull;
    auto next = [&state](std::uint64_t bound) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state % bound;
    };
    const std::vector<uuid> uuids = {
        uuid::parse("3e11fa47-71ca-11e1-9e33-c80aa9429562"),
        uuid::parse("2174b383-5441-11e8-b90a-c80aa9429562"),
    };
    const std::vector<std::string> tags = {"", "a", "b_2"};
    for (int round = 0; round < 200; ++round)
    {
        gtid_set set;
        std::set<std::tuple<uuid, std::string, std::uint64_t>> model;
        auto count = next(40);
        for (std::uint64_t i = 0; i < count; ++i)
        {
            const auto& u = uuids[next(uuids.size())];
            const auto& t = tags[next(tags.size())];
            auto first = 1 + next(30);
            auto last = first + next(4);
            set.insert(gtid_set::source_id{u, t}, gtid_set::interval{first, last});
            for (auto g = first; g <= last; ++g)
                model.insert({u, t, g});
        }
        for (const auto& u : uuids)
            for (const auto& t : tags)
                for (std::uint64_t g = 1; g <= 40; ++g)
                    BOOST_TEST(set.contains(gtid{u, t, g}) == (model.count({u, t, g}) == 1));

        // The canonical text, rebuilt from the model: sources in order, runs merged.
        std::string expected;
        const uuid* last_uuid = nullptr;
        for (auto it = model.begin(); it != model.end();)
        {
            const auto& [u, t, g] = *it;
            if (last_uuid == nullptr || *last_uuid != u)
            {
                expected += (last_uuid ? "," : "") + u.to_string();
                last_uuid = &std::get<0>(*it);
            }
            if (!t.empty())
                expected += ":" + t;
            while (it != model.end() && std::get<0>(*it) == u && std::get<1>(*it) == t)
            {
                auto start = std::get<2>(*it);
                auto end = start;
                auto run = std::next(it);
                while (run != model.end() && std::get<0>(*run) == u && std::get<1>(*run) == t &&
                       std::get<2>(*run) == end + 1)
                {
                    ++end;
                    ++run;
                }
                expected += ":" + std::to_string(start) + (end != start ? "-" + std::to_string(end) : "");
                it = run;
            }
        }
        BOOST_TEST(set.to_string() == expected);
        BOOST_TEST((gtid_set::parse(set.to_string()) == set));
        std::error_code ec;
        BOOST_TEST((gtid_set::decode(set.encode(), ec) == set));
        BOOST_TEST(!ec);
    }
}

BOOST_AUTO_TEST_SUITE_END()
