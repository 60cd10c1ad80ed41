#include "test_bytes.hpp"
#include "test_rsa.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/scramble.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::from_hex;

BOOST_AUTO_TEST_SUITE(wire_scramble)

BOOST_AUTO_TEST_CASE(native_password_vectors)
{
    // Boost.MySQL test/unit/test/sansio/handshake/handshake_mnp_hash_password.cpp ("Values snooped
    // using Wireshark"): password "root".
    auto scramble = from_hex("79 64 3d 12 1d 71 74 47 5f 48 3e 3e 0b 62 0a 03 3d 27 3a 4c");
    BOOST_TEST(
        native_password_response("root", scramble) ==
            from_hex("f1 b2 fb 1c 8d e7 5d b8 eb a8 12 6a d1 0f e9 b1 10 50 d4 28"),
        boost::test_tools::per_element()
    );
    // xp-framework/rdbms src/test/php/rdbms/unittest/mysql/MySqlPasswordTest.class.php (protocol41):
    // 'hello' with scramble '12345678901234567890'.
    BOOST_TEST(
        native_password_response("hello", test::bytes_of("12345678901234567890")) ==
            from_hex("7d 50 51 6e 0e 73 0b 0b 1b 12 fb aa 1b a0 87 6f 3d b2 c4 dd"),
        boost::test_tools::per_element()
    );
    BOOST_TEST(native_password_response("", scramble).empty());
}

BOOST_AUTO_TEST_CASE(caching_sha2_vectors)
{
    // go-sql-driver/mysql auth_test.go, TestSHA256Pass (its scrambleSHA256Password is the
    // caching_sha2_password fast-path scramble).
    std::vector<std::byte> scramble;
    for (int v : {10, 47, 74, 111, 75, 73, 34, 48, 88, 76, 114, 74, 37, 13, 3, 80, 82, 2, 23, 21})
        scramble.push_back(std::byte(v));
    BOOST_TEST(
        caching_sha2_response("secret", scramble) ==
            from_hex("f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c"),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        caching_sha2_response("secret2", scramble) ==
            from_hex("abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6"),
        boost::test_tools::per_element()
    );
    // Boost.MySQL handshake_csha2p_hash_password.cpp ("snooped using the MySQL Python connector").
    BOOST_TEST(
        caching_sha2_response(
            "hola", from_hex("3e 3b 04 55 04 70 16 3a 4c 15 35 03 15 76 73 22 46 08 18 01")
        ) == from_hex("a1 c1 e1 e9 1b b6 54 4b a7 37 4b 9c 56 6d 69 3e 06 ca 07 02 98 ac d1 06 18 c6 90 38 "
                      "9d 88 e1 20"),
        boost::test_tools::per_element()
    );
    BOOST_TEST(caching_sha2_response("", scramble).empty());
}

// Boost.MySQL handshake_csha2p_hash_password.cpp, password_shorter_scramble: the plaintext the server
// decrypted from a real client's ciphertext for "csha2p_password".
const char* csha2p_scramble = "0f 64 4f 2f 2b 3b 27 6b 45 5c 53 01 13 7e 4f 10 26 23 5d 27";
const char* csha2p_plaintext = "6c 17 27 4e 19 4b 78 1b 24 2f 20 76 7c 0c 2b 10";

BOOST_AUTO_TEST_CASE(xor_password_vector)
{
    BOOST_TEST(
        xor_password("csha2p_password", from_hex(csha2p_scramble)) == from_hex(csha2p_plaintext),
        boost::test_tools::per_element()
    );
    // The scramble repeats when the password is longer than it.
    auto x = xor_password("abcdefghijklmnopqrstuvwxyz", from_hex("01 02"));
    BOOST_TEST(x.size() == 27u);
    BOOST_TEST(std::to_integer<int>(x[0]) == ('a' ^ 1));
    BOOST_TEST(std::to_integer<int>(x[25]) == ('z' ^ 2));
    BOOST_TEST(std::to_integer<int>(x[26]) == (0 ^ 1));
}

BOOST_AUTO_TEST_CASE(rsa_encryption_round_trip)
{
    std::vector<std::byte> out;
    BOOST_TEST_REQUIRE(
        !rsa_encrypt_password("csha2p_password", from_hex(csha2p_scramble), test::test_public_key(), out)
    );
    BOOST_TEST(out.size() == 256u); // 2048-bit key
    BOOST_TEST(test::rsa_decrypt(out) == from_hex(csha2p_plaintext), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rsa_errors)
{
    std::vector<std::byte> out;
    auto scramble = from_hex(csha2p_scramble);
    BOOST_TEST(rsa_encrypt_password("pw", scramble, "", out) == make_error_code(errc::rsa_key_unavailable));
    BOOST_TEST(
        rsa_encrypt_password(
            "pw", scramble, "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n", out
        ) == make_error_code(errc::rsa_key_unavailable)
    );
    // OAEP/SHA-1 fits 256 - 42 = 214 bytes, the NUL included.
    BOOST_TEST(!rsa_encrypt_password(std::string(213, 'p'), scramble, test::test_public_key(), out));
    BOOST_TEST(
        rsa_encrypt_password(std::string(214, 'p'), scramble, test::test_public_key(), out) ==
        make_error_code(errc::invalid_argument)
    );
}

BOOST_AUTO_TEST_SUITE_END()
