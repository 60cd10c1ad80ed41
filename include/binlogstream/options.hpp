#pragma once

/// \file options.hpp
/// Options of a client connection (and, later in this file, of a replication stream).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace binlogstream {

/// How the connection uses TLS; the same modes as the MySQL client's `--ssl-mode`.
enum class ssl_mode
{
    /// Never use TLS.
    disabled,
    /// Use TLS when the server offers it, without verifying its certificate; plain otherwise.
    preferred,
    /// Use TLS or fail with `errc::tls_unavailable`; the certificate is not verified.
    required,
    /// As `required`, and the server's certificate chain must verify against `ssl_ca`.
    verify_ca,
    /// As `verify_ca`, and the certificate must name `host` (SAN/CN); SNI is sent.
    verify_identity,
};

/// Which server family is on the other side. `detect` is only meaningful in options (read it from
/// the handshake); `connection::server_info()` always reports one of the others.
enum class server_flavor
{
    /// Options only: take the flavour from the server's handshake.
    detect,
    /// Oracle MySQL (and any server not recognised as another flavour).
    mysql,
    /// MariaDB.
    mariadb,
    percona, ///< MySQL as packaged by Percona (only recognised when the version string says so)
    aurora,  ///< Amazon Aurora MySQL (version string contains "mysql_aurora")
};

/// Where and how to connect and authenticate. An aggregate with a default for every field: set the
/// fields you need by name (designated initializers work too, but g++ 12's -Wextra warns about each
/// member they leave out).
/// Copied by `connection::async_connect`, so it need not outlive the call.
struct connection_options
{
    /// Host name or IP address of the server (ignored when `unix_socket` is set).
    std::string host = "127.0.0.1";
    /// TCP port of the server.
    std::uint16_t port = 3306;
    /// Path of the server's unix socket; non-empty means "connect over it" (TLS is then not used:
    /// a local socket counts as a secure transport, as for the MySQL client).
    std::string unix_socket;
    /// Account name.
    std::string user;
    /// Password. Never written to any log, message, exception or diagnostics.
    std::string password;
    /// Default database (CLIENT_CONNECT_WITH_DB); empty for none.
    std::string database;
    /// TLS mode (see `ssl_mode`).
    ssl_mode ssl = ssl_mode::preferred;
    /// PEM file of the CA(s) to verify the server with (verify_ca, verify_identity); empty means the
    /// system's default verify paths.
    std::string ssl_ca;
    /// PEM client certificate chain, for servers that require X509 accounts; empty for none.
    std::string ssl_cert;
    /// PEM private key of `ssl_cert`.
    std::string ssl_key;
    /// PEM file with the server's RSA public key, for caching_sha2_password / sha256_password full
    /// authentication without TLS.
    std::string server_public_key_file;
    /// Whether the client may ask the server for its RSA public key (over the unencrypted link: only
    /// safe on a trusted network). Without TLS, without a key file and without this, full
    /// authentication fails with `errc::rsa_key_unavailable` rather than expose the password.
    bool get_server_public_key = false;
    /// Limit for TCP connect + TLS handshake + authentication together; 0 means none.
    std::chrono::milliseconds connect_timeout{10000};
    /// Limit for each `async_read_packet` and each packet of `async_query`; 0 means none.
    std::chrono::milliseconds read_timeout{0};
    /// Largest packet (after joining 16 MiB frames) the client accepts (`errc::packet_too_large`).
    std::size_t max_packet_size = std::size_t(1) << 30;
    /// Most rows `async_query` keeps of one resultset (`errc::resultset_too_large` beyond, and the
    /// connection is closed); 0 means no limit. The stream's own queries read a few rows.
    std::size_t max_resultset_rows = 1000000;
    /// Most bytes `async_query` keeps of one resultset: the column definitions and rows as they
    /// came, plus the memory of each kept cell (about 40 bytes, a NULL included); the same error
    /// beyond; 0 means no limit.
    std::size_t max_resultset_bytes = std::size_t(64) << 20;
};

} // namespace binlogstream

// stream_options: see the stream issue
