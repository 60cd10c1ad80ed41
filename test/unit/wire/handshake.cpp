#include "test_bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/capabilities.hpp>
#include <wire/handshake.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::from_hex;
using binlogstream::test::load_capture;
using binlogstream::test::split_frames;

namespace {

// A MySQL 5.7.18 HandshakeV10 annotated byte by byte in a public note
// (gist.github.com/asd1245dss/3427f331cf4161174b879846fbcd5eda), payload only.
const char* mysql57_handshake =
    "0a 35 2e 37 2e 31 38 2d 6c 6f 67 00 12 7a 29 00 33 58 38 18 44 5e 16 48 00 ff ff 21 "
    "02 00 ff c1 15 00 00 00 00 00 00 00 00 00 00 40 79 11 30 2a 41 61 55 64 77 6e 0d "
    "00 6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70 61 73 73 77 6f 72 64 00";

std::vector<std::byte> mariadb_handshake()
{
    return split_frames(load_capture("handshake.hex")).at(0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(wire_handshake)

BOOST_AUTO_TEST_CASE(mysql_57)
{
    handshake_v10 hs;
    BOOST_TEST_REQUIRE(!parse_handshake(from_hex(mysql57_handshake), hs));
    BOOST_TEST(hs.protocol_version == 10u);
    BOOST_TEST(hs.server_version == "5.7.18-log");
    BOOST_TEST(hs.connection_id == 0x297a12u);
    BOOST_TEST(hs.capabilities == 0xc1ffffffu);
    BOOST_TEST(hs.charset == 0x21u);
    BOOST_TEST(hs.status == 2u);
    BOOST_TEST(hs.mariadb_capabilities == 0u);
    BOOST_TEST(hs.auth_plugin == "mysql_native_password");
    BOOST_TEST((hs.flavor == server_flavor::mysql));
    BOOST_TEST(
        hs.scramble == from_hex("33 58 38 18 44 5e 16 48 40 79 11 30 2a 41 61 55 64 77 6e 0d"),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(mariadb_capture)
{
    // test/data/wire/handshake.hex: MariaDB 10.11.19 as it greets a client.
    handshake_v10 hs;
    BOOST_TEST_REQUIRE(!parse_handshake(mariadb_handshake(), hs));
    BOOST_TEST(hs.server_version == "10.11.19-MariaDB-0+deb12u1"); // "5.5.5-" stripped
    BOOST_TEST((hs.flavor == server_flavor::mariadb));
    BOOST_TEST(hs.connection_id == 25u);
    BOOST_TEST(!(hs.capabilities & cap::long_password)); // CLIENT_MYSQL cleared by MariaDB
    BOOST_TEST(hs.capabilities & cap::ssl);
    BOOST_TEST(hs.capabilities & cap::deprecate_eof);
    BOOST_TEST(hs.capabilities & cap::plugin_auth);
    BOOST_TEST(hs.capabilities == 0x81fffffeu);
    // MARIADB_CLIENT_PROGRESS | STMT_BULK_OPERATIONS | EXTENDED_METADATA | CACHE_METADATA
    BOOST_TEST(hs.mariadb_capabilities == 0x1du);
    BOOST_TEST(hs.scramble.size() == 20u);
    BOOST_TEST(hs.auth_plugin == "mysql_native_password");
    BOOST_TEST(hs.charset == 8u);
}

BOOST_AUTO_TEST_CASE(plugin_name_without_nul)
{
    // MySQL bug #59453: some servers end the packet without the plugin name's NUL.
    auto bytes = from_hex(mysql57_handshake);
    bytes.pop_back();
    handshake_v10 hs;
    BOOST_TEST_REQUIRE(!parse_handshake(bytes, hs));
    BOOST_TEST(hs.auth_plugin == "mysql_native_password");
}

BOOST_AUTO_TEST_CASE(flavors)
{
    BOOST_TEST((detect_flavor("5.5.5-10.11.6-MariaDB-0+deb12u1") == server_flavor::mariadb));
    BOOST_TEST((detect_flavor("11.4.2-MariaDB") == server_flavor::mariadb));
    BOOST_TEST((detect_flavor("8.0.36") == server_flavor::mysql));
    BOOST_TEST((detect_flavor("8.4.0-log") == server_flavor::mysql));
    // Aurora MySQL's version strings as AWS documents them (e.g. "8.0.mysql_aurora.3.04.0").
    BOOST_TEST((detect_flavor("8.0.mysql_aurora.3.04.0") == server_flavor::aurora));
    BOOST_TEST((detect_flavor("5.7.12-Percona-Server") == server_flavor::percona));
}

BOOST_AUTO_TEST_CASE(wrong_protocol_version)
{
    auto bytes = from_hex(mysql57_handshake);
    bytes[0] = std::byte{9};
    handshake_v10 hs;
    BOOST_TEST(parse_handshake(bytes, hs) == make_error_code(errc::protocol_version_unsupported));
}

BOOST_AUTO_TEST_CASE(no_protocol_41)
{
    auto bytes = from_hex(mysql57_handshake);
    bytes[26] &= std::byte{0xfd}; // capability_flags_1 (ff ff at offset 25): clear CLIENT_PROTOCOL_41 (0x200)
    handshake_v10 hs;
    BOOST_TEST(parse_handshake(bytes, hs) == make_error_code(errc::protocol_version_unsupported));
}

BOOST_AUTO_TEST_CASE(truncation_sweep)
{
    for (const auto& full : {from_hex(mysql57_handshake), mariadb_handshake()})
    {
        // Every prefix that cuts into the fixed part or the scramble must fail; prefixes inside the
        // (optional-terminator) plugin name parse with a shorter name, which is harmless.
        std::size_t plugin_start = full.size() - std::string_view("mysql_native_password").size() - 1;
        for (std::size_t n = 0; n < plugin_start; ++n)
        {
            BOOST_TEST_CONTEXT("prefix " << n)
            {
                handshake_v10 hs;
                BOOST_TEST(parse_handshake(std::span(full).first(n), hs));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(negotiation)
{
    std::uint32_t caps = 0;
    BOOST_TEST(!negotiate_capabilities(0x81fffffeu, true, true, caps));
    BOOST_TEST(caps & cap::protocol_41);
    BOOST_TEST(caps & cap::secure_connection);
    BOOST_TEST(caps & cap::plugin_auth);
    BOOST_TEST(caps & cap::plugin_auth_lenenc_client_data);
    BOOST_TEST(caps & cap::ssl);
    BOOST_TEST(caps & cap::connect_with_db);
    BOOST_TEST(caps & cap::deprecate_eof);
    BOOST_TEST(!(caps & cap::long_password)); // never ask for what the server lacks
    BOOST_TEST(!(caps & cap::multi_statements));
    BOOST_TEST(!(caps & cap::local_files));
    BOOST_TEST(!(caps & cap::compress));
    BOOST_TEST(!(caps & cap::session_track));

    BOOST_TEST(!negotiate_capabilities(0x81fffffeu, false, false, caps));
    BOOST_TEST(!(caps & cap::ssl));
    BOOST_TEST(!(caps & cap::connect_with_db));

    BOOST_TEST(
        negotiate_capabilities(0x81fffffeu & ~cap::ssl, true, false, caps) ==
        make_error_code(errc::tls_unavailable)
    );
    BOOST_TEST(
        negotiate_capabilities(0x81fffffeu & ~cap::protocol_41, false, false, caps) ==
        make_error_code(errc::protocol_version_unsupported)
    );
}

BOOST_AUTO_TEST_CASE(ssl_request_layout)
{
    // Protocol::SSLRequest: int<4> client_flag, int<4> max_packet_size, int<1> character_set,
    // filler[23].
    std::vector<std::byte> out;
    serialize_ssl_request(0x01aa8a8du, 0x40000000u, 45, out);
    BOOST_TEST(
        out == from_hex("8d 8a aa 01 00 00 00 40 2d 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                        "00 00 00 00"),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(response_layout)
{
    // Protocol::HandshakeResponse41: the SSLRequest fields, string<NUL> username, auth response
    // (lenenc with PLUGIN_AUTH_LENENC_CLIENT_DATA, else 1-byte length), string<NUL> database if
    // CONNECT_WITH_DB, string<NUL> plugin name if PLUGIN_AUTH.
    auto auth = from_hex("01 02 03");
    handshake_response r;
    r.capabilities = cap::protocol_41 | cap::secure_connection | cap::plugin_auth |
                     cap::plugin_auth_lenenc_client_data | cap::connect_with_db;
    r.max_packet_size = 0x01000000u;
    r.charset = 8;
    r.user = "pam";
    r.auth_response = auth;
    r.database = "test";
    r.auth_plugin = "mysql_native_password";
    std::vector<std::byte> out;
    serialize_handshake_response(r, out);
    BOOST_TEST(
        out == from_hex("08 82 28 00 00 00 00 01 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                        "00 00 00 00 "
                        "70 61 6d 00 03 01 02 03 74 65 73 74 00 "
                        "6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70 61 73 73 77 6f 72 64 00"),
        boost::test_tools::per_element()
    );

    // Without the lenenc capability, the 1-byte length form; without CONNECT_WITH_DB, no database.
    r.capabilities = cap::protocol_41 | cap::secure_connection | cap::plugin_auth;
    out.clear();
    serialize_handshake_response(r, out);
    BOOST_TEST(
        out == from_hex("00 82 08 00 00 00 00 01 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
                        "00 00 00 00 "
                        "70 61 6d 00 03 01 02 03 "
                        "6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70 61 73 73 77 6f 72 64 00"),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(lenenc_encoding)
{
    // "Length-Encoded Integer": < 251 one byte; 0xfc + 2 bytes; 0xfd + 3 bytes; 0xfe + 8 bytes.
    std::vector<std::byte> out;
    put_lenenc(out, 250);
    put_lenenc(out, 251);
    put_lenenc(out, 0x10000);
    put_lenenc(out, 0x1000000);
    BOOST_TEST(
        out == from_hex("fa fc fb 00 fd 00 00 01 fe 00 00 00 01 00 00 00 00"),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_SUITE_END()
