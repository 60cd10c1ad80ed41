#pragma once

// The connection phase's packets: the server's Protocol::HandshakeV10, the client's SSLRequest and
// HandshakeResponse41, and capability negotiation. Reference: MySQL source documentation, "Connection
// Phase Packets" (page_protocol_connection_phase_packets_protocol_handshake_v10 / _response); MariaDB
// knowledge base "Connection" (extended capabilities in the reserved bytes, the "5.5.5-" prefix).

#include <binlogstream/error.hpp>
#include <binlogstream/options.hpp>

#include <codec/byte_reader.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::wire {

using codec::bytes_view;

/// The first packet a server sends.
struct handshake_v10
{
    std::uint8_t protocol_version = 0;
    /// The version string without MariaDB's "5.5.5-" replication-compatibility prefix.
    std::string server_version;
    std::uint32_t connection_id = 0;
    /// auth-plugin-data part 1 and part 2 joined, without the trailing NUL (20 bytes in practice).
    std::vector<std::byte> scramble;
    std::uint32_t capabilities = 0;
    std::uint8_t charset = 0;
    std::uint16_t status = 0;
    /// MariaDB's extended capabilities (0 for MySQL servers, which keep CLIENT_MYSQL set).
    std::uint32_t mariadb_capabilities = 0;
    /// The server's default authentication plugin ("mysql_native_password" when not announced).
    std::string auth_plugin;
    server_flavor flavor = server_flavor::mysql;
};

/// Parses a HandshakeV10 payload. A packet starting with 0xff is an ERR packet, not a handshake:
/// callers check that first. Protocol versions other than 10 give `protocol_version_unsupported`.
[[nodiscard]] std::error_code parse_handshake(bytes_view payload, handshake_v10& out);

/// The server family a version string names ("5.5.5-10.11.6-MariaDB", "8.0.mysql_aurora.3.04.0",
/// "8.0.35-27-Percona..."); plain MySQL when nothing else matches.
[[nodiscard]] server_flavor detect_flavor(std::string_view version) noexcept;

/// The capabilities the client asks for given what the server offers. Fails with
/// `protocol_version_unsupported` when the server lacks CLIENT_PROTOCOL_41 or SECURE_CONNECTION.
/// `use_tls` must only be true when the server offers CLIENT_SSL.
[[nodiscard]] std::error_code negotiate_capabilities(
    std::uint32_t server_caps, bool use_tls, bool with_database, std::uint32_t& out
) noexcept;

/// The charset the client announces: utf8mb4_general_ci, known to every supported server.
inline constexpr std::uint8_t client_charset = 45;

struct handshake_response
{
    std::uint32_t capabilities = 0;
    std::uint32_t max_packet_size = 0;
    std::uint8_t charset = client_charset;
    std::string_view user;
    bytes_view auth_response;
    std::string_view database;    // sent when capabilities has CONNECT_WITH_DB
    std::string_view auth_plugin; // sent when capabilities has PLUGIN_AUTH
};

/// Appends the HandshakeResponse41 payload.
void serialize_handshake_response(const handshake_response& r, std::vector<std::byte>& out);

/// Appends the SSLRequest payload (the first 32 bytes of a HandshakeResponse41).
void serialize_ssl_request(
    std::uint32_t capabilities,
    std::uint32_t max_packet_size,
    std::uint8_t charset,
    std::vector<std::byte>& out
);

// Small serialization helpers shared by the wire encoders.
void put_u8(std::vector<std::byte>& out, std::uint8_t v);
void put_u16(std::vector<std::byte>& out, std::uint16_t v);
void put_u32(std::vector<std::byte>& out, std::uint32_t v);
void put_lenenc(std::vector<std::byte>& out, std::uint64_t v);
void put_bytes(std::vector<std::byte>& out, bytes_view b);
void put_string(std::vector<std::byte>& out, std::string_view s);
void put_null_terminated(std::vector<std::byte>& out, std::string_view s);

} // namespace binlogstream::wire
