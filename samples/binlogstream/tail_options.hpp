#pragma once

// The command line of `binlogstream tail`: parsed into the library's connection and stream options
// plus what the tool itself does (format, checkpoint file, progress). See tail_help() for the flags.

#include <binlogstream/options.hpp>
#include <binlogstream/position.hpp>
#include <binlogstream/stream_options.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace binlogstream::tool {

/// Exit statuses of `binlogstream tail` (documented in --help and the README).
enum tail_exit : int
{
    exit_ok = 0,         ///< end of a non-blocking stream, --stop-at reached, SIGINT/SIGTERM
    exit_failure = 1,    ///< anything not covered below
    exit_usage = 2,      ///< bad flags or values; --password on the command line
    exit_connection = 3, ///< connect, TLS, authentication, server errors, reconnects exhausted
    exit_data = 4,       ///< malformed, corrupt or undecodable events
    exit_io = 5,         ///< the checkpoint file or stdout could not be read or written
};

enum class output_format
{
    maxwell,
    debezium,
};

struct tail_options
{
    connection_options conn;
    stream_options stream;
    /// Set when a start flag was given (used only when the checkpoint file does not exist yet).
    bool explicit_start = false;
    output_format format = output_format::maxwell;
    std::string checkpoint_file;
    /// 0: a checkpoint after every transaction; else at most one per interval (and when idle).
    std::chrono::milliseconds checkpoint_every{0};
    bool progress = false;
    /// --verbose: the library's log lines (reconnects and their reasons) on stderr.
    bool verbose = false;
    bool ddl = false;
    bool transactions = false;
    bool help = false;
};

/// Parses the arguments after `tail`. On failure returns nullopt and puts a one-line reason into
/// `error` (never containing a password). Reads the password from --password-file or the
/// BINLOGSTREAM_PASSWORD environment variable.
std::optional<tail_options> parse_tail_options(std::span<const std::string_view> args, std::string& error);

/// The --help text.
std::string_view tail_help();

} // namespace binlogstream::tool
