// Checkpoint and resume: save the stream's position after every transaction, and start from the
// saved checkpoint on the next run. The work a transaction triggers is done before its checkpoint
// is saved, so a run killed in between repeats at most that one transaction and never loses one
// (for exactly-once, store the checkpoint in the same atomic write as the data it covers).
//
//   checkpoint_resume CHECKPOINT_FILE [--stop-after N] [--non-blocking] [FILE:POS]
//
// With an existing CHECKPOINT_FILE the stream resumes from it; otherwise it starts at FILE:POS or at
// the current end of the binlog. --stop-after N stops after N committed transactions.
// Connection settings: see sample_setup.hpp.

#include <binlogstream/binlogstream.hpp>

#include "row_text.hpp"
#include "sample_setup.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace bls = binlogstream;

std::optional<std::string> load_checkpoint(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Atomic replacement: write a temporary file, flush it to disk, rename it over the old one. A crash
// leaves either the old checkpoint or the new one, never half of one.
void save_checkpoint(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    if (fd >= 0)
        ok = ::close(fd) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot write the checkpoint " + path);
}

asio::awaitable<void> follow(
    bls::connection_options conn, bls::stream_options opts, std::string checkpoint, std::uint64_t stop_after
)
{
    bls::binlog_stream stream(co_await asio::this_coro::executor, std::move(conn), std::move(opts));
    auto saved = stream.position();
    std::uint64_t transactions = 0;
    try
    {
        while (stop_after == 0 || transactions < stop_after)
        {
            bls::event ev = co_await stream.next();
            if (auto* w = std::get_if<bls::write_rows_event>(&ev))
            {
                for (const auto& r : w->rows())
                    std::cout << "insert " << sample::table_text(*w) << ' ' << sample::row_text(r.after)
                              << '\n';
            }
            else if (auto* d = std::get_if<bls::delete_rows_event>(&ev))
            {
                for (const auto& r : d->rows())
                    std::cout << "delete " << sample::table_text(*d) << ' ' << sample::row_text(r.before)
                              << '\n';
            }
            else if (std::holds_alternative<bls::xid_event>(ev))
                ++transactions;
            // position() moves only when a transaction has been handed out completely.
            if (auto now = stream.position(); now != saved)
            {
                std::cout << std::flush; // the work first, then the checkpoint that covers it
                save_checkpoint(checkpoint, now.to_string());
                saved = std::move(now);
            }
        }
    }
    catch (const bls::error& e)
    {
        if (e.code() != bls::errc::end_of_stream)
            throw;
    }
    std::cout << "checkpoint " << saved.to_string() << '\n';
}

int main(int argc, char** argv)
{
    const char* synopsis = "checkpoint_resume CHECKPOINT_FILE [--stop-after N] [--non-blocking] [FILE:POS]";
    if (argc < 2)
        return sample::usage(synopsis);
    std::string checkpoint = argv[1];
    std::uint64_t stop_after = 0;
    bls::stream_options opts;
    opts.server_id = 4205;
    for (int i = 2; i < argc; ++i)
    {
        std::string_view arg = argv[i];
        if (arg == "--non-blocking")
            opts.blocking = false;
        else if (arg == "--stop-after" && i + 1 < argc)
        {
            auto n = sample::parse_number(argv[++i]);
            if (!n)
                return sample::usage(synopsis);
            stop_after = *n;
        }
        else if (auto pos = sample::parse_file_position(arg))
            opts.start = *pos;
        else
            return sample::usage(synopsis);
    }
    if (auto text = load_checkpoint(checkpoint))
    {
        std::error_code ec;
        auto saved = bls::stream_position::parse(*text, ec);
        if (ec)
        {
            std::cerr << "error: " << checkpoint << " is not a checkpoint: " << ec.message() << '\n';
            return 1;
        }
        opts.start = saved.resume(); // the GTID state when there is one, else the file position
        std::cout << "resuming from " << saved.to_string() << '\n';
    }

    asio::io_context io;
    int status = 0;
    asio::co_spawn(
        io,
        follow(sample::connection_from_env(), std::move(opts), checkpoint, stop_after),
        [&](std::exception_ptr e) { status = sample::report(e); }
    );
    io.run();
    return status;
}
