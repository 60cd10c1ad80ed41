#include "codec/charset.hpp"

#include <array>
#include <cerrno>
#include <iconv.h>

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

const char* iconv_name(charset_kind kind) noexcept
{
    switch (kind)
    {
        case charset_kind::latin2:
            return "ISO-8859-2";
        case charset_kind::cp1250:
            return "CP1250";
        case charset_kind::cp1251:
            return "CP1251";
        case charset_kind::cp1256:
            return "CP1256";
        case charset_kind::cp1257:
            return "CP1257";
        case charset_kind::cp850:
            return "CP850";
        case charset_kind::cp852:
            return "CP852";
        case charset_kind::cp866:
            return "CP866";
        case charset_kind::koi8r:
            return "KOI8-R";
        case charset_kind::koi8u:
            return "KOI8-U";
        case charset_kind::greek:
            return "ISO-8859-7";
        case charset_kind::hebrew:
            return "ISO-8859-8";
        case charset_kind::latin5:
            return "ISO-8859-9";
        case charset_kind::latin7:
            return "ISO-8859-13";
        case charset_kind::armscii8:
            return "ARMSCII-8";
        case charset_kind::macce:
            return "MAC-CENTRALEUROPE";
        case charset_kind::macroman:
            return "MACINTOSH";
        case charset_kind::tis620:
            return "TIS-620";
        case charset_kind::big5:
            return "BIG5";
        case charset_kind::gb2312:
            return "EUC-CN";
        case charset_kind::gbk:
            return "GBK";
        case charset_kind::gb18030:
            return "GB18030";
        case charset_kind::sjis:
            return "SHIFT_JIS";
        case charset_kind::cp932:
            return "CP932";
        case charset_kind::ujis:
            return "EUC-JP";
        case charset_kind::eucjpms:
            return "EUC-JP-MS";
        case charset_kind::euckr:
            return "EUC-KR";
        default:
            return nullptr;
    }
}

// One converter per charset and thread, opened on first use and kept (iconv_t is not thread-safe).
class converter_cache
{
public:
    converter_cache() { handles_.fill(invalid_handle()); }
    converter_cache(const converter_cache&) = delete;
    converter_cache& operator=(const converter_cache&) = delete;
    ~converter_cache()
    {
        for (auto h : handles_)
            if (h != invalid_handle() && h != failed_handle())
                iconv_close(h);
    }

    // The converter to UTF-8, or nullptr when the C library has none.
    iconv_t get(charset_kind kind)
    {
        auto& h = handles_[static_cast<std::size_t>(kind)];
        if (h == invalid_handle())
        {
            h = iconv_open("UTF-8", iconv_name(kind));
            if (h == invalid_handle())
                h = failed_handle();
        }
        if (h == failed_handle())
            return nullptr;
        iconv(h, nullptr, nullptr, nullptr, nullptr); // reset the shift state
        return h;
    }

private:
    static iconv_t invalid_handle() noexcept { return reinterpret_cast<iconv_t>(-1); }
    static iconv_t failed_handle() noexcept { return reinterpret_cast<iconv_t>(-2); }

    std::array<iconv_t, 64> handles_{};
};

std::error_code from_iconv(std::string& out, std::string_view s, charset_kind kind, text_errors policy)
{
    thread_local converter_cache cache;
    iconv_t h = cache.get(kind);
    if (h == nullptr)
        return from_utf8(out, s, policy);
    // iconv's interface is not const-correct; it does not write through the input pointer.
    char* in = const_cast<char*>(s.data());
    std::size_t in_left = s.size();
    char buf[512];
    while (in_left > 0)
    {
        char* dst = buf;
        std::size_t dst_left = sizeof buf;
        auto r = iconv(h, &in, &in_left, &dst, &dst_left);
        out.append(buf, std::size_t(dst - buf));
        if (r != static_cast<std::size_t>(-1))
            continue;
        if (errno == E2BIG)
            continue;
        // EILSEQ (invalid sequence) or EINVAL (incomplete sequence at the end).
        if (!emit_invalid(out, policy))
            return make_error_code(errc::invalid_text);
        ++in;
        --in_left;
        iconv(h, nullptr, nullptr, nullptr, nullptr);
    }
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
        case 2:
        case 9:
        case 21:
        case 27:
        case 77:
            return charset_kind::latin2;
        case 26:
        case 34:
        case 44:
        case 66:
        case 99:
            return charset_kind::cp1250;
        case 14:
        case 23:
        case 50:
        case 51:
        case 52:
            return charset_kind::cp1251;
        case 57:
        case 67:
            return charset_kind::cp1256;
        case 29:
        case 58:
        case 59:
            return charset_kind::cp1257;
        case 4:
        case 80:
            return charset_kind::cp850;
        case 40:
        case 81:
            return charset_kind::cp852;
        case 36:
        case 68:
            return charset_kind::cp866;
        case 7:
        case 74:
            return charset_kind::koi8r;
        case 22:
        case 75:
            return charset_kind::koi8u;
        case 25:
        case 70:
            return charset_kind::greek;
        case 16:
        case 71:
            return charset_kind::hebrew;
        case 30:
        case 78:
            return charset_kind::latin5;
        case 20:
        case 41:
        case 42:
        case 79:
            return charset_kind::latin7;
        case 32:
        case 64:
            return charset_kind::armscii8;
        case 38:
        case 43:
            return charset_kind::macce;
        case 39:
        case 53:
            return charset_kind::macroman;
        case 18:
        case 89:
            return charset_kind::tis620;
        case 1:
        case 84:
            return charset_kind::big5;
        case 24:
        case 86:
            return charset_kind::gb2312;
        case 28:
        case 87:
            return charset_kind::gbk;
        case 248:
        case 249:
        case 250:
            return charset_kind::gb18030;
        case 13:
        case 88:
            return charset_kind::sjis;
        case 95:
        case 96:
            return charset_kind::cp932;
        case 12:
        case 91:
            return charset_kind::ujis;
        case 97:
        case 98:
            return charset_kind::eucjpms;
        case 19:
        case 85:
            return charset_kind::euckr;
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
        default:
            return from_iconv(out, bytes, kind, policy);
    }
}

} // namespace binlogstream::codec

namespace binlogstream {

std::error_code string_value::to_utf8(std::string& out, text_errors policy) const
{
    return codec::append_utf8(out, bytes, codec::charset_of(collation), policy);
}

} // namespace binlogstream
