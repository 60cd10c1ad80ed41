#include "codec/decimal.hpp"
#include "unit/codec/value_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace binlogstream;
using namespace value_test;

namespace {

std::string text_of(const byte_vector& data, unsigned precision, unsigned scale, std::size_t expected_size)
{
    auto col = column(column_type::newdecimal, std::uint16_t(precision << 8 | scale));
    auto v = decode(col, data, expected_size);
    BOOST_TEST_REQUIRE(v.kind() == value_kind::decimal);
    BOOST_TEST(v.as_decimal().precision() == precision);
    BOOST_TEST(v.as_decimal().scale() == scale);
    return v.as_decimal().to_string();
}

struct decimal_case
{
    const char* bytes; // the cell, possibly followed by the next column's bytes
    unsigned precision;
    unsigned scale;
    const char* expected;
    std::size_t size;
};

} // namespace

BOOST_AUTO_TEST_SUITE(decimal_packing)

// The example of MySQL's strings/decimal.c (bin2decimal comment) and the reference manual's
// "Precision Math / DECIMAL data type characteristics": 1234567890.1234 as DECIMAL(14,4).
BOOST_AUTO_TEST_CASE(mysql_documentation_example)
{
    auto data = hex("81 0D FB 38 D2 04 D2");
    BOOST_TEST(codec::decimal_binary_size(14, 4) == 7u);
    BOOST_TEST(text_of(data, 14, 4, 7) == "1234567890.1234");
    auto col = column(column_type::newdecimal, 14 << 8 | 4);
    BOOST_TEST(json_of(col, data) == "\"1234567890.1234\"");
    std::int64_t scaled = 0;
    value v;
    std::size_t consumed = 0;
    BOOST_TEST_REQUIRE(!codec::decode_cell(col, data, v, consumed));
    BOOST_TEST(v.as_decimal().to_scaled_int64(scaled));
    BOOST_TEST(scaled == 12345678901234);
    BOOST_TEST(!v.as_decimal().is_negative());
    check_truncation_sweep(col, data);
}

// Byte vectors from go-mysql's replication/row_event_test.go (TestDecodeDecimal, vendored in
// github/gh-ost at vendor/github.com/siddontang/go-mysql/replication/row_event_test.go); the
// expected texts are the values MySQL printed for the same rows (`select * from decodedecimal` in
// that file's comment). Cells are followed by the next column's bytes there; `size` is the cell.
BOOST_AUTO_TEST_CASE(go_mysql_decodedecimal_vectors)
{
    // clang-format off
    const decimal_case cases[] = {
        // row 1: -10.55
        {"75 c8 7f ff", 4, 2, "-10.55", 2},
        {"7f ff f4 7f f5", 5, 0, "-11", 3},
        {"7f f5 fd d9 7f ff", 7, 3, "-10.550", 4},
        {"7f ff ff f5 c8 7f ff", 10, 2, "-10.55", 5},
        {"7f ff ff f5 fd d9 7f ff", 10, 3, "-10.550", 6},
        {"7f ff ff ff f5 c8 76 c4", 13, 2, "-10.55", 6},
        {"76 c4 65 36 00 fe 79 60 7f ff", 15, 14, "-9.99999999999999", 8},
        {"7f ff ff ff f5 df 37 aa 7f ff 7f ff", 20, 10, "-10.5500000000", 10},
        {"7f ff ff ff ff ff ff ff ff ff ff f5 ff 29 27 7f ff", 30, 5, "-10.55000", 15},
        {"7f ff ff ff f5 df 37 aa 7f ff ff ff ff ff 7f ff", 30, 20, "-10.55000000000000000000", 14},
        {"7f ff f5 df 37 aa 7f ff ff ff ff ff ff ff ff 04 00", 30, 25, "-10.5500000000000000000000000", 15},
        // row 2: 0.0123456789012345678912345
        {"80 01 80 00", 4, 2, "0.01", 2},
        {"80 00 00 80 00", 5, 0, "0", 3},
        {"80 00 00 0c 80 00", 7, 3, "0.012", 4},
        {"80 00 bc 61 4e 01 60 0b 80 00", 15, 14, "0.01234567890123", 8},
        {"80 00 00 00 00 00 bc 61 4e 09 80 00", 20, 10, "0.0123456789", 10},
        {"80 00 00 00 00 00 00 00 00 00 00 00 00 04 d3 80 00", 30, 5, "0.01235", 15},
        {"80 00 00 00 00 00 bc 61 4e 35 b7 bf 87 59 80 00", 30, 20, "0.01234567890123456789", 14},
        {"80 00 00 00 bc 61 4e 35 b7 bf 87 00 87 fd d9 1e 00", 30, 25, "0.0123456789012345678912345", 15},
        // row 3: 12345 (clamped where it does not fit)
        {"e3 63 80 30", 4, 2, "99.99", 2},
        {"80 30 39 a7 0f", 5, 0, "12345", 3},
        {"a7 0f 03 e7 80 00", 7, 3, "9999.999", 4},
        {"80 00 30 39 00 80 00", 10, 2, "12345.00", 5},
        {"80 00 00 30 39 00 89 3b", 13, 2, "12345.00", 6},
        {"89 3b 9a c9 ff 01 86 9f 80 00", 15, 14, "9.99999999999999", 8},
        {"80 30 39 00 00 00 00 00 00 00 00 00 00 00 00 05 00", 30, 25, "12345.0000000000000000000000000", 15},
        // row 6: -123.45
        {"1c 9c 7f ff", 4, 2, "-99.99", 2},
        {"7f ff 84 7f 84", 5, 0, "-123", 3},
        {"7f 84 fe 3d 7f ff", 7, 3, "-123.450", 4},
        {"7f ff ff 84 d2 7f ff", 10, 2, "-123.45", 5},
        {"7f ff ff ff 84 d2 76 c4", 13, 2, "-123.45", 6},
        {"7f ff ff ff 84 e5 2d 8b 7f ff 7f ff", 20, 10, "-123.4500000000", 10},
        // row 7: .00012345000098765
        {"80 00 01 e2 3a 00 00 63 80 00", 15, 14, "0.00012345000099", 8},
        {"80 00 00 00 00 00 01 e2 3a 00 0f 12 02 00 80 00", 30, 20, "0.00012345000098765000", 14},
        // row 10: -.000000012345000098765
        {"80 00 00 00 00 00 7f ff", 13, 2, "0.00", 6},
        {"7f ff ff ff f3 ff 79 3b 7f ff", 15, 14, "-0.00000001234500", 8},
        {"7f ff ff ff ff ff ff ff f3 fc 80 00", 20, 10, "-0.0000000123", 10},
        {"80 00 00 00 00 00 00 00 00 00 00 00 00 00 00 7f ff", 30, 5, "0.00000", 15},
        {"7f ff ff ff ff ff ff ff f3 eb 6f b7 5d b2 7f ff", 30, 20, "-0.00000001234500009877", 14},
        {"7f ff ff ff ff ff f3 eb 6f b7 5d ff 8b 45 2f 1e 00", 30, 25, "-0.0000000123450000987650000", 15},
        // row 11: 1234500009876.5 (clamped where it does not fit)
        {"81 86 9f a7 0f", 5, 0, "99999", 3},
        {"85 f5 e0 ff 63 80 98", 10, 2, "99999999.99", 5},
        {"80 98 96 7f 03 e7 e3 3b", 10, 3, "9999999.999", 6},
        {"e3 3b 9a c9 ff 63 89 3b", 13, 2, "99999999999.99", 6},
        {"89 3b 9a c9 ff 3b 9a c9 ff 09 80 00", 20, 10, "9999999999.9999999999", 10},
        {"80 00 00 00 00 00 04 d2 1d cd 8b 94 00 c3 50 89 3b", 30, 5, "1234500009876.50000", 15},
        {"89 3b 9a c9 ff 3b 9a c9 ff 3b 9a c9 ff 63 81 86", 30, 20, "9999999999.99999999999999999999", 14},
        {"81 86 9f 3b 9a c9 ff 3b 9a c9 ff 00 98 96 7f 1e 00", 30, 25, "99999.9999999999999999999999999", 15},
        // row 15: -562.58
        {"7f fd cc 7d cd", 5, 0, "-563", 3},
        {"7d cd fd bb 7f ff", 7, 3, "-562.580", 4},
        {"7f ff ff fd cd dd 6d e6 ff ff 7f ff", 20, 10, "-562.5800000000", 10},
        // row 16: -3699.01
        {"7f f1 8c 71 8c", 5, 0, "-3699", 3},
        {"7f ff f1 8c fe 7f ff", 10, 2, "-3699.01", 5},
        {"7f f1 8c ff 67 69 7f ff ff ff ff ff ff ff ff 0d 00", 30, 25, "-3699.0100000000000000000000000", 15},
        // row 17: -1948.14
        {"78 63 ff 73 7f ff", 7, 3, "-1948.140", 4},
        {"7f ff ff ff ff ff ff ff ff ff f8 63 ff c9 4f 7f ff", 30, 5, "-1948.14000", 15},
    };
    // clang-format on
    for (const auto& c : cases)
    {
        BOOST_TEST_CONTEXT("DECIMAL(" << c.precision << "," << c.scale << ") " << c.bytes)
        {
            BOOST_TEST(codec::decimal_binary_size(c.precision, c.scale) == c.size);
            BOOST_TEST(text_of(hex(c.bytes), c.precision, c.scale, c.size) == c.expected);
            auto cell = hex(c.bytes);
            cell.resize(c.size);
            check_truncation_sweep(
                column(column_type::newdecimal, std::uint16_t(c.precision << 8 | c.scale)), cell
            );
        }
    }
}

BOOST_AUTO_TEST_CASE(scaled_int64)
{
    auto col = column(column_type::newdecimal, 4 << 8 | 2);
    auto data = hex("75 c8"); // -10.55 (go-mysql vector above)
    value v;
    std::size_t consumed = 0;
    BOOST_TEST_REQUIRE(!codec::decode_cell(col, data, v, consumed));
    std::int64_t scaled = 0;
    BOOST_TEST(v.as_decimal().to_scaled_int64(scaled));
    BOOST_TEST(scaled == -1055);
    BOOST_TEST(v.as_decimal().is_negative());

    // DECIMAL(30,5) 1234500009876.50000 fits; 9999999999.99999999999999999999 at scale 20 does not.
    auto big = hex("80 00 00 00 00 00 04 d2 1d cd 8b 94 00 c3 50");
    BOOST_TEST_REQUIRE(!codec::decode_cell(column(column_type::newdecimal, 30 << 8 | 5), big, v, consumed));
    BOOST_TEST(v.as_decimal().to_scaled_int64(scaled));
    BOOST_TEST(scaled == 123450000987650000);
    auto huge = hex("89 3b 9a c9 ff 3b 9a c9 ff 3b 9a c9 ff 63");
    BOOST_TEST_REQUIRE(!codec::decode_cell(column(column_type::newdecimal, 30 << 8 | 20), huge, v, consumed));
    BOOST_TEST(!v.as_decimal().to_scaled_int64(scaled));
}

// Sizes per the manual's storage table (9 digits in 4 bytes, leftover digits 1-2: 1 byte, 3-4: 2,
// 5-6: 3, 7-9: 4), every scale 0..30 at the maximum precision 65, with zero (positive zero is the
// sign bit alone) printing exactly `scale` fraction digits.
BOOST_AUTO_TEST_CASE(every_scale_zero_and_sizes)
{
    static constexpr unsigned leftover_bytes[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    for (unsigned scale = 0; scale <= 30; ++scale)
    {
        unsigned intg = 65 - scale;
        std::size_t size =
            intg / 9 * 4 + leftover_bytes[intg % 9] + scale / 9 * 4 + leftover_bytes[scale % 9];
        BOOST_TEST_CONTEXT("scale " << scale)
        {
            BOOST_TEST(codec::decimal_binary_size(65, scale) == size);
            byte_vector zero(size, std::byte{0});
            zero[0] = std::byte{0x80};
            std::string expected = scale == 0 ? "0" : "0." + std::string(scale, '0');
            BOOST_TEST(text_of(zero, 65, scale, size) == expected);
            // The same digits with every byte inverted is negative zero, printed without a sign.
            byte_vector negative_zero(size, std::byte{0xff});
            negative_zero[0] = std::byte{0x7f};
            BOOST_TEST(text_of(negative_zero, 65, scale, size) == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_digits_and_metadata)
{
    value v;
    std::size_t consumed = 0;
    // DECIMAL(9,0): one full group of 4 bytes; 1 000 000 000 is not a 9-digit group.
    auto bad = hex("bb 9a ca 00");
    BOOST_TEST(
        codec::decode_cell(column(column_type::newdecimal, 9 << 8), bad, v, consumed) == errc::bad_value
    );
    // precision 0, scale > precision, precision > 65
    auto any = hex("80 00 00 00 00 00 00 00");
    BOOST_TEST(codec::decode_cell(column(column_type::newdecimal, 0), any, v, consumed) == errc::bad_value);
    BOOST_TEST(
        codec::decode_cell(column(column_type::newdecimal, 2 << 8 | 3), any, v, consumed) == errc::bad_value
    );
    BOOST_TEST(
        codec::decode_cell(column(column_type::newdecimal, 66 << 8), any, v, consumed) == errc::bad_value
    );
}

BOOST_AUTO_TEST_SUITE_END()
