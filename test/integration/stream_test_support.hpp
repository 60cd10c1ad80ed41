#pragma once

// Shared pieces of the stream integration tests: connection options for the sandbox, running a
// coroutine under a timeout, and rendering row images to JSON text with the dump contract.

#include <binlogstream/stream.hpp>

#include "codec/value_json.hpp"
#include "common/sandbox.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <map>
#include <string>

namespace binlogstream::test {

inline connection_options sandbox_connection()
{
    const auto& s = sandbox();
    connection_options c;
    c.host = s.host;
    c.port = s.port;
    c.user = s.user;
    c.password = s.password;
    c.ssl = ssl_mode::disabled;
    c.connect_timeout = std::chrono::seconds(5);
    return c;
}

/// A loopback port nothing listens on (bound, then closed): connecting there is refused.
inline std::uint16_t closed_port()
{
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

/// The current end of the binlog.
inline file_position current_binlog_position()
{
    auto line = admin_sql("SHOW MASTER STATUS");
    auto tab = line.find('\t');
    auto tab2 = line.find('\t', tab + 1);
    return {line.substr(0, tab), std::stoull(line.substr(tab + 1, tab2 - tab - 1))};
}

/// Runs `make()`'s coroutine on a fresh io_context; fails the test when it does not finish within
/// `limit` or throws.
template <typename MakeAwaitable>
void run_coroutine(MakeAwaitable make, std::chrono::seconds limit = std::chrono::seconds(60))
{
    asio::io_context io;
    bool done = false;
    std::exception_ptr failure;
    asio::co_spawn(io, make(), [&](std::exception_ptr e) {
        done = true;
        failure = e;
    });
    io.run_for(limit);
    BOOST_REQUIRE_MESSAGE(done, "coroutine did not finish within " << limit.count() << " s");
    if (failure)
        std::rethrow_exception(failure);
}

/// column name -> JSON text of the value, for one row image.
inline std::map<std::string, std::string> image_json(const row_image& image)
{
    std::map<std::string, std::string> out;
    std::vector<row_cell> cells;
    auto ec = image.cells(cells);
    BOOST_REQUIRE_MESSAGE(!ec, "row image: " << ec.message());
    for (const auto& c : cells)
    {
        std::string text;
        codec::append_json(text, c.data, *c.column);
        out[c.column->name] = text;
    }
    return out;
}

} // namespace binlogstream::test
