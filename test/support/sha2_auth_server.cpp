#include "support/sha2_auth_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <vector>

namespace binlogstream::test::replay {
namespace {

sha256_digest sha256(codec::bytes_view a, codec::bytes_view b = {})
{
    sha256_digest out{};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    EVP_DigestUpdate(ctx, a.data(), a.size());
    if (!b.empty())
        EVP_DigestUpdate(ctx, b.data(), b.size());
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, out.data(), &len);
    EVP_MD_CTX_free(ctx);
    return out;
}

codec::bytes_view view(const sha256_digest& d)
{
    return {reinterpret_cast<const std::byte*>(d.data()), d.size()};
}

} // namespace

sha256_digest caching_sha2_cached_hash(std::string_view password)
{
    return sha256(view(sha256(codec::as_bytes(password))));
}

bool caching_sha2_scramble_matches(
    const sha256_digest& cached, codec::bytes_view response, codec::bytes_view scramble
)
{
    if (response.size() != cached.size())
        return false;
    auto mask = sha256(view(cached), scramble);
    std::vector<std::byte> stage1(cached.size());
    for (std::size_t i = 0; i < stage1.size(); ++i)
        stage1[i] = response[i] ^ std::byte(mask[i]);
    return sha256(stage1) == cached;
}

bool decrypt_password(
    const std::string& private_key_pem,
    codec::bytes_view cipher,
    codec::bytes_view scramble,
    std::string& password
)
{
    BIO* bio = BIO_new_mem_buf(private_key_pem.data(), int(private_key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key)
        return false;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    bool ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1;
    std::size_t len = 0;
    auto in = reinterpret_cast<const unsigned char*>(cipher.data());
    ok = ok && EVP_PKEY_decrypt(ctx, nullptr, &len, in, cipher.size()) == 1;
    std::vector<unsigned char> plain(len);
    ok = ok && EVP_PKEY_decrypt(ctx, plain.data(), &len, in, cipher.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    if (!ok || scramble.empty())
        return false;
    plain.resize(len);
    password.clear();
    for (std::size_t i = 0; i < plain.size(); ++i)
        password.push_back(char(plain[i] ^ std::to_integer<unsigned char>(scramble[i % scramble.size()])));
    if (!password.empty() && password.back() == '\0')
        password.pop_back();
    return true;
}

} // namespace binlogstream::test::replay
