#include "test_bytes.hpp"
#include "test_rsa.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/auth.hpp>
#include <wire/scramble.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::bytes_of;
using binlogstream::test::from_hex;
using binlogstream::test::load_capture;
using binlogstream::test::split_frames;

namespace {

// Scrambles and expected responses from published vectors (see scramble.cpp for the sources).
const char* native_scramble = "79 64 3d 12 1d 71 74 47 5f 48 3e 3e 0b 62 0a 03 3d 27 3a 4c";
const char* native_root = "f1 b2 fb 1c 8d e7 5d b8 eb a8 12 6a d1 0f e9 b1 10 50 d4 28";
const char* csha2_scramble = "3e 3b 04 55 04 70 16 3a 4c 15 35 03 15 76 73 22 46 08 18 01";
const char* csha2_hola =
    "a1 c1 e1 e9 1b b6 54 4b a7 37 4b 9c 56 6d 69 3e 06 ca 07 02 98 ac d1 06 18 c6 90 38 9d 88 e1 20";
const char* ok = "00 00 00 02 00 00 00";

auth_context make_ctx(std::string_view password, bool secure, std::string_view key, bool allow)
{
    auth_context c;
    c.password = password;
    c.secure_transport = secure;
    c.server_public_key = key;
    c.allow_public_key_request = allow;
    return c;
}

struct fixture
{
    std::string key = test::test_public_key();
    diagnostics diag;
    auth_action next = auth_action::done;

    std::error_code feed(authenticator& a, std::string_view hex)
    {
        auto bytes = from_hex(hex);
        return a.on_packet(bytes, next, diag);
    }

    std::vector<std::byte> more_data(std::string_view s)
    {
        std::vector<std::byte> p{std::byte{0x01}};
        auto b = bytes_of(s);
        p.insert(p.end(), b.begin(), b.end());
        return p;
    }

    void password_not_leaked(std::string_view password)
    {
        BOOST_TEST(diag.client_message().find(password) == std::string::npos);
        BOOST_TEST(diag.server_message().find(password) == std::string::npos);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(wire_auth, fixture)

BOOST_AUTO_TEST_CASE(native_password)
{
    authenticator a(make_ctx("root", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST((a.plugin() == auth_plugin::mysql_native_password));
    BOOST_TEST(a.response() == from_hex(native_root), boost::test_tools::per_element());
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));
}

BOOST_AUTO_TEST_CASE(unknown_default_plugin_falls_back_to_native)
{
    authenticator a(make_ctx("root", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("auth_gssapi_client", from_hex(native_scramble), diag));
    BOOST_TEST((a.plugin() == auth_plugin::mysql_native_password));
    BOOST_TEST(a.response() == from_hex(native_root), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(access_denied)
{
    authenticator a(make_ctx("wrong password", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("mysql_native_password", from_hex(native_scramble), diag));
    auto err = split_frames(load_capture("err_access_denied.hex")).at(0);
    BOOST_TEST(a.on_packet(err, next, diag) == make_server_error(1045));
    BOOST_TEST(diag.sql_state() == "28000");
    password_not_leaked("wrong password");
}

BOOST_AUTO_TEST_CASE(switch_to_native)
{
    // caching_sha2 announced, the account uses mysql_native_password: AuthSwitchRequest with a new
    // scramble (and its trailing NUL), answered with the native hash of that scramble.
    authenticator a(make_ctx("root", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(a.response().size() == 32u);
    std::string sw = "fe 6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70 61 73 73 77 6f 72 64 00 ";
    BOOST_TEST_REQUIRE(!feed(a, sw + native_scramble + " 00"));
    BOOST_TEST((next == auth_action::write_and_read));
    BOOST_TEST((a.plugin() == auth_plugin::mysql_native_password));
    BOOST_TEST(a.response() == from_hex(native_root), boost::test_tools::per_element());
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));

    // A second switch is refused.
    authenticator b(make_ctx("root", false, {}, false));
    BOOST_TEST_REQUIRE(!b.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST_REQUIRE(!feed(b, sw + native_scramble + " 00"));
    BOOST_TEST(feed(b, sw + native_scramble + " 00") == make_error_code(errc::unexpected_packet));
}

BOOST_AUTO_TEST_CASE(switch_to_unsupported_plugin)
{
    // AuthSwitchRequest to auth_gssapi_client, which we do not speak.
    authenticator a(make_ctx("secret", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST(
        feed(a, "fe 61 75 74 68 5f 67 73 73 61 70 69 5f 63 6c 69 65 6e 74 00 01 02") ==
        make_error_code(errc::auth_plugin_unsupported)
    );
    BOOST_TEST(diag.client_message().find("auth_gssapi_client") != std::string::npos);
    password_not_leaked("secret");

    authenticator b(make_ctx("secret", false, {}, false));
    BOOST_TEST_REQUIRE(!b.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST(feed(b, "fe") == make_error_code(errc::auth_plugin_unsupported)); // mysql_old_password
    BOOST_TEST(feed(b, "fe 6d 79") == make_error_code(errc::truncated_event));
}

BOOST_AUTO_TEST_CASE(switch_to_ed25519)
{
    // test/data/wire/auth_switch_ed25519.hex: MariaDB switching an ed25519 account; the answer is
    // the 64-byte signature (checked against the server's stored key in ed25519.cpp).
    authenticator a(make_ctx("edpass", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("client_ed25519", from_hex(native_scramble), diag));
    BOOST_TEST((a.plugin() == auth_plugin::mysql_native_password)); // the handshake cannot carry its nonce
    auto sw = split_frames(load_capture("auth_switch_ed25519.hex")).at(0);
    BOOST_TEST_REQUIRE(!a.on_packet(sw, next, diag));
    BOOST_TEST((next == auth_action::write_and_read));
    BOOST_TEST((a.plugin() == auth_plugin::client_ed25519));
    BOOST_TEST(a.response().size() == 64u);
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));

    // A nonce of the wrong size is malformed.
    authenticator b(make_ctx("edpass", false, {}, false));
    BOOST_TEST_REQUIRE(!b.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST(
        feed(b, "fe 63 6c 69 65 6e 74 5f 65 64 32 35 35 31 39 00 01 02 03") ==
        make_error_code(errc::malformed_packet)
    );
}

BOOST_AUTO_TEST_CASE(caching_sha2_fast_path)
{
    authenticator a(make_ctx("hola", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(a.response() == from_hex(csha2_hola), boost::test_tools::per_element());
    BOOST_TEST(!feed(a, "01 03")); // fast_auth_success
    BOOST_TEST((next == auth_action::read));
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));
}

BOOST_AUTO_TEST_CASE(caching_sha2_full_over_tls)
{
    authenticator a(make_ctx("hola", true, {}, false));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(!feed(a, "01 04")); // perform_full_authentication
    BOOST_TEST((next == auth_action::write_and_read));
    BOOST_TEST(a.response() == from_hex("68 6f 6c 61 00"), boost::test_tools::per_element()); // "hola\0"
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));
}

BOOST_AUTO_TEST_CASE(caching_sha2_full_with_key_file)
{
    authenticator a(make_ctx("hola", false, key, false));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(!feed(a, "01 04"));
    BOOST_TEST((next == auth_action::write_and_read));
    BOOST_TEST(a.response().size() == 256u);
    BOOST_TEST(
        test::rsa_decrypt(a.response()) == xor_password("hola", from_hex(csha2_scramble)),
        boost::test_tools::per_element()
    );
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));
}

BOOST_AUTO_TEST_CASE(caching_sha2_key_request_when_allowed)
{
    authenticator a(make_ctx("hola", false, {}, true));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(!feed(a, "01 04"));
    BOOST_TEST((next == auth_action::write_and_read));
    BOOST_TEST(a.response() == from_hex("02"), boost::test_tools::per_element()); // request_public_key
    // The key arrives as AuthMoreData; an OK before it is out of place.
    authenticator early = a;
    BOOST_TEST(feed(early, ok) == make_error_code(errc::unexpected_packet));
    BOOST_TEST(!a.on_packet(more_data(key), next, diag));
    BOOST_TEST((next == auth_action::write_and_read));
    BOOST_TEST(
        test::rsa_decrypt(a.response()) == xor_password("hola", from_hex(csha2_scramble)),
        boost::test_tools::per_element()
    );
    BOOST_TEST(!feed(a, ok));
    BOOST_TEST((next == auth_action::done));
}

BOOST_AUTO_TEST_CASE(caching_sha2_refuses_cleartext)
{
    authenticator a(make_ctx("hola", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(feed(a, "01 04") == make_error_code(errc::rsa_key_unavailable));
    BOOST_TEST(!diag.client_message().empty());
    password_not_leaked("hola");
}

BOOST_AUTO_TEST_CASE(caching_sha2_bad_key_from_server)
{
    authenticator a(make_ctx("hola", false, {}, true));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(!feed(a, "01 04"));
    BOOST_TEST(a.on_packet(more_data("not a key"), next, diag) == make_error_code(errc::rsa_key_unavailable));
}

BOOST_AUTO_TEST_CASE(caching_sha2_malformed)
{
    authenticator a(make_ctx("hola", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("caching_sha2_password", from_hex(csha2_scramble), diag));
    BOOST_TEST(feed(a, "01 07") == make_error_code(errc::malformed_packet));
    BOOST_TEST(feed(a, "01") == make_error_code(errc::malformed_packet));
    BOOST_TEST(feed(a, "01 03 03") == make_error_code(errc::malformed_packet));
    BOOST_TEST(feed(a, "02") == make_error_code(errc::unexpected_packet));
    BOOST_TEST(feed(a, "") == make_error_code(errc::malformed_packet));
    BOOST_TEST(!feed(a, "01 03"));
    BOOST_TEST(feed(a, "01 03") == make_error_code(errc::unexpected_packet));
    BOOST_TEST(feed(a, "00 00") == make_error_code(errc::truncated_event)); // a truncated OK
}

BOOST_AUTO_TEST_CASE(sha256_password)
{
    auto scramble = from_hex(csha2_scramble);
    {
        authenticator a(make_ctx("pw", true, {}, false));
        BOOST_TEST_REQUIRE(!a.start("sha256_password", scramble, diag));
        BOOST_TEST(a.response() == from_hex("70 77 00"), boost::test_tools::per_element());
        BOOST_TEST(!feed(a, ok));
        BOOST_TEST((next == auth_action::done));
    }
    {
        authenticator a(make_ctx("pw", false, key, false));
        BOOST_TEST_REQUIRE(!a.start("sha256_password", scramble, diag));
        BOOST_TEST(
            test::rsa_decrypt(a.response()) == xor_password("pw", scramble), boost::test_tools::per_element()
        );
        BOOST_TEST(!feed(a, ok));
    }
    {
        authenticator a(make_ctx("pw", false, {}, true));
        BOOST_TEST_REQUIRE(!a.start("sha256_password", scramble, diag));
        BOOST_TEST(a.response() == from_hex("01"), boost::test_tools::per_element()); // request the key
        BOOST_TEST(!a.on_packet(more_data(key), next, diag));
        BOOST_TEST((next == auth_action::write_and_read));
        BOOST_TEST(
            test::rsa_decrypt(a.response()) == xor_password("pw", scramble), boost::test_tools::per_element()
        );
        BOOST_TEST(!feed(a, ok));
        BOOST_TEST((next == auth_action::done));
    }
    {
        authenticator a(make_ctx("pw", false, {}, false));
        BOOST_TEST(a.start("sha256_password", scramble, diag) == make_error_code(errc::rsa_key_unavailable));
        password_not_leaked("pw");
    }
    {
        authenticator a(make_ctx("", false, {}, false));
        BOOST_TEST_REQUIRE(!a.start("sha256_password", scramble, diag));
        BOOST_TEST(a.response() == from_hex("00"), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(clear_password)
{
    authenticator insecure(make_ctx("pw", false, {}, false));
    BOOST_TEST(
        insecure.start("mysql_clear_password", {}, diag) == make_error_code(errc::auth_needs_secure_transport)
    );
    password_not_leaked("pw");
    authenticator secure(make_ctx("pw", true, {}, false));
    BOOST_TEST_REQUIRE(!secure.start("mysql_clear_password", {}, diag));
    BOOST_TEST(secure.response() == from_hex("70 77 00"), boost::test_tools::per_element());

    // Also when the server switches to it.
    authenticator a(make_ctx("pw", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST(
        feed(a, "fe 6d 79 73 71 6c 5f 63 6c 65 61 72 5f 70 61 73 73 77 6f 72 64 00") ==
        make_error_code(errc::auth_needs_secure_transport)
    );
}

BOOST_AUTO_TEST_CASE(more_data_for_native_is_unexpected)
{
    authenticator a(make_ctx("root", false, {}, false));
    BOOST_TEST_REQUIRE(!a.start("mysql_native_password", from_hex(native_scramble), diag));
    BOOST_TEST(feed(a, "01 04") == make_error_code(errc::unexpected_packet));
}

BOOST_AUTO_TEST_SUITE_END()
