#pragma once

// The subcommands of the `binlogstream` tool. Each takes its own arguments (after the subcommand
// name) and returns the process exit status.

#include <span>
#include <string_view>

namespace binlogstream::tool {

/// `binlogstream dump FILE...`: one JSON object per event on stdout.
int run_dump(std::span<const std::string_view> args);

/// `binlogstream tail [OPTIONS]`: follows a server, one JSON line per row change (see --help).
int run_tail(std::span<const std::string_view> args);

} // namespace binlogstream::tool
