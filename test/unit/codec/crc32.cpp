// The folded (PCLMULQDQ) CRC-32 against zlib's crc32 (the reference), over every length up to a few
// blocks at every alignment, chained calls, and a large buffer; plus the check value of the CRC-32
// catalogue ("123456789" -> 0xCBF43926).

#include "codec/crc32.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string_view>
#include <vector>

namespace codec = binlogstream::codec;

BOOST_AUTO_TEST_SUITE(crc32)

BOOST_AUTO_TEST_CASE(check_value)
{
    std::string_view s = "123456789";
    BOOST_TEST(codec::crc32(0, s.data(), s.size()) == 0xCBF43926u);
    std::string_view long_text = "The quick brown fox jumps over the lazy dog, and the lazy dog sleeps on.";
    BOOST_TEST(
        codec::crc32(0, long_text.data(), long_text.size()) ==
        codec::crc32_zlib(0, long_text.data(), long_text.size())
    );
}

BOOST_AUTO_TEST_CASE(same_as_zlib_for_every_length_and_alignment)
{
    std::mt19937 gen(42);
    std::vector<unsigned char> buf(1 << 20);
    for (auto& b : buf)
        b = static_cast<unsigned char>(gen());
    std::size_t mismatches = 0;
    for (std::size_t n = 0; n <= 600; ++n)
        for (std::size_t off = 0; off < 16; ++off)
        {
            std::uint32_t init = n % 3 == 0 ? 0 : static_cast<std::uint32_t>(gen());
            mismatches +=
                codec::crc32(init, buf.data() + off, n) != codec::crc32_zlib(init, buf.data() + off, n);
        }
    BOOST_TEST(mismatches == 0u);
    BOOST_TEST(codec::crc32(0, buf.data(), buf.size()) == codec::crc32_zlib(0, buf.data(), buf.size()));
    // Chained: a 19-byte header then the body, as verify_crc32 does.
    auto head = codec::crc32(0, buf.data(), 19);
    BOOST_TEST(codec::crc32(head, buf.data() + 19, 8000) == codec::crc32_zlib(0, buf.data(), 8019));
}

BOOST_AUTO_TEST_SUITE_END()
