#include "support/test_keys.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace binlogstream::test {
namespace {

struct bio_free
{
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct pkey_free
{
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct x509_free
{
    void operator()(X509* x) const noexcept { X509_free(x); }
};

void check(bool ok, const char* what)
{
    if (!ok)
        throw std::runtime_error(std::string("OpenSSL: ") + what);
}

template <typename Write>
std::string to_pem(Write write)
{
    std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
    check(bio != nullptr, "BIO_new");
    check(write(bio.get()) == 1, "PEM write");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

key_material make_key_material()
{
    std::unique_ptr<EVP_PKEY, pkey_free> key(EVP_RSA_gen(2048));
    check(key != nullptr, "EVP_RSA_gen");

    std::unique_ptr<X509, x509_free> cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0
    );
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost");
    check(san != nullptr, "subjectAltName");
    X509_add_ext(cert.get(), san, -1);
    X509_EXTENSION_free(san);
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

    key_material m;
    m.private_key_pem = to_pem([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    m.public_key_pem = to_pem([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key.get()); });
    m.certificate_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
    return m;
}

namespace {

// Removes the files written by write_temp_file when the test process ends.
struct temp_files
{
    std::vector<std::filesystem::path> paths;
    ~temp_files()
    {
        for (const auto& p : paths)
        {
            std::error_code ignored;
            std::filesystem::remove(p, ignored);
        }
    }
};

temp_files& written()
{
    static temp_files files;
    return files;
}

} // namespace

std::string write_temp_file(const std::string& stem, const std::string& text)
{
    static std::atomic<int> counter{0};
    auto path = std::filesystem::temp_directory_path() /
                (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
    written().paths.push_back(path);
    return path.string();
}

} // namespace binlogstream::test
