#include <binlogstream/error.hpp>

#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <net/packet_stream.hpp>

namespace binlogstream::net {

namespace {

// A peer that closes the stream is the server going away, not an I/O fault: say so.
std::error_code translate(std::error_code ec) noexcept
{
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
        return errc::server_closed;
    return ec;
}

asio::awaitable<void> watchdog(asio::steady_timer& timer, transport& t)
{
    auto [ec] = co_await timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    if (!ec)
        t.close();
}

} // namespace

asio::awaitable<std::error_code> packet_stream::fill(std::size_t n)
{
    if (end_ - begin_ >= n)
        co_return std::error_code{};
    // Compact: keep the unread tail at the front.
    if (begin_ != 0)
    {
        std::copy(read_buffer_.begin() + begin_, read_buffer_.begin() + end_, read_buffer_.begin());
        end_ -= begin_;
        begin_ = 0;
    }
    while (end_ < n)
    {
        std::size_t got = 0;
        auto ec = co_await transport_.read_some(
            asio::buffer(read_buffer_.data() + end_, read_buffer_.size() - end_), got
        );
        if (ec)
            co_return translate(ec);
        end_ += got;
    }
    co_return std::error_code{};
}

asio::awaitable<std::error_code> packet_stream::read(std::vector<std::byte>& out)
{
    out.clear();
    wire::packet_assembler assembler(max_packet_size_);
    do
    {
        if (auto ec = co_await fill(wire::frame_header_size))
            co_return ec;
        auto header = std::span<const std::byte, wire::frame_header_size>(
            read_buffer_.data() + begin_, wire::frame_header_size
        );
        std::size_t body_length = 0;
        if (auto ec = assembler.on_header(wire::decode_frame_header(header), sequence_, body_length))
            co_return ec;
        begin_ += wire::frame_header_size;

        auto offset = out.size();
        out.resize(offset + body_length);
        // What the buffer already holds first, then either through the buffer (small rests) or
        // straight into `out` (large ones).
        std::size_t from_buffer = std::min(body_length, end_ - begin_);
        std::copy_n(read_buffer_.begin() + begin_, from_buffer, out.begin() + offset);
        begin_ += from_buffer;
        std::size_t rest = body_length - from_buffer;
        if (rest == 0)
            continue;
        if (rest < read_buffer_.size() / 2)
        {
            if (auto ec = co_await fill(rest))
                co_return ec;
            std::copy_n(read_buffer_.begin() + begin_, rest, out.begin() + offset + from_buffer);
            begin_ += rest;
        }
        else if (auto ec = co_await transport_.read(asio::buffer(out.data() + offset + from_buffer, rest)))
        {
            co_return translate(ec);
        }
    } while (!assembler.complete());
    co_return std::error_code{};
}

asio::awaitable<std::error_code> packet_stream::write(std::span<const std::byte> payload)
{
    write_buffer_.clear();
    wire::write_frames(payload, sequence_, write_buffer_);
    auto ec = co_await transport_.write(asio::buffer(write_buffer_));
    co_return translate(ec);
}

asio::awaitable<std::error_code> with_timeout(
    asio::awaitable<std::error_code> op,
    std::chrono::milliseconds timeout,
    std::error_code on_timeout,
    transport& t
)
{
    if (timeout.count() <= 0)
        co_return co_await std::move(op);
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(timeout);
    auto result = co_await (std::move(op) || watchdog(timer, t));
    if (result.index() == 1)
        co_return on_timeout;
    co_return std::get<0>(result);
}

} // namespace binlogstream::net
