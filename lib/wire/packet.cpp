#include <algorithm>
#include <wire/packet.hpp>

namespace binlogstream::wire {

frame_header decode_frame_header(std::span<const std::byte, frame_header_size> h) noexcept
{
    return {
        static_cast<std::uint32_t>(codec::load_le<3>(h.data())),
        std::to_integer<std::uint8_t>(h[3]),
    };
}

void write_frames(bytes_view payload, std::uint8_t& sequence, std::vector<std::byte>& out)
{
    std::size_t frames = payload.size() / max_frame_payload + 1;
    out.reserve(out.size() + payload.size() + frames * frame_header_size);
    std::size_t offset = 0;
    for (;;)
    {
        std::size_t n = std::min(max_frame_payload, payload.size() - offset);
        out.push_back(std::byte(n & 0xff));
        out.push_back(std::byte((n >> 8) & 0xff));
        out.push_back(std::byte((n >> 16) & 0xff));
        out.push_back(std::byte(sequence++));
        out.insert(out.end(), payload.begin() + offset, payload.begin() + offset + n);
        offset += n;
        // A frame of exactly 0xffffff bytes says "more follows", even when that is an empty frame.
        if (n < max_frame_payload)
            break;
    }
}

std::error_code
packet_assembler::on_header(frame_header h, std::uint8_t& sequence, std::size_t& body_length) noexcept
{
    body_length = 0;
    if (complete_)
        reset();
    if (h.sequence != sequence)
        return errc::sequence_mismatch;
    if (h.length > max_packet_size_ || size_ > max_packet_size_ - h.length)
        return errc::packet_too_large;
    ++sequence;
    size_ += h.length;
    body_length = h.length;
    complete_ = h.length < max_frame_payload;
    return {};
}

std::error_code read_packet(
    bytes_view stream,
    std::uint8_t& sequence,
    std::size_t max_packet_size,
    std::vector<std::byte>& out,
    std::size_t& consumed
)
{
    out.clear();
    consumed = 0;
    packet_assembler assembler(max_packet_size);
    codec::byte_reader r(stream);
    do
    {
        if (!r.has(frame_header_size))
            return errc::truncated_event;
        auto h = decode_frame_header(r.bytes_unchecked(frame_header_size).first<frame_header_size>());
        std::size_t body_length = 0;
        if (auto ec = assembler.on_header(h, sequence, body_length))
            return ec;
        auto body = r.bytes(body_length);
        if (!r.ok())
            return r.error();
        out.insert(out.end(), body.begin(), body.end());
    } while (!assembler.complete());
    consumed = r.position();
    return {};
}

} // namespace binlogstream::wire
