#include "codec/cell.hpp"
#include "codec/charset.hpp"
#include "unit/codec/value_test_support.hpp"

BOOST_TEST_DONT_PRINT_LOG_VALUE(binlogstream::codec::charset_kind)

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <limits>
#include <string>

using namespace binlogstream;
using namespace value_test;

namespace {

column_info unsigned_column(column_type t)
{
    auto c = column(t);
    c.is_unsigned = true;
    return c;
}

column_info text_column(column_type t, std::uint16_t meta, std::uint16_t collation)
{
    auto c = column(t, meta);
    c.charset = collation;
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(value_cells)

// Integer widths and signedness (log_event_print_value: 1/2/3/4/8 bytes little-endian; signedness
// from the SIGNEDNESS metadata).
BOOST_AUTO_TEST_CASE(integers)
{
    BOOST_TEST(decode(column(column_type::tiny), hex("ff"), 1).as_int64() == -1);
    BOOST_TEST(decode(unsigned_column(column_type::tiny), hex("ff"), 1).as_uint64() == 255u);
    BOOST_TEST(decode(column(column_type::short_), hex("00 80"), 2).as_int64() == -32768);
    BOOST_TEST(decode(column(column_type::int24), hex("ff ff ff"), 3).as_int64() == -1);
    BOOST_TEST(decode(column(column_type::int24), hex("00 00 80"), 3).as_int64() == -8388608);
    BOOST_TEST(decode(unsigned_column(column_type::int24), hex("ff ff ff"), 3).as_uint64() == 16777215u);
    BOOST_TEST(decode(column(column_type::long_), hex("00 00 00 80"), 4).as_int64() == -2147483648LL);
    BOOST_TEST(decode(unsigned_column(column_type::long_), hex("ff ff ff ff"), 4).as_uint64() == 4294967295u);
    BOOST_TEST(decode(column(column_type::longlong), hex("ff ff ff ff ff ff ff ff"), 8).as_int64() == -1);
    BOOST_TEST(
        decode(unsigned_column(column_type::longlong), hex("ff ff ff ff ff ff ff ff"), 8).as_uint64() ==
        std::numeric_limits<std::uint64_t>::max()
    );
    BOOST_TEST(
        json_of(unsigned_column(column_type::longlong), hex("ff ff ff ff ff ff ff ff")) ==
        "18446744073709551615"
    );
    BOOST_TEST(
        json_of(column(column_type::longlong), hex("00 00 00 00 00 00 00 80")) == "-9223372036854775808"
    );
    for (auto t :
         {column_type::tiny,
          column_type::short_,
          column_type::int24,
          column_type::long_,
          column_type::longlong})
    {
        auto cell = hex("01 02 03 04 05 06 07 08");
        std::size_t n = 0;
        BOOST_TEST_REQUIRE(!codec::cell_size(column(t), cell, n));
        cell.resize(n);
        BOOST_TEST_CONTEXT("type " << int(t))
        {
            check_truncation_sweep(column(t), cell);
        }
    }
}

BOOST_AUTO_TEST_CASE(floating_point)
{
    // IEEE 754 little-endian: 1.5f = 3FC00000, 0.1 = 3FB999999999999A.
    auto f = decode(column(column_type::float_, 4), hex("00 00 c0 3f"), 4);
    BOOST_TEST(f.as_float() == 1.5f);
    BOOST_TEST(json_of(column(column_type::float_, 4), hex("00 00 c0 3f")) == "1.5");
    auto d = decode(column(column_type::double_, 8), hex("9a 99 99 99 99 99 b9 3f"), 8);
    BOOST_TEST(d.as_double() == 0.1);
    BOOST_TEST(json_of(column(column_type::double_, 8), hex("9a 99 99 99 99 99 b9 3f")) == "0.1");
    check_truncation_sweep(column(column_type::double_, 8), hex("9a 99 99 99 99 99 b9 3f"));
    check_truncation_sweep(column(column_type::float_, 4), hex("00 00 c0 3f"));
}

// BIT(M): metadata (bytes << 8 | leftover bits), (M + 7) / 8 big-endian bytes (log_event_print_value).
BOOST_AUTO_TEST_CASE(bit)
{
    auto b3 = decode(column(column_type::bit, 0x0003), hex("05"), 1); // BIT(3) b'101'
    BOOST_TEST(b3.as_bit().bits == 5u);
    BOOST_TEST(b3.as_bit().width == 3);
    BOOST_TEST(decode(column(column_type::bit, 0x0102), hex("02 01"), 2).as_bit().bits == 513u); // BIT(10)
    BOOST_TEST(
        json_of(column(column_type::bit, 0x0800), hex("ff ff ff ff ff ff ff ff")) == "18446744073709551615"
    );
    check_truncation_sweep(column(column_type::bit, 0x0800), hex("ff ff ff ff ff ff ff ff"));
    value v;
    std::size_t consumed = 0;
    BOOST_TEST(
        codec::decode_cell(column(column_type::bit, 0x0900), hex("00"), v, consumed) == errc::bad_value
    );
    BOOST_TEST(codec::decode_cell(column(column_type::bit, 0), hex("00"), v, consumed) == errc::bad_value);
}

// ENUM and SET: MYSQL_TYPE_STRING columns whose metadata's first byte is the real type (0xF7/0xF8)
// and whose second byte is the value's byte count.
BOOST_AUTO_TEST_CASE(enum_and_set)
{
    auto e = column(column_type::enum_, 0xF701);
    e.wire_type = column_type::string;
    e.enum_values = {"small", "medium", "large"};
    BOOST_TEST(decode(e, hex("02"), 1).as_enum().index == 2);
    BOOST_TEST(json_of(e, hex("02")) == "\"medium\"");
    BOOST_TEST(json_of(e, hex("00")) == "\"\"");
    BOOST_TEST(json_of(e, hex("07")) == "7");
    auto e_unknown = e;
    e_unknown.enum_values.clear();
    BOOST_TEST(json_of(e_unknown, hex("02")) == "2");
    auto e2 = column(column_type::enum_, 0xF702);
    BOOST_TEST(decode(e2, hex("2c 01"), 2).as_enum().index == 300);
    check_truncation_sweep(e2, hex("2c 01"));

    auto s = column(column_type::set, 0xF801);
    s.set_values = {"a", "b", "c", "d"};
    BOOST_TEST(decode(s, hex("0d"), 1).as_set().bits == 13u);
    // Definition order regardless of how the bits were set.
    BOOST_TEST(json_of(s, hex("0d")) == "[\"a\",\"c\",\"d\"]");
    BOOST_TEST(json_of(s, hex("00")) == "[]");
    BOOST_TEST(json_of(s, hex("10")) == "16"); // a bit with no literal: keep the number
    auto s8 = column(column_type::set, 0xF808);
    BOOST_TEST(decode(s8, hex("01 00 00 00 00 00 00 80"), 8).as_set().bits == 0x8000000000000001u);
    check_truncation_sweep(s8, hex("01 00 00 00 00 00 00 80"));

    // An unresolved STRING column whose metadata says ENUM.
    auto raw = column(column_type::string, 0xF701);
    BOOST_TEST(decode(raw, hex("03"), 1).as_enum().index == 3);
    value v;
    std::size_t consumed = 0;
    BOOST_TEST(
        codec::decode_cell(column(column_type::enum_, 0xF703), hex("00 00 00"), v, consumed) ==
        errc::bad_value
    );
    BOOST_TEST(
        codec::decode_cell(column(column_type::set, 0xF809), hex("00"), v, consumed) == errc::bad_value
    );
}

// CHAR: 1 length byte if the max byte length is < 256, else 2; lengths above 255 are encoded in the
// metadata per MySQL bug #37426 (Field_string::do_save_field_metadata: byte0 = real_type ^
// ((length & 0x300) >> 4)). CHAR(255) in utf8mb4 is 1020 bytes: metadata CE FC.
BOOST_AUTO_TEST_CASE(char_and_varchar)
{
    auto c = text_column(column_type::string, 0xFE0A, 45);
    auto abc = hex("03 61 62 63");
    auto v = decode(c, abc, 4);
    BOOST_TEST(v.as_string().bytes == "abc");
    BOOST_TEST(!v.as_string().is_blob);
    BOOST_TEST(json_of(c, hex("03 61 62 63")) == "\"abc\"");
    check_truncation_sweep(c, hex("03 61 62 63"));

    auto long_char = text_column(column_type::string, 0xCEFC, 45);
    BOOST_TEST(decode(long_char, hex("02 00 68 69"), 4).as_string().bytes == "hi");
    check_truncation_sweep(long_char, hex("02 00 68 69"));

    auto vc = text_column(column_type::varchar, 50, 45);
    BOOST_TEST(decode(vc, hex("02 68 69 ff"), 3).as_string().bytes == "hi");
    auto vc_long = text_column(column_type::varchar, 300, 45);
    BOOST_TEST(decode(vc_long, hex("02 00 68 69"), 4).as_string().bytes == "hi");
    check_truncation_sweep(vc_long, hex("02 00 68 69"));

    // An empty string is a value, not NULL.
    auto empty = decode(vc, hex("00"), 1);
    BOOST_TEST(!empty.is_null());
    BOOST_TEST(json_of(vc, hex("00")) == "\"\"");
}

// BLOB/TEXT: metadata = number of little-endian length bytes (1-4).
BOOST_AUTO_TEST_CASE(blobs)
{
    for (std::uint16_t n = 1; n <= 4; ++n)
    {
        BOOST_TEST_CONTEXT("length bytes " << n)
        {
            auto col = text_column(column_type::blob, n, 63);
            byte_vector cell(n, std::byte{0});
            cell[0] = std::byte{3};
            for (auto b : {0x00, 0x01, 0x02})
                cell.push_back(std::byte(b));
            auto v = decode(col, cell, n + 3u);
            BOOST_TEST(v.as_string().is_blob);
            BOOST_TEST(v.as_string().is_binary());
            BOOST_TEST(json_of(col, cell) == "{\"base64\":\"AAEC\"}");
            check_truncation_sweep(col, cell);
        }
    }
    auto text = text_column(column_type::blob, 2, 255);
    BOOST_TEST(json_of(text, hex("05 00 68 c3 a9 6c 6c")) == "\"h\xc3\xa9ll\"");
    value v;
    std::size_t consumed = 0;
    BOOST_TEST(codec::decode_cell(column(column_type::blob, 5), hex("00"), v, consumed) == errc::bad_value);
    BOOST_TEST(codec::decode_cell(column(column_type::blob, 0), hex("00"), v, consumed) == errc::bad_value);
    // A length beyond the data is truncation, even a huge one.
    BOOST_TEST(
        codec::decode_cell(column(column_type::blob, 4), hex("ff ff ff ff 00"), v, consumed) ==
        errc::truncated_event
    );
}

// GEOMETRY: a blob (4 length bytes) holding a 4-byte little-endian SRID and the WKB. POINT(1 2) in
// WKB: 01 01000000 then two little-endian doubles (OGC Simple Features).
BOOST_AUTO_TEST_CASE(geometry)
{
    auto col = column(column_type::geometry, 4);
    auto cell =
        hex("19 00 00 00  e6 10 00 00  01 01 00 00 00 00 00 00 00 00 00 f0 3f 00 00 00 00 00 00 00 40");
    auto v = decode(col, cell, cell.size());
    BOOST_TEST(v.as_geometry().srid == 4326u);
    BOOST_TEST(v.as_geometry().wkb.size() == 21u);
    BOOST_TEST(json_of(col, cell) == "{\"base64\":\"5hAAAAEBAAAAAAAAAAAA8D8AAAAAAAAAQA==\"}");
    check_truncation_sweep(col, cell);
    value bad;
    std::size_t consumed = 0;
    BOOST_TEST(codec::decode_cell(col, hex("02 00 00 00 e6 10"), bad, consumed) == errc::bad_value);
}

// VECTOR (MySQL 9): a length-prefixed array of little-endian float32.
BOOST_AUTO_TEST_CASE(vector)
{
    auto col = column(column_type::vector, 4);
    auto cell = hex("08 00 00 00 00 00 c0 3f 00 00 00 c0");
    auto v = decode(col, cell, cell.size());
    BOOST_TEST(v.as_vector().size() == 2u);
    BOOST_TEST(v.as_vector()[0] == 1.5f);
    BOOST_TEST(v.as_vector()[1] == -2.0f);
    BOOST_TEST(json_of(col, cell) == "[1.5,-2]");
    check_truncation_sweep(col, cell);
    value bad;
    std::size_t consumed = 0;
    BOOST_TEST(codec::decode_cell(col, hex("03 00 00 00 00 00 c0"), bad, consumed) == errc::bad_value);
}

// JSON cells: MySQL binary (4 length bytes; polardb/polardbx-cdc JsonFieldTest test1Obj encodes the
// document `1` as 03000000 050100) and MariaDB text JSON (a BLOB column known to hold JSON).
BOOST_AUTO_TEST_CASE(json_cells)
{
    auto col = column(column_type::json, 4);
    auto cell = sbytes({3, 0, 0, 0, 5, 1, 0});
    auto v = decode(col, cell, 7);
    BOOST_TEST(v.as_json().format == json_format::mysql_binary);
    BOOST_TEST(json_of(col, cell) == "1");
    check_truncation_sweep(col, cell);
    // An empty binary JSON value is JSON null.
    BOOST_TEST(json_of(col, hex("00 00 00 00")) == "null");

    auto maria = column(column_type::json, 4);
    maria.wire_type = column_type::blob;
    auto text = hex("0c 00 00 00");
    for (char c : std::string_view(R"({"a": [1,2]})"))
        text.push_back(std::byte(c));
    auto mv = decode(maria, text, text.size());
    BOOST_TEST(mv.as_json().format == json_format::text);
    BOOST_TEST(json_of(maria, text) == R"({"a": [1, 2]})");
    // Text JSON is re-printed on one line in MySQL's style with its tokens untouched.
    std::string_view pretty = "{\n  \"k\" : \"a, b: \\\"c\\\"\",\n  \"n\":1.10 , \"u\": \"\\u00e9\"\n}";
    std::vector<std::byte> padded(pretty.size() + 64, std::byte{0});
    std::memcpy(padded.data(), pretty.data(), pretty.size());
    for (bool in_place : {false, true})
    {
        json_cell cell{std::span<const std::byte>(padded.data(), pretty.size()), json_format::text, in_place};
        std::string out;
        BOOST_TEST_REQUIRE(!cell.to_text(out));
        BOOST_TEST(out == R"({"k": "a, b: \"c\"", "n": 1.10, "u": "\u00e9"})");
    }
    // Invalid JSON text is kept as bytes.
    auto broken = hex("03 00 00 00 7b 22 61");
    BOOST_TEST(json_of(maria, broken) == "{\"base64\":\"eyJh\"}");
}

BOOST_AUTO_TEST_CASE(null_type_and_unknown_types)
{
    auto v = decode(column(column_type::null), hex(""), 0);
    BOOST_TEST(v.is_null());
    BOOST_TEST(json_of(column(column_type::null), hex("")) == "null");
    value w;
    std::size_t consumed = 0;
    BOOST_TEST(codec::decode_cell(column(column_type::decimal), hex("00"), w, consumed) == errc::bad_value);
    BOOST_TEST(codec::decode_cell(column(column_type::invalid), hex("00"), w, consumed) == errc::bad_value);
    BOOST_TEST(
        codec::decode_cell(column(static_cast<column_type>(100)), hex("00"), w, consumed) == errc::bad_value
    );
}

// Charset conversion (collation ids from INFORMATION_SCHEMA.COLLATIONS: 8 latin1_swedish_ci,
// 45 utf8mb4_general_ci, 33 utf8_general_ci, 35 ucs2_general_ci, 54 utf16_general_ci,
// 56 utf16le_general_ci, 60 utf32_general_ci, 63 binary, 11 ascii_general_ci). latin1 is Windows-1252
// in MySQL: 0x80 is the euro sign.
BOOST_AUTO_TEST_CASE(to_utf8_conversions)
{
    auto convert = [](std::string_view bytes, std::uint16_t collation, text_errors policy, std::string& out) {
        string_value s{bytes, collation, false};
        return s.to_utf8(out, policy);
    };
    std::string out;
    BOOST_TEST(!convert("\x80\xe9", 8, text_errors::strict, out));
    BOOST_TEST(out == "\xe2\x82\xac\xc3\xa9");
    out.clear();
    BOOST_TEST(!convert("h\xc3\xa9llo \xf0\x9f\x98\x80", 45, text_errors::strict, out));
    BOOST_TEST(out == "h\xc3\xa9llo \xf0\x9f\x98\x80");
    out.clear();
    BOOST_TEST(convert("a\xff", 45, text_errors::strict, out) == errc::invalid_text);
    out.clear();
    BOOST_TEST(!convert(
        "a\xff"
        "b",
        33,
        text_errors::replace,
        out
    ));
    BOOST_TEST(
        out == "a\xef\xbf\xbd"
               "b"
    );
    out.clear();
    BOOST_TEST(convert("\xed\xa0\x80", 45, text_errors::strict, out) == errc::invalid_text); // surrogate
    out.clear();
    BOOST_TEST(convert("\xc0\xaf", 45, text_errors::strict, out) == errc::invalid_text); // overlong
    out.clear();
    BOOST_TEST(!convert(std::string_view("\x00\x41\x20\xac", 4), 35, text_errors::strict, out));
    BOOST_TEST(out == "A\xe2\x82\xac");
    out.clear();
    BOOST_TEST(!convert(std::string_view("\xd8\x3d\xde\x00", 4), 54, text_errors::strict, out));
    BOOST_TEST(out == "\xf0\x9f\x98\x80");
    out.clear();
    BOOST_TEST(!convert(std::string_view("\x3d\xd8\x00\xde", 4), 56, text_errors::strict, out));
    BOOST_TEST(out == "\xf0\x9f\x98\x80");
    out.clear();
    BOOST_TEST(!convert(std::string_view("\x00\x01\xf6\x00", 4), 60, text_errors::strict, out));
    BOOST_TEST(out == "\xf0\x9f\x98\x80");
    out.clear();
    BOOST_TEST(convert("\xd8\x3d", 54, text_errors::strict, out) == errc::invalid_text); // lone surrogate
    out.clear();
    BOOST_TEST(convert("abc", 35, text_errors::strict, out) == errc::invalid_text); // odd length
    out.clear();
    BOOST_TEST(convert("\x80", 11, text_errors::strict, out) == errc::invalid_text);
    out.clear();
    BOOST_TEST(!convert("\x80", 11, text_errors::replace, out));
    BOOST_TEST(out == "\xef\xbf\xbd");
    BOOST_TEST(codec::charset_of(1069) == codec::charset_kind::utf8mb4); // MariaDB utf8mb4_general_nopad_ci
    BOOST_TEST(codec::charset_of(255) == codec::charset_kind::utf8mb4);  // utf8mb4_0900_ai_ci
    BOOST_TEST(codec::charset_of(2304) == codec::charset_kind::utf8mb4); // MariaDB utf8mb4_uca1400_ai_ci
}

// Legacy charsets through iconv; byte values from the charsets' standard tables (Windows-1251,
// KOI8-R (RFC 1489), ISO-8859-2, GBK/GB2312, Shift_JIS (JIS X 0208), Big5, EUC-KR (KS X 1001)).
// Collation ids: 51 cp1251_general_ci, 7 koi8r_general_ci, 9 latin2_general_ci, 28 gbk_chinese_ci,
// 13 sjis_japanese_ci, 1 big5_chinese_ci, 19 euckr_korean_ci, 248 gb18030_chinese_ci.
BOOST_AUTO_TEST_CASE(to_utf8_legacy_charsets)
{
    struct legacy_case
    {
        const char* bytes;
        std::uint16_t collation;
        const char* utf8;
    };
    const legacy_case cases[] = {
        {"\xcf\xf0\xe8\xe2\xe5\xf2", 51, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"}, // Привет
        {"\xf0\xd2\xc9\xd7\xc5\xd4", 7, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"},  // Привет
        {"\xb3\xf3"
         "d\xbc",
         9,
         "\xc5\x82\xc3\xb3"
         "d\xc5\xba"},                                         // łódź
        {"\xd6\xd0\xce\xc4", 28, "\xe4\xb8\xad\xe6\x96\x87"},  // 中文
        {"\xd6\xd0\xce\xc4", 248, "\xe4\xb8\xad\xe6\x96\x87"}, // 中文
        {"\x93\xfa\x96\x7b", 13, "\xe6\x97\xa5\xe6\x9c\xac"},  // 日本
        {"\xa4\xa4\xa4\xe5", 1, "\xe4\xb8\xad\xe6\x96\x87"},   // 中文
        {"\xc7\xd1\xb1\xb9", 19, "\xed\x95\x9c\xea\xb5\xad"},  // 한국
    };
    for (const auto& c : cases)
    {
        BOOST_TEST_CONTEXT("collation " << c.collation)
        {
            std::string out;
            string_value s{c.bytes, c.collation, false};
            BOOST_TEST(!s.to_utf8(out, text_errors::strict));
            BOOST_TEST(out == c.utf8);
        }
    }
    // A GBK lead byte with nothing after it.
    std::string out;
    string_value cut{"a\xd6", 28, false};
    BOOST_TEST(cut.to_utf8(out, text_errors::strict) == errc::invalid_text);
    out.clear();
    BOOST_TEST(!cut.to_utf8(out, text_errors::replace));
    BOOST_TEST(out == "a\xef\xbf\xbd");
    auto col = text_column(column_type::varchar, 20, 28);
    BOOST_TEST(json_of(col, hex("04 d6 d0 ce c4")) == "\"\xe4\xb8\xad\xe6\x96\x87\"");
}

BOOST_AUTO_TEST_CASE(json_string_escaping)
{
    std::string out;
    codec::append_json_string(out, std::string_view("a\"b\\c\n\t\x01/\x7f", 10));
    BOOST_TEST(out == "\"a\\\"b\\\\c\\n\\t\\u0001/\x7f\"");
    out.clear();
    codec::append_json_string(out, "bad \xff byte");
    BOOST_TEST(out == "\"bad \xef\xbf\xbd byte\"");
    // latin1 text goes out as UTF-8.
    auto col = text_column(column_type::varchar, 20, 8);
    BOOST_TEST(json_of(col, hex("03 80 e9 22")) == "\"\xe2\x82\xac\xc3\xa9\\\"\"");
}

BOOST_AUTO_TEST_SUITE_END()
