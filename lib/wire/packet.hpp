#pragma once

// Packet framing of the client/server protocol: every packet travels as frames of a 3-byte
// little-endian length and a 1-byte sequence id followed by at most 0xffffff payload bytes. A payload
// of 0xffffff bytes or more is split into full frames and ends with a shorter (possibly empty) one.
// Reference: MySQL Internals, "MySQL Packets" and "Sending More Than 16Mb".

#include <binlogstream/error.hpp>

#include <codec/byte_reader.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

namespace binlogstream::wire {

using codec::bytes_view;

inline constexpr std::size_t frame_header_size = 4;
inline constexpr std::size_t max_frame_payload = 0xffffff;

struct frame_header
{
    std::uint32_t length = 0;
    std::uint8_t sequence = 0;
};

[[nodiscard]] frame_header decode_frame_header(std::span<const std::byte, frame_header_size> h) noexcept;

/// Appends `payload` to `out` as one or more frames, numbering them from `sequence`, which is left at
/// the next id to use.
void write_frames(bytes_view payload, std::uint8_t& sequence, std::vector<std::byte>& out);

/// Reassembles one logical packet from frames, checking sequence ids and the size limit. Used by the
/// I/O layer (read a header, `on_header`, read `body_length` bytes, repeat until `complete()`).
class packet_assembler
{
public:
    explicit packet_assembler(std::size_t max_packet_size) noexcept
        : max_packet_size_(max_packet_size)
    {}

    /// Starts a new packet.
    void reset() noexcept
    {
        size_ = 0;
        complete_ = false;
    }

    /// Checks the next frame header against the expected `sequence` (advanced on success) and the
    /// limit. On success `body_length` is the number of payload bytes that follow.
    [[nodiscard]] std::error_code
    on_header(frame_header h, std::uint8_t& sequence, std::size_t& body_length) noexcept;

    /// Whether the last accepted frame ended the packet.
    [[nodiscard]] bool complete() const noexcept { return complete_; }
    /// Bytes of payload accepted so far.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    std::size_t max_packet_size_;
    std::size_t size_ = 0;
    bool complete_ = false;
};

/// Pure form of the reader: extracts one whole packet from the front of `stream` (frames back to
/// back). On success `out` holds the joined payload and `consumed` the bytes used. A stream that ends
/// inside the packet gives `errc::truncated_event`.
[[nodiscard]] std::error_code read_packet(
    bytes_view stream,
    std::uint8_t& sequence,
    std::size_t max_packet_size,
    std::vector<std::byte>& out,
    std::size_t& consumed
);

} // namespace binlogstream::wire
