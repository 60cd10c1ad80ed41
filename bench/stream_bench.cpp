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
// Usage: stream_bench BINLOG [--repeat N] [--queue-depth N] [--no-mariadb]

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
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
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
};

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

struct stream_result
{
    double seconds = 0;
    double cpu_seconds = 0;
    counts c;
    std::error_code ec;
    std::string error;
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
        value_sink sink(res.c);
        row r;
        row_cell cell;
        auto walk = [&](const row_image& img) {
            row_image::cursor at;
            std::error_code cell_ec;
            while (img.next(at, cell, cell_ec))
                sink.take(cell);
            return cell_ec;
        };
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(asio::experimental::as_tuple(asio::use_awaitable));
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
            std::visit(
                [&](const auto& e) {
                    using T = std::decay_t<decltype(e)>;
                    if constexpr (std::is_base_of_v<rows_event, T>)
                    {
                        ++res.c.rows_events;
                        std::size_t offset = 0;
                        std::error_code row_ec;
                        while (!dec && e.next_row(offset, r, row_ec))
                        {
                            ++res.c.rows;
                            if (r.before.exists())
                                dec = walk(r.before);
                            if (!dec && r.after.exists())
                                dec = walk(r.after);
                        }
                        if (!dec)
                            dec = row_ec;
                    }
                },
                ev
            );
            if (dec)
            {
                res.ec = dec;
                res.error = "decoding a row";
                break;
            }
        }
    };
    auto cpu0 = cpu_seconds_self();
    auto t0 = clock_type::now();
    asio::co_spawn(io, consume, asio::detached);
    io.run();
    res.seconds = seconds_since(t0);
    res.cpu_seconds = cpu_seconds_self() - cpu0;
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

double best(const std::vector<double>& v)
{
    return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}

void print_row(const char* name, double seconds, double bytes, std::uint64_t rows, long rss_kib, double cpu)
{
    std::printf(
        "%-40s %8.3f s %9.1f MB/s %12.0f rows/s %8.1f MiB peak RSS  (cpu %.2f s)\n",
        name,
        seconds,
        bytes / seconds / 1e6,
        double(rows) / seconds,
        double(rss_kib) / 1024.0,
        cpu
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
        else if (opt.path.empty())
            opt.path = a;
        else
        {
            std::fprintf(
                stderr, "usage: stream_bench BINLOG [--repeat N] [--queue-depth N] [--no-mariadb]\n"
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

    std::vector<double> stream_s, stream_cpu, raw_s, verbose_s;
    counts c;
    long raw_rss = 0, verbose_rss = 0;
    double raw_cpu = 0, verbose_cpu = 0;
    for (int i = 0; i < opt.repeat; ++i)
    {
        auto r = run_stream(opt, file, size);
        if (r.ec)
        {
            std::fprintf(stderr, "stream failed: %s %s\n", r.ec.message().c_str(), r.error.c_str());
            return 1;
        }
        stream_s.push_back(r.seconds);
        stream_cpu.push_back(r.cpu_seconds);
        c = r.c;
    }
    const long stream_rss = max_rss_kib(); // before any child exists: this process only
    if (opt.run_mariadb)
    {
        const std::string raw_dir = "/dev/shm/stream_bench-" + std::to_string(::getpid()) + "/";
        std::filesystem::create_directories(raw_dir);
        for (int i = 0; i < opt.repeat; ++i)
        {
            auto args = remote_args(file, size);
            args.insert(args.begin() + 2, {"--raw", "--result-file=" + raw_dir}); // after --no-defaults
            auto raw = run_child(args);
            std::filesystem::remove_all(raw_dir); // the raw copy is not needed, and /dev/shm is memory
            std::filesystem::create_directories(raw_dir);
            if (!raw.ok)
            {
                std::fprintf(stderr, "raw: %s\n", raw.error.c_str());
                return 1;
            }
            raw_s.push_back(raw.seconds);
            raw_rss = std::max(raw_rss, raw.max_rss_kib);
            raw_cpu = raw.cpu_seconds;
            auto args_v = remote_args(file, size);
            args_v.insert(args_v.begin() + 2, "-v");
            auto verbose = run_child(args_v);
            if (!verbose.ok)
            {
                std::fprintf(stderr, "-v: %s\n", verbose.error.c_str());
                return 1;
            }
            verbose_s.push_back(verbose.seconds);
            verbose_rss = std::max(verbose_rss, verbose.max_rss_kib);
            verbose_cpu = verbose.cpu_seconds;
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
    print_row(
        "binlog_stream, every value decoded", best(stream_s), bytes, c.rows, stream_rss, best(stream_cpu)
    );
    if (opt.run_mariadb)
    {
        print_row("mariadb-binlog --raw (protocol ceiling)", best(raw_s), bytes, c.rows, raw_rss, raw_cpu);
        print_row("mariadb-binlog -v > /dev/null", best(verbose_s), bytes, c.rows, verbose_rss, verbose_cpu);
        std::printf(
            "stream vs raw ceiling: %.2fx (target >= 0.9x); stream vs mariadb-binlog -v: %.2fx (target >= "
            "4x)\n",
            best(raw_s) / best(stream_s),
            best(verbose_s) / best(stream_s)
        );
    }
    std::printf("peak RSS of the stream process: %.1f MiB (target <= 16 MiB)\n", double(stream_rss) / 1024.0);
    return 0;
}
