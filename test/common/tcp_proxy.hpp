#pragma once

// A loopback TCP proxy owned by a test, to put network faults between a client and the sandbox
// server: it forwards bytes both ways, and on request stalls the open links (bytes stop flowing, the
// sockets stay open: a dead link as a client sees it), cuts them now, or cuts them after a given
// number of further server-to-client bytes (a cut at an arbitrary byte, mid-packet). Links accepted
// after a stall or cut flow normally, so a client that reconnects gets through.
//
// The proxy runs its own io_context on its own thread, so a test's io_context (the client's) is never
// blocked by it and vice versa. The fault calls are thread-safe and return once the proxy applied them;
// they must not be called from the proxy's own thread (none of its callbacks call user code).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace binlogstream::test {

class tcp_proxy
{
public:
    /// Listens on 127.0.0.1 (a free port) and forwards every accepted connection to
    /// `target_host`:`target_port`. Throws std::system_error if it cannot listen.
    tcp_proxy(const std::string& target_host, std::uint16_t target_port);
    /// Closes every link and joins the proxy thread.
    ~tcp_proxy();
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;

    /// The port the proxy listens on.
    [[nodiscard]] std::uint16_t port() const noexcept;

    /// The links open now stop forwarding in both directions, for good; their sockets stay open.
    void stall();
    /// The links open now are closed.
    void cut();
    /// The links open now are closed after `bytes` more bytes went from the server to the client
    /// (those bytes are forwarded, the rest is not).
    void cut_after(std::uint64_t bytes);
    /// The next link accepted from now on is closed after its first `bytes` server-to-client bytes
    /// (a cut at an exact byte of a new connection: its handshake, its setup queries, its dump).
    void cut_next_after(std::uint64_t bytes);

    /// Connections accepted so far.
    [[nodiscard]] std::size_t accepted() const noexcept;
    /// Links closed by `cut` or `cut_after` so far.
    [[nodiscard]] std::size_t cuts() const noexcept;
    /// Bytes forwarded from the server to clients so far.
    [[nodiscard]] std::uint64_t bytes_to_clients() const noexcept;
    /// Bytes taken from the server to be forwarded to clients so far: counted before the write, so
    /// a client has never received more than this.
    [[nodiscard]] std::uint64_t bytes_from_servers() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace binlogstream::test
