#pragma once

// MariaDB's client_ed25519 authentication: an Ed25519 signature (RFC 8032) of the server's 32-byte
// nonce whose secret is the password itself. Standard Ed25519 derives the secret scalar and prefix
// from SHA-512 of a 32-byte seed; MariaDB hashes the password, of any length, in its place
// (plugin/auth_ed25519 in the MariaDB server sources). OpenSSL's EVP Ed25519 only takes a 32-byte
// seed, so the group arithmetic is done here with OpenSSL's BIGNUM: slow by curve standards (a few
// milliseconds), which is nothing next to a login, and only secret-dependent on the client's own
// machine.

#include <binlogstream/error.hpp>

#include <array>
#include <codec/byte_reader.hpp>
#include <cstddef>
#include <string_view>
#include <system_error>

namespace binlogstream::wire {

using codec::bytes_view;

/// Signs `message` with the Ed25519 key whose "seed" is `secret` (any length). For a 32-byte secret
/// this is exactly RFC 8032 Ed25519. Fails only if OpenSSL cannot allocate.
[[nodiscard]] std::error_code
ed25519_sign(bytes_view secret, bytes_view message, std::array<std::byte, 64>& signature);

} // namespace binlogstream::wire
