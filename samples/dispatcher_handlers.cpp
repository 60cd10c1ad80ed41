// Per-event-type handlers with a dispatcher: plain functions for work without I/O, a coroutine
// where a handler waits for something (here a timer stands in for a write to another store).
// Only the registered types are delivered: registration is also the stream's event filter.
//
//   dispatcher_handlers [--non-blocking] [FILE:POS]
//
// Connection settings: see sample_setup.hpp.

#include <binlogstream/binlogstream.hpp>

#include "row_text.hpp"
#include "sample_setup.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string_view>

namespace bls = binlogstream;

asio::awaitable<void> follow(bls::connection_options conn, bls::stream_options opts)
{
    auto ex = co_await asio::this_coro::executor;
    bls::binlog_stream stream(ex, std::move(conn), std::move(opts));
    std::uint64_t changes = 0;
    asio::steady_timer store_latency(ex);

    bls::dispatcher d;
    d.on<bls::write_rows_event>([&](const bls::write_rows_event& e) {
         for (const auto& r : e.rows())
         {
             std::cout << "insert " << sample::table_text(e) << ' ' << sample::row_text(r.after) << '\n';
             ++changes;
         }
     })
        .on<bls::delete_rows_event>([&](const bls::delete_rows_event& e) {
            for (const auto& r : e.rows())
            {
                std::cout << "delete " << sample::table_text(e) << ' ' << sample::row_text(r.before) << '\n';
                ++changes;
            }
        })
        // A coroutine handler is awaited before the next event is read: order is kept, and a slow
        // handler slows the stream down instead of piling events up in memory.
        .on<bls::update_rows_event>([&](const bls::update_rows_event& e) -> asio::awaitable<void> {
            for (const auto& r : e.rows())
            {
                store_latency.expires_after(std::chrono::milliseconds(1));
                co_await store_latency.async_wait(asio::use_awaitable);
                std::cout << "update " << sample::table_text(e) << ' ' << sample::row_text(r.after) << '\n';
                ++changes;
            }
        })
        .on<bls::query_event>([](const bls::query_event& e) {
            if (e.query != "BEGIN" && e.query != "COMMIT") // DDL and statement-based changes
                std::cout << "query " << e.query << '\n';
        })
        .on<bls::xid_event>([](const bls::xid_event& e) { std::cout << "commit " << e.xid << '\n'; });

    co_await d.run(stream); // returns at the end of a non-blocking stream; throws bls::error otherwise
    std::cout << "changes " << changes << '\n';
}

int main(int argc, char** argv)
{
    bls::stream_options opts;
    opts.server_id = 4202;
    for (int i = 1; i < argc; ++i)
    {
        std::string_view arg = argv[i];
        if (arg == "--non-blocking")
            opts.blocking = false;
        else if (auto pos = sample::parse_file_position(arg))
            opts.start = *pos;
        else
            return sample::usage("dispatcher_handlers [--non-blocking] [FILE:POS]");
    }
    asio::io_context io;
    int status = 0;
    asio::co_spawn(io, follow(sample::connection_from_env(), std::move(opts)), [&](std::exception_ptr e) {
        status = sample::report(e);
    });
    io.run();
    return status;
}
