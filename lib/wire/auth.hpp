#pragma once

// The authentication exchange as a sans-IO state machine: it computes the first response (sent in
// HandshakeResponse41), then is fed each packet the server sends and says what to do next. It never
// touches a socket. Plugins: mysql_native_password, caching_sha2_password (fast and full paths),
// sha256_password, mysql_clear_password, and MariaDB's client_ed25519. References: MySQL source documentation
// "Authentication Methods" (auth switch 0xfe, AuthMoreData 0x01), "Caching_sha2_password information",
// "SHA256_password information"; MariaDB knowledge base "Authentication Plugin".
//
// Passwords only leave this machine as hashes, RSA ciphertext, or in clear over a secure transport
// (TLS or a local unix socket); they never appear in an error or in diagnostics.

#include <binlogstream/error.hpp>

#include <codec/byte_reader.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::wire {

using codec::bytes_view;

/// What the authenticator needs to know; the strings must outlive the authenticator.
struct auth_context
{
    std::string_view password;
    /// TLS is active, or the link is a unix socket.
    bool secure_transport = false;
    /// PEM contents of the server's RSA public key from configuration; empty when none.
    std::string_view server_public_key;
    /// Whether asking the server for its public key over an insecure link is allowed.
    bool allow_public_key_request = false;
};

enum class auth_plugin
{
    mysql_native_password,
    caching_sha2_password,
    sha256_password,
    mysql_clear_password,
    client_ed25519, ///< MariaDB: an Ed25519 signature of a 32-byte nonce (only after an auth switch)
};

/// The plugin of a name, or false when we do not speak it.
[[nodiscard]] bool plugin_from_name(std::string_view name, auth_plugin& out) noexcept;
[[nodiscard]] std::string_view plugin_name(auth_plugin p) noexcept;

/// What the I/O layer does after feeding a packet.
enum class auth_action
{
    read,           ///< read the next packet
    write_and_read, ///< send `response()` as the next packet, then read
    done,           ///< authenticated (the server's OK was consumed)
};

class authenticator
{
public:
    explicit authenticator(auth_context ctx) noexcept
        : ctx_(ctx)
    {}

    /// Prepares the response to the handshake. An unknown default plugin falls back to
    /// mysql_native_password (the server then switches to the account's plugin). Afterwards
    /// `plugin()` names what goes into HandshakeResponse41 and `response()` holds the auth data.
    [[nodiscard]] std::error_code
    start(std::string_view server_plugin, bytes_view scramble, diagnostics& diag);

    /// Feeds one packet received after the handshake response or after our last write.
    [[nodiscard]] std::error_code on_packet(bytes_view packet, auth_action& next, diagnostics& diag);

    [[nodiscard]] auth_plugin plugin() const noexcept { return plugin_; }
    /// Bytes to send (the initial auth data after `start`, else the next packet's payload).
    [[nodiscard]] const std::vector<std::byte>& response() const noexcept { return response_; }

private:
    enum class state
    {
        initial,               // response sent, nothing special awaited
        awaiting_fast_auth_ok, // caching_sha2: fast_auth_success seen, OK expected
        awaiting_key,          // asked the server for its public key
        full_auth_sent,        // cleartext or RSA ciphertext sent, OK or ERR expected
    };

    std::error_code initial_response(diagnostics& diag);
    std::error_code send_password_securely(diagnostics& diag, std::uint8_t key_request_byte);
    std::error_code on_more_data(bytes_view data, auth_action& next, diagnostics& diag);
    std::error_code on_switch(bytes_view packet, auth_action& next, diagnostics& diag);

    auth_context ctx_;
    auth_plugin plugin_ = auth_plugin::mysql_native_password;
    std::vector<std::byte> scramble_;
    std::vector<std::byte> response_;
    state state_ = state::initial;
    bool switched_ = false;
};

} // namespace binlogstream::wire
