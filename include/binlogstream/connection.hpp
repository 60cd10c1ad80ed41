#pragma once

/// \file connection.hpp
/// The asynchronous client connection to a MySQL or MariaDB server: TCP, unix socket or TLS,
/// authentication, text queries, and the raw packet interface the replication layer builds on.

#include <binlogstream/error.hpp>
#include <binlogstream/options.hpp>
#include <binlogstream/resultset.hpp>
#include <binlogstream/table.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace binlogstream {

/// What the server said about itself during the handshake, and how the link was set up.
struct server_info
{
    /// The version string, without MariaDB's "5.5.5-" compatibility prefix ("10.11.6-MariaDB-...").
    std::string version;
    /// The server flavour, detected from the handshake's version string.
    server_flavor flavor = server_flavor::mysql;
    /// The server's thread id of this connection (what KILL takes).
    std::uint32_t connection_id = 0;
    /// The server's capability flags (CLIENT_*).
    std::uint32_t server_capabilities = 0;
    /// The capabilities in use on this connection (negotiated).
    std::uint32_t capabilities = 0;
    /// MariaDB's extended capabilities (0 for MySQL).
    std::uint32_t mariadb_capabilities = 0;
    /// The authentication plugin that completed the login.
    std::string auth_plugin;
    /// Whether the connection is encrypted with TLS.
    bool tls = false;
    /// Whether the connection runs over a unix socket.
    bool unix_socket = false;
};

namespace detail {

// Adapts co_spawn's (exception_ptr, error_code) completion to our (error_code) signature. A
// system_error escaping the coroutine (cancellation of an awaited operation) becomes its code.
template <typename Handler>
struct error_code_completion
{
    Handler handler;

    void operator()(std::exception_ptr ep, std::error_code ec)
    {
        if (ep)
        {
            try
            {
                std::rethrow_exception(ep);
            }
            catch (const std::system_error& e)
            {
                ec = e.code();
            }
        }
        std::move(handler)(ec);
    }
};

// The only template code of an operation: run the non-template awaitable with the handler's
// executor and cancellation slot.
struct initiate_awaitable
{
    template <typename Handler>
    void operator()(Handler&& handler, asio::any_io_executor ex, asio::awaitable<std::error_code> op) const
    {
        auto slot = asio::get_associated_cancellation_slot(handler);
        auto handler_ex = asio::get_associated_executor(handler, ex);
        asio::co_spawn(
            ex,
            std::move(op),
            asio::bind_cancellation_slot(
                slot,
                asio::bind_executor(
                    handler_ex, error_code_completion<std::decay_t<Handler>>{std::forward<Handler>(handler)}
                )
            )
        );
    }
};

} // namespace detail

/// A client connection to one MySQL or MariaDB server.
///
/// Not a template: it runs on an `asio::any_io_executor` over a TCP socket, a unix socket or TLS
/// (OpenSSL), chosen at connect time. Every asynchronous operation takes any Asio completion token
/// for the signature `void(std::error_code)`: a callback, `asio::use_awaitable` (which throws
/// `std::system_error` on failure), `asio::experimental::as_tuple(asio::use_awaitable)` (which
/// gives the code), `asio::use_future`... Handlers run on the handler's associated executor, or on
/// the connection's. Per-operation cancellation (`asio::bind_cancellation_slot`) is honoured; a
/// cancelled or timed-out operation closes the connection, whose framing is then unknown.
///
/// One operation at a time: a second one started while the first runs completes with
/// `errc::operation_in_progress` (exceptions: `async_write_command` may overlap one
/// `async_read_packet`, and `close()`/`async_close` may be called at any time). The connection is
/// neither copyable nor movable (operations refer to it); it, and every object an operation takes by
/// reference, must outlive the operation.
///
/// Thread safety: distinct objects safe, shared objects unsafe (use one executor or a strand).
class connection
{
public:
    /// The executor type (Asio's type-erased executor).
    using executor_type = asio::any_io_executor;

    /// A closed connection whose operations will run on `ex`.
    explicit connection(asio::any_io_executor ex);
    /// Closes the transport. No operation may still be running.
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// The executor the operations run on.
    [[nodiscard]] executor_type get_executor() const noexcept;

    /// Connects, negotiates TLS per `opts.ssl`, and authenticates.
    ///
    /// `opts` is copied; `diag` must live until completion and receives the server's message (ERR
    /// packet) or our context (never the password). Errors: transport errors from the resolver or
    /// socket; `errc::connect_timeout` after `opts.connect_timeout`; `errc::tls_unavailable` when TLS
    /// is required but not offered; TLS errors (`asio::ssl` category, e.g. certificate verification);
    /// `errc::auth_plugin_unsupported`, `errc::auth_needs_secure_transport`,
    /// `errc::rsa_key_unavailable`; server errors (e.g. 1045 access denied, SQLSTATE 28000);
    /// protocol errors (`errc::malformed_packet`...). On failure the connection is closed.
    /// Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto async_connect(const connection_options& opts, diagnostics& diag, CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_connect(opts, diag));
    }

    /// Runs one SQL statement with COM_QUERY and stores its text resultset (or OK counters) in
    /// `out`, which is replaced. `sql` is copied; `out` and `diag` must live until completion.
    /// Errors: server errors (with `diag`), `errc::read_timeout` (per packet, `read_timeout`),
    /// `errc::server_closed`, protocol errors, `errc::not_connected`.
    /// Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto async_query(std::string_view sql, resultset& out, diagnostics& diag, CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_query(std::string(sql), out, diag));
    }

    /// Sends COM_PING and waits for the OK. `diag` must live until completion. Errors as
    /// `async_query`. Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto async_ping(diagnostics& diag, CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_ping(diag));
    }

    /// Sends COM_QUIT (best effort) and closes the connection. Completes with success unless the
    /// connection was not open (`errc::not_connected`). Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto async_close(CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_quit());
    }

    /// Sends `payload` as one command packet: the sequence id restarts at 0 and payloads of
    /// 16 MiB - 1 bytes or more are split into frames. `payload` must live until completion.
    /// Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto async_write_command(std::span<const std::byte> payload, CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_write_command(payload));
    }

    /// Reads one whole packet (frames joined, sequence checked, at most `max_packet_size`) into
    /// `out`, which is replaced, under the connection's `read_timeout`. `out` must live until
    /// completion. Errors: `errc::read_timeout` (the connection is then closed),
    /// `errc::server_closed`, `errc::sequence_mismatch`, `errc::packet_too_large`, transport errors.
    /// Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto async_read_packet(std::vector<std::byte>& out, CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_read_packet(out, std::nullopt));
    }

    /// As above, with `timeout` instead of the connection's `read_timeout` (zero: no limit).
    /// Handler signature: `void(std::error_code)`.
    template <typename CompletionToken>
    auto
    async_read_packet(std::vector<std::byte>& out, std::chrono::milliseconds timeout, CompletionToken&& token)
    {
        return initiate(std::forward<CompletionToken>(token), run_read_packet(out, timeout));
    }

    /// Handshake facts of the current (or last) connection.
    [[nodiscard]] const binlogstream::server_info& server_info() const noexcept;

    /// Whether the transport is open.
    [[nodiscard]] bool is_open() const noexcept;

    /// Closes the transport at once, without COM_QUIT. Pending operations complete with
    /// `asio::error::operation_aborted`. Never throws.
    void close() noexcept;

private:
    struct impl;

    template <typename CompletionToken>
    auto initiate(CompletionToken&& token, asio::awaitable<std::error_code> op)
    {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            detail::initiate_awaitable{}, token, get_executor(), std::move(op)
        );
    }

    asio::awaitable<std::error_code> run_connect(connection_options opts, diagnostics& diag);
    asio::awaitable<std::error_code> run_query(std::string sql, resultset& out, diagnostics& diag);
    asio::awaitable<std::error_code> run_ping(diagnostics& diag);
    asio::awaitable<std::error_code> run_quit();
    asio::awaitable<std::error_code> run_write_command(std::span<const std::byte> payload);
    asio::awaitable<std::error_code>
    run_read_packet(std::vector<std::byte>& out, std::optional<std::chrono::milliseconds> timeout);

    std::unique_ptr<impl> impl_;
};

} // namespace binlogstream
