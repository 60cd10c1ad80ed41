#pragma once

// Serializers for the commands that start replication: COM_REGISTER_SLAVE, COM_BINLOG_DUMP and
// COM_BINLOG_DUMP_GTID. Each appends one command payload (command byte first, no packet header:
// the packet framing adds the 4-byte header) to `out`.
//
// Layouts:
// * MySQL source documentation, "Binlog Dump Commands" (page_protocol_com_binlog_dump,
//   com_binlog_dump_gtid) and "COM_REGISTER_REPLICA" (page_protocol_com_register_replica);
// * MariaDB KB "COM_REGISTER_SLAVE" and "COM_BINLOG_DUMP" (with captured byte examples, used as
//   test vectors in test/unit/wire/replication_commands.cpp).

#include <binlogstream/error.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::wire {

inline constexpr std::uint8_t com_binlog_dump = 0x12;
inline constexpr std::uint8_t com_register_slave = 0x15;
inline constexpr std::uint8_t com_binlog_dump_gtid = 0x1e;

/// Flags of COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID.
namespace binlog_dump_flags {
/// Send an EOF packet at the end of the binlog instead of waiting for new events.
inline constexpr std::uint16_t non_block = 0x01;
/// MariaDB: also send ANNOTATE_ROWS events (the SQL text of row events). COM_BINLOG_DUMP only.
inline constexpr std::uint16_t mariadb_send_annotate_rows = 0x02;
/// MySQL >= 8.0.26: send HEARTBEAT_LOG_EVENT_V2 rather than v1 (USE_HEARTBEAT_EVENT_V2, include/mysql.h).
inline constexpr std::uint16_t mysql_heartbeat_v2 = 0x02;
/// MySQL COM_BINLOG_DUMP_GTID: honour the file name and position (BINLOG_THROUGH_POSITION; the same
/// bit as mysql_heartbeat_v2, which the 8.0.26+ server reads it as).
inline constexpr std::uint16_t through_position = 0x02;
/// MySQL COM_BINLOG_DUMP_GTID: the request carries a GTID set (BINLOG_THROUGH_GTID).
inline constexpr std::uint16_t through_gtid = 0x04;
} // namespace binlog_dump_flags

/// COM_REGISTER_SLAVE: announces the replica (what SHOW REPLICAS lists).
struct register_replica_command
{
    std::uint32_t server_id = 0;
    std::string_view host{};     ///< report_host, at most 255 bytes
    std::string_view user{};     ///< report_user, at most 255 bytes
    std::string_view password{}; ///< report_password, at most 255 bytes
    std::uint16_t port = 0;      ///< report_port
    std::uint32_t replication_rank = 0;
    std::uint32_t master_id = 0;
};

/// COM_BINLOG_DUMP: stream from a file position (MySQL), or from the GTID state set with
/// `@slave_connect_state` (MariaDB).
struct binlog_dump_command
{
    std::uint32_t position = 4;
    std::uint16_t flags = 0;
    std::uint32_t server_id = 0;
    std::string_view file{}; ///< sent to the end of the packet, without terminator
};

/// COM_BINLOG_DUMP_GTID (MySQL >= 5.6): stream every transaction not in the encoded GTID set.
struct binlog_dump_gtid_command
{
    std::uint16_t flags = 0;
    std::uint32_t server_id = 0;
    std::string_view file{}; ///< usually empty with auto-positioning
    std::uint64_t position = 4;
    std::span<const std::byte> gtid_data{}; ///< `gtid_set::encode()`
};

/// Appends the payload. Errors: `errc::invalid_argument` when a string is longer than its 1-byte
/// length prefix allows (nothing is appended then).
[[nodiscard]] std::error_code serialize(const register_replica_command& cmd, std::vector<std::byte>& out);

/// Appends the payload. Never fails.
[[nodiscard]] std::error_code serialize(const binlog_dump_command& cmd, std::vector<std::byte>& out);

/// Appends the payload. Errors: `errc::invalid_argument` when the file name or the GTID data do not
/// fit their 4-byte length fields.
[[nodiscard]] std::error_code serialize(const binlog_dump_gtid_command& cmd, std::vector<std::byte>& out);

} // namespace binlogstream::wire
