#pragma once

// A replay server: a TEST DOUBLE of a MySQL 8.4 source, not a product. It listens on loopback,
// speaks the client/server protocol (handshake, caching_sha2_password, optional TLS, the text
// queries a replica sends, COM_REGISTER_SLAVE, COM_BINLOG_DUMP and COM_BINLOG_DUMP_GTID) and serves
// binlog files recorded by real MySQL servers (../shared/testdata/binlogs) as a dump thread would.
// It exists for the protocol paths the sandbox MariaDB cannot exercise; MariaDB remains the primary
// integration target. Every behaviour it imitates cites the MySQL source or documentation it
// follows (replay_server.cpp); what it simplifies is said there too.
//
// One thread runs its io_context; the tests run their client on their own io_context. What the
// server saw is kept in a `replay_record` the tests read after the client is done.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace binlogstream::test {

struct replay_options
{
    std::string version = "8.4.3";
    std::uint32_t server_id = 1;
    std::string user = "repl";
    std::string password;
    /// Whether the caching_sha2_password cache holds this account's hash (the fast path); a
    /// successful full authentication fills it, as on the real server.
    bool password_cached = true;
    /// TLS: offered when both are set (PEM text).
    std::string tls_certificate_pem;
    std::string tls_private_key_pem;
    /// caching_sha2_password's RSA key pair (PEM text); empty means the server has none.
    std::string rsa_private_key_pem;
    std::string rsa_public_key_pem;
    /// Recorded binlog files, served as binlog.000001, binlog.000002... in this order.
    std::vector<std::string> binlog_files;
    /// Executed_Gtid_Set of SHOW BINARY LOG STATUS.
    std::string executed_gtids;
    /// Hostile mode: after the client's first answer, switch it to this authentication plugin
    /// (e.g. "mysql_clear_password", which asks for the password in clear) and deny the login.
    std::string hostile_switch_to;
    /// Hostile mode: instead of the events, send one event packet of this many bytes (0: off).
    std::size_t oversized_event = 0;
    /// Hostile mode: record every query and never answer it; the link stays open.
    bool silent_queries = false;
    /// Hostile mode: answer every query with a one-column resultset of this many 100-byte rows,
    /// written one at a time (the server never holds them), until the client closes (0: off).
    std::uint64_t endless_rows = 0;
    /// Synthetic mode: instead of the files, stream one transaction of this many bytes of rows
    /// events, generated on the fly (0: off). See synthetic_transaction.hpp.
    std::uint64_t synthetic_transaction_bytes = 0;
    /// Synthetic mode: the transaction's events travel zstd-compressed in one TRANSACTION_PAYLOAD.
    bool synthetic_in_payload = false;
};

/// What the server saw and did, for the tests' assertions.
struct replay_record
{
    std::size_t connections = 0; ///< every login, the table cache's ctl connection included
    std::size_t dumps = 0;       ///< COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID requests
    std::vector<std::string> queries;
    std::vector<std::string> auth_paths; ///< per login: "fast", "full-tls", "full-rsa", "denied"...
    std::size_t public_key_requests = 0;
    std::size_t cleartext_without_tls = 0; ///< a password received in clear over plain TCP
    bool tls_used = false;
    std::uint8_t dump_command = 0;
    std::uint16_t dump_flags = 0;
    std::string dump_file;
    std::uint64_t dump_position = 0;
    std::string dump_gtids;      ///< the received encoded set, decoded by the server
    std::string dump_gtid_error; ///< why it did not decode, if it did not
    std::uint64_t heartbeat_period_ns = 0;
    std::size_t heartbeats_sent = 0;
    std::size_t events_sent = 0;
    std::size_t transactions_skipped = 0;
};

class replay_server
{
public:
    explicit replay_server(replay_options options);
    ~replay_server();
    replay_server(const replay_server&) = delete;
    replay_server& operator=(const replay_server&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept;
    /// A copy of what the server saw so far.
    [[nodiscard]] replay_record record() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace binlogstream::test
