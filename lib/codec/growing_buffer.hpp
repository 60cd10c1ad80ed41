#pragma once

// Filling an event buffer whose size comes from a length field of untrusted bytes (a compressed
// event's uncompressed length, an inner event's header, a gzip file's event header). The field may
// lie: a few hostile bytes can claim a gigabyte. So the buffer starts small and doubles only as the
// bytes actually arrive; a claim the data does not back costs at most twice what was produced (and
// a first chunk), never the claim itself. Events up to the first chunk, nearly all of them, are
// filled in one allocation without a copy.

#include <binlogstream/error.hpp>
#include <binlogstream/event_header.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <system_error>

namespace binlogstream::codec {

/// The first allocation of fill_growing (or the whole event when it is smaller).
inline constexpr std::size_t growing_first_chunk = std::size_t(64) << 10;

/// Makes `out` an owned buffer of `size` bytes: `head` first, then what `read` produces.
/// `read(std::span<std::byte> dst, std::size_t& got) -> std::error_code` fills `dst` and may fall
/// short only when its source has ended; a short read gives `short_error`. `head.size() <= size`.
template <typename Read>
[[nodiscard]] std::error_code fill_growing(
    std::span<const std::byte> head,
    std::size_t size,
    Read&& read,
    std::error_code short_error,
    event_buffer& out
)
{
    auto cap = std::min(size, std::max(growing_first_chunk, head.size()));
    auto buf = event_buffer::allocate(cap);
    if (!head.empty())
        std::memcpy(buf.mutable_bytes().data(), head.data(), head.size());
    std::size_t filled = head.size();
    for (;;)
    {
        auto dst = buf.mutable_bytes().subspan(filled);
        std::size_t got = 0;
        if (auto ec = read(dst, got))
            return ec;
        filled += got;
        if (got < dst.size())
            return short_error;
        if (filled == size)
            break;
        // Doubling keeps the copies linear in the event's size.
        cap = size - cap < cap ? size : cap * 2;
        auto bigger = event_buffer::allocate(cap);
        std::memcpy(bigger.mutable_bytes().data(), buf.bytes().data(), filled);
        buf = std::move(bigger);
    }
    out = std::move(buf);
    return {};
}

} // namespace binlogstream::codec
