#pragma once

// Shared pieces of the connection integration tests: options for the sandbox accounts and a runner
// that puts every coroutine test under a time limit.

#include <binlogstream/connection.hpp>

#include "common/sandbox.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace binlogstream::test {

inline connection_options sandbox_options()
{
    const auto& sb = sandbox();
    connection_options o;
    o.host = sb.host;
    o.port = sb.port;
    o.user = sb.user;
    o.password = sb.password;
    o.connect_timeout = std::chrono::seconds(10);
    return o;
}

/// Runs `test` (a coroutine taking no captures) on a fresh io_context; fails if it has not finished
/// within `limit`, so that a hang is a failure, never a stuck run.
template <typename Awaitable>
void run_with_limit(Awaitable test, std::chrono::seconds limit = std::chrono::seconds(30))
{
    asio::io_context io;
    bool finished = false;
    std::exception_ptr error;
    asio::co_spawn(io, std::move(test), [&](std::exception_ptr e) {
        finished = true;
        error = e;
    });
    io.run_for(limit);
    BOOST_TEST_REQUIRE(finished, "the test coroutine did not finish within " << limit.count() << " s");
    if (error)
        std::rethrow_exception(error);
}

} // namespace binlogstream::test
