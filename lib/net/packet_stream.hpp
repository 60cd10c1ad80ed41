#pragma once

// Packet read/write coroutines over a transport: they drive wire::packet_assembler and
// wire::write_frames, and keep the sequence id. Deadlines are raced against them with
// awaitable operators (`op || watchdog`): when the timer wins, the watchdog closes the transport so
// that the operation completes whatever the stream type does with cancellation.

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <net/transport.hpp>
#include <span>
#include <system_error>
#include <vector>
#include <wire/packet.hpp>

namespace binlogstream::net {

class packet_stream
{
public:
    explicit packet_stream(transport& t) noexcept
        : transport_(t)
    {}

    void set_max_packet_size(std::size_t n) noexcept { max_packet_size_ = n; }
    /// A command starts a new exchange: sequence ids restart at 0.
    void reset_sequence() noexcept { sequence_ = 0; }
    /// Bytes received and not yet consumed.
    [[nodiscard]] std::size_t buffered() const noexcept { return end_ - begin_; }
    /// Forgets buffered bytes (a new transport starts clean).
    void reset() noexcept
    {
        sequence_ = 0;
        begin_ = end_ = 0;
    }

    /// Reads one whole packet into `out`. EOF becomes `errc::server_closed`.
    asio::awaitable<std::error_code> read(std::vector<std::byte>& out);
    /// Writes `payload` as one packet (split into frames when large).
    asio::awaitable<std::error_code> write(std::span<const std::byte> payload);

private:
    // Ensures `n` bytes (n <= buffer size) are buffered, reading as much as the stream has.
    asio::awaitable<std::error_code> fill(std::size_t n);

    transport& transport_;
    std::uint8_t sequence_ = 0;
    // Reads go through a buffer so that a run of small packets (binlog events, rows) costs one
    // read_some, not two reads per packet; large bodies bypass it.
    std::vector<std::byte> read_buffer_ = std::vector<std::byte>(64 * 1024);
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t max_packet_size_ = std::size_t(1) << 30;
    std::vector<std::byte> write_buffer_;
};

/// Runs `op` under `timeout` (none when zero or negative). When the deadline passes first the
/// transport is closed and `on_timeout` returned.
asio::awaitable<std::error_code> with_timeout(
    asio::awaitable<std::error_code> op,
    std::chrono::milliseconds timeout,
    std::error_code on_timeout,
    transport& t
);

} // namespace binlogstream::net
