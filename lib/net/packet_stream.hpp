#pragma once

// Packet read/write coroutines over a transport: they drive wire::packet_assembler and
// wire::write_frames, and keep the sequence id.
//
// Reads go through one receive buffer, read from the socket in large pieces. A packet that lies whole
// in it as one frame (nearly every binlog event) is handed out as a view into the buffer: no copy, no
// allocation, and no suspension when it is already there (`try_read_buffered`). Packets of several
// frames, or larger than the buffer, are joined into a separate vector.
//
// Deadlines: a read's timeout bounds the time spent waiting for that packet's bytes. It is checked
// only around the socket reads the packet needs, so a packet already buffered costs no timer. When the
// timer wins, the watchdog closes the transport so that the read completes whatever the stream type
// does with cancellation.

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <net/transport.hpp>
#include <optional>
#include <span>
#include <system_error>
#include <vector>
#include <wire/packet.hpp>

namespace binlogstream::net {

class packet_stream
{
public:
    /// Bytes asked of the socket per read: large, so that a fast stream of binlog events costs one
    /// system call per few dozen events.
    static constexpr std::size_t receive_buffer_size = 256 * 1024;

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

    /// Reads one whole packet into `out` (replaced). `timeout` (none when zero or negative) bounds
    /// the wait for its bytes: when it passes, the transport is closed and `errc::read_timeout`
    /// returned. EOF becomes `errc::server_closed`.
    asio::awaitable<std::error_code>
    read(std::vector<std::byte>& out, std::chrono::milliseconds timeout = {});

    /// As `read`, but `out` views the packet instead of a copy: inside the receive buffer when the
    /// packet is one frame that fits it, else inside a joined copy. The view is valid until the next
    /// read, `reset()` or the end of this object.
    asio::awaitable<std::error_code>
    read_view(std::span<const std::byte>& out, std::chrono::milliseconds timeout = {});

    /// Without suspending: when the next packet lies whole in the receive buffer as one frame, `out`
    /// views it (as `read_view`) and true is returned. False when it does not (nothing is consumed),
    /// or on a framing error, which is then in `ec` (sequence mismatch, packet too large).
    [[nodiscard]] bool try_read_buffered(std::span<const std::byte>& out, std::error_code& ec) noexcept;

    /// Writes `payload` as one packet (split into frames when large).
    asio::awaitable<std::error_code> write(std::span<const std::byte> payload);

private:
    using time_point = std::chrono::steady_clock::time_point;

    // Ensures `n` bytes (n <= buffer size) are buffered, reading as much as the stream has.
    asio::awaitable<std::error_code> fill(std::size_t n, std::optional<time_point> due);
    // One socket read (at least one byte) into `buffer`, or all of it (`exact`), before `due`.
    asio::awaitable<std::error_code>
    read_socket(asio::mutable_buffer buffer, bool exact, std::size_t& n, std::optional<time_point> due);
    // The slow path: frames joined into `joined_`.
    asio::awaitable<std::error_code> read_joined(std::optional<time_point> due);

    transport& transport_;
    std::uint8_t sequence_ = 0;
    std::vector<std::byte> read_buffer_ = std::vector<std::byte>(receive_buffer_size);
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t max_packet_size_ = std::size_t(1) << 30;
    // Packets of several frames or larger than the buffer; released after a large one.
    std::vector<std::byte> joined_;
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
