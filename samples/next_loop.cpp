// The smallest consumer: a `co_await stream.next()` loop that prints every row change.
//
//   next_loop [--non-blocking] [FILE:POS]
//
// Starts at FILE:POS, or at the current end of the binlog. With --non-blocking it ends at the end of
// the binlog instead of waiting for new changes. Connection settings: see sample_setup.hpp.

#include <binlogstream/binlogstream.hpp>

#include "row_text.hpp"
#include "sample_setup.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <iostream>
#include <string_view>

namespace bls = binlogstream;

asio::awaitable<void> print_changes(bls::connection_options conn, bls::stream_options opts)
{
    bls::binlog_stream stream(co_await asio::this_coro::executor, std::move(conn), std::move(opts));
    try
    {
        for (;;)
        {
            bls::event ev = co_await stream.next(); // throws bls::error (code + diagnostics)
            if (auto* w = std::get_if<bls::write_rows_event>(&ev))
            {
                for (const auto& r : w->rows())
                    std::cout << "insert " << sample::table_text(*w) << ' ' << sample::row_text(r.after)
                              << '\n';
            }
            else if (auto* u = std::get_if<bls::update_rows_event>(&ev))
            {
                for (const auto& r : u->rows())
                    std::cout << "update " << sample::table_text(*u) << ' ' << sample::row_text(r.before)
                              << " -> " << sample::row_text(r.after) << '\n';
            }
            else if (auto* d = std::get_if<bls::delete_rows_event>(&ev))
            {
                for (const auto& r : d->rows())
                    std::cout << "delete " << sample::table_text(*d) << ' ' << sample::row_text(r.before)
                              << '\n';
            }
        }
    }
    catch (const bls::error& e)
    {
        if (e.code() != bls::errc::end_of_stream) // the normal end of a non-blocking stream
            throw;
    }
    std::cout << "end at " << stream.position().to_string() << '\n';
}

int main(int argc, char** argv)
{
    bls::stream_options opts;
    opts.server_id = 4201; // unique among the server's replicas
    for (int i = 1; i < argc; ++i)
    {
        std::string_view arg = argv[i];
        if (arg == "--non-blocking")
            opts.blocking = false;
        else if (auto pos = sample::parse_file_position(arg))
            opts.start = *pos;
        else
            return sample::usage("next_loop [--non-blocking] [FILE:POS]");
    }
    asio::io_context io;
    int status = 0;
    asio::co_spawn(
        io,
        print_changes(sample::connection_from_env(), std::move(opts)),
        [&](std::exception_ptr e) { status = sample::report(e); }
    );
    io.run();
    return status;
}
