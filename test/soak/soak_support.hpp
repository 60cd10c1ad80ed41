#pragma once

// The soak driver's parts that are not about faults: child processes (the tool, the mariadb client,
// scripts/sandbox), the tool's peak RSS, and the comparison of the tool's output with the binlog.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace binlogstream::soak {

struct child
{
    pid_t pid = -1;
    int stdin_fd = -1;
};

/// Starts argv[0] (searched in PATH) with a pipe on its stdin; stdout and stderr append to log_path.
child spawn_with_stdin_pipe(const std::vector<std::string>& argv, const std::string& log_path);
/// Writes all of `text`; false when the reader is gone.
bool write_all(int fd, const std::string& text);
/// True when the child has ended (it is reaped then).
bool exited(pid_t pid);
/// Waits for the child; its exit status, 128 + signal, or -1.
int wait_exit(pid_t pid);
/// Runs a command to completion (stdout and stderr inherited); its exit status.
int run(const std::vector<std::string>& argv);
/// Runs a command and calls `fn` with each line of its stdout (without the newline); its exit status.
int for_each_line(const std::vector<std::string>& argv, const std::function<void(const std::string&)>& fn);
/// Runs a command and returns its stdout; `rc` receives the exit status.
std::string capture(const std::vector<std::string>& argv, int& rc);

/// `sig` to the server of `pid_file`, then waits (60 s at most) for it to end.
void stop_server(const std::string& pid_file, int sig);

/// Says why on stderr, kills the tool (its pid is registered by tool_process) and exits with 1.
[[noreturn]] void die(const std::string& what);

/// The `mariadb` client as root over the sandbox's socket.
struct sql_client
{
    std::string socket;
    [[nodiscard]] std::vector<std::string> argv(const std::string& database = {}) const;
    /// Runs statements; a failure ends the program unless `may_fail`.
    void run(const std::string& sql, bool may_fail = false) const;
    /// Runs a query; its rows, tab-separated, without the header. A failure ends the program.
    [[nodiscard]] std::string query(const std::string& sql) const;
};

std::vector<std::string> lines(const std::string& text);
/// How many lines of the file at `path` contain `text`.
std::size_t count_lines_with(const std::string& path, const std::string& text);
/// The n-th tab-separated field of the first line.
std::string field(const std::string& row, std::size_t n);
/// The text of the file at `path` from byte `offset` on, at most `max_bytes` of it.
std::string read_from(const std::string& path, std::uint64_t offset, std::size_t max_bytes);
/// The UTC wall-clock time as HH:MM:SS.mmmZ.
std::string utc_now();

/// Samples /proc/PID/status VmHWM of the tool's current process every 100 ms.
class rss_sampler
{
public:
    rss_sampler();
    ~rss_sampler();
    rss_sampler(const rss_sampler&) = delete;
    rss_sampler& operator=(const rss_sampler&) = delete;
    void watch(pid_t pid) noexcept { pid_ = pid; }
    /// Samples now (call before killing the process: its last peak counts).
    void sample() noexcept;
    [[nodiscard]] std::uint64_t peak_kib() const noexcept { return peak_kib_; }

private:
    std::atomic<pid_t> pid_{-1};
    std::atomic<std::uint64_t> peak_kib_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// `binlogstream tail` with stdout appended to a regular file (exactly once with --checkpoint).
class tool_process
{
public:
    tool_process(
        std::string tool,
        std::vector<std::string> args,
        std::string out_path,
        std::string err_path,
        std::string password,
        rss_sampler& rss
    );
    void start();
    void kill9();
    /// Restarts the tool if it ended on its own (counted, with its exit status and stderr's end).
    void check_alive();
    /// SIGTERM and wait; the exit status.
    int terminate();
    /// One more run with --non-blocking, to the current end of the binlog; its exit status.
    int run_to_end();
    [[nodiscard]] int starts() const noexcept { return starts_; }
    [[nodiscard]] int unexpected_exits() const noexcept { return unexpected_; }

private:
    pid_t spawn(const std::vector<std::string>& args);
    std::string tool_;
    std::vector<std::string> args_;
    std::string out_path_;
    std::string err_path_;
    std::string password_;
    rss_sampler& rss_;
    pid_t pid_ = -1;
    int starts_ = 0;
    int unexpected_ = 0;
};

/// One row change: "insert t_a 17".
using row_list = std::vector<std::string>;

/// The rows of each transaction of schema bls_soak in the binlog files, by GTID text, in the
/// order of the files, from `mariadb-binlog -v`.
std::map<std::string, row_list> read_binlog(const std::vector<std::string>& files);

/// The tool's output: one entry per run of consecutive lines with the same GTID.
struct delivered_transaction
{
    std::string gtid;
    row_list rows;
};
std::vector<delivered_transaction> read_output(const std::string& path);

struct verdict
{
    std::uint64_t delivered = 0;      // transactions of the binlog delivered once, rows equal
    std::uint64_t rows = 0;           // their rows
    std::uint64_t lost = 0;           // in the binlog, never delivered
    std::uint64_t duplicated = 0;     // delivered more than once
    std::uint64_t altered = 0;        // delivered with other rows than the binlog's
    std::uint64_t phantom = 0;        // delivered, not in the binlog
    std::vector<std::string> details; // the first few discrepancies
};
verdict compare(const std::map<std::string, row_list>& truth, const std::vector<delivered_transaction>& out);

} // namespace binlogstream::soak
