#include "codec/json_binary.hpp"

#include "codec/decimal.hpp"
#include "codec/temporal.hpp"
#include "codec/value_json.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace binlogstream {

namespace {

enum : std::uint8_t
{
    small_object = 0x00,
    large_object = 0x01,
    small_array = 0x02,
    large_array = 0x03,
    literal = 0x04,
    int16 = 0x05,
    uint16 = 0x06,
    int32 = 0x07,
    uint32 = 0x08,
    int64 = 0x09,
    uint64 = 0x0a,
    double_type = 0x0b,
    string_type = 0x0c,
    opaque_type = 0x0f,
};

enum : std::uint8_t
{
    literal_null = 0x00,
    literal_true = 0x01,
    literal_false = 0x02,
};

// Field types of opaque values that MySQL renders specially.
enum : std::uint8_t
{
    field_newdecimal = 246,
    field_date = 10,
    field_time = 11,
    field_datetime = 12,
    field_timestamp = 7,
    field_var_string = 253,
};

std::error_code invalid() noexcept
{
    return make_error_code(errc::invalid_json);
}

// Variable-length size: 7 bits per byte, low bits first, high bit = more bytes; at most 5 bytes and
// 32 bits (read_variable_length in json_binary.cc).
bool read_varlen(codec::byte_reader& r, std::uint32_t& out) noexcept
{
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 5; ++i)
    {
        auto b = r.u8();
        if (!r.ok())
            return false;
        v |= std::uint64_t(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0)
        {
            if (v > 0xffffffffu)
                return false;
            out = std::uint32_t(v);
            return true;
        }
    }
    return false;
}

double load_double(const std::byte* p) noexcept
{
    auto bits = codec::load_le<8>(p);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

} // namespace

struct json_binary_access
{
    // Fills `out` from a value of `type` whose bytes start at data[0] (data extends to the end of what
    // is available).
    static std::error_code make(std::uint8_t type, codec::bytes_view data, json_binary_view& out) noexcept
    {
        out = json_binary_view{};
        codec::byte_reader r(data);
        switch (type)
        {
            case small_object:
            case large_object:
            case small_array:
            case large_array:
            {
                bool large = type == large_object || type == large_array;
                bool object = type == small_object || type == large_object;
                std::size_t off = large ? 4 : 2;
                std::uint64_t count = large ? r.u32() : r.u16();
                std::uint64_t size = large ? r.u32() : r.u16();
                if (!r.ok() || size > data.size())
                    return invalid();
                std::uint64_t header = 2 * off + count * (1 + off) + (object ? count * (off + 2) : 0);
                if (header > size)
                    return invalid();
                out.type_ = object ? json_type::object : json_type::array;
                out.large_ = large;
                out.count_ = std::uint32_t(count);
                out.container_ = data.first(std::size_t(size));
                return {};
            }
            case literal:
            {
                auto v = r.u8();
                if (!r.ok())
                    return invalid();
                switch (v)
                {
                    case literal_null:
                        out.type_ = json_type::null;
                        return {};
                    case literal_true:
                    case literal_false:
                        out.type_ = json_type::boolean;
                        out.int_ = v == literal_true;
                        return {};
                    default:
                        return invalid();
                }
            }
            case int16:
                out.type_ = json_type::int64;
                out.int_ = std::int16_t(r.u16());
                break;
            case uint16:
                out.type_ = json_type::uint64;
                out.int_ = r.u16();
                break;
            case int32:
                out.type_ = json_type::int64;
                out.int_ = std::int32_t(r.u32());
                break;
            case uint32:
                out.type_ = json_type::uint64;
                out.int_ = r.u32();
                break;
            case int64:
                out.type_ = json_type::int64;
                out.int_ = std::int64_t(r.u64());
                break;
            case uint64:
                out.type_ = json_type::uint64;
                out.int_ = std::int64_t(r.u64());
                break;
            case double_type:
                if (!r.has(8))
                    return invalid();
                out.type_ = json_type::double_;
                out.double_ = load_double(r.current());
                break;
            case string_type:
            {
                std::uint32_t len = 0;
                if (!read_varlen(r, len))
                    return invalid();
                out.type_ = json_type::string;
                out.string_ = r.string(len);
                break;
            }
            case opaque_type:
            {
                auto field = r.u8();
                std::uint32_t len = 0;
                if (!r.ok() || !read_varlen(r, len))
                    return invalid();
                out.type_ = json_type::opaque;
                out.opaque_type_ = field;
                out.string_ = r.string(len);
                break;
            }
            default:
                return invalid();
        }
        return r.ok() ? std::error_code{} : invalid();
    }

    static std::size_t offset_size(const json_binary_view& v) noexcept { return v.large_ ? 4 : 2; }

    static std::uint32_t read_offset(const json_binary_view& v, std::size_t pos) noexcept
    {
        const auto* p = v.container_.data() + pos;
        return v.large_ ? std::uint32_t(codec::load_le<4>(p)) : std::uint32_t(codec::load_le<2>(p));
    }

    static std::error_code element(const json_binary_view& v, std::size_t i, json_binary_view& out) noexcept
    {
        if ((v.type_ != json_type::object && v.type_ != json_type::array) || i >= v.count_)
            return invalid();
        auto off = offset_size(v);
        std::size_t entries = 2 * off + (v.type_ == json_type::object ? v.count_ * (off + 2) : 0);
        std::size_t entry = entries + i * (1 + off);
        auto type = std::to_integer<std::uint8_t>(v.container_[entry]);
        bool inlined = type == literal || type == int16 || type == uint16 ||
                       (v.large_ && (type == int32 || type == uint32));
        if (inlined)
            return make(type, v.container_.subspan(entry + 1, off), out);
        auto offset = read_offset(v, entry + 1);
        // A value must lie after the headers, inside the container.
        std::size_t header = entries + v.count_ * (1 + off);
        if (offset < header || offset >= v.container_.size())
            return invalid();
        return make(type, v.container_.subspan(offset), out);
    }

    static std::error_code key(const json_binary_view& v, std::size_t i, std::string_view& out) noexcept
    {
        if (v.type_ != json_type::object || i >= v.count_)
            return invalid();
        auto off = offset_size(v);
        std::size_t entry = 2 * off + i * (off + 2);
        auto offset = read_offset(v, entry);
        auto len = std::size_t(codec::load_le<2>(v.container_.data() + entry + off));
        if (offset > v.container_.size() || len > v.container_.size() - offset)
            return invalid();
        out = codec::as_string(v.container_.subspan(offset, len));
        return {};
    }
};

std::error_code json_binary_view::parse(std::span<const std::byte> doc, json_binary_view& out) noexcept
{
    if (doc.empty())
    {
        out = json_binary_view{};
        return {};
    }
    return json_binary_access::make(std::to_integer<std::uint8_t>(doc[0]), doc.subspan(1), out);
}

std::error_code json_binary_view::element(std::size_t i, json_binary_view& out) const noexcept
{
    return json_binary_access::element(*this, i, out);
}

std::error_code json_binary_view::key(std::size_t i, std::string_view& out) const noexcept
{
    return json_binary_access::key(*this, i, out);
}

namespace {

std::error_code render_opaque(std::string& out, const json_binary_view& v)
{
    auto data = codec::as_bytes(v.get_string());
    switch (v.opaque_type())
    {
        case field_newdecimal:
        {
            // precision, scale, then the packed decimal (Json_decimal::convert_from_binary).
            if (data.size() < 2)
                return invalid();
            unsigned precision = std::to_integer<std::uint8_t>(data[0]);
            unsigned scale = std::to_integer<std::uint8_t>(data[1]);
            auto size = codec::decimal_binary_size(precision, scale);
            if (size == 0 || data.size() - 2 < size ||
                codec::validate_decimal(data.subspan(2), precision, scale))
                return invalid();
            codec::append_decimal(out, data.subspan(2, size), precision, scale);
            return {};
        }
        case field_date:
        case field_time:
        case field_datetime:
        case field_timestamp:
        {
            // An 8-byte little-endian packed temporal (Json_datetime::from_packed), printed with 6
            // fraction digits (my_TIME_to_str(t, 6)); dates print without a time.
            if (data.size() < 8)
                return invalid();
            auto packed = std::int64_t(codec::load_le<8>(data.data()));
            out.push_back('"');
            if (v.opaque_type() == field_time)
            {
                codec::append_time(out, codec::time_from_packed(packed, 6), 6);
            }
            else
            {
                auto dt = codec::datetime_from_packed(packed, 6);
                if (v.opaque_type() == field_date)
                    codec::append_date(out, dt.date);
                else
                    codec::append_datetime(out, dt, 6);
            }
            out.push_back('"');
            return {};
        }
        case field_var_string:
            codec::append_mysql_json_string(out, v.get_string());
            return {};
        default:
        {
            std::string text = "base64:type";
            text += std::to_string(v.opaque_type());
            text.push_back(':');
            codec::append_base64(text, data, true);
            codec::append_mysql_json_string(out, text);
            return {};
        }
    }
}

std::error_code render(std::string& out, const json_binary_view& v, unsigned depth)
{
    switch (v.type())
    {
        case json_type::null:
            out += "null";
            return {};
        case json_type::boolean:
            out += v.get_bool() ? "true" : "false";
            return {};
        case json_type::int64:
        case json_type::uint64:
        {
            char buf[24];
            auto res = v.type() == json_type::int64 ? std::to_chars(buf, buf + sizeof buf, v.get_int64())
                                                    : std::to_chars(buf, buf + sizeof buf, v.get_uint64());
            out.append(buf, res.ptr);
            return {};
        }
        case json_type::double_:
            return codec::append_json_double(out, v.get_double());
        case json_type::string:
            codec::append_mysql_json_string(out, v.get_string());
            return {};
        case json_type::opaque:
            return render_opaque(out, v);
        case json_type::object:
        case json_type::array:
        {
            if (depth >= codec::json_max_depth)
                return invalid();
            bool object = v.type() == json_type::object;
            out.push_back(object ? '{' : '[');
            for (std::size_t i = 0; i < v.size(); ++i)
            {
                if (i > 0)
                    out += ", ";
                if (object)
                {
                    std::string_view k;
                    if (auto ec = v.key(i, k))
                        return ec;
                    codec::append_mysql_json_string(out, k);
                    out += ": ";
                }
                json_binary_view child;
                if (auto ec = v.element(i, child))
                    return ec;
                if (auto ec = render(out, child, depth + 1))
                    return ec;
            }
            out.push_back(object ? '}' : ']');
            return {};
        }
    }
    return invalid();
}

} // namespace

std::error_code json_binary_view::to_text(std::string& out) const
{
    auto start = out.size();
    auto ec = render(out, *this, 0);
    if (ec)
        out.resize(start);
    return ec;
}

} // namespace binlogstream

namespace binlogstream::codec {

std::error_code append_json_double(std::string& out, double d)
{
    if (!std::isfinite(d))
        return make_error_code(errc::invalid_json);
    // Shortest round-trip digits: what dtoa mode 4 with 22 digits yields.
    char sci[32];
    auto res = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
    std::string_view s(sci, std::size_t(res.ptr - sci));
    bool negative = !s.empty() && s[0] == '-';
    if (negative)
        s.remove_prefix(1);
    auto e = s.find('e');
    std::string digits;
    for (char c : s.substr(0, e))
        if (c != '.')
            digits.push_back(c);
    int exponent = 0;
    std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exponent);
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    int len = int(digits.size());
    int decpt = digits == "0" ? 1 : exponent + 1;

    // my_gcvt's choice between 'f' and 'e' formats (strings/dtoa.cc), width 22 minus the sign.
    int width = 22 - (negative ? 1 : 0);
    constexpr int max_decpt_for_f = 15; // DBL_DIG
    int exp_len = 1 + (decpt >= 101 || decpt <= -99) + (decpt >= 11 || decpt <= -9);
    bool have_space = (decpt <= 0 ? len - decpt + 2 : (decpt < len ? len + 1 : decpt)) <= width;
    bool force_e = decpt <= 0 && width <= 2 - decpt && width >= 3 + exp_len;
    bool use_f =
        (have_space ||
         ((decpt <= width && (decpt >= -1 || (decpt == -2 && (len > 1 || !force_e)))) && !force_e)) &&
        (!have_space || (decpt >= -max_decpt_for_f + 1 && (decpt <= max_decpt_for_f || len > decpt)));

    auto start = out.size();
    if (negative)
        out.push_back('-');
    if (use_f)
    {
        int room = width - ((decpt < len ? 1 : 0) + (decpt <= 0 ? 1 - decpt : 0));
        if (room < len)
        {
            // Too many digits for the field: round to the digits that fit after the point.
            int frac = room - decpt;
            char buf[400];
            auto r = std::to_chars(
                buf, buf + sizeof buf, std::fabs(d), std::chars_format::fixed, frac < 0 ? 0 : frac
            );
            std::string_view f(buf, std::size_t(r.ptr - buf));
            if (f.find('.') != std::string_view::npos)
            {
                while (f.back() == '0')
                    f.remove_suffix(1);
                if (f.back() == '.')
                    f.remove_suffix(1);
            }
            out.append(f);
        }
        else
        {
            if (decpt <= 0)
            {
                out += "0.";
                out.append(std::size_t(-decpt), '0');
                out += digits;
            }
            else
            {
                for (int i = 0; i < len; ++i)
                {
                    out.push_back(digits[std::size_t(i)]);
                    if (i + 1 == decpt && i + 1 < len)
                        out.push_back('.');
                }
                for (int i = len; i < decpt; ++i)
                    out.push_back('0');
            }
        }
    }
    else
    {
        int exp10 = decpt - 1;
        int room = width - (exp10 < 0 ? 1 : 0) - 1 - exp_len - (len > 1 ? 1 : 0);
        if (room < len && room > 0)
        {
            // Re-round to the significant digits that fit.
            char buf[40];
            auto r =
                std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific, room - 1);
            std::string_view t(buf, std::size_t(r.ptr - buf));
            auto te = t.find('e');
            digits.clear();
            for (char c : t.substr(0, te))
                if (c != '.')
                    digits.push_back(c);
            while (digits.size() > 1 && digits.back() == '0')
                digits.pop_back();
            std::from_chars(t.data() + te + 1 + (t[te + 1] == '+' ? 1 : 0), t.data() + t.size(), exp10);
        }
        out.push_back(digits[0]);
        if (digits.size() > 1)
        {
            out.push_back('.');
            out.append(digits, 1);
        }
        out.push_back('e');
        out += std::to_string(exp10);
    }
    std::string_view printed(out.data() + start, out.size() - start);
    if (printed.find_first_of(".e") == std::string_view::npos)
        out += ".0";
    return {};
}

void append_mysql_json_string(std::string& out, std::string_view s)
{
    append_escaped_json_string(out, s, true);
}

void append_base64(std::string& out, bytes_view data, bool mysql_line_breaks)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t line = 0;
    for (std::size_t i = 0; i < data.size(); i += 3)
    {
        if (mysql_line_breaks && line == 76)
        {
            out.push_back('\n');
            line = 0;
        }
        std::uint32_t n = std::uint32_t(std::to_integer<std::uint8_t>(data[i])) << 16;
        if (i + 1 < data.size())
            n |= std::uint32_t(std::to_integer<std::uint8_t>(data[i + 1])) << 8;
        if (i + 2 < data.size())
            n |= std::to_integer<std::uint8_t>(data[i + 2]);
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(i + 1 < data.size() ? alphabet[(n >> 6) & 63] : '=');
        out.push_back(i + 2 < data.size() ? alphabet[n & 63] : '=');
        line += 4;
    }
}

std::error_code render_json_binary(std::string& out, bytes_view doc)
{
    json_binary_view root;
    if (auto ec = json_binary_view::parse(doc, root))
        return ec;
    return root.to_text(out);
}

} // namespace binlogstream::codec
