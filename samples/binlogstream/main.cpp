// binlogstream: a command-line tool over the library. Subcommands (`dump`: binlog files as JSON,
// `tail`: follow a live server) are dispatched from a table, so that new ones slot in beside them.

#include "command.hpp"

#include <cstdio>
#include <string_view>
#include <vector>

namespace {

struct command
{
    std::string_view name;
    std::string_view summary;
    int (*run)(std::span<const std::string_view>);
};

constexpr command commands[] = {
    {"dump", "dump FILE...  print every event of binlog files as JSON lines", binlogstream::tool::run_dump},
    {"tail",
     "tail [OPTIONS]  follow a server: one JSON line per row change (Maxwell or Debezium)",
     binlogstream::tool::run_tail},
};

int usage(std::FILE* out)
{
    std::fprintf(out, "usage: binlogstream COMMAND [ARGS...]\n\ncommands:\n");
    for (const auto& c : commands)
        std::fprintf(out, "  %.*s\n", static_cast<int>(c.summary.size()), c.summary.data());
    return out == stdout ? 0 : 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty())
        return usage(stderr);
    if (args[0] == "-h" || args[0] == "--help" || args[0] == "help")
        return usage(stdout);
    for (const auto& c : commands)
    {
        if (c.name == args[0])
            return c.run(std::span<const std::string_view>(args).subspan(1));
    }
    std::fprintf(
        stderr, "binlogstream: unknown command '%.*s'\n", static_cast<int>(args[0].size()), args[0].data()
    );
    return usage(stderr);
}
