// libFuzzer target: checkpoint texts never crash, and whatever parses round-trips:
// stream_position::parse(p.to_string()) == p.

#include <binlogstream/position.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bls = binlogstream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::error_code ec;
    auto p = bls::stream_position::parse(text, ec);
    if (!ec)
    {
        std::error_code ec2;
        auto back = bls::stream_position::parse(p.to_string(), ec2);
        if (ec2 || !(back == p))
            __builtin_trap();
        (void)p.resume();
    }
    return 0;
}
