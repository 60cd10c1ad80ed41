#pragma once

// The stream's reader reads every binlog event through these, not through
// `connection::async_read_packet`: that one starts a coroutine (co_spawn) per packet and copies the
// packet out, which cost more than reading it. Here a packet already in the receive buffer is handed
// out as a view without suspending, and one that is not yet complete costs one coroutine call.

#include <binlogstream/connection.hpp>

#include <asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <span>
#include <system_error>

namespace binlogstream::detail {

struct connection_access
{
    /// The next packet when it lies whole in the receive buffer (`net::packet_stream::try_read_buffered`).
    /// False when it does not, or on an error (in `ec`; the connection is then closed).
    [[nodiscard]] static bool
    try_read_buffered(connection& c, std::span<const std::byte>& out, std::error_code& ec) noexcept;

    /// The next packet as a view valid until the next read (`net::packet_stream::read_view`), under
    /// `timeout` (none when zero). Errors as `connection::async_read_packet`; a failed read closes the
    /// connection.
    static asio::awaitable<std::error_code>
    read_view(connection& c, std::span<const std::byte>& out, std::chrono::milliseconds timeout);
};

} // namespace binlogstream::detail
