// CRC-32 by folding: the message is cut into 128-bit lanes; four lanes are carried forward 512 bits
// at a time by multiplying each half with x^(512+-32...) mod P (carry-less, PCLMULQDQ) and adding the
// next block, then folded into one lane, 128 bits at a time. What is left (one lane and a tail under
// 16 bytes) is short and goes through zlib's table code, starting from a zero register, so no
// Barrett reduction is needed. The method is Intel's "Fast CRC Computation for Generic Polynomials
// Using PCLMULQDQ" (Gopal et al., 2009); the fold constants are its values for the bit-reflected
// polynomial 0x04C11DB7: x^(4*128+32) and x^(4*128-32) mod P for the four-lane fold, x^(128+32) and
// x^(128-32) mod P for the one-lane fold, each bit-reflected and shifted left by one.
// zlib 1.2.13's crc32 (braided, one table lookup per byte) runs at about 4 GB/s on the bench machine;
// this one at several times that (bench/decode_bench shows the difference in its figures).

#include "codec/crc32.hpp"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace binlogstream::codec {

std::uint32_t crc32_zlib(std::uint32_t crc, const void* p, std::size_t n) noexcept
{
    return static_cast<std::uint32_t>(::crc32_z(crc, static_cast<const Bytef*>(p), n));
}

#if defined(__x86_64__)
namespace {

__attribute__((target("pclmul,sse2"))) inline __m128i fold(__m128i x, __m128i k) noexcept
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

__attribute__((target("pclmul,sse2"))) inline __m128i load(const unsigned char* p) noexcept
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// n >= 64.
__attribute__((target("pclmul,sse2"))) std::uint32_t
crc32_pclmul(std::uint32_t crc, const unsigned char* p, std::size_t n) noexcept
{
    const __m128i four = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
    const __m128i one = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
    // zlib's register is the complement of its crc argument; it enters the first 32 bits.
    __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(~crc)));
    __m128i x1 = load(p + 16);
    __m128i x2 = load(p + 32);
    __m128i x3 = load(p + 48);
    p += 64;
    n -= 64;
    while (n >= 64)
    {
        x0 = _mm_xor_si128(fold(x0, four), load(p));
        x1 = _mm_xor_si128(fold(x1, four), load(p + 16));
        x2 = _mm_xor_si128(fold(x2, four), load(p + 32));
        x3 = _mm_xor_si128(fold(x3, four), load(p + 48));
        p += 64;
        n -= 64;
    }
    __m128i x = _mm_xor_si128(fold(x0, one), x1);
    x = _mm_xor_si128(fold(x, one), x2);
    x = _mm_xor_si128(fold(x, one), x3);
    while (n >= 16)
    {
        x = _mm_xor_si128(fold(x, one), load(p));
        p += 16;
        n -= 16;
    }
    // The lane holds a message whose CRC from a zero register is the answer's register so far.
    alignas(16) unsigned char lane[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(lane), x);
    std::uint32_t c = crc32_zlib(0xffffffffu, lane, sizeof lane); // from a zero register
    return crc32_zlib(c, p, n);
}

bool have_pclmul() noexcept
{
    static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
    return yes;
}

} // namespace
#endif

std::uint32_t crc32(std::uint32_t crc, const void* p, std::size_t n) noexcept
{
#if defined(__x86_64__)
    if (n >= 64 && have_pclmul())
        return crc32_pclmul(crc, static_cast<const unsigned char*>(p), n);
#endif
    return crc32_zlib(crc, p, n);
}

} // namespace binlogstream::codec
