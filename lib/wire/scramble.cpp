#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <memory>
#include <wire/scramble.hpp>

namespace binlogstream::wire {

namespace {

template <std::size_t N>
using digest = std::array<unsigned char, N>;

template <std::size_t N>
digest<N> hash(const EVP_MD* md, bytes_view a, bytes_view b = {})
{
    digest<N> out{};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    unsigned int n = 0;
    // Failure here means OpenSSL itself is unusable (allocation); the zero digest then simply fails
    // authentication on the server side.
    if (ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1 &&
        EVP_DigestUpdate(ctx.get(), a.data(), a.size()) == 1 &&
        EVP_DigestUpdate(ctx.get(), b.data(), b.size()) == 1)
        EVP_DigestFinal_ex(ctx.get(), out.data(), &n);
    return out;
}

template <std::size_t N>
bytes_view view(const digest<N>& d) noexcept
{
    return {reinterpret_cast<const std::byte*>(d.data()), d.size()};
}

} // namespace

std::vector<std::byte> native_password_response(std::string_view password, bytes_view scramble)
{
    if (password.empty())
        return {};
    auto stage1 = hash<20>(EVP_sha1(), codec::as_bytes(password));
    auto stage2 = hash<20>(EVP_sha1(), view(stage1));
    auto mix = hash<20>(EVP_sha1(), scramble, view(stage2));
    std::vector<std::byte> out(20);
    for (std::size_t i = 0; i < 20; ++i)
        out[i] = std::byte(stage1[i] ^ mix[i]);
    return out;
}

std::vector<std::byte> caching_sha2_response(std::string_view password, bytes_view scramble)
{
    if (password.empty())
        return {};
    auto p1 = hash<32>(EVP_sha256(), codec::as_bytes(password));
    auto p2 = hash<32>(EVP_sha256(), view(p1));
    auto mix = hash<32>(EVP_sha256(), view(p2), scramble);
    std::vector<std::byte> out(32);
    for (std::size_t i = 0; i < 32; ++i)
        out[i] = std::byte(p1[i] ^ mix[i]);
    return out;
}

std::vector<std::byte> xor_password(std::string_view password, bytes_view scramble)
{
    std::vector<std::byte> out(password.size() + 1);
    for (std::size_t i = 0; i < password.size(); ++i)
        out[i] = std::byte(password[i]);
    out[password.size()] = std::byte{0};
    if (!scramble.empty())
    {
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] ^= scramble[i % scramble.size()];
    }
    return out;
}

std::error_code rsa_encrypt_password(
    std::string_view password, bytes_view scramble, std::string_view pem, std::vector<std::byte>& out
)
{
    out.clear();
    if (pem.empty())
        return errc::rsa_key_unavailable;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free
    );
    if (!bio)
        return errc::rsa_key_unavailable;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free
    );
    if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
        return errc::rsa_key_unavailable;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free
    );
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0)
        return errc::rsa_key_unavailable;

    auto plain = xor_password(password, scramble);
    // OAEP with SHA-1 leaves room for key_bytes - 42 bytes of plaintext.
    auto key_bytes = static_cast<std::size_t>(EVP_PKEY_get_size(key.get()));
    if (plain.size() + 42 > key_bytes)
        return errc::invalid_argument;
    auto* in = reinterpret_cast<const unsigned char*>(plain.data());
    std::size_t n = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &n, in, plain.size()) <= 0)
        return errc::rsa_key_unavailable;
    out.resize(n);
    if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, in, plain.size()) <= 0)
    {
        out.clear();
        return errc::rsa_key_unavailable;
    }
    out.resize(n);
    // Wipe the reversible form of the password.
    OPENSSL_cleanse(plain.data(), plain.size());
    return {};
}

} // namespace binlogstream::wire
