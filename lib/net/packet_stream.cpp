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

asio::awaitable<std::error_code> packet_stream::read_socket(
    asio::mutable_buffer buffer, bool exact, std::size_t& n, std::optional<time_point> due
)
{
    n = 0;
    std::chrono::milliseconds timeout{0};
    if (due)
    {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - std::chrono::steady_clock::now());
        if (left.count() <= 0)
        {
            transport_.close();
            co_return make_error_code(errc::read_timeout);
        }
        timeout = left;
    }
    std::error_code ec;
    if (exact)
    {
        ec = co_await with_timeout(transport_.read(buffer), timeout, errc::read_timeout, transport_);
        if (!ec)
            n = buffer.size();
    }
    else
        ec = co_await with_timeout(transport_.read_some(buffer, n), timeout, errc::read_timeout, transport_);
    co_return translate(ec);
}

asio::awaitable<std::error_code> packet_stream::fill(std::size_t n, std::optional<time_point> due)
{
    if (end_ - begin_ >= n)
        co_return std::error_code{};
    // Compact: keep the unread tail at the front (at most one packet's worth of bytes).
    if (begin_ != 0)
    {
        std::copy(read_buffer_.begin() + begin_, read_buffer_.begin() + end_, read_buffer_.begin());
        end_ -= begin_;
        begin_ = 0;
    }
    while (end_ < n)
    {
        std::size_t got = 0;
        auto buffer = asio::buffer(read_buffer_.data() + end_, read_buffer_.size() - end_);
        if (auto ec = co_await read_socket(buffer, false, got, due))
            co_return ec;
        end_ += got;
    }
    co_return std::error_code{};
}

bool packet_stream::try_read_buffered(std::span<const std::byte>& out, std::error_code& ec) noexcept
{
    ec = {};
    const std::size_t have = end_ - begin_;
    if (have < wire::frame_header_size)
        return false;
    const auto* at = read_buffer_.data() + begin_;
    auto header = wire::decode_frame_header(std::span<const std::byte, wire::frame_header_size>(at, 4));
    // A frame of 0xffffff bytes says "more follows": such packets are joined by read_joined.
    if (header.length >= wire::max_frame_payload || have - wire::frame_header_size < header.length)
        return false;
    wire::packet_assembler assembler(max_packet_size_);
    std::size_t body_length = 0;
    if ((ec = assembler.on_header(header, sequence_, body_length)))
        return false;
    out = {at + wire::frame_header_size, body_length};
    begin_ += wire::frame_header_size + body_length;
    return true;
}

asio::awaitable<std::error_code>
packet_stream::read_view(std::span<const std::byte>& out, std::chrono::milliseconds timeout)
{
    out = {};
    // A large packet joined before is not kept: its memory would stay for the connection's life.
    if (joined_.capacity() > read_buffer_.size())
        std::vector<std::byte>().swap(joined_);
    std::error_code ec;
    if (try_read_buffered(out, ec) || ec)
        co_return ec;
    std::optional<time_point> due;
    if (timeout.count() > 0)
        due = std::chrono::steady_clock::now() + timeout;
    if ((ec = co_await fill(wire::frame_header_size, due)))
        co_return ec;
    auto header = wire::decode_frame_header(
        std::span<const std::byte, wire::frame_header_size>(read_buffer_.data() + begin_, 4)
    );
    if (header.length < wire::max_frame_payload && header.length <= max_packet_size_ &&
        wire::frame_header_size + header.length <= read_buffer_.size())
    {
        // One frame that fits the buffer: wait for the rest of it there, then view it.
        if ((ec = co_await fill(wire::frame_header_size + header.length, due)))
            co_return ec;
        (void)try_read_buffered(out, ec);
        co_return ec;
    }
    if ((ec = co_await read_joined(due)))
        co_return ec;
    out = joined_;
    co_return ec;
}

asio::awaitable<std::error_code> packet_stream::read_joined(std::optional<time_point> due)
{
    joined_.clear();
    wire::packet_assembler assembler(max_packet_size_);
    do
    {
        if (auto ec = co_await fill(wire::frame_header_size, due))
            co_return ec;
        auto header = std::span<const std::byte, wire::frame_header_size>(
            read_buffer_.data() + begin_, wire::frame_header_size
        );
        std::size_t body_length = 0;
        if (auto ec = assembler.on_header(wire::decode_frame_header(header), sequence_, body_length))
            co_return ec;
        begin_ += wire::frame_header_size;

        auto offset = joined_.size();
        joined_.resize(offset + body_length);
        // What the buffer already holds first, then either through the buffer (small rests) or
        // straight into `joined_` (large ones).
        std::size_t from_buffer = std::min(body_length, end_ - begin_);
        std::copy_n(read_buffer_.begin() + begin_, from_buffer, joined_.begin() + offset);
        begin_ += from_buffer;
        std::size_t rest = body_length - from_buffer;
        if (rest == 0)
            continue;
        if (rest < read_buffer_.size() / 2)
        {
            if (auto ec = co_await fill(rest, due))
                co_return ec;
            std::copy_n(read_buffer_.begin() + begin_, rest, joined_.begin() + offset + from_buffer);
            begin_ += rest;
        }
        else
        {
            std::size_t got = 0;
            auto direct = asio::buffer(joined_.data() + offset + from_buffer, rest);
            if (auto ec = co_await read_socket(direct, true, got, due))
                co_return ec;
        }
    } while (!assembler.complete());
    co_return std::error_code{};
}

asio::awaitable<std::error_code>
packet_stream::read(std::vector<std::byte>& out, std::chrono::milliseconds timeout)
{
    out.clear();
    std::span<const std::byte> view;
    if (auto ec = co_await read_view(view, timeout))
        co_return ec;
    out.assign(view.begin(), view.end());
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
