#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <wire/ed25519.hpp>

namespace binlogstream::wire {

namespace {

using bn_ptr = std::unique_ptr<BIGNUM, decltype(&BN_clear_free)>;
using ctx_ptr = std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)>;

bn_ptr make_bn()
{
    return {BN_new(), &BN_clear_free};
}

bn_ptr bn_from_dec(const char* dec)
{
    BIGNUM* raw = nullptr;
    if (BN_dec2bn(&raw, dec) == 0)
        return {nullptr, &BN_clear_free};
    return {raw, &BN_clear_free};
}

// Curve constants of edwards25519 (RFC 8032, section 5.1).
struct curve
{
    bn_ptr p = bn_from_dec("57896044618658097711785492504343953926634992332820282019728792003956564819949");
    bn_ptr d = bn_from_dec("37095705934669439343138083508754565189542113879843219016388785533085940283555");
    bn_ptr l = bn_from_dec("7237005577332262213973186563042994240857116359379907606001950938285454250989");
    bn_ptr bx = bn_from_dec("15112221349535400772501151409588531511454012693041857206046113283949847762202");
    bn_ptr by = bn_from_dec("46316835694926478169428394003475163141307993866256225615783033603165251855960");

    [[nodiscard]] bool ok() const noexcept { return p && d && l && bx && by; }
};

// A point in extended homogeneous coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z.
struct point
{
    bn_ptr x = make_bn(), y = make_bn(), z = make_bn(), t = make_bn();

    [[nodiscard]] bool ok() const noexcept { return x && y && z && t; }
};

class arithmetic
{
public:
    explicit arithmetic(const curve& c)
        : c_(c)
    {}

    [[nodiscard]] bool ok() const noexcept
    {
        return ctx_ && a_ && b_ && cc_ && dd_ && e_ && f_ && g_ && h_ && two_d_;
    }

    bool init()
    {
        return ok() && BN_mod_add(two_d_.get(), c_.d.get(), c_.d.get(), c_.p.get(), ctx_.get()) == 1;
    }

    bool set_identity(point& r)
    {
        BN_zero(r.x.get());
        BN_zero(r.t.get());
        return BN_one(r.y.get()) == 1 && BN_one(r.z.get()) == 1;
    }

    bool set_base(point& r)
    {
        return BN_copy(r.x.get(), c_.bx.get()) && BN_copy(r.y.get(), c_.by.get()) && BN_one(r.z.get()) == 1 &&
               BN_mod_mul(r.t.get(), c_.bx.get(), c_.by.get(), c_.p.get(), ctx_.get()) == 1;
    }

    // r = p + q (RFC 8032 5.1.4; complete, so it doubles too). r may alias p or q.
    bool add(point& r, const point& p, const point& q)
    {
        const BIGNUM* m = c_.p.get();
        BN_CTX* x = ctx_.get();
        bool good = BN_mod_sub(a_.get(), p.y.get(), p.x.get(), m, x) &&
                    BN_mod_sub(e_.get(), q.y.get(), q.x.get(), m, x) &&
                    BN_mod_mul(a_.get(), a_.get(), e_.get(), m, x) && // A
                    BN_mod_add(b_.get(), p.y.get(), p.x.get(), m, x) &&
                    BN_mod_add(e_.get(), q.y.get(), q.x.get(), m, x) &&
                    BN_mod_mul(b_.get(), b_.get(), e_.get(), m, x) && // B
                    BN_mod_mul(cc_.get(), p.t.get(), two_d_.get(), m, x) &&
                    BN_mod_mul(cc_.get(), cc_.get(), q.t.get(), m, x) && // C
                    BN_mod_mul(dd_.get(), p.z.get(), q.z.get(), m, x) &&
                    BN_mod_add(dd_.get(), dd_.get(), dd_.get(), m, x) && // D
                    BN_mod_sub(e_.get(), b_.get(), a_.get(), m, x) &&    // E
                    BN_mod_sub(f_.get(), dd_.get(), cc_.get(), m, x) &&  // F
                    BN_mod_add(g_.get(), dd_.get(), cc_.get(), m, x) &&  // G
                    BN_mod_add(h_.get(), b_.get(), a_.get(), m, x) &&    // H
                    BN_mod_mul(r.x.get(), e_.get(), f_.get(), m, x) &&
                    BN_mod_mul(r.y.get(), g_.get(), h_.get(), m, x) &&
                    BN_mod_mul(r.t.get(), e_.get(), h_.get(), m, x) &&
                    BN_mod_mul(r.z.get(), f_.get(), g_.get(), m, x);
        return good;
    }

    // r = k * base, double-and-add from the top bit (the client's own secret: timing is local).
    bool scalar_mult_base(point& r, const BIGNUM* k)
    {
        point base;
        if (!base.ok() || !set_base(base) || !set_identity(r))
            return false;
        for (int i = BN_num_bits(k) - 1; i >= 0; --i)
        {
            if (!add(r, r, r))
                return false;
            if (BN_is_bit_set(k, i) && !add(r, r, base))
                return false;
        }
        return true;
    }

    // RFC 8032 5.1.2: y little-endian, the sign of x in the top bit.
    bool encode(const point& pt, unsigned char out[32])
    {
        bn_ptr zinv = make_bn(), ax = make_bn(), ay = make_bn();
        if (!zinv || !ax || !ay || !BN_mod_inverse(zinv.get(), pt.z.get(), c_.p.get(), ctx_.get()) ||
            BN_mod_mul(ax.get(), pt.x.get(), zinv.get(), c_.p.get(), ctx_.get()) != 1 ||
            BN_mod_mul(ay.get(), pt.y.get(), zinv.get(), c_.p.get(), ctx_.get()) != 1 ||
            BN_bn2lebinpad(ay.get(), out, 32) != 32)
            return false;
        if (BN_is_odd(ax.get()))
            out[31] |= 0x80;
        return true;
    }

    BN_CTX* ctx() const noexcept { return ctx_.get(); }

private:
    const curve& c_;
    ctx_ptr ctx_{BN_CTX_secure_new(), &BN_CTX_free};
    bn_ptr a_ = make_bn(), b_ = make_bn(), cc_ = make_bn(), dd_ = make_bn(), e_ = make_bn(), f_ = make_bn(),
           g_ = make_bn(), h_ = make_bn(), two_d_ = make_bn();
};

bool sha512(std::initializer_list<bytes_view> parts, unsigned char out[64])
{
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!md || EVP_DigestInit_ex(md.get(), EVP_sha512(), nullptr) != 1)
        return false;
    for (auto part : parts)
    {
        if (EVP_DigestUpdate(md.get(), part.data(), part.size()) != 1)
            return false;
    }
    unsigned int n = 0;
    return EVP_DigestFinal_ex(md.get(), out, &n) == 1 && n == 64;
}

bytes_view view(const unsigned char* p, std::size_t n) noexcept
{
    return {reinterpret_cast<const std::byte*>(p), n};
}

} // namespace

std::error_code ed25519_sign(bytes_view secret, bytes_view message, std::array<std::byte, 64>& signature)
{
    const auto failed = std::make_error_code(std::errc::not_enough_memory);
    curve c;
    arithmetic ar(c);
    if (!c.ok() || !ar.init())
        return failed;

    // az = SHA-512(secret); a = clamp(az[0..32]); prefix = az[32..64].
    unsigned char az[64];
    if (!sha512({secret}, az))
        return failed;
    az[0] &= 248;
    az[31] &= 63;
    az[31] |= 64;

    unsigned char nonce[64], public_key[32], r_enc[32], hram[64], s_enc[32];
    bn_ptr a = make_bn(), r = make_bn(), k = make_bn(), s = make_bn();
    point big_a, big_r;
    bool good = a && r && k && s && big_a.ok() && big_r.ok() && BN_lebin2bn(az, 32, a.get()) &&
                sha512({view(az + 32, 32), message}, nonce) && BN_lebin2bn(nonce, 64, r.get()) &&
                BN_nnmod(r.get(), r.get(), c.l.get(), ar.ctx()) == 1 && ar.scalar_mult_base(big_a, a.get()) &&
                ar.encode(big_a, public_key) && ar.scalar_mult_base(big_r, r.get()) &&
                ar.encode(big_r, r_enc) && sha512({view(r_enc, 32), view(public_key, 32), message}, hram) &&
                BN_lebin2bn(hram, 64, k.get()) &&
                // S = (r + k * a) mod L
                BN_mod_mul(s.get(), k.get(), a.get(), c.l.get(), ar.ctx()) == 1 &&
                BN_mod_add(s.get(), s.get(), r.get(), c.l.get(), ar.ctx()) == 1 &&
                BN_bn2lebinpad(s.get(), s_enc, 32) == 32;
    OPENSSL_cleanse(az, sizeof az);
    OPENSSL_cleanse(nonce, sizeof nonce);
    if (!good)
        return failed;
    for (std::size_t i = 0; i < 32; ++i)
    {
        signature[i] = std::byte(r_enc[i]);
        signature[32 + i] = std::byte(s_enc[i]);
    }
    return {};
}

} // namespace binlogstream::wire
