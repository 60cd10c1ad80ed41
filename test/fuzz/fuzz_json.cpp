// libFuzzer target: MySQL binary JSON documents, JSON diffs and MariaDB text JSON.
// The first byte picks the mode; the rest is the input.

#include <binlogstream/json.hpp>

#include "codec/byte_reader.hpp"
#include "codec/json_binary.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

void walk(const binlogstream::json_binary_view& v, unsigned depth)
{
    if (depth > 120)
        return;
    for (std::size_t i = 0; i < v.size() && i < 64; ++i)
    {
        std::string_view key;
        (void)v.key(i, key);
        binlogstream::json_binary_view child;
        if (!v.element(i, child))
            walk(child, depth + 1);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    auto mode = data[0] % 4;
    binlogstream::codec::bytes_view input(reinterpret_cast<const std::byte*>(data + 1), size - 1);
    std::string out;
    switch (mode)
    {
        case 0:
        {
            (void)binlogstream::codec::render_json_binary(out, input);
            binlogstream::json_binary_view root;
            if (!binlogstream::json_binary_view::parse(input, root))
                walk(root, 0);
            break;
        }
        case 1:
        {
            std::vector<binlogstream::json_diff> diffs;
            if (!binlogstream::decode_json_diffs(input, diffs))
            {
                binlogstream::json_cell cell{input, binlogstream::json_format::mysql_diff};
                (void)cell.to_text(out);
            }
            break;
        }
        case 2:
        {
            // Split: a before document and the diffs to apply to it.
            std::size_t split = input.empty() ? 0 : std::to_integer<std::size_t>(input[0]);
            if (split + 1 > input.size())
                break;
            auto before = input.subspan(1, split);
            auto rest = input.subspan(1 + split);
            std::vector<binlogstream::json_diff> diffs;
            if (!binlogstream::decode_json_diffs(rest, diffs))
                (void)binlogstream::apply_json_diffs(before, diffs, out);
            break;
        }
        default:
        {
            binlogstream::json_cell cell{input, binlogstream::json_format::text};
            (void)cell.to_text(out);
            break;
        }
    }
    return 0;
}
