#pragma once

// The server's side of the client/server protocol, for the replay server (a test double): the
// packets a MySQL 8.4 server writes (HandshakeV10, OK, ERR, EOF, text resultsets, AuthMoreData) and
// the client packets it reads (SSLRequest / HandshakeResponse41, the dump commands, the encoded GTID
// set). lib/wire only has the client's half; the small integer writers (put_u8, put_lenenc...) are
// reused from there. References are cited per function.

#include <codec/byte_reader.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::test::replay {

using bytes = std::vector<std::byte>;
using codec::bytes_view;

/// What goes into HandshakeV10.
struct server_greeting
{
    std::string version;
    std::uint32_t connection_id = 0;
    bytes scramble; ///< 20 bytes
    std::uint32_t capabilities = 0;
    std::uint8_t charset = 255; ///< utf8mb4_0900_ai_ci, MySQL 8.0+'s default
    std::string auth_plugin;
};

/// Capabilities MySQL 8.4 announces (CLIENT_SSL added when TLS is configured). Reference: MySQL
/// source documentation, "Capabilities Flags"; a MySQL 8.4 server without TLS sets every flag of
/// `CLIENT_ALL_FLAGS` except CLIENT_SSL, CLIENT_SSL_VERIFY_SERVER_CERT, CLIENT_REMEMBER_OPTIONS,
/// CLIENT_COMPRESS/ZSTD (not configured here).
[[nodiscard]] std::uint32_t mysql84_capabilities(bool tls);

/// Protocol::HandshakeV10 (MySQL source documentation page_protocol_connection_phase_packets_
/// protocol_handshake_v10; written by sql/auth/sql_authentication.cc send_server_handshake_packet).
[[nodiscard]] bytes write_handshake(const server_greeting& g);

/// OK_Packet with the 0x00 header (or 0xfe when it ends a resultset under CLIENT_DEPRECATE_EOF).
[[nodiscard]] bytes write_ok(std::uint16_t status = 0x0002, bool eof_header = false);
/// ERR_Packet (with the SQLSTATE marker, CLIENT_PROTOCOL_41).
[[nodiscard]] bytes write_err(std::uint16_t code, std::string_view sql_state, std::string_view message);
/// EOF_Packet (only without CLIENT_DEPRECATE_EOF).
[[nodiscard]] bytes write_eof(std::uint16_t status = 0x0002);
/// Protocol::AuthMoreData: 0x01 then the plugin's bytes.
[[nodiscard]] bytes write_auth_more_data(bytes_view data);

/// A text resultset as the packets that carry it, in order (MySQL source documentation,
/// page_protocol_com_query_response_text_resultset): column count, one ColumnDefinition41 per
/// column (all VAR_STRING, utf8mb4), EOF unless DEPRECATE_EOF, one ResultsetRow per row (NULL as
/// 0xfb), then EOF or the 0xfe OK.
[[nodiscard]] std::vector<bytes> write_text_resultset(
    const std::vector<std::string>& columns,
    const std::vector<std::vector<std::optional<std::string>>>& rows,
    bool deprecate_eof
);

/// HandshakeResponse41 (or the SSLRequest prefix, which is its first 32 bytes).
struct client_response
{
    std::uint32_t capabilities = 0;
    std::uint32_t max_packet_size = 0;
    std::uint8_t charset = 0;
    bool ssl_request = false; ///< only the 32-byte prefix with CLIENT_SSL was sent
    std::string user;
    bytes auth_response;
    std::string database;
    std::string auth_plugin;
};
[[nodiscard]] std::error_code parse_client_response(bytes_view payload, client_response& out);

/// COM_BINLOG_DUMP (0x12) and COM_BINLOG_DUMP_GTID (0x1e) requests (MySQL source documentation
/// page_protocol_com_binlog_dump / page_protocol_com_binlog_dump_gtid).
struct dump_request
{
    std::uint8_t command = 0;
    std::uint16_t flags = 0;
    std::uint32_t server_id = 0;
    std::string file;
    std::uint64_t position = 0;
    bytes gtid_data; ///< only for COM_BINLOG_DUMP_GTID with BINLOG_THROUGH_GTID
};
[[nodiscard]] std::error_code parse_dump_request(bytes_view payload, dump_request& out);

/// One GTID interval set per (uuid, tag): [start, end) intervals as MySQL encodes them.
struct gtid_source_intervals
{
    std::string uuid; ///< canonical text, lower case
    std::string tag;  ///< empty when untagged
    std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
};
/// Decodes Gtid_set::encode's output, untagged (v0) and tagged (v1) formats (MySQL source
/// documentation "Library: Gtids", mysql::gtids Gtid_set binary formats; "Library: Serialization"
/// for the tag length's variable-length integer). Written for the replay server independently of
/// lib/replication/gtid_encoding.cpp, so that the client's encoder is checked against a second
/// reading of the format.
[[nodiscard]] std::error_code decode_gtid_set(bytes_view data, std::vector<gtid_source_intervals>& out);
/// "uuid:1-5:tag:3,uuid2:7" in the order decoded (MySQL's text form, sources in encoded order).
[[nodiscard]] std::string gtid_set_text(const std::vector<gtid_source_intervals>& set);
/// Whether (uuid, tag, gno) is in the set.
[[nodiscard]] bool gtid_set_contains(
    const std::vector<gtid_source_intervals>& set,
    std::string_view uuid,
    std::string_view tag,
    std::int64_t gno
);

/// The canonical text of 16 UUID bytes.
[[nodiscard]] std::string uuid_text(bytes_view b);

} // namespace binlogstream::test::replay
