#pragma once

// Key material made by the tests themselves with OpenSSL: an RSA key pair (the replay server's
// caching_sha2_password key pair, as `caching_sha2_password_private_key_path` /
// `_public_key_path` would hold) and a self-signed certificate for DNS:localhost (its TLS
// certificate). Nothing is read from or written to the repository.

#include <string>

namespace binlogstream::test {

struct key_material
{
    std::string private_key_pem; ///< PKCS#8 "PRIVATE KEY"
    std::string public_key_pem;  ///< SubjectPublicKeyInfo "PUBLIC KEY", what MySQL sends on request
    std::string certificate_pem; ///< self-signed, CN=localhost, SAN DNS:localhost
};

/// A fresh 2048-bit RSA key and certificate. Throws std::runtime_error when OpenSSL fails.
key_material make_key_material();

/// Writes `text` to a new file under the temporary directory and returns its path; the file is
/// removed when the process exits.
std::string write_temp_file(const std::string& stem, const std::string& text);

} // namespace binlogstream::test
