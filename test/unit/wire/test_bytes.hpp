#pragma once

// Helpers of the wire tests: hex literals and the captures in test/data/wire.

#include <cstddef>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace binlogstream::test {

inline std::vector<std::byte> from_hex(std::string_view hex)
{
    std::vector<std::byte> out;
    int high = -1;
    for (char c : hex)
    {
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
            continue; // spaces and newlines separate bytes for readability
        if (high < 0)
            high = v;
        else
        {
            out.push_back(std::byte(high * 16 + v));
            high = -1;
        }
    }
    return out;
}

inline std::string read_text_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string wire_data_path(std::string_view name)
{
    return std::string(BINLOGSTREAM_TEST_DATA_DIR) + "/wire/" + std::string(name);
}

/// A capture: whole frames as received.
inline std::vector<std::byte> load_capture(std::string_view name)
{
    return from_hex(read_text_file(wire_data_path(name)));
}

/// Splits back-to-back frames of small packets into their payloads (no 16 MiB joining needed).
inline std::vector<std::vector<std::byte>> split_frames(std::span<const std::byte> frames)
{
    std::vector<std::vector<std::byte>> out;
    std::size_t pos = 0;
    while (pos + 4 <= frames.size())
    {
        std::size_t n = std::to_integer<std::size_t>(frames[pos]) |
                        std::to_integer<std::size_t>(frames[pos + 1]) << 8 |
                        std::to_integer<std::size_t>(frames[pos + 2]) << 16;
        out.emplace_back(frames.begin() + pos + 4, frames.begin() + pos + 4 + n);
        pos += 4 + n;
    }
    return out;
}

inline std::vector<std::byte> bytes_of(std::string_view s)
{
    std::vector<std::byte> out;
    for (char c : s)
        out.push_back(std::byte(c));
    return out;
}

} // namespace binlogstream::test

// Lets Boost.Test print std::byte in per-element comparisons (found by ADL in std).
namespace std {
inline std::ostream& boost_test_print_type(std::ostream& os, std::byte b)
{
    return os << "0x" << std::hex << std::setw(2) << std::setfill('0') << std::to_integer<int>(b) << std::dec;
}
} // namespace std
