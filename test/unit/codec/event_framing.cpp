// Framing: the v4 header, CRC32 footers (the FDE's computed with LOG_EVENT_BINLOG_IN_USE_F cleared),
// FORMAT_DESCRIPTION decoding and the checksum-aware rule.
// Vectors: MariaDB's replication protocol documentation (mariadb-docs, clientserver-protocol/
// replication-protocol/*.md), whose CRCs are the ones mysqlbinlog prints; and the MANIFEST of the shared
// binlogs (server versions and checksum states).

#include "codec/event_decoder.hpp"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v)
{
    std::vector<std::byte> out;
    for (int b : v)
        out.push_back(static_cast<std::byte>(b));
    return out;
}

// clang-format off
// gtid_list_event.md: "server id 10124 end_log_pos 292 CRC32 0xb6d8f0a8 Gtid list [0-10124-3584]"
const auto gtid_list = bytes({
    0xa4, 0x85, 0x9e, 0x59, 0xa3, 0x8c, 0x27, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x24, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0x27, 0x00, 0x00, 0x00,
    0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa8, 0xf0, 0xd8, 0xb6});

// clang-format on

bls::format_description_event crc_fde()
{
    bls::format_description_event f = codec::default_format_description();
    f.server_version = "10.2.10-MariaDB-log";
    f.checksum = bls::checksum_algorithm::crc32;
    return f;
}

} // namespace

BOOST_AUTO_TEST_SUITE(event_framing)

BOOST_AUTO_TEST_CASE(header_fields)
{
    bls::event_header h;
    BOOST_TEST(!codec::decode_header(gtid_list, h));
    BOOST_TEST(h.timestamp == 0x599e85a4u);
    BOOST_TEST((h.type == bls::event_type::mariadb_gtid_list));
    BOOST_TEST(h.server_id == 10124u);
    BOOST_TEST(h.event_size == 43u);
    BOOST_TEST(h.log_pos == 292u);
    BOOST_TEST(h.flags == 0u);
}

BOOST_AUTO_TEST_CASE(header_truncation_sweep)
{
    for (std::size_t n = 0; n < codec::v4_header_size; ++n)
    {
        bls::event_header h;
        BOOST_TEST((codec::decode_header(std::span(gtid_list).first(n), h) == bls::errc::truncated_event));
    }
}

BOOST_AUTO_TEST_CASE(header_with_impossible_size)
{
    auto b = gtid_list;
    b[9] = std::byte{18}; // event_size 18 < 19
    bls::event_header h;
    BOOST_TEST((codec::decode_header(b, h) == bls::errc::bad_event_length));
}

BOOST_AUTO_TEST_CASE(crc32_matches_mysqlbinlog)
{
    BOOST_TEST(codec::verify_crc32(gtid_list));
    auto bad = gtid_list;
    bad[30] ^= std::byte{1};
    BOOST_TEST(!codec::verify_crc32(bad));
}

BOOST_AUTO_TEST_CASE(bad_crc_is_an_error)
{
    auto fde = crc_fde();
    codec::decode_context ctx;
    ctx.fde = &fde;
    auto bad = gtid_list;
    bad[30] ^= std::byte{1};
    bls::event ev;
    BOOST_TEST((codec::decode_event(bls::event_buffer::copy_of(bad), ctx, ev) == bls::errc::bad_checksum));
    // ... unless verification is off.
    ctx.verify_checksum = false;
    BOOST_TEST(!codec::decode_event(bls::event_buffer::copy_of(bad), ctx, ev));
}

BOOST_AUTO_TEST_CASE(gtid_list_example)
{
    auto fde = crc_fde();
    codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.strict = true;
    bls::event ev;
    BOOST_REQUIRE(!codec::decode_event(bls::event_buffer::copy_of(gtid_list), ctx, ev));
    const auto& l = std::get<bls::mariadb_gtid_list_event>(ev);
    BOOST_TEST(l.gtids.size() == 1u);
    BOOST_TEST(l.to_string() == "0-10124-3584");
}

// FDEs of shared binlogs; server version, checksum state and FDE flags from the MANIFEST. The CRC of
// an FDE whose IN_USE flag (0x1) is set verifies only with the flag cleared.
struct fde_case
{
    const char* path;
    const char* version;
    bls::checksum_algorithm checksum;
    std::uint16_t flags;
};

const fde_case fde_cases[] = {
    {"rust_mysql_common/test-data/binlogs/json.binlog.000001",
     "8.0.22",
     bls::checksum_algorithm::crc32,
     0x01},
    {"rust_mysql_common/test-data/binlogs/mariadb-bin.000001",
     "10.5.15-MariaDB-1:10.5.15+maria~focal-log",
     bls::checksum_algorithm::crc32,
     0x01},
    {"rust_mysql_common/test-data/binlogs/rpl_unfiltered_hidden_gcol.000001",
     "8.0.17-debug",
     bls::checksum_algorithm::crc32,
     0x40},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-none",
     "5.7.20-log",
     bls::checksum_algorithm::off,
     0x00},
    {"tiflow/mysql-bin.000001", "10.0.17-MariaDB-1~wheezy-log", bls::checksum_algorithm::off, 0x01},
    {"percona-toolkit/t/lib/samples/binlogs/raw_binlog.log",
     "5.5.38-0ubuntu0.12.04.1-log",
     bls::checksum_algorithm::undefined,
     0x01},
    {"rust_mysql_common/test-data/binlogs/bug16266.000001",
     "5.0.16-debug-log",
     bls::checksum_algorithm::undefined,
     0x00},
};

std::vector<std::byte> first_event(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::vector<char> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    BOOST_REQUIRE(all.size() > 4 + 19);
    auto size = codec::load_le<4>(reinterpret_cast<const std::byte*>(all.data()) + 4 + 9);
    std::vector<std::byte> out(size);
    std::memcpy(out.data(), all.data() + 4, size);
    return out;
}

BOOST_AUTO_TEST_CASE(fde_of_shared_binlogs)
{
    for (const auto& c : fde_cases)
    {
        BOOST_TEST_CONTEXT(c.path)
        {
            auto ev = first_event(std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + c.path);
            bls::format_description_event f;
            BOOST_REQUIRE(!codec::decode_format_description(ev, f));
            BOOST_TEST(f.binlog_version == 4u);
            BOOST_TEST(f.server_version == c.version);
            BOOST_TEST((f.checksum == c.checksum));
            BOOST_TEST(f.header.flags == c.flags);
            BOOST_TEST(f.header_length == 19u);
            if (c.checksum == bls::checksum_algorithm::crc32)
            {
                BOOST_TEST(codec::verify_crc32(ev));
                codec::decode_context ctx;
                bls::event out;
                BOOST_TEST(!codec::decode_event(bls::event_buffer::copy_of(ev), ctx, out));
            }
            // Every strict prefix of the fixed part fails.
            for (std::size_t n = 0; n < 19 + 57; ++n)
            {
                bls::format_description_event g;
                BOOST_TEST(codec::decode_format_description(std::span(ev).first(n), g));
            }
        }
    }
}

// MANIFEST "Checksum": checksum-aware FDEs from MySQL >= 5.6.1 and MariaDB >= 5.3; its server table
// lists which files have an algorithm byte (CRC32/OFF) and which not (NONE, pre-checksum FDE).
BOOST_AUTO_TEST_CASE(checksum_aware_versions)
{
    BOOST_TEST(codec::is_checksum_aware("5.6.4-m7-debug-log"));
    BOOST_TEST(codec::is_checksum_aware("5.6.16-64.2-56-log"));
    BOOST_TEST(codec::is_checksum_aware("8.0.2-dmr-debug-log-asan"));
    BOOST_TEST(codec::is_checksum_aware("9.6.0"));
    BOOST_TEST(codec::is_checksum_aware("10.0.17-MariaDB-1~wheezy-log"));
    BOOST_TEST(codec::is_checksum_aware("11.8.5-MariaDB-ubu2404-log"));
    BOOST_TEST(!codec::is_checksum_aware("5.5.38-0ubuntu0.12.04.1-log"));
    BOOST_TEST(!codec::is_checksum_aware("5.2.2-a_drop6p13-debug-log"));
    BOOST_TEST(!codec::is_checksum_aware("5.1.37-ndb-6.2.19-debug-log"));
    BOOST_TEST(!codec::is_checksum_aware("5.0.16-debug-log"));
    BOOST_TEST(!codec::is_checksum_aware("5.6.0"));
    BOOST_TEST(codec::is_checksum_aware("5.6.1"));
}

// The alcatel 5.1 trees renumber types 16-22 (MySQL sql/log_event.cc, event_type_permutation).
BOOST_AUTO_TEST_CASE(event_type_permutation_versions)
{
    BOOST_TEST(codec::uses_event_type_permutation("5.2.2-a_drop6p13-debug-log"));
    BOOST_TEST(codec::uses_event_type_permutation("5.1.4-a_drop5p20-log"));
    BOOST_TEST(!codec::uses_event_type_permutation("5.1.23-rc-debug-log"));
    BOOST_TEST((codec::permuted_event_type(16) == bls::event_type::table_map));
    BOOST_TEST((codec::permuted_event_type(20) == bls::event_type::xid));
    BOOST_TEST((codec::permuted_event_type(2) == bls::event_type::query));
}

BOOST_AUTO_TEST_CASE(event_size_must_match_the_buffer)
{
    auto fde = crc_fde();
    codec::decode_context ctx;
    ctx.fde = &fde;
    auto longer = gtid_list;
    longer.push_back(std::byte{0});
    bls::event ev;
    BOOST_TEST(
        (codec::decode_event(bls::event_buffer::copy_of(longer), ctx, ev) == bls::errc::bad_event_length)
    );
}

BOOST_AUTO_TEST_CASE(unknown_type_is_kept)
{
    // mysql-bin.aurora-padding: type 100 (Aurora padding), MANIFEST "tests 'skip unknown event'".
    auto b = gtid_list;
    b[4] = std::byte{100};
    codec::decode_context ctx;
    auto fde = crc_fde();
    ctx.fde = &fde;
    ctx.verify_checksum = false;
    bls::event ev;
    BOOST_REQUIRE(!codec::decode_event(bls::event_buffer::copy_of(b), ctx, ev));
    const auto& u = std::get<bls::unknown_event>(ev);
    BOOST_TEST(static_cast<int>(u.header.type) == 100);
    BOOST_TEST(u.body.size() == 43u - 19u - 4u);
}

BOOST_AUTO_TEST_SUITE_END()
