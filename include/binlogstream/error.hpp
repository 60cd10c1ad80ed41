#pragma once

/// \file error.hpp
/// Error codes, server diagnostics and the exception type of binlogstream.
///
/// Two error categories exist: `client_category()` for `errc` (things the client detected: malformed
/// bytes, timeouts, protocol violations) and `server_category()` for the numeric error codes a MySQL or
/// MariaDB server sends in an ERR packet (e.g. 1045 access denied, 1236 binlog purged).

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace binlogstream {

/// Errors detected by the client. Values are stable; new ones are only appended.
enum class errc : int
{
    ok = 0, ///< no error (a default `std::error_code` compares equal)
    // Decoding (codec/ and wire/)
    truncated_event = 1,        ///< fewer bytes than a length field or a fixed layout requires
    bad_checksum,               ///< CRC32 of an event does not match
    bad_magic,                  ///< a file does not start with the binlog magic fe 62 69 6e
    bad_event_length,           ///< the event header's size is impossible (< header, > limit)
    unsupported_binlog_version, ///< a binlog version older than v4 where v4 is required
    extra_bytes,                ///< bytes left over after a structure that must be consumed whole
    bad_value,                  ///< a field holds a value outside its domain
    decompression_failed,       ///< zlib or zstd refused a compressed event or payload
    missing_table_map,          ///< a rows event refers to a table id with no TABLE_MAP seen
    invalid_json,               ///< malformed MySQL binary JSON or MariaDB text JSON
    invalid_text,               ///< text that is not valid in its declared charset (strict policy)
    // Protocol (wire/)
    malformed_packet = 100, ///< a packet whose layout is not what the protocol defines
    sequence_mismatch,      ///< packet sequence number out of order
    unexpected_packet,      ///< a packet of a kind not allowed at this point of an exchange
    packet_too_large,       ///< a packet or event larger than the configured limit
    /// The server's handshake is not protocol version 10 (or lacks CLIENT_PROTOCOL_41).
    protocol_version_unsupported,
    auth_plugin_unsupported,     ///< the server asked for an authentication plugin we do not speak
    auth_needs_secure_transport, ///< the plugin would expose the password without TLS (or RSA)
    rsa_key_unavailable,         ///< caching_sha2/sha256 full auth without TLS and no usable public key
    tls_unavailable,             ///< TLS was required but the server does not offer it
    server_closed,               ///< the server closed the connection
    /// A query's resultset has more rows or bytes than `connection_options::max_resultset_rows` /
    /// `max_resultset_bytes` allow.
    resultset_too_large,
    // Operations
    connect_timeout = 200, ///< connecting (TCP, TLS, auth) took longer than connect_timeout
    read_timeout,          ///< no packet within read_timeout
    heartbeat_timeout,     ///< no event and no heartbeat within 2x the heartbeat period + margin
    end_of_stream,         ///< a non-blocking stream or stop_at reached its end (not a failure)
    operation_in_progress, ///< a second operation was started before the first completed
    not_connected,         ///< the connection is not established
    invalid_argument,      ///< an option or a parsed text (GTID set, checkpoint) is invalid
    invalid_gtid,          ///< a GTID or GTID set text does not parse
    invalid_position,      ///< a position/checkpoint text does not parse
    reconnect_limit,       ///< the reconnect policy gave up
    metadata_unavailable,  ///< table metadata could not be obtained and the policy says fail
};

/// The category of `errc`.
[[nodiscard]] const std::error_category& client_category() noexcept;
/// The category of server error numbers (ER_* codes from ERR packets).
[[nodiscard]] const std::error_category& server_category() noexcept;

/// Makes `errc` values usable as `std::error_code`s (`ec == errc::end_of_stream` works through it).
[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), client_category()};
}

/// Makes an error code of the server category from an ERR packet's error number.
[[nodiscard]] inline std::error_code make_server_error(std::uint16_t server_errno) noexcept
{
    return {static_cast<int>(server_errno), server_category()};
}

/// Whether a reconnect may cure the error (network failures, timeouts, a killed connection), as
/// opposed to errors that would recur (bad credentials, purged binlog, malformed data).
[[nodiscard]] bool is_retryable(std::error_code ec) noexcept;

/// Details that accompany an error code: the server's own words and ours, kept apart because the
/// server's message may contain user input.
class diagnostics
{
public:
    /// Empty diagnostics.
    diagnostics() = default;

    /// The message of the server's ERR packet, if the error came from the server.
    [[nodiscard]] const std::string& server_message() const noexcept { return server_message_; }
    /// The SQLSTATE of the server's ERR packet ("HY000"), empty if none.
    [[nodiscard]] const std::string& sql_state() const noexcept { return sql_state_; }
    /// Context added by the client: what it was doing (file:pos, event type, host).
    [[nodiscard]] const std::string& client_message() const noexcept { return client_message_; }

    /// Records the server's SQLSTATE and message (from an ERR packet).
    void set_server(std::string_view sql_state, std::string_view message)
    {
        sql_state_.assign(sql_state);
        server_message_.assign(message);
    }
    /// Records what the client was doing. Never pass a password here.
    void set_client(std::string_view message) { client_message_.assign(message); }
    /// Forgets everything.
    void clear() noexcept
    {
        server_message_.clear();
        sql_state_.clear();
        client_message_.clear();
    }
    /// Whether nothing is recorded.
    [[nodiscard]] bool empty() const noexcept
    {
        return server_message_.empty() && sql_state_.empty() && client_message_.empty();
    }

private:
    std::string server_message_;
    std::string sql_state_;
    std::string client_message_;
};

/// The exception thrown by the throwing forms of binlogstream operations: a `std::system_error`
/// that also carries the diagnostics.
class error : public std::system_error
{
public:
    /// `what()` includes the code's message and the diagnostics' texts (ours, then the server's).
    explicit error(std::error_code ec, diagnostics diag = {});
    /// The diagnostics given to the constructor.
    [[nodiscard]] const diagnostics& get_diagnostics() const noexcept { return diag_; }

private:
    diagnostics diag_;
};

/// Throws `binlogstream::error` if `ec` is set.
inline void throw_if(std::error_code ec, const diagnostics& diag = {})
{
    if (ec)
        throw error(ec, diag);
}

} // namespace binlogstream

template <>
struct std::is_error_code_enum<binlogstream::errc> : std::true_type
{};
