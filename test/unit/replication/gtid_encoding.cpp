// The binary GTID set form, checked against PREVIOUS_GTIDS_LOG_EVENT bodies written by real servers
// (shared test binlogs, MANIFEST.md): MySQL 8.0.40 (untagged format), MySQL 9.6.0 (tagged format),
// MySQL 5.6.24 (empty set). The event body is the same Gtid_set::encode() output that
// COM_BINLOG_DUMP_GTID carries.

#include <binlogstream/position.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace binlogstream;

namespace {

std::vector<std::byte> from_hex(std::string_view hex)
{
    std::vector<std::byte> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(std::byte(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

// Reads `size` bytes at `offset` of a shared test binlog.
std::vector<std::byte> file_bytes(const std::string& relative, std::size_t offset, std::size_t size)
{
    std::ifstream in(std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + relative, std::ios::binary);
    std::vector<char> all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out;
    for (std::size_t i = offset; i < offset + size && i < all.size(); ++i)
        out.push_back(std::byte(static_cast<unsigned char>(all[i])));
    return out;
}

struct vector_case
{
    const char* name;
    const char* file;   // shared test binlog
    std::size_t offset; // event start
    std::size_t size;   // event size (19-byte header + body + 4-byte CRC32)
    const char* body;   // hex of the body (between header and CRC)
    const char* text;   // the set the body encodes
};

// clang-format off
const vector_case vectors[] = {
    {"MySQL 8.0.40, untagged",
     "rust_mysql_common/test-data/binlogs/binlog_transaction_previous_GTID_no_tag.000001", 126, 71,
     "0100000000000000" "b9b88c66075511f198994a9da94c4d71" "0100000000000000"
     "0100000000000000" "0300000000000000",
     "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2"},
    {"MySQL 9.6.0, tagged",
     "rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001", 127, 118,
     "0102000000000001"
     "55778904029911f1b1b84ef0c4956feb" "00" "0100000000000000" "0100000000000000" "0e00000000000000"
     "55778904029911f1b1b84ef0c4956feb" "0a" "6d79746167" "0100000000000000" "0100000000000000" "0300000000000000",
     "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2"},
    {"MySQL 5.6.24, empty",
     "rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID.000001", 120, 31,
     "0000000000000000",
     ""},
};
// clang-format on

} // namespace

BOOST_AUTO_TEST_SUITE(gtid_encoding)

BOOST_AUTO_TEST_CASE(vectors_are_the_server_bytes)
{
    for (const auto& v : vectors)
    {
        BOOST_TEST_CONTEXT(v.name)
        {
            auto event = file_bytes(v.file, v.offset, v.size);
            BOOST_REQUIRE(event.size() == v.size);
            auto body = from_hex(v.body);
            BOOST_REQUIRE(body.size() == v.size - 19 - 4);
            BOOST_TEST(std::equal(body.begin(), body.end(), event.begin() + 19));
        }
    }
}

BOOST_AUTO_TEST_CASE(encode_matches_the_server)
{
    for (const auto& v : vectors)
    {
        BOOST_TEST_CONTEXT(v.name)
        {
            auto body = from_hex(v.body);
            auto set = gtid_set::parse(v.text);
            auto encoded = set.encode();
            BOOST_TEST((encoded == body));

            std::error_code ec;
            auto decoded = gtid_set::decode(body, ec);
            BOOST_TEST(!ec);
            BOOST_TEST(decoded.to_string() == v.text);
            BOOST_TEST((decoded == set));
        }
    }
}

BOOST_AUTO_TEST_CASE(truncation_sweep)
{
    for (const auto& v : vectors)
    {
        auto body = from_hex(v.body);
        for (std::size_t n = 0; n < body.size(); ++n)
        {
            BOOST_TEST_CONTEXT(v.name << " prefix " << n)
            {
                std::error_code ec;
                auto decoded = gtid_set::decode(std::span(body).first(n), ec);
                BOOST_TEST(ec == errc::truncated_event);
                BOOST_TEST(decoded.empty());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_binary)
{
    struct row
    {
        const char* name;
        const char* hex;
        errc expected;
    };
    // clang-format off
    const row rows[] = {
        {"extra byte", "0000000000000000" "00", errc::extra_bytes},
        {"unknown format 2", "0201000000000002" "55778904029911f1b1b84ef0c4956feb" "00" "0000000000000000", errc::invalid_gtid},
        {"tagged header without its trailing 01", "0201000000000001", errc::invalid_gtid},
        {"huge source count", "ffffffffffff0000", errc::truncated_event},
        {"huge interval count", "0100000000000000" "55778904029911f1b1b84ef0c4956feb" "ffffffffffffffff", errc::truncated_event},
        {"empty interval", "0100000000000000" "55778904029911f1b1b84ef0c4956feb" "0100000000000000"
                           "0500000000000000" "0500000000000000", errc::invalid_gtid},
        {"interval from 0", "0100000000000000" "55778904029911f1b1b84ef0c4956feb" "0100000000000000"
                            "0000000000000000" "0500000000000000", errc::invalid_gtid},
        {"negative end", "0100000000000000" "55778904029911f1b1b84ef0c4956feb" "0100000000000000"
                         "0100000000000000" "ffffffffffffffff", errc::invalid_gtid},
        {"tag 33 bytes", "0101000000000001" "55778904029911f1b1b84ef0c4956feb" "42"
                         "0000000000000000000000000000000000000000000000000000000000000000", errc::invalid_gtid},
        {"tag not an identifier", "0101000000000001" "55778904029911f1b1b84ef0c4956feb" "02" "31"
                                  "0000000000000000", errc::invalid_gtid},
    };
    // clang-format on
    for (const auto& r : rows)
    {
        BOOST_TEST_CONTEXT(r.name)
        {
            std::error_code ec;
            auto decoded = gtid_set::decode(from_hex(r.hex), ec);
            BOOST_TEST(ec == r.expected);
            BOOST_TEST(decoded.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(tagged_round_trip_with_many_sources)
{
    auto set = gtid_set::parse(
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:15-21:domain_1:1-3:" + std::string(32, 'z') +
        ":7,2174b383-5441-11e8-b90a-c80aa9429562:1-3"
    );
    std::error_code ec;
    auto decoded = gtid_set::decode(set.encode(), ec);
    BOOST_TEST(!ec);
    BOOST_TEST((decoded == set));
    BOOST_TEST(std::to_integer<int>(set.encode()[0]) == 1); // tagged format
}

BOOST_AUTO_TEST_SUITE_END()
