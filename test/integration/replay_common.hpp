#pragma once

// Shared pieces of the replay-server tests (test/support/replay_server.hpp): paths of the shared
// MySQL binlogs, the key material, connection options for a replay server, and a driver that runs
// a coroutine on a fresh io_context.

#include <binlogstream/connection.hpp>
#include <binlogstream/stream.hpp>

#include "support/replay_server.hpp"
#include "support/test_keys.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace binlogstream::test {

/// A file of ../shared/testdata/binlogs.
inline std::string shared_binlog(const std::string& relative)
{
    return std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + relative;
}

// Files chosen from the MANIFEST: tagged GTIDs (MySQL 9.6.0), GTIDs + two TRANSACTION_PAYLOAD
// events (8.0.31), one TRANSACTION_PAYLOAD (8.0.32).
inline const std::string tagged_gtid_file =
    "rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001";
inline const std::string payload_gtid_file =
    "mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000057";
inline const std::string compressed_file =
    "rust_mysql_common/test-data/binlogs/transaction_compression.000001";

/// One RSA key pair + certificate per test process (generating one takes a fraction of a second).
inline const key_material& test_keys()
{
    static const key_material keys = make_key_material();
    return keys;
}

inline connection_options replay_connection(const replay_server& server, const std::string& password)
{
    connection_options c;
    c.host = "127.0.0.1";
    c.port = server.port();
    c.user = "repl";
    c.password = password;
    c.ssl = ssl_mode::disabled;
    c.connect_timeout = std::chrono::seconds(10);
    return c;
}

/// Runs `make()`'s coroutine on a fresh io_context; fails the test when it does not finish within
/// `limit` (a guard against hangs, not a timed assertion) or rethrows what it threw.
template <typename MakeAwaitable>
void run_replay(MakeAwaitable make, std::chrono::seconds limit = std::chrono::seconds(60))
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

} // namespace binlogstream::test
