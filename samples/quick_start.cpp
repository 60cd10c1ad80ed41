#include <binlogstream/binlogstream.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <vector>

namespace bls = binlogstream;

asio::awaitable<void> print_inserts(bls::connection_options conn)
{
    bls::stream_options opts; // starts at the current end of the binlog
    opts.server_id = 4242;    // unique among the server's replicas
    opts.only_schemas = {"shop"};
    bls::binlog_stream stream(co_await asio::this_coro::executor, conn, opts);
    std::vector<bls::row_cell> cells;
    for (;;)
    {
        bls::event ev = co_await stream.next(); // throws bls::error (code + diagnostics)
        if (auto* w = std::get_if<bls::write_rows_event>(&ev))
        {
            for (const auto& row : w->rows())
            {
                bls::throw_if(row.after.cells(cells));
                for (const auto& c : cells)
                    if (auto* n = c.data.get_if<std::int64_t>())
                        std::cout << w->table->table << '.' << c.column->name << " = " << *n << '\n';
            }
        }
        else if (std::holds_alternative<bls::xid_event>(ev)) // a commit: the checkpoint moved past it
            std::cout << "checkpoint " << stream.position().to_string() << '\n';
    }
}

int main()
{
    bls::connection_options conn;
    conn.host = "127.0.0.1";
    conn.port = 3306;
    conn.user = "cdc";
    if (const char* password = std::getenv("CDC_PASSWORD"))
        conn.password = password;
    asio::io_context io;
    asio::co_spawn(io, print_inserts(conn), [](std::exception_ptr e) {
        try
        {
            if (e)
                std::rethrow_exception(e);
        }
        catch (const bls::error& err) // err.code(), and err.get_diagnostics() for the server's words
        {
            std::cerr << err.what() << '\n';
        }
    });
    io.run();
}
