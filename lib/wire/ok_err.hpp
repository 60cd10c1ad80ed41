#pragma once

// Generic response packets: OK (0x00, or 0xfe when it replaces EOF under CLIENT_DEPRECATE_EOF), ERR
// (0xff) and EOF (0xfe, < 9 bytes). Reference: MySQL source documentation "OK_Packet", "ERR_Packet",
// "EOF_Packet"; MariaDB knowledge base "OK_Packet" / "ERR_Packet".

#include <binlogstream/error.hpp>

#include <codec/byte_reader.hpp>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace binlogstream::wire {

using codec::bytes_view;

inline constexpr std::byte ok_header{0x00};
inline constexpr std::byte eof_header{0xfe};
inline constexpr std::byte err_header{0xff};

/// Views into the packet.
struct ok_packet
{
    std::uint64_t affected_rows = 0;
    std::uint64_t last_insert_id = 0;
    std::uint16_t status = 0;
    std::uint16_t warnings = 0;
    std::string_view info;
};

struct err_packet
{
    std::uint16_t code = 0;
    std::string_view sql_state; // empty when the server sent none (errors before capability exchange)
    std::string_view message;
};

struct eof_packet
{
    std::uint16_t warnings = 0;
    std::uint16_t status = 0;
};

/// Whether a packet is an EOF packet (or, under DEPRECATE_EOF, the OK packet that replaces it): 0xfe
/// and shorter than a frame, so that it cannot be a row whose first cell has an 8-byte length.
[[nodiscard]] bool is_eof_or_ok_fe(bytes_view payload, bool deprecate_eof) noexcept;

[[nodiscard]] std::error_code parse_ok(bytes_view payload, ok_packet& out) noexcept;
[[nodiscard]] std::error_code parse_err(bytes_view payload, err_packet& out) noexcept;
[[nodiscard]] std::error_code parse_eof(bytes_view payload, eof_packet& out) noexcept;

/// Turns an ERR packet into a server-category error code and fills `diag` with its SQLSTATE and
/// message. A malformed ERR packet gives `malformed_packet`/`truncated_event` instead.
[[nodiscard]] std::error_code server_error(bytes_view payload, diagnostics& diag);

} // namespace binlogstream::wire
