#pragma once

// Running the built `binlogstream tail` as a child process against the sandbox: its arguments, its
// stdout and stderr in files, its exit status; and reading its JSON lines with simdjson. The
// password travels in the BINLOGSTREAM_PASSWORD environment variable of the child, never in argv.

#include "common/sandbox.hpp"
#include "integration/stream_test_support.hpp"

#include <boost/test/unit_test.hpp>
#include <simdjson.h>

#include <deque>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace binlogstream::test {

inline std::string tail_tool()
{
    return std::string(BINLOGSTREAM_BINARY_DIR) + "/samples/binlogstream";
}

/// A scratch directory for one test's files (removed and recreated).
inline std::string tail_scratch(const std::string& name)
{
    std::string dir = "/tmp/bls-tail-test-" + std::to_string(::getuid()) + "-" + name;
    run_command("rm -rf '" + dir + "' && mkdir -p '" + dir + "'");
    return dir;
}

/// --host/--port/--user/--server-id for the sandbox (TLS off: the tests are about the output).
inline std::vector<std::string> tail_connection_args(std::uint32_t server_id = 7300)
{
    const auto& s = sandbox();
    return {
        "tail",
        "--host",
        s.host,
        "--port",
        std::to_string(s.port),
        "--user",
        s.user,
        "--ssl-mode",
        "disabled",
        "--server-id",
        std::to_string(server_id)};
}

/// Starts the tool with `args` (argv[1...]); stdout goes to `out_fd` when >= 0, else is appended
/// to `out_path` (O_APPEND, like `>>`); stderr is appended to `err_path`. `password` goes into the
/// child's BINLOGSTREAM_PASSWORD.
inline pid_t spawn_tail_with(
    const std::vector<std::string>& args,
    int out_fd,
    const std::string& out_path,
    const std::string& err_path,
    const std::string& password
)
{
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).rfind("BINLOGSTREAM_PASSWORD=", 0) != 0)
            env_store.emplace_back(*e);
    env_store.push_back("BINLOGSTREAM_PASSWORD=" + password);
    std::vector<char*> envp;
    for (auto& e : env_store)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    std::string tool = tail_tool();
    std::vector<std::string> argv_store{tool};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_store)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, tool.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    BOOST_REQUIRE_MESSAGE(rc == 0, "cannot start " << tool);
    return pid;
}

inline pid_t spawn_tail(
    const std::vector<std::string>& args,
    const std::string& out_path,
    const std::string& err_path,
    const std::string& password
)
{
    return spawn_tail_with(args, -1, out_path, err_path, password);
}

/// Waits for the child; returns its exit status, or 128 + signal.
inline int wait_tail(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {}
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct tail_result
{
    int status = -1;
    std::string out;
    std::string err;
};

/// Runs the tool to its end (give it --non-blocking or --stop-at) with the sandbox password.
inline tail_result run_tail(const std::vector<std::string>& args, const std::string& dir)
{
    const std::string out = dir + "/run.out", err = dir + "/run.err";
    ::unlink(out.c_str());
    ::unlink(err.c_str());
    tail_result r;
    r.status = wait_tail(spawn_tail(args, out, err, sandbox().password));
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

/// JSON lines, each parsed by its own parser (which owns the elements).
struct json_lines
{
    std::deque<simdjson::dom::parser> parsers;
    std::vector<simdjson::dom::element> lines;

    explicit json_lines(const std::string& text)
    {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);)
        {
            auto& p = parsers.emplace_back();
            simdjson::dom::element el;
            auto err = p.parse(line).get(el);
            BOOST_REQUIRE_MESSAGE(!err, "tail printed invalid JSON: " << line.substr(0, 300));
            lines.push_back(el);
        }
    }
};

/// The minified JSON text of an element (for comparing whole values).
inline std::string json_text(simdjson::dom::element e)
{
    return simdjson::minify(e);
}

/// Member `key` of object `e` as text ("" when missing).
inline std::string member_text(simdjson::dom::element e, const char* key)
{
    simdjson::dom::element v;
    if (e[key].get(v))
        return "";
    return simdjson::minify(v);
}

/// As above, for a member lookup's result ("" when the lookup failed).
inline std::string member_text(simdjson::simdjson_result<simdjson::dom::element> e, const char* key)
{
    simdjson::dom::element el;
    if (e.get(el))
        return "";
    return member_text(el, key);
}

/// --start-file/--start-pos at the current end of the binlog.
inline std::vector<std::string> from_here()
{
    auto p = current_binlog_position();
    return {"--start-file", p.file, "--start-pos", std::to_string(p.offset)};
}

inline std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace binlogstream::test
