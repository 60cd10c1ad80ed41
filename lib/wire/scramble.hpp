#pragma once

// The password transformations of the authentication plugins. Hashes come from OpenSSL's EVP API.
// References: MySQL source documentation "Native Authentication" (SHA1(pw) XOR SHA1(scramble +
// SHA1(SHA1(pw)))), "Caching_sha2_password information" (XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)),
// scramble))), and sql-common/client_authentication.cc for the RSA form (OAEP padding over
// (password + NUL) XOR scramble).

#include <binlogstream/error.hpp>

#include <codec/byte_reader.hpp>
#include <cstddef>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::wire {

using codec::bytes_view;

/// mysql_native_password response: 20 bytes, or none for an empty password.
[[nodiscard]] std::vector<std::byte> native_password_response(std::string_view password, bytes_view scramble);

/// caching_sha2_password fast-path response: 32 bytes, or none for an empty password.
[[nodiscard]] std::vector<std::byte> caching_sha2_response(std::string_view password, bytes_view scramble);

/// (password + NUL) XOR scramble, the scramble repeated as needed: what RSA encrypts.
[[nodiscard]] std::vector<std::byte> xor_password(std::string_view password, bytes_view scramble);

/// RSA-OAEP (PKCS#1 OAEP, SHA-1, as the servers decrypt it) of `xor_password(password, scramble)`
/// with the PEM "PUBLIC KEY" in `pem`. Errors: `rsa_key_unavailable` when the key does not parse,
/// `invalid_argument` when the password is too long for the key.
[[nodiscard]] std::error_code rsa_encrypt_password(
    std::string_view password, bytes_view scramble, std::string_view pem, std::vector<std::byte>& out
);

} // namespace binlogstream::wire
