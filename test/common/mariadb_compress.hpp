// MariaDB's compressed block for tests (sql/log_event.cc binlog_buf_compress): one byte 0x80 | the
// size of the length field, the uncompressed length big-endian in that many bytes, then zlib's
// compress() output. Tests build compressed events from real ones with it, or lie in the length.
#pragma once

#include <boost/test/unit_test.hpp>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace binlogstream::test {

// `claimed` is the length written in the header (the real one, or a lie); `lenlen` its size, 1-4.
inline std::vector<std::byte>
mariadb_compressed_block(std::span<const std::byte> raw, std::uint32_t claimed, unsigned lenlen)
{
    uLongf len = compressBound(static_cast<uLong>(raw.size()));
    std::vector<std::byte> z(len);
    BOOST_REQUIRE(
        compress(
            reinterpret_cast<Bytef*>(z.data()),
            &len,
            reinterpret_cast<const Bytef*>(raw.data()),
            static_cast<uLong>(raw.size())
        ) == Z_OK
    );
    z.resize(len);
    std::vector<std::byte> out;
    out.push_back(static_cast<std::byte>(0x80 | lenlen));
    for (unsigned i = lenlen; i > 0; --i)
        out.push_back(static_cast<std::byte>((claimed >> (8 * (i - 1))) & 0xff));
    out.insert(out.end(), z.begin(), z.end());
    return out;
}

} // namespace binlogstream::test
