#pragma once

// Byte-vector builders for the unit tests' hand-written packets and events.

#include <cstddef>
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

} // namespace binlogstream::test
