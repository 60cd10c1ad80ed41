#include <binlogstream/error.hpp>

#include <asio/error.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

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

asio::awaitable<std::error_code> packet_stream::read(std::vector<std::byte>& out)
{
    out.clear();
    wire::packet_assembler assembler(max_packet_size_);
    std::array<std::byte, wire::frame_header_size> header{};
    do
    {
        if (auto ec = co_await transport_.read(asio::buffer(header)))
            co_return translate(ec);
        std::size_t body_length = 0;
        if (auto ec = assembler.on_header(wire::decode_frame_header(header), sequence_, body_length))
            co_return ec;
        auto offset = out.size();
        out.resize(offset + body_length);
        if (body_length != 0)
        {
            if (auto ec = co_await transport_.read(asio::buffer(out.data() + offset, body_length)))
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
