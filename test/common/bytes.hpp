#pragma once

// Byte-vector builders for the unit tests' hand-written packets and events.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace binlogstream::test {

/// bytes(0x01, 'a', 0xff) -> {0x01, 0x61, 0xff}
template <class... T>
std::vector<std::byte> bytes(T... v)
{
    return {std::byte(v)...};
}

/// head, then the characters of `text`, then tail.
inline std::vector<std::byte>
with_text(std::vector<std::byte> head, std::string_view text, std::vector<std::byte> tail = {})
{
    for (char c : text)
        head.push_back(std::byte(c));
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

/// Decodes base64 text (as MariaDB's documentation prints events); characters outside the alphabet,
/// padding included, are skipped.
inline std::vector<std::byte> base64(std::string_view in)
{
    static constexpr std::string_view chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<std::byte> out;
    unsigned val = 0;
    int bits = -8;
    for (char c : in)
    {
        auto p = chars.find(c);
        if (p == std::string_view::npos)
            continue;
        val = (val << 6) | static_cast<unsigned>(p);
        bits += 6;
        if (bits >= 0)
        {
            out.push_back(static_cast<std::byte>((val >> bits) & 0xff));
            bits -= 8;
        }
    }
    return out;
}

/// Encodes bytes as base64 text with padding (as MariaDB's BINLOG statement takes events).
inline std::string to_base64(const std::vector<std::byte>& in)
{
    static constexpr std::string_view chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3)
    {
        unsigned v = (std::to_integer<unsigned>(in[i]) << 16) | (std::to_integer<unsigned>(in[i + 1]) << 8) |
                     std::to_integer<unsigned>(in[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6)
            out += chars[(v >> shift) & 63];
    }
    if (i < in.size())
    {
        unsigned v = std::to_integer<unsigned>(in[i]) << 16;
        if (i + 1 < in.size())
            v |= std::to_integer<unsigned>(in[i + 1]) << 8;
        out += chars[(v >> 18) & 63];
        out += chars[(v >> 12) & 63];
        out += i + 1 < in.size() ? chars[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

} // namespace binlogstream::test
