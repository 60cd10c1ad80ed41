#pragma once

// What the differential tests need from `mariadb-binlog -vv --base64-output=decode-rows` (MariaDB's
// mysqlbinlog, installed on the machine): its printed cell texts per rows event, and our values
// printed the way its log_event_print_value (MariaDB client/log_event_client.cc) prints them. Shared
// by the per-cell test (value_vs_mariadb_binlog.cpp) and the batch one (row_values.cpp).

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace value_test {

using namespace binlogstream;

// Images of one rows event as mariadb-binlog printed them: per image, the printed cell texts.
using printed_images = std::vector<std::vector<std::string>>;

inline bool run_mariadb_binlog(const std::string& file, std::map<std::size_t, printed_images>& out)
{
    std::string cmd = "mariadb-binlog -vv --base64-output=decode-rows '" + file + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p)
        return false;
    std::size_t pos = 0;
    std::string line;
    char buf[1 << 16];
    bool any = false;
    while (std::fgets(buf, sizeof buf, p.get()))
    {
        line.assign(buf);
        // Very long lines (big blobs) arrive in pieces.
        while (!line.empty() && line.back() != '\n' && std::fgets(buf, sizeof buf, p.get()))
            line += buf;
        if (!line.empty() && line.back() == '\n')
            line.pop_back();
        if (line.rfind("# at ", 0) == 0 && line.size() > 5 &&
            line.find_first_not_of("0123456789", 5) == std::string::npos)
        {
            pos = std::stoull(line.substr(5));
            any = true;
            continue;
        }
        if (line == "### SET" || line == "### WHERE")
        {
            out[pos].emplace_back();
            continue;
        }
        if (line.rfind("###   @", 0) == 0)
        {
            // "###   @N=text" (parsed by hand: std::regex recurses per character and overflows the
            // stack on the long lines of big blobs, and trips -Wmaybe-uninitialized under ASan).
            auto eq = line.find('=');
            if (eq == std::string::npos)
                continue;
            std::string text = line.substr(eq + 1);
            // Drop the -vv comment: the last " /* ... */".
            auto comment = text.rfind(" /* ");
            if (comment != std::string::npos)
                text.erase(comment);
            if (out[pos].empty())
                out[pos].emplace_back();
            out[pos].back().push_back(text);
        }
    }
    return any;
}

// Pairs our row images with the ones mariadb-binlog printed. It prints the rows of a statement's
// events together, after the "# at" of the event flagged STMT_END_F (flag 1), so images are grouped
// by the position of their statement's last event and counted within the group.
class printed_matcher
{
public:
    // `rows_events`: (position, flags) of every rows event of the file, in file order.
    printed_matcher(
        const std::map<std::size_t, printed_images>& printed,
        const std::vector<std::pair<std::size_t, std::uint16_t>>& rows_events
    )
        : printed_(printed)
    {
        std::vector<std::size_t> open;
        for (const auto& [pos, flags] : rows_events)
        {
            open.push_back(pos);
            if (flags & 1)
            {
                for (auto p : open)
                    group_of_[p] = pos;
                open.clear();
            }
        }
    }

    // The texts printed for the next image of the event at `event_pos` (its index in the group in
    // `index`), or nullptr for an event mariadb-binlog did not decode (e.g. PARTIAL_UPDATE_ROWS).
    const std::vector<std::string>* next(std::size_t event_pos, std::size_t& index)
    {
        auto g = group_of_.find(event_pos);
        auto group = g != group_of_.end() ? g->second : event_pos;
        auto it = printed_.find(group);
        index = image_index_[group]++;
        if (it == printed_.end() || index >= it->second.size())
            return nullptr;
        return &it->second[index];
    }

private:
    const std::map<std::size_t, printed_images>& printed_;
    std::map<std::size_t, std::size_t> group_of_;
    std::map<std::size_t, std::size_t> image_index_;
};

inline int width_of(column_type t)
{
    switch (t)
    {
        case column_type::tiny:
            return 1;
        case column_type::short_:
            return 2;
        case column_type::int24:
            return 3;
        case column_type::long_:
            return 4;
        default:
            return 8;
    }
}

inline std::string printf_string(const char* fmt, double v)
{
    char buf[400];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

inline std::string quoted(std::string_view bytes)
{
    std::string out = "'";
    for (char c : bytes)
    {
        auto b = static_cast<unsigned char>(c);
        if (b > 0x1f)
        {
            out.push_back(c);
        }
        else
        {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", b);
            out += hex;
        }
    }
    out.push_back('\'');
    return out;
}

inline std::string two(unsigned v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u", v);
    return buf;
}

inline std::string fraction(std::uint32_t usec, unsigned digits)
{
    if (digits == 0)
        return {};
    unsigned div = 1;
    for (unsigned i = digits; i < 6; ++i)
        div *= 10;
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%0*u", int(digits), usec / div);
    return buf;
}

inline std::string bits_text(std::uint64_t bits, unsigned nbits)
{
    std::string out = "b'";
    for (unsigned i = nbits; i-- > 0;)
        out.push_back((bits >> i) & 1 ? '1' : '0');
    return out + "'";
}

// The cell as MariaDB's log_event_print_value prints it.
inline std::string as_mariadb_prints(const value& v, const column_info& col)
{
    switch (v.kind())
    {
        case value_kind::null:
            return "NULL";
        case value_kind::int64:
        case value_kind::uint64:
        {
            int w = width_of(col.type);
            std::uint64_t raw = v.kind() == value_kind::int64 ? std::uint64_t(v.as_int64()) : v.as_uint64();
            if (w < 8)
                raw &= (std::uint64_t{1} << (8 * w)) - 1;
            std::int64_t si =
                w == 8 ? std::int64_t(raw)
                       : std::int64_t(
                             (raw ^ (std::uint64_t{1} << (8 * w - 1))) - (std::uint64_t{1} << (8 * w - 1))
                         );
            std::string out = std::to_string(si);
            if (si < 0)
                out += " (" + std::to_string(raw) + ")";
            return out;
        }
        case value_kind::float_:
            return printf_string("%-20g", double(v.as_float()));
        case value_kind::double_:
            return printf_string("%-.20g", v.as_double());
        case value_kind::decimal:
            return v.as_decimal().to_string();
        case value_kind::date:
        {
            const auto& d = v.as_date();
            char buf[32];
            std::snprintf(
                buf, sizeof buf, "'%04u:%02u:%02u'", unsigned(d.year), unsigned(d.month), unsigned(d.day)
            );
            return buf;
        }
        case value_kind::datetime:
        {
            const auto& dt = v.as_datetime();
            char buf[64];
            std::snprintf(
                buf,
                sizeof buf,
                "%04u-%02u-%02u %02u:%02u:%02u",
                unsigned(dt.date.year),
                unsigned(dt.date.month),
                unsigned(dt.date.day),
                unsigned(dt.hour),
                unsigned(dt.minute),
                unsigned(dt.second)
            );
            return "'" + std::string(buf) +
                   (col.type == column_type::datetime2 ? fraction(dt.microsecond, col.meta) : "") + "'";
        }
        case value_kind::timestamp:
        {
            const auto& ts = v.as_timestamp();
            return std::to_string(ts.seconds) +
                   (col.type == column_type::timestamp2 ? fraction(ts.microsecond, col.meta) : "");
        }
        case value_kind::time:
        {
            const auto& t = v.as_time();
            std::string out = "'";
            if (t.negative)
                out.push_back('-');
            out += two(t.hours) + ":" + two(t.minutes) + ":" + two(t.seconds);
            if (col.type == column_type::time2)
                out += fraction(t.microseconds, col.meta);
            return out + "'";
        }
        case value_kind::year:
        {
            auto y = v.as_year().year;
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04u", unsigned(y == 0 ? 1900 : y));
            return buf;
        }
        case value_kind::bit:
            return bits_text(v.as_bit().bits, v.as_bit().width);
        case value_kind::enum_:
            return std::to_string(v.as_enum().index);
        case value_kind::set:
        {
            // The stored bytes (little-endian) in order, each printed most significant bit first.
            std::string out = "b'";
            unsigned bytes = col.meta & 0xff;
            for (unsigned i = 0; i < bytes; ++i)
                for (unsigned b = 8; b-- > 0;)
                    out.push_back((v.as_set().bits >> (8 * i + b)) & 1 ? '1' : '0');
            return out + "'";
        }
        case value_kind::string:
            return quoted(v.as_string().bytes);
        default:
            return {}; // JSON, GEOMETRY, VECTOR: not compared
    }
}

// Decompresses a .gz binlog (mysql-bin.sakila.gz) to a temporary file that is removed on destruction.
class gunzipped_file
{
public:
    explicit gunzipped_file(const std::string& gz)
    {
        char name[] = "/tmp/bls-values-XXXXXX";
        int fd = mkstemp(name);
        if (fd < 0)
            return;
        path_ = name;
        gzFile in = gzopen(gz.c_str(), "rb");
        char buf[1 << 16];
        int n = 0;
        bool ok = in != nullptr;
        while (ok && (n = gzread(in, buf, sizeof buf)) > 0)
            ok = ::write(fd, buf, std::size_t(n)) == n;
        if (in)
            gzclose(in);
        ::close(fd);
        if (!ok || n < 0)
            path_.clear();
    }
    gunzipped_file(const gunzipped_file&) = delete;
    gunzipped_file& operator=(const gunzipped_file&) = delete;
    ~gunzipped_file()
    {
        if (!path_.empty())
            ::unlink(path_.c_str());
    }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace value_test
