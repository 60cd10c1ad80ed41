#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/address.hpp>
#include <asio/read.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <openssl/ssl.h>

#include <net/transport.hpp>

namespace binlogstream::net {

namespace {
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
}

transport::transport(asio::any_io_executor ex)
    : ex_(ex)
    , resolver_(ex)
{}

asio::awaitable<std::error_code> transport::connect_tcp(std::string host, std::uint16_t port)
{
    close();
    auto [rec, endpoints] = co_await resolver_.async_resolve(host, std::to_string(port), use_tuple);
    if (rec)
        co_return rec;
    asio::ip::tcp::socket socket(ex_);
    auto [cec, endpoint] = co_await asio::async_connect(socket, endpoints, use_tuple);
    if (cec)
        co_return cec;
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    stream_ = std::move(socket);
    co_return std::error_code{};
}

asio::awaitable<std::error_code> transport::connect_unix(std::string path)
{
    close();
    asio::local::stream_protocol::socket socket(ex_);
    auto [ec] = co_await socket.async_connect(asio::local::stream_protocol::endpoint(path), use_tuple);
    if (ec)
        co_return ec;
    stream_ = std::move(socket);
    co_return std::error_code{};
}

asio::awaitable<std::error_code> transport::start_tls(asio::ssl::context& ctx, std::string sni_host)
{
    auto* tcp = std::get_if<asio::ip::tcp::socket>(&stream_);
    if (!tcp)
        co_return asio::error::make_error_code(asio::error::not_connected);
    auto tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(*tcp), ctx);
    stream_ = std::monostate{};
    if (!sni_host.empty())
    {
        std::error_code ignored;
        asio::ip::make_address(sni_host, ignored);
        // SNI carries host names only, never address literals (RFC 6066, section 3).
        if (ignored)
            SSL_set_tlsext_host_name(tls->native_handle(), sni_host.c_str());
    }
    auto* raw = tls.get();
    stream_ = std::move(tls);
    auto [ec] = co_await raw->async_handshake(asio::ssl::stream_base::client, use_tuple);
    co_return ec;
}

asio::awaitable<std::error_code> transport::read(asio::mutable_buffer buffer)
{
    std::error_code ec = asio::error::not_connected;
    std::size_t n = 0;
    if (auto* s = std::get_if<asio::ip::tcp::socket>(&stream_))
        std::tie(ec, n) = co_await asio::async_read(*s, buffer, use_tuple);
    else if (auto* u = std::get_if<asio::local::stream_protocol::socket>(&stream_))
        std::tie(ec, n) = co_await asio::async_read(*u, buffer, use_tuple);
    else if (auto* t = std::get_if<tls_stream>(&stream_))
        std::tie(ec, n) = co_await asio::async_read(**t, buffer, use_tuple);
    co_return ec;
}

asio::awaitable<std::error_code> transport::read_some(asio::mutable_buffer buffer, std::size_t& n)
{
    std::error_code ec = asio::error::not_connected;
    n = 0;
    if (auto* s = std::get_if<asio::ip::tcp::socket>(&stream_))
        std::tie(ec, n) = co_await s->async_read_some(buffer, use_tuple);
    else if (auto* u = std::get_if<asio::local::stream_protocol::socket>(&stream_))
        std::tie(ec, n) = co_await u->async_read_some(buffer, use_tuple);
    else if (auto* t = std::get_if<tls_stream>(&stream_))
        std::tie(ec, n) = co_await (*t)->async_read_some(buffer, use_tuple);
    co_return ec;
}

asio::awaitable<std::error_code> transport::write(asio::const_buffer buffer)
{
    std::error_code ec = asio::error::not_connected;
    std::size_t n = 0;
    if (auto* s = std::get_if<asio::ip::tcp::socket>(&stream_))
        std::tie(ec, n) = co_await asio::async_write(*s, buffer, use_tuple);
    else if (auto* u = std::get_if<asio::local::stream_protocol::socket>(&stream_))
        std::tie(ec, n) = co_await asio::async_write(*u, buffer, use_tuple);
    else if (auto* t = std::get_if<tls_stream>(&stream_))
        std::tie(ec, n) = co_await asio::async_write(**t, buffer, use_tuple);
    co_return ec;
}

void transport::close() noexcept
{
    resolver_.cancel();
    std::error_code ignored;
    if (auto* s = std::get_if<asio::ip::tcp::socket>(&stream_))
        s->close(ignored);
    else if (auto* u = std::get_if<asio::local::stream_protocol::socket>(&stream_))
        u->close(ignored);
    else if (auto* t = std::get_if<tls_stream>(&stream_))
        (*t)->lowest_layer().close(ignored);
}

bool transport::is_open() const noexcept
{
    if (auto* s = std::get_if<asio::ip::tcp::socket>(&stream_))
        return s->is_open();
    if (auto* u = std::get_if<asio::local::stream_protocol::socket>(&stream_))
        return u->is_open();
    if (auto* t = std::get_if<tls_stream>(&stream_))
        return (*t)->lowest_layer().is_open();
    return false;
}

} // namespace binlogstream::net
