// GTID auto-position: start from a GTID state instead of a file position. The server sends every
// transaction the state does not contain, in whatever file it is, so a checkpoint kept as GTIDs also
// works against another server of the same replication topology (after a failover).
//
//   gtid_start [--non-blocking] GTID_STATE
//
// GTID_STATE is a MariaDB GTID position ("0-1-100,1-2-5", as @@gtid_binlog_pos prints it) or a
// MySQL GTID set ("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", as @@gtid_executed prints it).
// Connection settings: see sample_setup.hpp.

#include <binlogstream/binlogstream.hpp>

#include "row_text.hpp"
#include "sample_setup.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <iostream>
#include <string_view>

namespace bls = binlogstream;

asio::awaitable<void> follow(bls::connection_options conn, bls::stream_options opts)
{
    bls::binlog_stream stream(co_await asio::this_coro::executor, std::move(conn), std::move(opts));
    try
    {
        for (;;)
        {
            bls::event ev = co_await stream.next();
            if (auto* g = std::get_if<bls::mariadb_gtid_event>(&ev))
                std::cout << "gtid " << g->to_string() << '\n';
            else if (auto* m = std::get_if<bls::gtid_event>(&ev))
                std::cout << "gtid " << m->to_string() << '\n';
            else if (auto* w = std::get_if<bls::write_rows_event>(&ev))
                for (const auto& r : w->rows())
                    std::cout << "insert " << sample::table_text(*w) << ' ' << sample::row_text(r.after)
                              << '\n';
        }
    }
    catch (const bls::error& e)
    {
        if (e.code() != bls::errc::end_of_stream)
            throw;
    }
    // The GTID state now covers every transaction handed out: the checkpoint to resume from.
    auto pos = stream.position();
    if (pos.mariadb_gtids)
        std::cout << "state " << pos.mariadb_gtids->to_string() << '\n';
    else if (pos.gtids)
        std::cout << "state " << pos.gtids->to_string() << '\n';
}

int main(int argc, char** argv)
{
    const char* synopsis = "gtid_start [--non-blocking] GTID_STATE";
    bls::stream_options opts;
    opts.server_id = 4206;
    std::string_view state;
    for (int i = 1; i < argc; ++i)
    {
        std::string_view arg = argv[i];
        if (arg == "--non-blocking")
            opts.blocking = false;
        else
            state = arg;
    }
    if (state.empty())
        return sample::usage(synopsis);
    std::error_code ec;
    if (state.find(':') != std::string_view::npos) // a UUID: MySQL
        opts.start = bls::gtid_set::parse(state, ec);
    else
        opts.start = bls::mariadb_gtid_list::parse(state, ec);
    if (ec)
        return sample::usage(synopsis);

    asio::io_context io;
    int status = 0;
    asio::co_spawn(io, follow(sample::connection_from_env(), std::move(opts)), [&](std::exception_ptr e) {
        status = sample::report(e);
    });
    io.run();
    return status;
}
