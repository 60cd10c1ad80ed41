// Byte-exact replication commands. Vectors:
// * MariaDB KB "COM_REGISTER_SLAVE" (server-id=10101, report-host=slave_n_1, report-port=23241) and
//   "5-Slave Registration" (an ngrep capture, host SBslave1);
// * MariaDB KB "COM_BINLOG_DUMP" (position 1588, flags 2, server id 10101, mysql-bin.000034);
// * COM_BINLOG_DUMP_GTID: assembled field by field from the layout in the MySQL source documentation
//   ("Binlog Dump Commands": int<1> 0x1e, int<2> flags, int<4> server-id, int<4> filename length,
//   string filename, int<8> binlog-pos, int<4> gtid-data length, gtid data) and the internals manual
//   (BINLOG_DUMP_NON_BLOCK 0x01, BINLOG_THROUGH_POSITION 0x02, BINLOG_THROUGH_GTID 0x04).
// The KB captures include the 4-byte packet header; the serializers produce the payload after it.

#include "wire/replication_commands.hpp"

#include "common/bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace binlogstream;
using namespace binlogstream::wire;

namespace {

using test::bytes;
using test::with_text;

} // namespace

BOOST_AUTO_TEST_SUITE(replication_commands)

BOOST_AUTO_TEST_CASE(register_slave_kb_example)
{
    // 1b 00 00 00 | 15 75 27 00 00 09 "slave_n_1" 00 00 c9 5a 00 00 00 00 00 00 00 00
    // clang-format off
    auto expected = with_text(bytes(0x15, 0x75, 0x27, 0x00, 0x00, 0x09), "slave_n_1",
                              bytes(0x00, 0x00, 0xc9, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
    // clang-format on
    BOOST_REQUIRE(expected.size() == 0x1bu);
    std::vector<std::byte> out;
    auto ec =
        serialize(register_replica_command{.server_id = 10101, .host = "slave_n_1", .port = 23241}, out);
    BOOST_TEST(!ec);
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_CASE(register_slave_ngrep_capture)
{
    // 1a 00 00 00 | 15 75 27 00 00 08 "SBslave1" 00 00 c9 5a 00 00 00 00 00 00 00 00
    // clang-format off
    auto expected = with_text(bytes(0x15, 0x75, 0x27, 0x00, 0x00, 0x08), "SBslave1",
                              bytes(0x00, 0x00, 0xc9, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
    // clang-format on
    BOOST_REQUIRE(expected.size() == 0x1au);
    std::vector<std::byte> out{std::byte{0xaa}}; // appends, keeps what was there
    auto ec = serialize(register_replica_command{.server_id = 10101, .host = "SBslave1", .port = 23241}, out);
    BOOST_TEST(!ec);
    BOOST_REQUIRE(out.size() == expected.size() + 1);
    BOOST_TEST(std::equal(expected.begin(), expected.end(), out.begin() + 1));
}

BOOST_AUTO_TEST_CASE(register_slave_with_user_and_password)
{
    std::vector<std::byte> out;
    auto ec = serialize(
        register_replica_command{
            .server_id = 1,
            .host = "h",
            .user = "us",
            .password = "pwd",
            .port = 3306,
            .replication_rank = 0x01020304,
            .master_id = 0x0a0b0c0d},
        out
    );
    BOOST_TEST(!ec);
    // clang-format off
    auto expected = bytes(0x15, 0x01, 0x00, 0x00, 0x00,
                          0x01, 'h',
                          0x02, 'u', 's',
                          0x03, 'p', 'w', 'd',
                          0xea, 0x0c,
                          0x04, 0x03, 0x02, 0x01,
                          0x0d, 0x0c, 0x0b, 0x0a);
    // clang-format on
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_CASE(register_slave_rejects_long_strings)
{
    std::string long_host(256, 'h');
    std::vector<std::byte> out;
    auto ec = serialize(register_replica_command{.server_id = 1, .host = long_host}, out);
    BOOST_TEST(ec == errc::invalid_argument);
    BOOST_TEST(out.empty());
    std::string max_host(255, 'h');
    ec = serialize(register_replica_command{.server_id = 1, .host = max_host}, out);
    BOOST_TEST(!ec);
    BOOST_TEST(out.size() == 18u + 255u);
}

BOOST_AUTO_TEST_CASE(binlog_dump_kb_example)
{
    // 1b 00 00 00 | 12 34 06 00 00 02 00 75 27 00 00 "mysql-bin.000034"
    auto expected = with_text(
        bytes(0x12, 0x34, 0x06, 0x00, 0x00, 0x02, 0x00, 0x75, 0x27, 0x00, 0x00), "mysql-bin.000034"
    );
    BOOST_REQUIRE(expected.size() == 0x1bu);
    std::vector<std::byte> out;
    auto ec = serialize(
        binlog_dump_command{
            .position = 1588,
            .flags = binlog_dump_flags::mariadb_send_annotate_rows,
            .server_id = 10101,
            .file = "mysql-bin.000034"},
        out
    );
    BOOST_TEST(!ec);
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_CASE(binlog_dump_empty_file_non_blocking)
{
    std::vector<std::byte> out;
    auto ec = serialize(
        binlog_dump_command{.position = 4, .flags = binlog_dump_flags::non_block, .server_id = 2}, out
    );
    BOOST_TEST(!ec);
    BOOST_TEST((out == bytes(0x12, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00)));
}

BOOST_AUTO_TEST_CASE(binlog_dump_gtid_layout)
{
    // Untagged GTID data for "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2" (1 sid, 1 interval [1, 3)).
    // clang-format off
    auto gtid_data = bytes(0x01, 0, 0, 0, 0, 0, 0, 0,
                           0xb9, 0xb8, 0x8c, 0x66, 0x07, 0x55, 0x11, 0xf1,
                           0x98, 0x99, 0x4a, 0x9d, 0xa9, 0x4c, 0x4d, 0x71,
                           0x01, 0, 0, 0, 0, 0, 0, 0,
                           0x01, 0, 0, 0, 0, 0, 0, 0,
                           0x03, 0, 0, 0, 0, 0, 0, 0);
    auto expected = bytes(0x1e,
                          0x05, 0x00,                       // flags: NON_BLOCK | THROUGH_GTID
                          0x39, 0x30, 0x00, 0x00,           // server id 12345
                          0x0d, 0x00, 0x00, 0x00);          // file name length 13
    expected = with_text(expected, "binlog.000001",
                         bytes(0x9d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // position 157
                               0x30, 0x00, 0x00, 0x00));                          // data length 48
    // clang-format on
    expected.insert(expected.end(), gtid_data.begin(), gtid_data.end());

    std::vector<std::byte> out;
    auto ec = serialize(
        binlog_dump_gtid_command{
            .flags = binlog_dump_flags::non_block | binlog_dump_flags::through_gtid,
            .server_id = 12345,
            .file = "binlog.000001",
            .position = 157,
            .gtid_data = gtid_data},
        out
    );
    BOOST_TEST(!ec);
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_CASE(binlog_dump_gtid_minimal)
{
    // Auto-position from an empty set: no file name, position 4, 8 zero bytes of GTID data.
    auto empty_set = bytes(0, 0, 0, 0, 0, 0, 0, 0);
    std::vector<std::byte> out;
    auto ec = serialize(binlog_dump_gtid_command{.server_id = 1, .gtid_data = empty_set}, out);
    BOOST_TEST(!ec);
    // clang-format off
    auto expected = bytes(0x1e, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x00, 0x00,
                          0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                          0x08, 0x00, 0x00, 0x00,
                          0, 0, 0, 0, 0, 0, 0, 0);
    // clang-format on
    BOOST_TEST((out == expected));
}

BOOST_AUTO_TEST_SUITE_END()
