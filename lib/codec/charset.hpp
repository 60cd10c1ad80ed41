#pragma once

// Character sets of text columns: collation id -> charset, and conversion to UTF-8.
// Collation ids: MySQL's INFORMATION_SCHEMA.COLLATIONS (and MariaDB's, whose NO PAD collations are
// the PAD SPACE id + 1024 and whose UCA 14.0.0 collations start at 2048).

#include <binlogstream/error.hpp>
#include <binlogstream/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace binlogstream::codec {

enum class charset_kind : std::uint8_t
{
    unknown,
    binary,
    utf8mb3,
    utf8mb4,
    latin1, // decoded as Windows-1252, as the server does
    ascii,
    ucs2,
    utf16,
    utf16le,
    utf32,
    // Converted with the C library's iconv (glibc gconv modules); if a converter is unavailable at
    // run time the bytes are treated as UTF-8.
    latin2,
    cp1250,
    cp1251,
    cp1256,
    cp1257,
    cp850,
    cp852,
    cp866,
    koi8r,
    koi8u,
    greek,
    hebrew,
    latin5,
    latin7,
    armscii8,
    macce,
    macroman,
    tis620,
    big5,
    gb2312,
    gbk,
    gb18030,
    sjis,
    cp932,
    ujis,
    eucjpms,
    euckr,
};

[[nodiscard]] charset_kind charset_of(std::uint16_t collation) noexcept;

/// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). utf8mb3 data is
/// a subset, so one validator serves both.
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

/// Appends `bytes` (in `kind`) as UTF-8. Binary and unknown charsets are treated as UTF-8. Invalid sequences
/// give errc::invalid_text (strict; `out` may hold a partial result) or U+FFFD (replace).
std::error_code append_utf8(std::string& out, std::string_view bytes, charset_kind kind, text_errors policy);

/// Appends one code point as UTF-8.
void append_code_point(std::string& out, char32_t cp);

} // namespace binlogstream::codec
