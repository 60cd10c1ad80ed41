#pragma once

// What every sample needs around the library: where to connect (from the environment), where to
// start (from the command line), and how to report the error that ended a run.
//
// Environment: BINLOGSTREAM_HOST (default 127.0.0.1), BINLOGSTREAM_PORT (3306), BINLOGSTREAM_SOCKET
// (a unix socket instead of TCP), BINLOGSTREAM_USER, BINLOGSTREAM_PASSWORD, BINLOGSTREAM_SSL_MODE
// (disabled, preferred, required, verify_ca, verify_identity; default preferred) and
// BINLOGSTREAM_SSL_CA. The password is read from the environment, never from the command line
// (where `ps` shows it), and no sample prints it.

#include <binlogstream/binlogstream.hpp>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace sample {

inline std::string env_or(const char* name, const char* fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

/// A decimal number; nothing when `text` is not one (or does not fit).
inline std::optional<std::uint64_t> parse_number(std::string_view text)
{
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return n;
}

inline binlogstream::connection_options connection_from_env()
{
    namespace bls = binlogstream;
    bls::connection_options c;
    c.host = env_or("BINLOGSTREAM_HOST", "127.0.0.1");
    auto port = parse_number(env_or("BINLOGSTREAM_PORT", "3306"));
    if (!port || *port > 65535)
    {
        std::cerr << "error: BINLOGSTREAM_PORT is not a port number\n";
        std::exit(2);
    }
    c.port = static_cast<std::uint16_t>(*port);
    c.unix_socket = env_or("BINLOGSTREAM_SOCKET", "");
    c.user = env_or("BINLOGSTREAM_USER", "root");
    c.password = env_or("BINLOGSTREAM_PASSWORD", "");
    c.ssl_ca = env_or("BINLOGSTREAM_SSL_CA", "");
    const std::string mode = env_or("BINLOGSTREAM_SSL_MODE", "preferred");
    c.ssl = mode == "disabled"          ? bls::ssl_mode::disabled
            : mode == "required"        ? bls::ssl_mode::required
            : mode == "verify_ca"       ? bls::ssl_mode::verify_ca
            : mode == "verify_identity" ? bls::ssl_mode::verify_identity
                                        : bls::ssl_mode::preferred;
    return c;
}

/// "mysql-bin.000003:1234" as a file position; nothing when the text is not of that form.
inline std::optional<binlogstream::file_position> parse_file_position(std::string_view text)
{
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return std::nullopt;
    auto offset = parse_number(text.substr(colon + 1));
    if (!offset)
        return std::nullopt;
    return binlogstream::file_position{std::string(text.substr(0, colon)), *offset};
}

/// Prints the usage line; returns the exit status of a usage error.
inline int usage(std::string_view synopsis)
{
    std::cerr << "usage: " << synopsis << '\n';
    return 2;
}

/// Prints what ended a run and returns the exit status: 0 for none, 1 for an error. The server's
/// message and our context are printed apart (`diagnostics`); neither ever holds a password.
inline int report(std::exception_ptr failure)
{
    if (!failure)
        return 0;
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const binlogstream::error& e)
    {
        std::cerr << "error: " << e.code().message() << " (" << e.code().category().name() << ' '
                  << e.code().value() << ")\n";
        const auto& d = e.get_diagnostics();
        if (!d.server_message().empty())
            std::cerr << "server says: [" << d.sql_state() << "] " << d.server_message() << '\n';
        if (!d.client_message().empty())
            std::cerr << "while: " << d.client_message() << '\n';
    }
    catch (const std::exception& e)
    {
        std::cerr << "error: " << e.what() << '\n';
    }
    return 1;
}

} // namespace sample
