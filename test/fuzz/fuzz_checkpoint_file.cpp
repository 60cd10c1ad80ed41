// libFuzzer target: the checkpoint file of `binlogstream tail` (samples/binlogstream/
// checkpoint_file.cpp), JSON read back at every restart, possibly damaged by a crash or a hand edit.
// Never crashes; whatever parses has a position that round-trips through its own text
// (stream_position::parse(p.to_string()) == p), as fuzz_checkpoint checks for the bare position.

#include "checkpoint_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bls = binlogstream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    bls::tool::checkpoint cp;
    std::string error;
    if (bls::tool::parse_checkpoint(text, "fuzz", cp, error))
    {
        std::error_code ec;
        auto back = bls::stream_position::parse(cp.position.to_string(), ec);
        if (ec || !(back == cp.position))
            __builtin_trap();
    }
    else if (error.empty())
        __builtin_trap(); // a refusal always says why
    return 0;
}
