#pragma once

// Decrypts what the client RSA-encrypted, with the throwaway key in test/data/wire, so that tests can
// check the plaintext although OAEP padding is random.

#include "test_bytes.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace binlogstream::test {

inline std::string test_public_key()
{
    return read_text_file(wire_data_path("rsa_test_public.pem"));
}

inline std::vector<std::byte> rsa_decrypt(std::span<const std::byte> ciphertext)
{
    auto pem = read_text_file(wire_data_path("rsa_test_private.pem"));
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free
    );
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free
    );
    if (!key)
        throw std::runtime_error("cannot load the test private key");
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free
    );
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0)
        throw std::runtime_error("cannot set up RSA decryption");
    std::size_t n = 0;
    auto* in = reinterpret_cast<const unsigned char*>(ciphertext.data());
    if (EVP_PKEY_decrypt(ctx.get(), nullptr, &n, in, ciphertext.size()) <= 0)
        throw std::runtime_error("cannot size RSA plaintext");
    std::vector<std::byte> out(n);
    if (EVP_PKEY_decrypt(
            ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, in, ciphertext.size()
        ) <= 0)
        throw std::runtime_error("RSA decryption failed");
    out.resize(n);
    return out;
}

} // namespace binlogstream::test
