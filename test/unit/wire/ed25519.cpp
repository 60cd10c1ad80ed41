#include "test_bytes.hpp"

#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>

#include <memory>
#include <wire/ed25519.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::bytes_of;
using binlogstream::test::from_hex;
using binlogstream::test::load_capture;
using binlogstream::test::split_frames;

namespace {

// Verifies a signature with OpenSSL's own Ed25519 (a third party to our arithmetic).
bool openssl_verify(
    std::span<const std::byte> public_key, std::span<const std::byte> message, std::span<const std::byte> sig
)
{
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_new_raw_public_key(
            EVP_PKEY_ED25519,
            nullptr,
            reinterpret_cast<const unsigned char*>(public_key.data()),
            public_key.size()
        ),
        &EVP_PKEY_free
    );
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(
               ctx.get(),
               reinterpret_cast<const unsigned char*>(sig.data()),
               sig.size(),
               reinterpret_cast<const unsigned char*>(message.data()),
               message.size()
           ) == 1;
}

// OpenSSL's Ed25519 signature for a 32-byte seed (RFC 8032 proper).
std::vector<std::byte> openssl_sign(std::span<const std::byte> seed, std::span<const std::byte> message)
{
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_new_raw_private_key(
            EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()
        ),
        &EVP_PKEY_free
    );
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::vector<std::byte> sig(64);
    std::size_t n = sig.size();
    if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(
            ctx.get(),
            reinterpret_cast<unsigned char*>(sig.data()),
            &n,
            reinterpret_cast<const unsigned char*>(message.data()),
            message.size()
        ) != 1)
        throw std::runtime_error("OpenSSL Ed25519 signing failed");
    return sig;
}

std::vector<std::byte> sign(std::span<const std::byte> secret, std::span<const std::byte> message)
{
    std::array<std::byte, 64> sig{};
    BOOST_TEST_REQUIRE(!ed25519_sign(secret, message, sig));
    return {sig.begin(), sig.end()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(wire_ed25519)

BOOST_AUTO_TEST_CASE(rfc8032_test_vectors)
{
    // RFC 8032, section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
    BOOST_TEST(
        sign(from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), {}) ==
            from_hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        boost::test_tools::per_element()
    );
    BOOST_TEST(
        sign(from_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"), from_hex("72")) ==
            from_hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        boost::test_tools::per_element()
    );
}

BOOST_AUTO_TEST_CASE(matches_openssl_for_32_byte_seeds)
{
    for (int i = 0; i < 8; ++i)
    {
        BOOST_TEST_CONTEXT("seed " << i)
        {
            std::vector<std::byte> seed(32), message(static_cast<std::size_t>(i * 13));
            for (std::size_t j = 0; j < seed.size(); ++j)
                seed[j] = std::byte((j * 31 + static_cast<std::size_t>(i) * 7 + 1) & 0xff);
            for (std::size_t j = 0; j < message.size(); ++j)
                message[j] = std::byte((j * 17 + static_cast<std::size_t>(i)) & 0xff);
            BOOST_TEST(sign(seed, message) == openssl_sign(seed, message), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(mariadb_account)
{
    // test/data/wire/auth_switch_ed25519.hex: the nonce MariaDB 10.11 sent for the account 'ed',
    // created with IDENTIFIED VIA ed25519 USING PASSWORD('edpass'); the server stores the public key
    // as base64 in mysql.global_priv: "Piz5vwRwNNpHTXZ/zwiknmaAvByZxbBw6LPfPjTrsBs".
    auto sw = split_frames(load_capture("auth_switch_ed25519.hex")).at(0);
    std::span<const std::byte> nonce(sw.data() + sw.size() - 32, 32);
    auto public_key = from_hex("3e2cf9bf047034da474d767fcf08a49e6680bc1c99c5b070e8b3df3e34ebb01b");
    auto sig = sign(bytes_of("edpass"), nonce);
    BOOST_TEST(openssl_verify(public_key, nonce, sig));
    // A wrong password gives a signature the server's key rejects.
    BOOST_TEST(!openssl_verify(public_key, nonce, sign(bytes_of("edpasS"), nonce)));
}

BOOST_AUTO_TEST_SUITE_END()
