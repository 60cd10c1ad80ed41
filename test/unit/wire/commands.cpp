#include "test_bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/commands.hpp>

using namespace binlogstream::wire;
using binlogstream::test::from_hex;

BOOST_AUTO_TEST_SUITE(wire_commands)

// Payloads from the protocol documentation: COM_QUERY "03 73 65 6c 65 63 74 20 40 40 76 65 72 73 69
// 6f 6e 5f 63 6f 6d 6d 65 6e 74 20 6c 69 6d 69 74 20 31" (select @@version_comment limit 1),
// COM_PING 0e, COM_QUIT 01.
BOOST_AUTO_TEST_CASE(query)
{
    std::vector<std::byte> out;
    serialize_query("select @@version_comment limit 1", out);
    BOOST_TEST(
        out ==
            from_hex(
                "03 73 65 6c 65 63 74 20 40 40 76 65 72 73 69 6f 6e 5f 63 6f 6d 6d 65 6e 74 20 6c 69 6d 69 "
                "74 20 31"
            ),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(ping_and_quit)
{
    std::vector<std::byte> out;
    serialize_ping(out);
    BOOST_TEST(out == from_hex("0e"), boost::test_tools::per_element());
    out.clear();
    serialize_quit(out);
    BOOST_TEST(out == from_hex("01"), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
