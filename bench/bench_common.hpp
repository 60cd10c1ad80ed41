#pragma once

// What the benchmarks share: the per-value "sink" that materialises every decoded cell (so that no
// decoding work can be skipped), CPU time and peak RSS of this process, and running a reference
// program as a child (stdout to a file) with its own time and peak RSS.

#include <binlogstream/rows.hpp>
#include <binlogstream/value.hpp>

#include "codec/value_json.hpp"

#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <variant>
#include <vector>

extern char** environ;

namespace bench {

using namespace binlogstream;
using clock_type = std::chrono::steady_clock;

struct counts
{
    std::uint64_t events = 0;
    std::uint64_t rows_events = 0;
    std::uint64_t rows = 0;
    std::uint64_t cells = 0;
    std::uint64_t nulls = 0;
    std::uint64_t rendered_bytes = 0;
    std::uint64_t sink = 0; // folds every value so that nothing can be optimised away
    std::array<std::uint64_t, 18> kinds{};
};

inline double cpu_seconds_self()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

inline double user_seconds_self()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6;
}

inline long max_rss_kib()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

inline double seconds_since(clock_type::time_point start)
{
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

inline std::uint64_t fold_bytes(std::string_view s)
{
    if (s.empty())
        return 0;
    return s.size() + static_cast<unsigned char>(s.front()) * 31u + static_cast<unsigned char>(s.back());
}

inline std::uint64_t fold_bytes(std::span<const std::byte> s)
{
    return fold_bytes(std::string_view(reinterpret_cast<const char*>(s.data()), s.size()));
}

// Materialises one value: everything a user reading the cell would touch. A switch on the value's
// kind (one jump table, as std::visit would give) and a fold of its fields into `counts::sink`, which
// is printed, so that the compiler can drop no decoding work.
class value_sink
{
public:
    explicit value_sink(counts& c)
        : c_(c)
    {
        text_.reserve(1 << 16);
    }

    // One cell of the per-cell API: counted, its kind tallied, folded.
    void take(const row_cell& cell) { take(cell.data, *cell.column); }

    void take(const value& v, const column_info& column)
    {
        ++c_.cells;
        ++c_.kinds[static_cast<std::size_t>(v.kind())];
        c_.sink += fold(v, column);
    }

    // The values of one row image from the batch API (`columns` maps them to table columns when not
    // every column is present): folded into a local sum that goes to `counts` once per image. The
    // kinds are not tallied here (the per-cell pass does it).
    void take_all(
        const std::vector<value>& values, const table_info& table, const std::vector<std::size_t>* columns
    )
    {
        std::uint64_t sum = 0;
        const auto n = values.size();
        for (std::size_t k = 0; k < n; ++k)
            sum += fold(values[k], table.columns[columns ? (*columns)[k] : k]);
        c_.cells += n;
        c_.sink += sum;
    }

    // One row image through the batch API (`row_image::values`), as a user reading in bulk would:
    // `values` and `columns` are kept by the caller across rows, so they allocate only at first.
    std::error_code take_image(
        const row_image& img,
        const table_info& table,
        std::vector<value>& values,
        std::vector<std::size_t>& columns
    )
    {
        if (auto e = img.values(values))
            return e;
        const bool all = img.all_present();
        if (!all)
            img.present_columns(columns);
        take_all(values, table, all ? nullptr : &columns);
        return {};
    }

    // Folds one value (everything a user reading it would touch) into a number.
    std::uint64_t fold(const value& v, const column_info& c)
    {
        switch (v.kind())
        {
            case value_kind::null:
                ++c_.nulls;
                return 1;
            case value_kind::int64:
                return std::uint64_t(*v.get_if<std::int64_t>());
            case value_kind::uint64:
                return *v.get_if<std::uint64_t>();
            case value_kind::float_:
                return std::bit_cast<std::uint32_t>(*v.get_if<float>());
            case value_kind::double_:
                return std::bit_cast<std::uint64_t>(*v.get_if<double>());
            case value_kind::decimal:
            {
                const auto& x = *v.get_if<decimal_value>();
                std::int64_t scaled = 0;
                if (x.to_scaled_int64(scaled))
                    return std::uint64_t(scaled);
                text_.clear();
                x.append_to(text_);
                return fold_bytes(text_);
            }
            case value_kind::date:
                return fold_date(*v.get_if<date_value>());
            case value_kind::datetime:
            {
                const auto& x = *v.get_if<datetime_value>();
                return fold_date(x.date) * 86400 + x.hour * 3600u + x.minute * 60u + x.second + x.microsecond;
            }
            case value_kind::timestamp:
            {
                const auto& x = *v.get_if<timestamp_value>();
                return std::uint64_t(x.seconds) + x.microsecond;
            }
            case value_kind::time:
                return std::uint64_t(v.get_if<time_value>()->total_microseconds());
            case value_kind::year:
                return v.get_if<year_value>()->year;
            case value_kind::bit:
            {
                const auto& x = *v.get_if<bit_value>();
                return x.bits + x.width;
            }
            case value_kind::enum_:
                return v.get_if<enum_value>()->index;
            case value_kind::set:
                return v.get_if<set_value>()->bits;
            case value_kind::string:
            {
                const auto& x = *v.get_if<string_value>();
                return fold_bytes(x.bytes) + x.collation;
            }
            case value_kind::json:
                // JSON to text through the dump writer, into a reused string.
                text_.clear();
                codec::append_json(text_, v, c);
                return fold_bytes(text_);
            case value_kind::geometry:
            {
                const auto& x = *v.get_if<geometry_value>();
                return x.srid + fold_bytes(x.wkb);
            }
            case value_kind::vector:
            {
                const auto& x = *v.get_if<vector_value>();
                std::uint64_t s = 0;
                for (std::size_t i = 0; i < x.size(); ++i)
                    s += std::bit_cast<std::uint32_t>(x[i]);
                return s;
            }
        }
        return 0;
    }

private:
    static std::uint64_t fold_date(const date_value& x) { return x.year * 416u + x.month * 32u + x.day; }

    counts& c_;
    std::string text_;
};

struct child_result
{
    bool ok = false;
    double seconds = 0;
    double cpu_seconds = 0;
    double user_seconds = 0; // the user part of cpu_seconds
    long max_rss_kib = 0;
    std::string error;
};

// Runs `args` (args[0] looked up in PATH) with stdout to `out`, timed from spawn to exit; its CPU time
// and peak RSS come from wait4.
inline child_result run_child(std::vector<std::string> args, const std::string& out = "/dev/null")
{
    child_result res;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    auto t0 = clock_type::now();
    int rc = posix_spawnp(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
    {
        res.error = "cannot start " + args[0] + ": " + std::strerror(rc);
        return res;
    }
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) < 0)
    {
        res.error = std::strerror(errno);
        return res;
    }
    res.seconds = seconds_since(t0);
    res.cpu_seconds = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                      double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    res.user_seconds = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6;
    res.max_rss_kib = ru.ru_maxrss;
    res.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!res.ok)
        res.error = args[0] + " failed (status " + std::to_string(status) + ")";
    return res;
}

} // namespace bench
