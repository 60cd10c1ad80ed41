#pragma once

// CRC-32 (the ISO-HDLC/zlib polynomial, as the binlog's checksum uses), computed with carry-less
// multiplication (PCLMULQDQ) where the CPU has it, else with zlib's crc32.

#include <cstddef>
#include <cstdint>

namespace binlogstream::codec {

/// Continues a CRC-32 over `n` bytes at `p`, zlib's convention: crc32(0, ...) starts a new one, and
/// crc32(crc32(0, a), b) == crc32(0, a + b).
[[nodiscard]] std::uint32_t crc32(std::uint32_t crc, const void* p, std::size_t n) noexcept;

/// The same with zlib only (the reference the fast path is tested against).
[[nodiscard]] std::uint32_t crc32_zlib(std::uint32_t crc, const void* p, std::size_t n) noexcept;

} // namespace binlogstream::codec
