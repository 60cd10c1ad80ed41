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

} // namespace binlogstream::test
