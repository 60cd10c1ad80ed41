#pragma once

// One byte stream over TCP, a unix socket, or TLS on TCP, behind one non-template class: the
// connection holds a transport, not a template parameter (STYLE.md 2.1).

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <variant>

namespace binlogstream::net {

class transport
{
public:
    explicit transport(asio::any_io_executor ex);

    /// Resolves `host` and connects to the first endpoint that accepts.
    asio::awaitable<std::error_code> connect_tcp(std::string host, std::uint16_t port);
    /// Connects to a unix socket.
    asio::awaitable<std::error_code> connect_unix(std::string path);
    /// Wraps the TCP socket into TLS and runs the client handshake. `sni_host`, when not empty, is
    /// sent as the server name.
    asio::awaitable<std::error_code> start_tls(asio::ssl::context& ctx, std::string sni_host);

    /// Reads exactly `buffer.size()` bytes.
    asio::awaitable<std::error_code> read(asio::mutable_buffer buffer);
    /// Reads at least one byte (what is available, up to `buffer.size()`); `n` is the count.
    asio::awaitable<std::error_code> read_some(asio::mutable_buffer buffer, std::size_t& n);
    /// Writes all of `buffer`.
    asio::awaitable<std::error_code> write(asio::const_buffer buffer);

    /// Closes whatever is open; pending operations complete with operation_aborted. The stream
    /// object stays (a suspended operation may still refer to it) until the next connect.
    void close() noexcept;

    [[nodiscard]] bool is_open() const noexcept;
    [[nodiscard]] bool is_tls() const noexcept { return std::holds_alternative<tls_stream>(stream_); }
    [[nodiscard]] bool is_unix() const noexcept
    {
        return std::holds_alternative<asio::local::stream_protocol::socket>(stream_);
    }

private:
    using tls_stream = std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>>;

    asio::any_io_executor ex_;
    asio::ip::tcp::resolver resolver_;
    std::variant<std::monostate, asio::ip::tcp::socket, asio::local::stream_protocol::socket, tls_stream>
        stream_;
};

} // namespace binlogstream::net
