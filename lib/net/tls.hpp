#pragma once

// The OpenSSL context for a connection's ssl_mode, CA and client certificate files.

#include <binlogstream/error.hpp>
#include <binlogstream/options.hpp>

#include <asio/ssl/context.hpp>

#include <system_error>

namespace binlogstream::net {

/// Configures `ctx` (a fresh TLS client context) for `opts`: no verification for preferred and
/// required; chain verification against `ssl_ca` (or the system's paths) for verify_ca; plus the
/// host name check (RFC 6125 via X509_check_host) for verify_identity. Loads the client certificate
/// and key when given. Errors name the file in `diag`.
[[nodiscard]] std::error_code
configure_tls(const connection_options& opts, asio::ssl::context& ctx, diagnostics& diag);

/// Whether the mode asks for TLS at all, and whether it insists on it.
[[nodiscard]] constexpr bool tls_wanted(ssl_mode m) noexcept
{
    return m != ssl_mode::disabled;
}
[[nodiscard]] constexpr bool tls_required(ssl_mode m) noexcept
{
    return m == ssl_mode::required || m == ssl_mode::verify_ca || m == ssl_mode::verify_identity;
}

} // namespace binlogstream::net
