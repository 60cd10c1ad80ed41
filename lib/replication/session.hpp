#pragma once

// The sans-IO replication session (STYLE.md 2.2): what to send to start a binlog dump on a MySQL or
// MariaDB server, and how to read the packets of the dump stream. It never touches a socket; the
// driver (lib/replication driver coroutines) performs each action and feeds the outcome back.
//
// Sequence, one `action` at a time:
//   start()                      -> run_query (setup statements, one by one)
//   on_query_done(ec, diag)      -> run_query ... | run_query{current_position} | send_command{register}
//   on_current_position(...)     -> send_command{register}        (only for start_at_current)
//   on_packet(reply to register) -> send_command{dump, stream follows}
//   on_packet(stream packet)     -> deliver_event | stream_end | session_error
// After deliver_event the driver reads the next packet and calls on_packet again. A session is
// single-use: a reconnect builds a new one from the position tracker's restart point.
//
// References: MariaDB KB "5-Slave Registration" (the statements a MariaDB replica runs, in this
// order), "COM_BINLOG_DUMP", "COM_REGISTER_SLAVE"; MySQL manual "SHOW BINARY LOG STATUS" (8.2.0+;
// SHOW MASTER STATUS was deprecated in 8.2.0 and removed in 8.4) and MariaDB "SHOW BINLOG STATUS"
// (10.5.2+); MySQL source docs "Binlog Dump Commands".

#include <binlogstream/error.hpp>
#include <binlogstream/position.hpp>

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace binlogstream::replication {

enum class server_kind : std::uint8_t
{
    mysql,
    mariadb,
};

struct server_version
{
    unsigned major = 0;
    unsigned minor = 0;
    unsigned patch = 0;
    friend bool operator==(const server_version&, const server_version&) = default;
    friend auto operator<=>(const server_version&, const server_version&) = default;
};

/// Whether a handshake server-version string names MariaDB ("5.5.5-10.11.6-MariaDB-log").
[[nodiscard]] server_kind detect_server_kind(std::string_view version_text) noexcept;

/// Parses the leading "major.minor.patch" of a handshake version string; MariaDB's "5.5.5-"
/// replication-compatibility prefix is skipped. Missing parts read as 0.
[[nodiscard]] server_version parse_server_version(std::string_view version_text) noexcept;

/// The statement that reports the current binlog file and position, chosen from the version:
/// MySQL >= 8.2.0 "SHOW BINARY LOG STATUS", MariaDB >= 10.5.2 "SHOW BINLOG STATUS", else
/// "SHOW MASTER STATUS". The first row's columns are File, Position (and on MySQL, after
/// Binlog_Do_DB and Binlog_Ignore_DB, Executed_Gtid_Set).
[[nodiscard]] std::string_view current_position_query(server_kind kind, server_version version) noexcept;

struct session_config
{
    server_kind kind = server_kind::mysql;
    server_version version{};
    std::uint32_t server_id = 0;
    start_position start = start_at_current{};
    bool blocking = true;
    /// 0: do not ask for heartbeats.
    std::chrono::nanoseconds heartbeat_period{0};
    /// MySQL: reported as @slave_uuid / @replica_uuid (SHOW REPLICAS). Must be a UUID.
    std::optional<std::string> replica_uuid;
    std::string report_host;
    std::string report_user;
    std::string report_password;
    std::uint16_t report_port = 0;
    /// MariaDB: ask for ANNOTATE_ROWS events.
    bool mariadb_annotate_rows = false;
};

/// Run a text query. `setup` statements only need to succeed; `current_position` needs the first
/// row of its result fed to `on_current_position`.
struct run_query
{
    enum class purpose : std::uint8_t
    {
        setup,
        current_position,
    };
    std::string sql;
    purpose kind = purpose::setup;
    friend bool operator==(const run_query&, const run_query&) = default;
};

/// Write one command packet (payload, sequence number 0). `expects_reply`: an OK/ERR reply follows
/// (COM_REGISTER_SLAVE); otherwise the dump stream follows.
struct send_command
{
    std::vector<std::byte> payload;
    bool expects_reply = false;
    friend bool operator==(const send_command&, const send_command&) = default;
};

/// An event of the dump stream: the bytes after the packet's 0x00 status byte (event header first),
/// a view into the packet given to on_packet.
struct deliver_event
{
    std::span<const std::byte> event;
};

/// A non-blocking dump reached the end of the binlog (EOF packet).
struct stream_end
{
    friend bool operator==(const stream_end&, const stream_end&) = default;
};

/// The session failed: a server error (server category, with diagnostics) or a client error.
struct session_error
{
    std::error_code ec;
    diagnostics diag;
};

using action = std::variant<run_query, send_command, deliver_event, stream_end, session_error>;

/// What a dump-stream packet is.
struct stream_packet
{
    enum class kind : std::uint8_t
    {
        event,
        end_of_stream,
        error,
    };
    kind type = kind::event;
    std::span<const std::byte> event; ///< for `event`
    std::error_code ec;               ///< for `error`: server category (errno), or a client errc
    diagnostics diag;                 ///< for `error`: SQLSTATE and message
};

/// Classifies one dump-stream packet payload: 0x00 + event, 0xfe EOF (end of a non-blocking dump),
/// 0xff ERR (errno, '#', SQLSTATE, message). Errors: `errc::malformed_packet` (empty packet,
/// truncated ERR), `errc::unexpected_packet` (any other first byte).
[[nodiscard]] stream_packet classify_stream_packet(std::span<const std::byte> packet);

class session
{
public:
    enum class state : std::uint8_t
    {
        idle,
        setup,
        current_position,
        registering,
        streaming,
        done,
    };

    explicit session(session_config config);

    /// The first action: the first setup statement, or a session_error for an invalid
    /// configuration (a start position of the other server kind, a bad replica UUID, a file offset
    /// beyond 4 GiB for COM_BINLOG_DUMP, report strings over 255 bytes).
    [[nodiscard]] action start();
    /// The outcome of the last run_query{setup}.
    [[nodiscard]] action on_query_done(std::error_code ec, const diagnostics& diag = {});
    /// The first row of the current-position query: File, Position, and (MySQL, may be empty)
    /// Executed_Gtid_Set. An empty `file` means the query returned no row (binary logging off).
    [[nodiscard]] action
    on_current_position(std::string_view file, std::uint64_t position, std::string_view executed_gtids = {});
    /// A packet: the reply to COM_REGISTER_SLAVE, then each packet of the dump stream.
    [[nodiscard]] action on_packet(std::span<const std::byte> packet);

    [[nodiscard]] state current_state() const noexcept { return state_; }
    /// Where the stream starts, for the position tracker; known once the dump command was produced.
    [[nodiscard]] const stream_position& initial_position() const noexcept { return initial_; }

private:
    action fail(std::error_code ec, std::string_view client_message = {});
    action after_setup();
    action make_register();
    action make_dump();

    session_config config_;
    state state_ = state::idle;
    std::vector<run_query> setup_;
    std::size_t next_setup_ = 0;
    stream_position initial_;
};

} // namespace binlogstream::replication
