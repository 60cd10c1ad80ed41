// libFuzzer target: a text resultset as a sequence of framed packets (split from the input by the
// framing code), fed to the resultset parser in either EOF mode.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>
#include <wire/packet.hpp>
#include <wire/resultset.hpp>

using namespace binlogstream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    if (input.empty())
        return 0;
    const bool deprecate_eof = (std::to_integer<int>(input[0]) & 1) != 0;
    input = input.subspan(1);

    wire::text_result result;
    wire::text_resultset_parser parser(result, deprecate_eof);
    diagnostics diag;
    std::uint8_t sequence = 1;
    std::vector<std::byte> packet;
    bool done = false;
    while (!input.empty() && !done)
    {
        std::size_t consumed = 0;
        if (wire::read_packet(input, sequence, 1u << 20, packet, consumed))
            break;
        input = input.subspan(consumed);
        if (parser.on_packet(packet, done, diag))
            break;
        // Each row has exactly one cell per column.
        for (const auto& row : result.rows)
        {
            if (row.size() != result.columns.size())
                __builtin_trap();
        }
    }
    // The standalone decoders on the last packet too.
    wire::column_definition col;
    (void)wire::parse_column_definition(packet, col);
    std::vector<std::optional<std::string>> cells;
    (void)wire::parse_text_row(packet, 3, cells);
    return 0;
}
