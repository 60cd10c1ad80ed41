// stream_bench BINLOG: how fast binlog_stream delivers a live replication stream, decoding every value,
// against two references over the same range in the same run:
//  * `mariadb-binlog --read-from-remote-server --raw` (the bytes written to /dev/shm unparsed): the
//    protocol ceiling, what the server and the network can deliver;
//  * `mariadb-binlog --read-from-remote-server -v > /dev/null`: the native decoder reading the same.
// BINLOG is the path of a binlog file of the sandbox server (bench/make-binlog prints one); the stream
// reads that file from offset 4 to its end (stop_at). The server comes from the BINLOGSTREAM_TEST_*
// variables that `scripts/sandbox env` prints. Targets (reported, not asserted): >= 0.9x the raw
// ceiling's MB/s, >= 4x mariadb-binlog -v, peak RSS <= 16 MiB.
//
// Usage: stream_bench BINLOG [--repeat N] [--queue-depth N] [--no-mariadb] [--async-next] [--decode-thread]

#include <binlogstream/stream.hpp>

#include "bench_common.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames; see connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace binlogstream;
using namespace bench;

struct options
{
    std::string path;
    int repeat = 3;
    std::size_t queue_depth = 64;
    bool run_mariadb = true;
    bool async_next = false;    // async_next(as_tuple(use_awaitable)) instead of next()
    bool decode_thread = false; // rows decoded on a second thread
};

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

// CPU time (user + system) of the sandbox server so far, all its threads, the ones that ended
// included (/proc/PID/stat, in clock ticks); negative when unknown. On a 2-core machine the server's
// share decides how much is left for the client, so every run reports it.
double server_cpu_seconds()
{
    static const std::string stat_path = [] {
        std::ifstream pid_file(env("BINLOGSTREAM_TEST_PID_FILE"));
        long pid = 0;
        if (!(pid_file >> pid) || pid <= 0)
            return std::string();
        return "/proc/" + std::to_string(pid) + "/stat";
    }();
    if (stat_path.empty())
        return -1;
    std::ifstream in(stat_path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    auto close = text.rfind(')');
    if (close == std::string::npos)
        return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
    {
        if (i == 14)
            utime = std::strtoull(field.c_str(), nullptr, 10);
        if (i == 15)
            stime = std::strtoull(field.c_str(), nullptr, 10);
    }
    return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

// One timed run: wall time, the CPU time of the reading process (ours or the child's) and of the
// server over the same interval.
struct run_figures
{
    double seconds = 0;
    double cpu_seconds = 0;
    double user_seconds = 0;
    double server_cpu_seconds = -1;
};

struct stream_result
{
    run_figures f;
    counts c;
    std::error_code ec;
    std::string error;
};

// Decodes every value of every row of the rows events it is given: the work the benchmark measures.
class row_decoder
{
public:
    explicit row_decoder(counts& c)
        : c_(c)
        , sink_(c)
    {}

    std::error_code operator()(const event& ev)
    {
        std::error_code dec;
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_base_of_v<rows_event, T>)
                {
                    ++c_.rows_events;
                    std::size_t offset = 0;
                    std::error_code row_ec;
                    while (!dec && e.next_row(offset, r_, row_ec))
                    {
                        ++c_.rows;
                        if (r_.before.exists())
                            dec = walk(r_.before, e.table.get());
                        if (!dec && r_.after.exists())
                            dec = walk(r_.after, e.table.get());
                    }
                    if (!dec)
                        dec = row_ec;
                }
            },
            ev
        );
        return dec;
    }

private:
    // The batch form (row_image::values), as decode_bench's fastest pass; per cell without a table.
    std::error_code walk(const row_image& img, const table_info* table)
    {
        if (table)
            return sink_.take_image(img, *table, values_, columns_);
        row_image::cursor at;
        std::error_code cell_ec;
        while (img.next(at, cell_, cell_ec))
            sink_.take(cell_);
        return cell_ec;
    }

    counts& c_;
    value_sink sink_;
    row r_;
    row_cell cell_;
    std::vector<value> values_;
    std::vector<std::size_t> columns_;
};

// --decode-thread: the row decoding on a second thread, as a user with a core to spare would run it.
// The stream's thread only takes events from the stream and hands them over 64 at a time (one lock
// and one wake-up per batch); at most 4 batches wait, so memory stays bounded.
class decode_thread
{
public:
    decode_thread()
        : thread_([this] { run(); })
    {}
    ~decode_thread() { (void)finish(); }
    decode_thread(const decode_thread&) = delete;
    decode_thread& operator=(const decode_thread&) = delete;

    void push(event ev)
    {
        pending_.push_back(std::move(ev));
        if (pending_.size() >= 64)
            hand_over();
    }

    // Decodes what is left, stops the thread and returns the first decoding error.
    std::error_code finish()
    {
        hand_over();
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        work_.notify_one();
        if (thread_.joinable())
            thread_.join();
        return ec_;
    }

    // Rows and cells decoded (valid after finish()).
    const counts& totals() const noexcept { return c_; }

private:
    void hand_over()
    {
        if (pending_.empty())
            return;
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return queue_.size() < 4; });
        queue_.push_back(std::move(pending_));
        pending_.clear();
        lock.unlock();
        work_.notify_one();
    }

    void run()
    {
        for (;;)
        {
            std::vector<event> batch;
            {
                std::unique_lock lock(mutex_);
                work_.wait(lock, [&] { return !queue_.empty() || done_; });
                if (queue_.empty())
                    return;
                batch = std::move(queue_.front());
                queue_.pop_front();
            }
            room_.notify_one();
            for (const auto& ev : batch)
                if (!ec_)
                    ec_ = decoder_(ev);
        }
    }

    counts c_;
    row_decoder decoder_{c_};
    std::vector<event> pending_;
    std::mutex mutex_;
    std::condition_variable work_, room_;
    std::deque<std::vector<event>> queue_;
    bool done_ = false;
    std::error_code ec_;
    std::thread thread_; // last: starts once everything above exists
};

// Streams `file` from offset 4 to `size` and materialises every value of every row.
stream_result run_stream(const options& opt, const std::string& file, std::uint64_t size)
{
    connection_options conn;
    conn.host = env("BINLOGSTREAM_TEST_HOST");
    conn.port = static_cast<std::uint16_t>(std::atoi(env("BINLOGSTREAM_TEST_PORT").c_str()));
    conn.user = env("BINLOGSTREAM_TEST_USER");
    conn.password = env("BINLOGSTREAM_TEST_PASSWORD");
    conn.ssl = ssl_mode::disabled; // as mariadb-binlog below (--skip-ssl)
    stream_options so;
    so.server_id = 7900;
    so.start = file_position{file, 4};
    so.stop_at = file_position{file, size};
    so.queue_depth = opt.queue_depth;
    so.reconnect.enabled = false;

    stream_result res;
    asio::io_context io;
    auto consume = [&]() -> asio::awaitable<void> {
        binlog_stream stream(io.get_executor(), conn, so);
        row_decoder decode(res.c);
        std::optional<decode_thread> worker;
        if (opt.decode_thread)
            worker.emplace();
        for (;;)
        {
            std::error_code ec;
            event ev;
            if (opt.async_next)
                std::tie(ec, ev) =
                    co_await stream.async_next(asio::experimental::as_tuple(asio::use_awaitable));
            else
            {
                // The plain form; its exception ends the loop once, at the end of the stream.
                try
                {
                    ev = co_await stream.next();
                }
                catch (const binlogstream::error& e)
                {
                    ec = e.code();
                }
            }
            if (ec)
            {
                if (ec != errc::end_of_stream)
                {
                    res.ec = ec;
                    res.error = stream.last_diagnostics().client_message() + " " +
                                stream.last_diagnostics().server_message();
                }
                break;
            }
            ++res.c.events;
            std::error_code dec;
            if (worker)
                worker->push(std::move(ev));
            else
                dec = decode(ev);
            if (dec)
            {
                res.ec = dec;
                res.error = "decoding a row";
                break;
            }
        }
        if (worker)
        {
            // Timed too: the run ends when the last row is decoded.
            if (auto wec = worker->finish(); wec && !res.ec)
            {
                res.ec = wec;
                res.error = "decoding a row";
            }
            auto events = res.c.events;
            res.c = worker->totals();
            res.c.events = events;
        }
    };
    auto server0 = server_cpu_seconds();
    auto cpu0 = cpu_seconds_self();
    auto user0 = user_seconds_self();
    auto t0 = clock_type::now();
    asio::co_spawn(io, consume, asio::detached);
    io.run();
    res.f.seconds = seconds_since(t0);
    res.f.cpu_seconds = cpu_seconds_self() - cpu0;
    res.f.user_seconds = user_seconds_self() - user0;
    if (server0 >= 0)
        res.f.server_cpu_seconds = server_cpu_seconds() - server0;
    return res;
}

// The same range as the stream: `file` from its start to `size` (--stop-position applies to it).
std::vector<std::string> remote_args(const std::string& file, std::uint64_t size)
{
    return {
        "mariadb-binlog",
        "--no-defaults",
        "--read-from-remote-server",
        "--skip-ssl",
        "--host=" + env("BINLOGSTREAM_TEST_HOST"),
        "--port=" + env("BINLOGSTREAM_TEST_PORT"),
        "--user=" + env("BINLOGSTREAM_TEST_USER"),
        "--stop-position=" + std::to_string(size),
        file};
}

// Runs a child under the same server CPU accounting as the stream.
run_figures timed_child(const std::vector<std::string>& args, long& rss_kib, std::string& error)
{
    run_figures f;
    auto server0 = server_cpu_seconds();
    auto r = run_child(args);
    if (!r.ok)
    {
        error = r.error;
        return f;
    }
    f.seconds = r.seconds;
    f.cpu_seconds = r.cpu_seconds;
    f.user_seconds = r.user_seconds;
    if (server0 >= 0)
        f.server_cpu_seconds = server_cpu_seconds() - server0;
    rss_kib = std::max(rss_kib, r.max_rss_kib);
    return f;
}

// The fastest run; its CPU figures come with it.
run_figures best(const std::vector<run_figures>& v)
{
    if (v.empty())
        return {};
    return *std::min_element(v.begin(), v.end(), [](const auto& a, const auto& b) {
        return a.seconds < b.seconds;
    });
}

void print_header()
{
    std::printf(
        "%-36s %8s %7s %10s %9s | %-22s %7s %7s | %s\n",
        "",
        "wall s",
        "MB/s",
        "rows/s",
        "peak RSS",
        "reader cpu: user+sys s",
        "user",
        "sys",
        "server cpu"
    );
    std::printf(
        "%-36s %8s %7s %10s %9s | %-22s %7s %7s | %s\n", "", "", "", "", "", "", "ns/B", "ns/B", "s (cores)"
    );
}

void print_row(const char* name, const run_figures& f, double bytes, std::uint64_t rows, long rss_kib)
{
    char rss[32] = "";
    if (rss_kib > 0)
        std::snprintf(rss, sizeof rss, "%.1f MiB", double(rss_kib) / 1024.0);
    char server[48] = "n/a";
    if (f.server_cpu_seconds >= 0)
        std::snprintf(
            server, sizeof server, "%.2f (%.2f)", f.server_cpu_seconds, f.server_cpu_seconds / f.seconds
        );
    std::printf(
        "%-36s %8.3f %7.1f %10.0f %9s | %-22.2f %7.2f %7.2f | %s\n",
        name,
        f.seconds,
        bytes / f.seconds / 1e6,
        double(rows) / f.seconds,
        rss,
        f.cpu_seconds,
        f.user_seconds * 1e9 / bytes,
        (f.cpu_seconds - f.user_seconds) * 1e9 / bytes,
        server
    );
}

} // namespace

int main(int argc, char** argv)
{
    options opt;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (a == "--repeat" && i + 1 < argc)
            opt.repeat = std::max(1, std::atoi(argv[++i]));
        else if (a == "--queue-depth" && i + 1 < argc)
            opt.queue_depth = std::max(1, std::atoi(argv[++i]));
        else if (a == "--no-mariadb")
            opt.run_mariadb = false;
        else if (a == "--async-next")
            opt.async_next = true;
        else if (a == "--decode-thread")
            opt.decode_thread = true;
        else if (opt.path.empty())
            opt.path = a;
        else
        {
            std::fprintf(
                stderr,
                "usage: stream_bench BINLOG [--repeat N] [--queue-depth N] [--no-mariadb] [--async-next] "
                "[--decode-thread]\n"
            );
            return 2;
        }
    }
    if (opt.path.empty() || env("BINLOGSTREAM_TEST_PORT").empty())
    {
        std::fprintf(
            stderr, "usage: stream_bench BINLOG (with the variables of `scripts/sandbox env` set)\n"
        );
        return 2;
    }
    const auto file = std::filesystem::path(opt.path).filename().string();
    std::error_code fec;
    const auto size = std::filesystem::file_size(opt.path, fec);
    if (fec)
    {
        std::fprintf(stderr, "%s: %s\n", opt.path.c_str(), fec.message().c_str());
        return 1;
    }
    // The children read the password from their environment, never from the command line.
    ::setenv("MYSQL_PWD", env("BINLOGSTREAM_TEST_PASSWORD").c_str(), 1);

    std::vector<run_figures> stream_runs, raw_runs, verbose_runs;
    counts c;
    long raw_rss = 0, verbose_rss = 0;
    for (int i = 0; i < opt.repeat; ++i)
    {
        auto r = run_stream(opt, file, size);
        if (r.ec)
        {
            std::fprintf(stderr, "stream failed: %s %s\n", r.ec.message().c_str(), r.error.c_str());
            return 1;
        }
        stream_runs.push_back(r.f);
        c = r.c;
    }
    const long stream_rss = max_rss_kib(); // before any child exists: this process only
    if (opt.run_mariadb)
    {
        const std::string raw_dir = "/dev/shm/stream_bench-" + std::to_string(::getpid()) + "/";
        std::filesystem::create_directories(raw_dir);
        for (int i = 0; i < opt.repeat; ++i)
        {
            std::string error;
            auto args = remote_args(file, size);
            args.insert(args.begin() + 2, {"--raw", "--result-file=" + raw_dir}); // after --no-defaults
            auto raw = timed_child(args, raw_rss, error);
            std::filesystem::remove_all(raw_dir); // the raw copy is not needed, and /dev/shm is memory
            std::filesystem::create_directories(raw_dir);
            if (!error.empty())
            {
                std::fprintf(stderr, "raw: %s\n", error.c_str());
                return 1;
            }
            raw_runs.push_back(raw);
            auto args_v = remote_args(file, size);
            args_v.insert(args_v.begin() + 2, "-v");
            auto verbose = timed_child(args_v, verbose_rss, error);
            if (!error.empty())
            {
                std::fprintf(stderr, "-v: %s\n", error.c_str());
                return 1;
            }
            verbose_runs.push_back(verbose);
        }
        std::filesystem::remove_all(raw_dir);
    }

    std::printf(
        "%s: %.1f MB, %llu events, %llu rows events, %llu row changes, %llu cells decoded (best of %d)\n",
        file.c_str(),
        double(size) / 1e6,
        static_cast<unsigned long long>(c.events),
        static_cast<unsigned long long>(c.rows_events),
        static_cast<unsigned long long>(c.rows),
        static_cast<unsigned long long>(c.cells),
        opt.repeat
    );
    const double bytes = double(size);
    print_header();
    print_row("binlog_stream, every value decoded", best(stream_runs), bytes, c.rows, stream_rss);
    if (opt.run_mariadb)
    {
        print_row("mariadb-binlog --raw (ceiling)", best(raw_runs), bytes, c.rows, raw_rss);
        print_row("mariadb-binlog -v > /dev/null", best(verbose_runs), bytes, c.rows, verbose_rss);
        std::printf(
            "stream vs raw ceiling: %.2fx (target >= 0.9x); stream vs mariadb-binlog -v: %.2fx (target >= "
            "4x)\n",
            best(raw_runs).seconds / best(stream_runs).seconds,
            best(verbose_runs).seconds / best(stream_runs).seconds
        );
    }
    std::printf("peak RSS of the stream process: %.1f MiB (target <= 16 MiB)\n", double(stream_rss) / 1024.0);
    return 0;
}
