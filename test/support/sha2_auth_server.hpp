#pragma once

// The server's half of caching_sha2_password, for the replay server (sql/auth/sha2_password.cc and
// sha2_password_common.cc): the cached hash, the fast-path check, and the RSA path's decryption.

#include <array>
#include <codec/byte_reader.hpp>
#include <string>
#include <string_view>

namespace binlogstream::test::replay {

using sha256_digest = std::array<unsigned char, 32>;

/// SHA256(SHA256(password)): what the server's cache holds for an account.
[[nodiscard]] sha256_digest caching_sha2_cached_hash(std::string_view password);

/// Validate_scramble: SHA256(cached + scramble) XOR `response` must hash to `cached`.
[[nodiscard]] bool caching_sha2_scramble_matches(
    const sha256_digest& cached, codec::bytes_view response, codec::bytes_view scramble
);

/// The RSA path: decrypts `cipher` with the PEM private key (RSA_PKCS1_OAEP_PADDING, as the
/// server's Rsa_authentication_keys), XORs the scramble away (repeated as needed) and drops the
/// trailing NUL. False when `cipher` is not an RSA block of that key.
[[nodiscard]] bool decrypt_password(
    const std::string& private_key_pem,
    codec::bytes_view cipher,
    codec::bytes_view scramble,
    std::string& password
);

} // namespace binlogstream::test::replay
