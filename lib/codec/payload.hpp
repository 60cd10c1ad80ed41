#pragma once

// Streaming decompression of a TRANSACTION_PAYLOAD event into its inner events, one event at a time
// with bounded memory (the zstd window plus one inner event).

#include <binlogstream/event.hpp>

#include "codec/byte_reader.hpp"
#include "codec/event_decoder.hpp"

#include <cstdint>
#include <memory>
#include <system_error>

namespace binlogstream::codec {

class payload_reader
{
public:
    payload_reader();
    ~payload_reader();
    payload_reader(payload_reader&&) noexcept;
    payload_reader& operator=(payload_reader&&) noexcept;

    /// Starts reading `ev`'s payload. With `copy`, the reader keeps its own copy of the compressed
    /// bytes (so `ev` may go away); otherwise `ev` must outlive the reads. An inner event larger than
    /// `max_event_size` is errc::packet_too_large.
    [[nodiscard]] std::error_code open(
        const transaction_payload_event& ev,
        bool copy = false,
        std::size_t max_event_size = default_max_event_size
    );
    /// Whether a payload is open and not yet exhausted.
    [[nodiscard]] bool active() const noexcept { return active_; }
    /// Reads the next inner event (header + body, no checksum) into `out`. Returns false at the end of
    /// the payload (and closes it) or on error (`ec`: truncated_event, decompression_failed,
    /// bad_event_length, packet_too_large). The event's buffer grows as its bytes are decompressed,
    /// so a header that claims more than the payload holds costs no allocation of the claimed size.
    bool next(event_buffer& out, std::error_code& ec);
    /// Abandons the current payload.
    void close() noexcept;
    /// Index of the next inner event (0-based).
    [[nodiscard]] std::size_t index() const noexcept { return index_; }

private:
    // Fills dst; `got` < dst.size() only at the end of the stream.
    std::error_code read(std::span<std::byte> dst, std::size_t& got);

    struct zstd_state;
    std::unique_ptr<zstd_state> z_;
    event_buffer copy_;
    bytes_view input_;
    std::size_t input_pos_ = 0;
    std::uint8_t compression_ = 0;
    std::uint64_t produced_ = 0;
    std::uint64_t expected_ = 0;
    std::size_t max_event_size_ = default_max_event_size;
    std::size_t index_ = 0;
    bool active_ = false;
    bool stream_done_ = false;
};

} // namespace binlogstream::codec
