#pragma once

// The sandbox MariaDB (scripts/sandbox) as the integration tests see it. sandbox() starts it when it is
// not running and stops at process exit only what it started. Under CI=true a sandbox that fails to
// start fails the run; tests never skip for lack of a server.

#include <cstdint>
#include <string>

namespace binlogstream::test {

struct sandbox_info
{
    std::string host;
    std::uint16_t port = 0;
    std::string socket;
    std::string datadir;          // the main instance's datadir (binlog files live here)
    std::uint16_t plain_port = 0; // a second server WITHOUT TLS
    std::string ssl_ca;           // the CA that signed the server certificate (SAN DNS:localhost)
    std::string other_ca;         // a CA that signed nothing the server has
    std::string client_cert, client_key;
    std::string user, password;                 // replication user (mysql_native_password)
    std::string admin_user, admin_password;     // ALL PRIVILEGES
    std::string ed25519_user, ed25519_password; // empty if the plugin is unavailable
    std::string tls_user, tls_password;         // REQUIRE SSL
};

/// The running sandbox (started on first use).
const sandbox_info& sandbox();

/// The pid of the main or the plain instance (from its pid file), or 0.
int server_pid(bool plain = false);

/// Starts whichever instance is not running (after a test killed one), and waits until it answers.
void restart_servers();
inline void restart_plain_server()
{
    restart_servers();
}
inline std::string plain_server_pid()
{
    return std::to_string(server_pid(true));
}

/// Runs SQL on the main instance as the sandbox admin through the mariadb client; returns its stdout
/// (tab-separated, no column names). Throws std::runtime_error when the client fails.
std::string admin_sql(const std::string& sql);

/// Runs a shell command and returns its stdout; throws std::runtime_error on a non-zero exit.
std::string run_command(const std::string& command);

} // namespace binlogstream::test
