#pragma once

// Helpers shared by the value/JSON/decimal/temporal tests.

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include "codec/cell.hpp"
#include "codec/value_json.hpp"

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

BOOST_TEST_DONT_PRINT_LOG_VALUE(binlogstream::value_kind)
BOOST_TEST_DONT_PRINT_LOG_VALUE(binlogstream::json_type)
BOOST_TEST_DONT_PRINT_LOG_VALUE(binlogstream::json_format)
BOOST_TEST_DONT_PRINT_LOG_VALUE(binlogstream::json_diff_operation)

namespace value_test {

using byte_vector = std::vector<std::byte>;

/// "81 0D fb" -> bytes (spaces, dots and colons ignored).
inline byte_vector hex(std::string_view text)
{
    byte_vector out;
    int nibble = -1;
    for (char c : text)
    {
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
            continue;
        if (nibble < 0)
        {
            nibble = v;
        }
        else
        {
            out.push_back(std::byte((nibble << 4) | v));
            nibble = -1;
        }
    }
    return out;
}

/// Signed decimal byte values as Java tests print them ({75, -111, 5}).
inline byte_vector sbytes(std::initializer_list<int> values)
{
    byte_vector out;
    for (int v : values)
        out.push_back(std::byte(static_cast<unsigned char>(v)));
    return out;
}

inline binlogstream::column_info column(binlogstream::column_type type, std::uint16_t meta = 0)
{
    binlogstream::column_info c;
    c.type = type;
    c.wire_type = type;
    c.meta = meta;
    return c;
}

/// Decodes one cell and checks it consumed `expected_size` bytes.
inline binlogstream::value
decode(const binlogstream::column_info& col, const byte_vector& data, std::size_t expected_size)
{
    binlogstream::value v;
    std::size_t consumed = 0;
    auto ec = binlogstream::codec::decode_cell(col, data, v, consumed);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(consumed == expected_size);
    std::size_t size = 0;
    BOOST_TEST(!binlogstream::codec::cell_size(col, data, size));
    BOOST_TEST(size == expected_size);
    return v;
}

/// The JSON (dump contract) form of one decoded cell.
inline std::string json_of(const binlogstream::column_info& col, const byte_vector& data)
{
    binlogstream::value v;
    std::size_t consumed = 0;
    auto ec = binlogstream::codec::decode_cell(col, data, v, consumed);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    std::string out;
    binlogstream::codec::append_json(out, v, col);
    return out;
}

/// Every strict prefix of a valid cell must fail with truncated_event (or bad_value), never crash.
inline void check_truncation_sweep(const binlogstream::column_info& col, const byte_vector& cell)
{
    for (std::size_t n = 0; n < cell.size(); ++n)
    {
        byte_vector prefix(cell.begin(), cell.begin() + std::ptrdiff_t(n));
        binlogstream::value v;
        std::size_t consumed = 0;
        auto ec = binlogstream::codec::decode_cell(col, prefix, v, consumed);
        BOOST_TEST_CONTEXT("prefix of " << n << " bytes")
        {
            BOOST_TEST(ec == binlogstream::errc::truncated_event);
            std::size_t size = 0;
            BOOST_TEST(
                binlogstream::codec::cell_size(col, prefix, size) == binlogstream::errc::truncated_event
            );
        }
    }
}

} // namespace value_test
