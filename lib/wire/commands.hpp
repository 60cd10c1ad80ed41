#pragma once

// Text-protocol commands (a command byte and its arguments; the framing adds the header with sequence
// id 0). Reference: MySQL source documentation "COM_QUERY", "COM_PING", "COM_QUIT".

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace binlogstream::wire {

inline constexpr std::uint8_t com_quit = 0x01;
inline constexpr std::uint8_t com_query = 0x03;
inline constexpr std::uint8_t com_ping = 0x0e;

/// Appends a COM_QUERY payload: 0x03 then the SQL text (no query attributes: CLIENT_QUERY_ATTRIBUTES is
/// never negotiated).
void serialize_query(std::string_view sql, std::vector<std::byte>& out);
/// Appends the one-byte COM_PING payload; the server answers OK.
void serialize_ping(std::vector<std::byte>& out);
/// Appends the one-byte COM_QUIT payload; the server closes the connection (or answers ERR).
void serialize_quit(std::vector<std::byte>& out);

} // namespace binlogstream::wire
