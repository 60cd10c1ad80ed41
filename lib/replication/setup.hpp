#pragma once

// What a replication session sends before COM_BINLOG_DUMP, chosen from the server's flavour and
// version (never by trial and error), and how a dump's ERR packet becomes an error code.

#include <binlogstream/error.hpp>
#include <binlogstream/position.hpp>
#include <binlogstream/stream_options.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace binlogstream::replication {

/// Parses "8.0.36-log", "10.11.6-MariaDB-0+deb12u1" into a comparable number (8000036, 10011006).
[[nodiscard]] std::uint32_t version_number(std::string_view version) noexcept;

/// The statement that reports the current binlog file and position: SHOW BINARY LOG STATUS on MySQL
/// 8.2.0+ (SHOW MASTER STATUS was removed in 8.4), SHOW BINLOG STATUS on MariaDB 10.5.2+, SHOW MASTER
/// STATUS elsewhere.
[[nodiscard]] std::string binlog_status_query(std::string_view server_version, bool mariadb);

/// The session variables a replica sets before the dump: the checksum it accepts (the server's own),
/// the heartbeat period, MariaDB's capability level and GTID start state, the replica UUID.
[[nodiscard]] std::vector<std::string>
session_setup(const stream_options& opts, bool mariadb, const start_position& start);

/// Turns an ERR packet (0xff, errno, '#', SQLSTATE, message) into a server error code + diagnostics.
void parse_dump_error(std::span<const std::byte> packet, std::error_code& ec, diagnostics& diag);

/// Quotes a string as an SQL literal ('it''s').
[[nodiscard]] std::string sql_quote(std::string_view text);

} // namespace binlogstream::replication
