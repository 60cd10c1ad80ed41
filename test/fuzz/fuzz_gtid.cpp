// libFuzzer target: GTID texts and the binary GTID set form never crash, and whatever parses
// round-trips: parse(to_string(x)) == x, decode(encode(x)) == x.

#include <binlogstream/position.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bls = binlogstream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::error_code ec;

    auto set = bls::gtid_set::parse(text, ec);
    if (!ec)
    {
        std::error_code ec2;
        if (!(bls::gtid_set::parse(set.to_string(), ec2) == set) || ec2)
            __builtin_trap();
        auto decoded = bls::gtid_set::decode(set.encode(), ec2);
        if (ec2 || !(decoded == set))
            __builtin_trap();
    }

    auto decoded = bls::gtid_set::decode(std::span(reinterpret_cast<const std::byte*>(data), size), ec);
    if (!ec)
    {
        std::error_code ec2;
        if (!(bls::gtid_set::decode(decoded.encode(), ec2) == decoded) || ec2)
            __builtin_trap();
        if (!(bls::gtid_set::parse(decoded.to_string(), ec2) == decoded) || ec2)
            __builtin_trap();
    }

    auto one = bls::gtid::parse(text, ec);
    if (!ec && !(bls::gtid::parse(one.to_string()) == one))
        __builtin_trap();

    auto list = bls::mariadb_gtid_list::parse(text, ec);
    if (!ec && !(bls::mariadb_gtid_list::parse(list.to_string()) == list))
        __builtin_trap();
    return 0;
}
