#include "codec/charset.hpp"

#include <array>

namespace binlogstream::codec {
namespace {

constexpr char32_t replacement = 0xFFFD;

// Windows-1252 0x80-0x9F (the server's latin1 is cp1252); 0 marks the five undefined bytes, which the
// server maps to the C1 controls of the same value.
constexpr std::array<char16_t, 32> cp1252_high{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 if invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) noexcept
{
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80)
    {
        cp = b0;
        return 1;
    }
    std::size_t n = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0)
    {
        n = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    }
    else if ((b0 & 0xF0) == 0xE0)
    {
        n = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    }
    else if ((b0 & 0xF8) == 0xF0)
    {
        n = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    }
    else
    {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k)
    {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool emit_invalid(std::string& out, text_errors policy)
{
    if (policy == text_errors::strict)
        return false;
    append_code_point(out, replacement);
    return true;
}

std::error_code from_utf8(std::string& out, std::string_view s, text_errors policy)
{
    std::size_t i = 0;
    while (i < s.size())
    {
        // Copy ASCII runs at once.
        auto start = i;
        while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80)
            ++i;
        out.append(s.substr(start, i - start));
        if (i == s.size())
            break;
        char32_t cp = 0;
        auto n = utf8_sequence(s, i, cp);
        if (n == 0)
        {
            if (!emit_invalid(out, policy))
                return make_error_code(errc::invalid_text);
            ++i;
            continue;
        }
        out.append(s.substr(i, n));
        i += n;
    }
    return {};
}

std::error_code from_utf16(std::string& out, std::string_view s, bool little_endian, text_errors policy)
{
    auto unit = [&](std::size_t i) {
        auto a = static_cast<unsigned char>(s[i]);
        auto b = static_cast<unsigned char>(s[i + 1]);
        return little_endian ? char32_t(a | (b << 8)) : char32_t((a << 8) | b);
    };
    std::size_t i = 0;
    for (; i + 1 < s.size(); i += 2)
    {
        char32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < s.size())
        {
            char32_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF)
            {
                append_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
        {
            if (!emit_invalid(out, policy))
                return make_error_code(errc::invalid_text);
            continue;
        }
        append_code_point(out, u);
    }
    if (i != s.size() && !emit_invalid(out, policy))
        return make_error_code(errc::invalid_text);
    return {};
}

std::error_code from_utf32(std::string& out, std::string_view s, text_errors policy)
{
    std::size_t i = 0;
    for (; i + 3 < s.size(); i += 4)
    {
        char32_t cp = 0;
        for (std::size_t k = 0; k < 4; ++k)
            cp = (cp << 8) | static_cast<unsigned char>(s[i + k]);
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        {
            if (!emit_invalid(out, policy))
                return make_error_code(errc::invalid_text);
            continue;
        }
        append_code_point(out, cp);
    }
    if (i != s.size() && !emit_invalid(out, policy))
        return make_error_code(errc::invalid_text);
    return {};
}

} // namespace

charset_kind charset_of(std::uint16_t collation) noexcept
{
    // MariaDB NO PAD collations mirror the PAD SPACE ones at +1024.
    if (collation >= 1024 && collation < 2048)
        collation = std::uint16_t(collation - 1024);
    // MariaDB UCA 14.0.0 collations, one block of 256 ids per charset.
    if (collation >= 2048 && collation < 2304)
        return charset_kind::utf8mb3;
    if (collation >= 2304 && collation < 2560)
        return charset_kind::utf8mb4;
    if (collation >= 2560 && collation < 2816)
        return charset_kind::ucs2;
    if (collation >= 2816 && collation < 3072)
        return charset_kind::utf16;
    if (collation >= 3072 && collation < 3328)
        return charset_kind::utf32;
    switch (collation)
    {
        case 63:
            return charset_kind::binary;
        case 33:
        case 76:
        case 83:
        case 223:
            return charset_kind::utf8mb3;
        case 45:
        case 46:
            return charset_kind::utf8mb4;
        case 5:
        case 8:
        case 15:
        case 31:
        case 47:
        case 48:
        case 49:
        case 94:
            return charset_kind::latin1;
        case 11:
        case 65:
            return charset_kind::ascii;
        case 35:
        case 90:
        case 159:
            return charset_kind::ucs2;
        case 54:
        case 55:
            return charset_kind::utf16;
        case 56:
        case 62:
            return charset_kind::utf16le;
        case 60:
        case 61:
            return charset_kind::utf32;
        default:
            break;
    }
    if (collation >= 101 && collation <= 124)
        return charset_kind::utf16;
    if (collation >= 128 && collation <= 151)
        return charset_kind::ucs2;
    if (collation >= 160 && collation <= 183)
        return charset_kind::utf32;
    if (collation >= 192 && collation <= 215)
        return charset_kind::utf8mb3;
    if (collation >= 224 && collation <= 247)
        return charset_kind::utf8mb4;
    // MySQL 8.0 utf8mb4_0900_* and other utf8mb4 collations.
    if (collation >= 255 && collation <= 323)
        return charset_kind::utf8mb4;
    // MariaDB 10.x utf8mb4/utf8mb3 *_mysql561 and similar compatibility ids.
    if (collation >= 576 && collation <= 671)
        return charset_kind::utf8mb3;
    return charset_kind::unknown;
}

bool is_valid_utf8(std::string_view s) noexcept
{
    std::size_t i = 0;
    while (i < s.size())
    {
        if (static_cast<unsigned char>(s[i]) < 0x80)
        {
            ++i;
            continue;
        }
        char32_t cp = 0;
        auto n = utf8_sequence(s, i, cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

void append_code_point(std::string& out, char32_t cp)
{
    if (cp < 0x80)
    {
        out.push_back(char(cp));
    }
    else if (cp < 0x800)
    {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
    else if (cp < 0x10000)
    {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
    else
    {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

std::error_code append_utf8(std::string& out, std::string_view bytes, charset_kind kind, text_errors policy)
{
    switch (kind)
    {
        case charset_kind::latin1:
            for (char c : bytes)
            {
                auto b = static_cast<unsigned char>(c);
                if (b < 0x80)
                    out.push_back(c);
                else if (b >= 0xA0)
                    append_code_point(out, b);
                else
                    append_code_point(out, cp1252_high[b - 0x80] != 0 ? cp1252_high[b - 0x80] : char32_t(b));
            }
            return {};
        case charset_kind::ascii:
            for (char c : bytes)
            {
                if (static_cast<unsigned char>(c) < 0x80)
                    out.push_back(c);
                else if (!emit_invalid(out, policy))
                    return make_error_code(errc::invalid_text);
            }
            return {};
        case charset_kind::ucs2:
        case charset_kind::utf16:
            return from_utf16(out, bytes, false, policy);
        case charset_kind::utf16le:
            return from_utf16(out, bytes, true, policy);
        case charset_kind::utf32:
            return from_utf32(out, bytes, policy);
        case charset_kind::utf8mb3:
        case charset_kind::utf8mb4:
        case charset_kind::binary:
        case charset_kind::unknown:
            return from_utf8(out, bytes, policy);
    }
    return {};
}

} // namespace binlogstream::codec

namespace binlogstream {

std::error_code string_value::to_utf8(std::string& out, text_errors policy) const
{
    return codec::append_utf8(out, bytes, codec::charset_of(collation), policy);
}

} // namespace binlogstream
