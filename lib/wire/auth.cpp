#include <array>
#include <wire/auth.hpp>
#include <wire/ed25519.hpp>
#include <wire/ok_err.hpp>
#include <wire/scramble.hpp>

namespace binlogstream::wire {

namespace {

// caching_sha2_password's AuthMoreData statuses and requests (sql/auth/sha2_password.h).
constexpr std::byte fast_auth_success{0x03};
constexpr std::byte perform_full_authentication{0x04};
constexpr std::uint8_t caching_sha2_request_public_key = 0x02;
// sha256_password asks for the key with a single 0x01 byte instead.
constexpr std::uint8_t sha256_request_public_key = 0x01;

void assign_cleartext(std::vector<std::byte>& out, std::string_view password)
{
    out.assign(
        reinterpret_cast<const std::byte*>(password.data()),
        reinterpret_cast<const std::byte*>(password.data()) + password.size()
    );
    out.push_back(std::byte{0});
}

} // namespace

bool plugin_from_name(std::string_view name, auth_plugin& out) noexcept
{
    if (name == "mysql_native_password")
        out = auth_plugin::mysql_native_password;
    else if (name == "caching_sha2_password")
        out = auth_plugin::caching_sha2_password;
    else if (name == "sha256_password")
        out = auth_plugin::sha256_password;
    else if (name == "mysql_clear_password")
        out = auth_plugin::mysql_clear_password;
    else if (name == "client_ed25519")
        out = auth_plugin::client_ed25519;
    else
        return false;
    return true;
}

std::string_view plugin_name(auth_plugin p) noexcept
{
    switch (p)
    {
        case auth_plugin::mysql_native_password:
            return "mysql_native_password";
        case auth_plugin::caching_sha2_password:
            return "caching_sha2_password";
        case auth_plugin::sha256_password:
            return "sha256_password";
        case auth_plugin::mysql_clear_password:
            return "mysql_clear_password";
        case auth_plugin::client_ed25519:
            return "client_ed25519";
    }
    return "mysql_native_password";
}

std::error_code authenticator::start(std::string_view server_plugin, bytes_view scramble, diagnostics& diag)
{
    // client_ed25519 signs a 32-byte nonce that only an auth switch carries (the handshake's scramble
    // is 20 bytes), so a server announcing it gets the native answer and then switches.
    if (!plugin_from_name(server_plugin, plugin_) || plugin_ == auth_plugin::client_ed25519)
        plugin_ = auth_plugin::mysql_native_password;
    scramble_.assign(scramble.begin(), scramble.end());
    state_ = state::initial;
    return initial_response(diag);
}

std::error_code authenticator::initial_response(diagnostics& diag)
{
    response_.clear();
    switch (plugin_)
    {
        case auth_plugin::mysql_native_password:
            response_ = native_password_response(ctx_.password, scramble_);
            return {};
        case auth_plugin::caching_sha2_password:
            response_ = caching_sha2_response(ctx_.password, scramble_);
            return {};
        case auth_plugin::sha256_password:
            // An empty password is a single NUL whatever the transport (nothing to protect).
            if (ctx_.password.empty())
            {
                response_.assign(1, std::byte{0});
                state_ = state::full_auth_sent;
                return {};
            }
            return send_password_securely(diag, sha256_request_public_key);
        case auth_plugin::mysql_clear_password:
            if (!ctx_.secure_transport)
            {
                diag.set_client("mysql_clear_password refused: it would send the password without TLS");
                return errc::auth_needs_secure_transport;
            }
            assign_cleartext(response_, ctx_.password);
            state_ = state::full_auth_sent;
            return {};
        case auth_plugin::client_ed25519:
        {
            // The signature proves knowledge of the password without revealing it: no TLS needed.
            if (scramble_.size() != 32)
                return errc::malformed_packet;
            std::array<std::byte, 64> signature{};
            if (auto ec = ed25519_sign(codec::as_bytes(ctx_.password), scramble_, signature))
                return ec;
            response_.assign(signature.begin(), signature.end());
            state_ = state::full_auth_sent;
            return {};
        }
    }
    return errc::auth_plugin_unsupported;
}

// Full authentication of caching_sha2_password and sha256_password: cleartext only over a secure
// transport, else RSA with a configured key, else (only if allowed) ask the server for its key.
std::error_code authenticator::send_password_securely(diagnostics& diag, std::uint8_t key_request_byte)
{
    response_.clear();
    if (ctx_.secure_transport)
    {
        assign_cleartext(response_, ctx_.password);
        state_ = state::full_auth_sent;
        return {};
    }
    if (!ctx_.server_public_key.empty())
    {
        if (auto ec = rsa_encrypt_password(ctx_.password, scramble_, ctx_.server_public_key, response_))
        {
            diag.set_client("cannot encrypt the password with the configured server public key");
            return ec;
        }
        state_ = state::full_auth_sent;
        return {};
    }
    if (ctx_.allow_public_key_request)
    {
        response_.assign(1, std::byte{key_request_byte});
        state_ = state::awaiting_key;
        return {};
    }
    diag.set_client(
        std::string(plugin_name(plugin_)) +
        " needs full authentication: use TLS, set server_public_key_file, or allow get_server_public_key"
    );
    return errc::rsa_key_unavailable;
}

std::error_code authenticator::on_packet(bytes_view packet, auth_action& next, diagnostics& diag)
{
    next = auth_action::read;
    if (packet.empty())
        return errc::malformed_packet;
    switch (std::to_integer<std::uint8_t>(packet[0]))
    {
        case 0x00:
        {
            ok_packet ok;
            if (auto ec = parse_ok(packet, ok))
                return ec;
            if (state_ == state::awaiting_key)
                return errc::unexpected_packet;
            next = auth_action::done;
            return {};
        }
        case 0xff:
            return server_error(packet, diag);
        case 0xfe:
            return on_switch(packet, next, diag);
        case 0x01:
            return on_more_data(packet.subspan(1), next, diag);
        default:
            return errc::unexpected_packet;
    }
}

std::error_code authenticator::on_switch(bytes_view packet, auth_action& next, diagnostics& diag)
{
    // A bare 0xfe is the pre-4.1 "use old password" switch, which no supported server needs.
    if (packet.size() == 1)
    {
        diag.set_client("server asked for the pre-4.1 mysql_old_password method");
        return errc::auth_plugin_unsupported;
    }
    // One switch per exchange: a second would let a hostile server loop us through plugins.
    if (switched_)
        return errc::unexpected_packet;
    codec::byte_reader r(packet.subspan(1));
    std::string_view name = r.null_terminated();
    if (!r.ok())
        return r.error();
    auto data = r.rest();
    if (!data.empty() && data.back() == std::byte{0})
        data = data.first(data.size() - 1);
    if (!plugin_from_name(name, plugin_))
    {
        diag.set_client("server asked for the unsupported authentication plugin " + std::string(name));
        return errc::auth_plugin_unsupported;
    }
    switched_ = true;
    state_ = state::initial;
    scramble_.assign(data.begin(), data.end());
    if (auto ec = initial_response(diag))
        return ec;
    next = auth_action::write_and_read;
    return {};
}

std::error_code authenticator::on_more_data(bytes_view data, auth_action& next, diagnostics& diag)
{
    if (state_ == state::awaiting_key)
    {
        // The server's PEM public key; it came over the insecure link, which the user allowed.
        std::string_view pem = codec::as_string(data);
        if (auto ec = rsa_encrypt_password(ctx_.password, scramble_, pem, response_))
        {
            diag.set_client("the server sent an unusable RSA public key");
            return ec;
        }
        state_ = state::full_auth_sent;
        next = auth_action::write_and_read;
        return {};
    }
    if (plugin_ != auth_plugin::caching_sha2_password || state_ != state::initial)
        return errc::unexpected_packet;
    if (data.size() != 1)
        return errc::malformed_packet;
    if (data[0] == fast_auth_success)
    {
        state_ = state::awaiting_fast_auth_ok;
        next = auth_action::read;
        return {};
    }
    if (data[0] == perform_full_authentication)
    {
        if (auto ec = send_password_securely(diag, caching_sha2_request_public_key))
            return ec;
        next = auth_action::write_and_read;
        return {};
    }
    return errc::malformed_packet;
}

} // namespace binlogstream::wire
