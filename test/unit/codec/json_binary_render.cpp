#include <binlogstream/json.hpp>

#include "codec/json_binary.hpp"
#include "unit/codec/value_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace binlogstream;
using namespace value_test;

namespace {

std::string render(const byte_vector& doc)
{
    std::string out;
    auto ec = codec::render_json_binary(out, doc);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    return out;
}

// The document of a JSON cell: drop the 4-byte length prefix.
byte_vector doc_of_cell(const byte_vector& cell)
{
    return byte_vector(cell.begin() + 4, cell.end());
}

std::string double_text(double d)
{
    std::string out;
    BOOST_TEST_REQUIRE(!codec::append_json_double(out, d));
    return out;
}

void check_prefixes_fail(const byte_vector& doc)
{
    // Every strict prefix of a document is malformed (never a crash). The empty prefix is JSON null.
    for (std::size_t n = 1; n < doc.size(); ++n)
    {
        byte_vector prefix(doc.begin(), doc.begin() + std::ptrdiff_t(n));
        std::string out;
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            BOOST_TEST(codec::render_json_binary(out, prefix) == errc::invalid_json);
        }
    }
}

// `depth` nested single-element arrays around an empty array.
byte_vector nested_arrays(unsigned depth)
{
    byte_vector body = hex("00 00 04 00"); // empty small array: count 0, size 4
    for (unsigned i = 0; i < depth; ++i)
    {
        std::size_t size = 4 + 3 + body.size();
        byte_vector outer = {
            std::byte{1},
            std::byte{0},
            std::byte(size & 0xff),
            std::byte(size >> 8),
            std::byte{2},
            std::byte{7},
            std::byte{0}};
        outer.insert(outer.end(), body.begin(), body.end());
        body = std::move(outer);
    }
    body.insert(body.begin(), std::byte{2});
    return body;
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_binary_render)

// Cells from polardb/polardbx-cdc JsonFieldTest (MySQL binary JSON of the documents in the test
// names), rendered the way MySQL prints JSON (json_dom.cc wrapper_to_string: ", " and ": ").
BOOST_AUTO_TEST_CASE(polardb_documents)
{
    // clang-format off
    auto simple = sbytes({21, 0, 0, 0, 0, 2, 0, 20, 0, 18, 0, 1, 0, 19, 0, 1, 0, 5, 1, 0, 5, 2, 0, 97, 98});
    auto normal = sbytes({68, 0, 0, 0, 0, 4, 0, 67, 0, 32, 0, 1, 0, 33, 0, 1, 0, 34, 0, 1, 0, 35, 0, 1, 0, 5, 1, 0, 2, 36, 0, 12, 49,
        0, 0, 53, 0, 97, 98, 99, 100, 3, 0, 13, 0, 5, 1, 0, 5, 2, 0, 5, 3, 0, 3, 97, 98, 99, 1, 0, 14, 0, 11, 0, 1,
        0, 12, 12, 0, 101, 1, 102});
    auto array = sbytes({26, 0, 0, 0, 0, 1, 0, 25, 0, 11, 0, 1, 0, 2, 12, 0, 97, 3, 0, 13, 0, 5, 1, 0, 5, 2, 0, 5, 3, 0});
    auto sub = sbytes({27, 0, 0, 0, 0, 1, 0, 26, 0, 11, 0, 1, 0, 0, 12, 0, 97, 1, 0, 14, 0, 11, 0, 1, 0, 12, 12, 0, 101, 1, 102});
    auto strings = sbytes({29, 0, 0, 0, 0, 2, 0, 28, 0, 18, 0, 1, 0, 19, 0, 1, 0, 12, 20, 0, 12, 23, 0, 97, 98, 2, 99, 106, 4, 116,
        101, 115, 116});
    auto string_array = sbytes({32, 0, 0, 0, 0, 1, 0, 31, 0, 11, 0, 1, 0, 2, 12, 0, 97, 3, 0, 19, 0, 12, 13, 0, 12, 15, 0, 12, 17, 0,
        1, 97, 1, 98, 1, 99});
    // clang-format on
    BOOST_TEST(render(doc_of_cell(simple)) == R"({"a": 1, "b": 2})");
    BOOST_TEST(render(doc_of_cell(normal)) == R"({"a": 1, "b": [1, 2, 3], "c": "abc", "d": {"e": "f"}})");
    BOOST_TEST(render(doc_of_cell(array)) == R"({"a": [1, 2, 3]})");
    BOOST_TEST(render(doc_of_cell(sub)) == R"({"a": {"e": "f"}})");
    BOOST_TEST(render(doc_of_cell(strings)) == R"({"a": "cj", "b": "test"})");
    BOOST_TEST(render(doc_of_cell(string_array)) == R"({"a": ["a", "b", "c"]})");
    for (const auto* cell : {&simple, &normal, &array, &sub, &strings, &string_array})
    {
        check_prefixes_fail(doc_of_cell(*cell));
        check_truncation_sweep(column(column_type::json, 4), *cell);
    }

    // Navigation over the same document.
    auto normal_doc = doc_of_cell(normal);
    json_binary_view root;
    BOOST_TEST_REQUIRE(!json_binary_view::parse(normal_doc, root));
    BOOST_TEST(root.type() == json_type::object);
    BOOST_TEST(root.size() == 4u);
    std::string_view key;
    BOOST_TEST_REQUIRE(!root.key(2, key));
    BOOST_TEST(key == "c");
    json_binary_view c;
    BOOST_TEST_REQUIRE(!root.element(2, c));
    BOOST_TEST(c.type() == json_type::string);
    BOOST_TEST(c.get_string() == "abc");
    json_binary_view b, b1;
    BOOST_TEST_REQUIRE(!root.element(1, b));
    BOOST_TEST_REQUIRE(!b.element(1, b1));
    BOOST_TEST(b1.get_int64() == 2);
    BOOST_TEST(root.element(4, b1) == errc::invalid_json);
}

// Scalars per the json_binary.cc format: literals, the integer widths, strings.
BOOST_AUTO_TEST_CASE(scalars)
{
    BOOST_TEST(render(hex("")) == "null");
    BOOST_TEST(render(hex("04 00")) == "null");
    BOOST_TEST(render(hex("04 01")) == "true");
    BOOST_TEST(render(hex("04 02")) == "false");
    BOOST_TEST(render(hex("05 ff ff")) == "-1");
    BOOST_TEST(render(hex("06 ff ff")) == "65535");
    BOOST_TEST(render(hex("07 00 00 00 80")) == "-2147483648");
    BOOST_TEST(render(hex("08 ff ff ff ff")) == "4294967295");
    BOOST_TEST(render(hex("09 00 00 00 00 00 00 00 80")) == "-9223372036854775808");
    BOOST_TEST(render(hex("0a ff ff ff ff ff ff ff ff")) == "18446744073709551615");
    BOOST_TEST(render(hex("0b 00 00 00 00 00 00 f8 3f")) == "1.5");
    BOOST_TEST(render(hex("0c 03 61 22 0a")) == R"("a\"\n")");
    BOOST_TEST(render(hex("0c 02 01 1f")) == R"("\u0001\u001f")");
    // A string of 128 bytes needs a two-byte length (7 bits per byte, low bits first).
    byte_vector long_string = hex("0c 80 01");
    long_string.resize(long_string.size() + 128, std::byte{'x'});
    BOOST_TEST(render(long_string) == "\"" + std::string(128, 'x') + "\"");
    for (const char* d :
         {"04 01",
          "05 ff ff",
          "07 00 00 00 80",
          "0a ff ff ff ff ff ff ff ff",
          "0b 00 00 00 00 00 00 f8 3f",
          "0c 03 61 22 0a"})
        check_prefixes_fail(hex(d));
}

// A large object: 4-byte count, size and offsets, int32 values inlined.
BOOST_AUTO_TEST_CASE(large_object)
{
    auto doc = hex("01  01 00 00 00  14 00 00 00  13 00 00 00 01 00  07 70 11 01 00  61");
    BOOST_TEST(render(doc) == R"({"a": 70000})");
    check_prefixes_fail(doc);
}

// Doubles as MySQL prints them: my_gcvt (strings/dtoa.cc) with MY_GCVT_MAX_FIELD_WIDTH (22), then
// ".0" when there is neither a point nor an exponent (json_dom.cc, J_DOUBLE).
BOOST_AUTO_TEST_CASE(doubles)
{
    BOOST_TEST(double_text(1.0) == "1.0");
    BOOST_TEST(double_text(0.0) == "0.0");
    BOOST_TEST(double_text(-2.5) == "-2.5");
    BOOST_TEST(double_text(0.1) == "0.1");
    BOOST_TEST(double_text(1e300) == "1e300");
    BOOST_TEST(double_text(1.5e-7) == "0.00000015");
    BOOST_TEST(double_text(1.5e-15) == "0.0000000000000015");
    BOOST_TEST(double_text(1.5e-16) == "1.5e-16");
    BOOST_TEST(double_text(1e-5) == "0.00001");
    BOOST_TEST(double_text(1e14) == "100000000000000.0");
    BOOST_TEST(double_text(1e15) == "1e15");
    BOOST_TEST(double_text(123456789012345680000.0) == "1.2345678901234568e20");
    BOOST_TEST(double_text(3.141592653589793) == "3.141592653589793");
    // The sign takes one of the 22 characters: one significant digit fewer.
    BOOST_TEST(double_text(1.7976931348623157e308) == "1.7976931348623157e308");
    BOOST_TEST(double_text(-1.7976931348623157e308) == "-1.797693134862316e308");
    BOOST_TEST(double_text(5e-324) == "5e-324");
    std::string out;
    BOOST_TEST(codec::append_json_double(out, 1.0 / 0.0) == errc::invalid_json);
}

// Opaque values (type 0x0f: field type, length, data): DECIMAL as precision, scale and the packed
// digits; temporals as 8-byte packed integers printed with 6 fraction digits; others as
// "base64:type<N>:..." (json_dom.cc J_OPAQUE; TiDB's tests show MySQL's ["base64:type15:YWI="]).
BOOST_AUTO_TEST_CASE(opaque_values)
{
    BOOST_TEST(render(hex("0f f6 04 03 02 81 32")) == "1.50");
    BOOST_TEST(render(hex("0f 0c 08 00 00 00 19 76 1f 95 19")) == R"("2015-01-15 23:24:25.000000")");
    BOOST_TEST(render(hex("0f 07 08 00 00 00 19 76 1f 95 19")) == R"("2015-01-15 23:24:25.000000")");
    BOOST_TEST(render(hex("0f 0a 08 00 00 00 00 00 1e 95 19")) == R"("2015-01-15")");
    BOOST_TEST(render(hex("0f 0b 08 20 a1 07 19 76 01 00 00")) == R"("23:24:25.500000")");
    BOOST_TEST(render(hex("0f 0b 08 e0 5e f8 e6 89 fe ff ff")) == R"("-23:24:25.500000")");
    BOOST_TEST(render(hex("0f 0f 02 61 62")) == R"("base64:type15:YWI=")");
    BOOST_TEST(render(hex("0f 10 01 05")) == R"("base64:type16:BQ==")");
    BOOST_TEST(render(hex("0f fd 02 61 62")) == R"("ab")"); // VAR_STRING opaque is a plain string
    // MySQL's base64 breaks lines every 76 characters; the newline is escaped in the JSON string.
    byte_vector big = hex("0f fc 39");
    big.resize(big.size() + 57, std::byte{0});
    std::string expected = "\"base64:type252:" + std::string(76, 'A') + "\"";
    BOOST_TEST(render(big) == expected);
    big[2] = std::byte{60};
    big.resize(3 + 60, std::byte{0});
    expected = "\"base64:type252:" + std::string(76, 'A') + "\\nAAAA\"";
    BOOST_TEST(render(big) == expected);
    // A malformed decimal inside is invalid JSON.
    std::string out;
    BOOST_TEST(codec::render_json_binary(out, hex("0f f6 03 03 02 81")) == errc::invalid_json);
    check_prefixes_fail(hex("0f f6 04 03 02 81 32"));
}

BOOST_AUTO_TEST_CASE(malformed_documents)
{
    std::string out;
    BOOST_TEST(codec::render_json_binary(out, hex("0d 00")) == errc::invalid_json); // unknown type
    BOOST_TEST(codec::render_json_binary(out, hex("04 03")) == errc::invalid_json); // unknown literal
    BOOST_TEST(codec::render_json_binary(out, hex("02 01 00 ff 00")) == errc::invalid_json); // size > data
    // Value offset pointing into the header / past the end.
    BOOST_TEST(codec::render_json_binary(out, hex("02 01 00 07 00 0c 02 00")) == errc::invalid_json);
    BOOST_TEST(codec::render_json_binary(out, hex("02 01 00 08 00 0c 09 00 00")) == errc::invalid_json);
    // Key beyond the object.
    BOOST_TEST(
        codec::render_json_binary(out, hex("00 01 00 0c 00 0b 00 05 00 04 00 00 61")) == errc::invalid_json
    );
    // A varlen of more than 5 bytes.
    BOOST_TEST(codec::render_json_binary(out, hex("0c ff ff ff ff ff 01")) == errc::invalid_json);
    BOOST_TEST(out.empty());
    // Nesting: 100 levels are allowed (JSON_DOCUMENT_MAX_DEPTH), 101 are not.
    out.clear();
    BOOST_TEST(!codec::render_json_binary(out, nested_arrays(99)));
    BOOST_TEST(out == std::string(100, '[') + std::string(100, ']'));
    out.clear();
    BOOST_TEST(codec::render_json_binary(out, nested_arrays(100)) == errc::invalid_json);
}

// PARTIAL_UPDATE_ROWS diffs (Json_diff_vector binary form, as read by rust_mysql_common's
// jsondiff.rs: operation, lenenc path, lenenc value length + value unless remove), applied to
// {"a": 1, "b": 2} (polardb testSimple): JSON_REPLACE($.a, 2), JSON_REMOVE($.b), JSON_INSERT($.c, "x").
BOOST_AUTO_TEST_CASE(json_diffs)
{
    auto before =
        doc_of_cell(sbytes({21, 0, 0, 0, 0, 2, 0, 20, 0, 18, 0, 1, 0, 19, 0, 1, 0, 5, 1, 0, 5, 2, 0, 97, 98})
        );
    auto diff_bytes = hex("00 03 24 2e 61 03 05 02 00   02 03 24 2e 62   01 03 24 2e 63 03 0c 01 78");
    std::vector<json_diff> diffs;
    BOOST_TEST_REQUIRE(!decode_json_diffs(diff_bytes, diffs));
    BOOST_TEST_REQUIRE(diffs.size() == 3u);
    BOOST_TEST(diffs[0].operation == json_diff_operation::replace);
    BOOST_TEST(diffs[0].path == "$.a");
    BOOST_TEST(diffs[1].operation == json_diff_operation::remove);
    BOOST_TEST(diffs[1].value.empty());
    BOOST_TEST(diffs[2].path == "$.c");
    std::string applied;
    BOOST_TEST_REQUIRE(!apply_json_diffs(before, diffs, applied));
    BOOST_TEST(applied == R"({"a": 2, "c": "x"})");

    // The cell form: 4 length bytes then the diffs; rendered as a list of operations.
    byte_vector cell = {std::byte(diff_bytes.size()), std::byte{0}, std::byte{0}, std::byte{0}};
    cell.insert(cell.end(), diff_bytes.begin(), diff_bytes.end());
    value v;
    std::size_t consumed = 0;
    BOOST_TEST_REQUIRE(!codec::decode_json_diff_cell(column(column_type::json, 4), cell, v, consumed));
    BOOST_TEST(consumed == cell.size());
    BOOST_TEST(v.as_json().format == json_format::mysql_diff);
    std::string text;
    BOOST_TEST_REQUIRE(!v.as_json().to_text(text));
    BOOST_TEST(
        text == R"([{"op": "replace", "path": "$.a", "value": 2}, {"op": "remove", "path": "$.b"}, )"
                R"({"op": "insert", "path": "$.c", "value": "x"}])"
    );
    for (std::size_t n = 0; n < cell.size(); ++n)
    {
        byte_vector prefix(cell.begin(), cell.begin() + std::ptrdiff_t(n));
        BOOST_TEST(
            codec::decode_json_diff_cell(column(column_type::json, 4), prefix, v, consumed) ==
            errc::truncated_event
        );
    }
    for (std::size_t n = 1; n < diff_bytes.size(); ++n)
    {
        byte_vector prefix(diff_bytes.begin(), diff_bytes.begin() + std::ptrdiff_t(n));
        std::vector<json_diff> partial;
        // A prefix is either malformed or ends exactly after a complete diff.
        auto ec = decode_json_diffs(prefix, partial);
        bool boundary = n == 9 || n == 14;
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            BOOST_TEST(bool(ec) == !boundary);
        }
    }

    // Array paths: insert at [1], replace [last], remove [0].
    auto arr = hex("02 02 00 0a 00 05 01 00 05 02 00");         // [1, 2]
    auto array_diffs = hex("01 05 24 2e 5b 31 5d 03 05 07 00"); // not a valid path: "$.[1]"
    std::vector<json_diff> bad;
    BOOST_TEST_REQUIRE(!decode_json_diffs(array_diffs, bad));
    std::string out;
    BOOST_TEST(apply_json_diffs(arr, bad, out) == errc::invalid_json);
    auto good =
        hex("01 04 24 5b 31 5d 03 05 07 00   00 07 24 5b 6c 61 73 74 5d 03 05 09 00   02 04 24 5b 30 5d");
    std::vector<json_diff> ops;
    BOOST_TEST_REQUIRE(!decode_json_diffs(good, ops));
    out.clear();
    BOOST_TEST_REQUIRE(!apply_json_diffs(arr, ops, out));
    BOOST_TEST(out == "[7, 9]");
    // Unknown operation.
    BOOST_TEST(decode_json_diffs(hex("03 01 24"), ops) == errc::invalid_json);
}

BOOST_AUTO_TEST_SUITE_END()
