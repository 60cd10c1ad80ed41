#include "soak/soak_support.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace binlogstream::soak {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& v)
{
    std::vector<char*> out;
    for (auto& s : v)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

std::atomic<pid_t> live_tool{-1};

std::string last_lines(const std::string& path, std::size_t n)
{
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string l; std::getline(in, l);)
        all.push_back(l);
    std::string out;
    for (std::size_t i = all.size() > n ? all.size() - n : 0; i < all.size(); ++i)
        out += "    " + all[i] + "\n";
    return out;
}

// The text after `key` up to the next '"' (keys of the tool's Maxwell lines whose values are plain).
std::string string_after(const std::string& line, std::size_t at)
{
    if (at == std::string::npos)
        return {};
    auto end = line.find('"', at);
    return end == std::string::npos ? std::string{} : line.substr(at, end - at);
}

} // namespace

void die(const std::string& what)
{
    std::cerr << "soak: " << what << "\nsoak: FAIL" << std::endl;
    if (pid_t pid = live_tool; pid > 0)
        ::kill(pid, SIGKILL);
    std::_Exit(1); // other threads still run: no destructors
}

child spawn_with_stdin_pipe(const std::vector<std::string>& argv, const std::string& log_path)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        die("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    auto store = argv;
    auto args = c_strings(store);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[0]);
    if (rc != 0)
        die("cannot start " + argv[0]);
    return {pid, fds[1]};
}

bool write_all(int fd, const std::string& text)
{
    std::size_t done = 0;
    while (done < text.size())
    {
        auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

bool exited(pid_t pid)
{
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid;
}

int wait_exit(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

int run(const std::vector<std::string>& argv)
{
    auto store = argv;
    auto args = c_strings(store);
    pid_t pid = -1;
    if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
        die("cannot start " + argv[0]);
    return wait_exit(pid);
}

namespace {

// Runs argv with its stdout on a pipe, hands each chunk read to on_chunk, and returns the exit code.
int read_child(const std::vector<std::string>& argv, const std::function<void(std::string_view)>& on_chunk)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        die("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    auto store = argv;
    auto args = c_strings(store);
    pid_t pid = -1;
    int spawn_rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    if (spawn_rc != 0)
        die("cannot start " + argv[0]);
    char buf[65536];
    for (;;)
    {
        auto n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        on_chunk(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    ::close(fds[0]);
    return wait_exit(pid);
}

} // namespace

std::string capture(const std::vector<std::string>& argv, int& rc)
{
    std::string out;
    rc = read_child(argv, [&](std::string_view chunk) { out.append(chunk); });
    return out;
}

int for_each_line(const std::vector<std::string>& argv, const std::function<void(const std::string&)>& fn)
{
    std::string pending;
    int rc = read_child(argv, [&](std::string_view chunk) {
        pending.append(chunk);
        std::size_t from = 0;
        for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', from))
        {
            fn(pending.substr(from, nl - from));
            from = nl + 1;
        }
        pending.erase(0, from);
    });
    if (!pending.empty())
        fn(pending);
    return rc;
}

void stop_server(const std::string& pid_file, int sig)
{
    std::ifstream in(pid_file);
    pid_t pid = 0;
    if (!(in >> pid) || pid <= 0)
        return;
    if (::kill(pid, sig) != 0)
        return;
    for (int i = 0; i < 600 && ::kill(pid, 0) == 0; ++i)
        ::usleep(100000);
}

std::vector<std::string> sql_client::argv(const std::string& database) const
{
    std::vector<std::string> a{
        "mariadb",
        "--no-defaults",
        "--default-character-set=utf8mb4",
        "--protocol=socket",
        "--socket=" + socket,
        "-uroot",
        "-N",
        "-B"};
    if (!database.empty())
        a.push_back(database);
    return a;
}

void sql_client::run(const std::string& sql, bool may_fail) const
{
    auto a = argv();
    a.push_back("-e");
    a.push_back(sql);
    int rc = soak::run(a);
    if (rc != 0 && !may_fail)
        die("SQL failed: " + sql);
}

std::string sql_client::query(const std::string& sql) const
{
    auto a = argv();
    a.push_back("-e");
    a.push_back(sql);
    int rc = 0;
    auto out = capture(a, rc);
    if (rc != 0)
        die("query failed: " + sql);
    return out;
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty())
            out.push_back(l);
    return out;
}

std::size_t count_lines_with(const std::string& path, const std::string& text)
{
    std::ifstream in(path);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);)
        n += l.find(text) != std::string::npos ? 1 : 0;
    return n;
}

std::string field(const std::string& row, std::size_t n)
{
    std::string line = row.substr(0, row.find('\n'));
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        start = line.find('\t', start);
        if (start == std::string::npos)
            return {};
        ++start;
    }
    return line.substr(start, line.find('\t', start) - start);
}

std::string read_from(const std::string& path, std::uint64_t offset, std::size_t max_bytes)
{
    std::ifstream in(path, std::ios::binary);
    if (!in.seekg(static_cast<std::streamoff>(offset)))
        return {};
    std::string text(max_bytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(max_bytes));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::string utc_now()
{
    auto now = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    ::gmtime_r(&secs, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%H:%M:%S", &utc);
    char out[40];
    std::snprintf(out, sizeof out, "%s.%03dZ", text, static_cast<int>(ms));
    return out;
}

rss_sampler::rss_sampler()
    : thread_([this] {
        while (!stop_)
        {
            sample();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    })
{}

rss_sampler::~rss_sampler()
{
    stop_ = true;
    thread_.join();
}

void rss_sampler::sample() noexcept
{
    pid_t pid = pid_;
    if (pid <= 0)
        return;
    std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
    if (!f)
        return;
    char line[256];
    while (std::fgets(line, sizeof line, f))
    {
        unsigned long long kib = 0;
        if (std::sscanf(line, "VmHWM: %llu kB", &kib) == 1)
        {
            std::uint64_t prev = peak_kib_;
            while (kib > prev && !peak_kib_.compare_exchange_weak(prev, kib))
            {}
            break;
        }
    }
    std::fclose(f);
}

tool_process::tool_process(
    std::string tool,
    std::vector<std::string> args,
    std::string out_path,
    std::string err_path,
    std::string password,
    rss_sampler& rss
)
    : tool_(std::move(tool))
    , args_(std::move(args))
    , out_path_(std::move(out_path))
    , err_path_(std::move(err_path))
    , password_(std::move(password))
    , rss_(rss)
{}

pid_t tool_process::spawn(const std::vector<std::string>& args)
{
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).rfind("BINLOGSTREAM_PASSWORD=", 0) != 0)
            env_store.emplace_back(*e);
    env_store.push_back("BINLOGSTREAM_PASSWORD=" + password_);
    auto envp = c_strings(env_store);
    std::vector<std::string> argv_store{tool_};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    auto argv = c_strings(argv_store);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    // Each run's stderr stays in the one file, after a line that says which start it is.
    if (std::FILE* f = std::fopen(err_path_.c_str(), "a"))
    {
        std::fprintf(f, "--- soak: tool start %d at %s\n", starts_ + 1, utc_now().c_str());
        std::fclose(f);
    }
    pid_t pid = -1;
    int rc = posix_spawn(&pid, tool_.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        die("cannot start " + tool_);
    ++starts_;
    rss_.watch(pid);
    live_tool = pid;
    return pid;
}

void tool_process::start()
{
    pid_ = spawn(args_);
}

void tool_process::kill9()
{
    rss_.sample();
    ::kill(pid_, SIGKILL);
    wait_exit(pid_);
    pid_ = -1;
}

void tool_process::check_alive()
{
    int status = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &status, WNOHANG) != pid_)
        return;
    ++unexpected_;
    std::cerr << "soak: the tool ended on its own (status " << status << "); its last words:\n"
              << last_lines(err_path_, 5);
    start();
}

int tool_process::terminate()
{
    rss_.sample();
    ::kill(pid_, SIGTERM);
    int rc = wait_exit(pid_);
    pid_ = -1;
    return rc;
}

int tool_process::run_to_end()
{
    auto args = args_;
    args.push_back("--non-blocking");
    pid_t pid = spawn(args);
    int rc = wait_exit(pid);
    if (rc != 0)
        std::cerr << "soak: the catch-up run ended with " << rc << ":\n" << last_lines(err_path_, 5);
    return rc;
}

std::map<std::string, row_list> read_binlog(const std::vector<std::string>& files)
{
    std::map<std::string, row_list> out;
    std::vector<std::string> argv{"mariadb-binlog", "--no-defaults", "-v", "--base64-output=DECODE-ROWS"};
    argv.insert(argv.end(), files.begin(), files.end());
    std::string gtid;
    std::string pending; // "insert t_a" until its first column's value is read
    // Line by line from the pipe: the decoded text of a long run is over a gigabyte.
    int rc = for_each_line(argv, [&](const std::string& l) {
        if (l.rfind("#", 0) == 0 && l.rfind("###", 0) != 0)
        {
            auto at = l.find("GTID ");
            if (at != std::string::npos)
                gtid = l.substr(at + 5, l.find(' ', at + 5) - (at + 5));
            return;
        }
        if (l.rfind("### ", 0) != 0)
            return;
        static const std::pair<const char*, const char*> heads[] = {
            {"### INSERT INTO `bls_soak`.`", "insert "},
            {"### UPDATE `bls_soak`.`", "update "},
            {"### DELETE FROM `bls_soak`.`", "delete "}};
        bool head = false;
        for (const auto& [prefix, type] : heads)
            if (l.rfind(prefix, 0) == 0)
            {
                std::string rest = l.substr(std::string_view(prefix).size());
                pending = type + rest.substr(0, rest.find('`'));
                head = true;
            }
        if (head)
            return;
        if (!pending.empty() && l.rfind("###   @1=", 0) == 0)
        {
            out[gtid].push_back(pending + " " + l.substr(9));
            pending.clear();
        }
    });
    if (rc != 0)
        die("mariadb-binlog failed");
    return out;
}

std::vector<delivered_transaction> read_output(const std::string& path)
{
    std::vector<delivered_transaction> out;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);)
    {
        auto g = l.rfind("\"gtid\":\"");
        std::string gtid = string_after(l, g == std::string::npos ? g : g + 8);
        auto ty = l.find("\"type\":\"");
        auto ta = l.find("\"table\":\"");
        auto id = l.find("\"data\":{\"id\":");
        std::string row = string_after(l, ty == std::string::npos ? ty : ty + 8) + " " +
                          string_after(l, ta == std::string::npos ? ta : ta + 9) + " ";
        if (id != std::string::npos)
        {
            auto from = id + 13;
            row += l.substr(from, l.find_first_of(",}", from) - from);
        }
        if (out.empty() || out.back().gtid != gtid)
            out.push_back({gtid, {}});
        out.back().rows.push_back(row);
    }
    return out;
}

verdict compare(const std::map<std::string, row_list>& truth, const std::vector<delivered_transaction>& out)
{
    verdict v;
    std::map<std::string, std::vector<const delivered_transaction*>> by_gtid;
    for (const auto& t : out)
        by_gtid[t.gtid].push_back(&t);
    auto note = [&](std::string d) {
        if (v.details.size() < 20)
            v.details.push_back(std::move(d));
    };
    for (const auto& [gtid, rows] : truth)
    {
        auto it = by_gtid.find(gtid);
        if (it == by_gtid.end())
        {
            ++v.lost;
            note("lost " + gtid + " (" + std::to_string(rows.size()) + " rows)");
            continue;
        }
        if (it->second.size() > 1)
        {
            ++v.duplicated;
            note("duplicated " + gtid + " (" + std::to_string(it->second.size()) + " deliveries)");
            continue;
        }
        if (it->second.front()->rows != rows)
        {
            ++v.altered;
            note(
                "altered " + gtid + ": " + std::to_string(it->second.front()->rows.size()) +
                " rows delivered, " + std::to_string(rows.size()) + " in the binlog"
            );
            continue;
        }
        ++v.delivered;
        v.rows += rows.size();
    }
    for (const auto& [gtid, deliveries] : by_gtid)
        if (!truth.contains(gtid))
        {
            ++v.phantom;
            note("not in the binlog: " + gtid);
        }
    return v;
}

} // namespace binlogstream::soak
