// Embedding a stream in an Asio server: one io_context on one thread runs the replication stream
// and a tiny HTTP/1.1 server side by side. GET /status answers, while the stream runs, with the
// checkpoint position, counters and the lag behind the server as JSON:
//
//   {"position":{"file":"mysql-bin.000003","pos":1234},"events":12,"rows":40,"lag_seconds":0}
//
//   http_status [--http-port N] [FILE:POS]
//
// Prints "listening on 127.0.0.1:PORT" once the server is up (port 0, the default, lets the system
// choose) and stops cleanly on SIGINT or SIGTERM. Connection settings: see sample_setup.hpp.

#include <binlogstream/binlogstream.hpp>

#include "sample_setup.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/signal_set.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace bls = binlogstream;
constexpr auto as_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// What the server reports; written by the stream's coroutine, read by the HTTP handlers. Both run on
// the one thread of the io_context, so no lock is needed.
struct progress
{
    std::string position;              // stream_position::to_string(): a JSON object
    std::uint64_t events = 0;          // events received, heartbeats not counted
    std::uint64_t rows = 0;            // row changes received
    std::uint32_t last_event_time = 0; // binlog timestamp of the last event, 0 before any
    bool caught_up = false;            // the last thing received was a heartbeat: nothing newer yet
};

asio::awaitable<void> consume(bls::binlog_stream& stream, progress& p)
{
    for (;;)
    {
        bls::event ev = co_await stream.next();
        p.caught_up = std::holds_alternative<bls::heartbeat_event>(ev);
        if (!p.caught_up)
        {
            ++p.events;
            if (auto t = bls::header_of(ev).timestamp)
                p.last_event_time = t;
        }
        std::visit(
            [&](const auto& e) {
                if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
                {
                    std::size_t n = 0;
                    if (!e.count_rows(n))
                        p.rows += n;
                }
            },
            ev
        );
        p.position = stream.position().to_string();
    }
}

// Seconds behind the server, as replicas report it: the age of the last event read, or 0 when the
// server has nothing newer (it sends heartbeats when idle).
std::string lag_json(const progress& p)
{
    if (p.last_event_time == 0)
        return "null";
    if (p.caught_up)
        return "0";
    auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    return std::to_string(std::max<std::int64_t>(0, now.count() - p.last_event_time));
}

// One request per connection (Connection: close) keeps the responder tiny.
asio::awaitable<void> answer(asio::ip::tcp::socket socket, const progress& p)
{
    std::string request;
    auto [ec, n] =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(request, 8192), "\r\n\r\n", as_tuple);
    if (ec)
        co_return;
    std::string status = "200 OK";
    std::string body;
    if (request.starts_with("GET /status "))
        body = "{\"position\":" + p.position + ",\"events\":" + std::to_string(p.events) +
               ",\"rows\":" + std::to_string(p.rows) + ",\"lag_seconds\":" + lag_json(p) + "}";
    else
    {
        status = "404 Not Found";
        body = "{\"error\":\"only GET /status is served\"}";
    }
    std::string response = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    co_await asio::async_write(socket, asio::buffer(response), as_tuple);
}

asio::awaitable<void> serve(asio::ip::tcp::acceptor& acceptor, const progress& p)
{
    for (;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(as_tuple);
        if (ec)
            co_return; // the acceptor was closed: shutting down
        asio::co_spawn(acceptor.get_executor(), answer(std::move(socket), p), asio::detached);
    }
}

int main(int argc, char** argv)
{
    const char* synopsis = "http_status [--http-port N] [FILE:POS]";
    std::uint16_t http_port = 0;
    bls::stream_options opts;
    opts.server_id = 4203;
    // Heartbeats tell "caught up" from "stuck": ask for one per second and have them delivered.
    opts.heartbeat = std::chrono::seconds(1);
    opts.events.insert(bls::event_type::heartbeat);
    opts.events.insert(bls::event_type::heartbeat_v2);
    for (int i = 1; i < argc; ++i)
    {
        std::string_view arg = argv[i];
        if (arg == "--http-port" && i + 1 < argc)
        {
            auto n = sample::parse_number(argv[++i]);
            if (!n || *n > 65535)
                return sample::usage(synopsis);
            http_port = static_cast<std::uint16_t>(*n);
        }
        else if (auto pos = sample::parse_file_position(arg))
            opts.start = *pos;
        else
            return sample::usage(synopsis);
    }

    asio::io_context io; // one thread runs everything below
    bls::binlog_stream stream(io.get_executor(), sample::connection_from_env(), std::move(opts));
    asio::ip::tcp::acceptor acceptor(io);
    const asio::ip::tcp::endpoint at{asio::ip::make_address_v4("127.0.0.1"), http_port};
    std::error_code ec;
    if (acceptor.open(at.protocol(), ec); !ec)
        if (acceptor.bind(at, ec); !ec)
            acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
    {
        std::cerr << "error: cannot listen on " << at << ": " << ec.message() << '\n';
        return 1;
    }
    std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;

    progress p; // outlives io.run(), so every handler may refer to it
    p.position = stream.position().to_string();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](std::error_code cancelled, int) {
        if (!cancelled)
            stream.close(); // the pending next() completes with operation_aborted
    });
    int status = 0;
    asio::co_spawn(io, consume(stream, p), [&](std::exception_ptr e) {
        try
        {
            if (e)
                std::rethrow_exception(e);
        }
        catch (const bls::error& err)
        {
            if (err.code() != asio::error::operation_aborted) // not closed by a signal: a failure
                status = sample::report(e);
        }
        catch (...)
        {
            status = sample::report(e);
        }
        signals.cancel();
        acceptor.close();
    });
    asio::co_spawn(io, serve(acceptor, p), asio::detached);
    io.run();
    std::cout << "stopped at " << p.position << std::endl;
    return status;
}
