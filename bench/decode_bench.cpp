// decode_bench FILE: how fast the library decodes a large binlog file, against two references measured
// in the same run on the same bytes: a plain header walk (read every byte, parse each 19-byte header,
// step by event_size: the ceiling for any reader of the file) and `mariadb-binlog -v FILE > /dev/null`.
//
// The decode materialises every value of every row: each cell is decoded into its typed value and then
// touched (integers and temporals folded into a sink, decimals converted to a scaled integer or text,
// JSON rendered to text, strings' bytes read at both ends), so no work can be skipped. It runs twice,
// once per public API: the batch form (row_image::values, a whole image into a reused vector; the
// headline figure) and the lazy per-cell form (row_image::next); both must fold to the same sum. A
// third pass also renders every cell as JSON text (what `binlogstream dump` does per cell). Targets
// (reported, not asserted): decode >= 1 GB/s on one core, >= 10x mariadb-binlog -v, peak RSS
// independent of the file size. Usage: decode_bench FILE [--repeat N] [--no-verify] [--no-json-pass]
// [--no-mariadb] [--no-per-cell]

#include <binlogstream/file_reader.hpp>

#include "bench_common.hpp"
#include "codec/value_json.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <type_traits>
#include <unistd.h>
#include <variant>
#include <vector>

extern char** environ;

namespace {

using namespace binlogstream;
using namespace bench;

struct options
{
    std::string file;
    int repeat = 3;
    bool verify_checksum = true;
    bool json_pass = true;
    bool run_mariadb = true;
    bool per_cell_pass = true;
};

struct run_result
{
    double seconds = 0;
    double cpu_seconds = 0;
    counts c;
    bool ok = true;
    std::string error;
};

// How the rows are read: cell by cell (row_image::next, the lazy form) or a whole image at a time
// into a reused vector of values (row_image::values, the batch form).
enum class api
{
    per_cell,
    batch,
};

// Decodes every event of the file and every value of every row.
run_result decode_file(const options& opt, api how, bool render_json)
{
    run_result res;
    file_reader_options ro;
    ro.verify_checksum = opt.verify_checksum;
    file_reader reader(ro);
    reader.open({opt.file});
    value_sink sink(res.c);
    std::string json;
    json.reserve(1 << 16);
    event ev;
    std::error_code ec;
    row r;
    row_cell cell;
    std::vector<value> values;
    std::vector<std::size_t> columns;

    auto walk_image = [&](const row_image& img, const table_info& table) {
        if (how == api::batch)
        {
            if (auto e = sink.take_image(img, table, values, columns))
                return e;
            if (render_json)
            {
                const bool all = img.all_present();
                for (std::size_t k = 0; k < values.size(); ++k)
                    codec::append_json(json, values[k], table.columns[all ? k : columns[k]]);
            }
            return std::error_code();
        }
        row_image::cursor at;
        std::error_code cell_ec;
        while (img.next(at, cell, cell_ec))
        {
            sink.take(cell);
            if (render_json)
                codec::append_json(json, cell.data, *cell.column);
        }
        return cell_ec;
    };

    auto cpu0 = cpu_seconds_self();
    auto t0 = clock_type::now();
    while (reader.next(ev, ec))
    {
        ++res.c.events;
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_base_of_v<rows_event, T>)
                {
                    ++res.c.rows_events;
                    std::size_t offset = 0;
                    std::error_code row_ec;
                    while (!ec && e.next_row(offset, r, row_ec))
                    {
                        ++res.c.rows;
                        if (render_json)
                            json.clear();
                        if (r.before.exists())
                            ec = walk_image(r.before, *e.table);
                        if (!ec && r.after.exists())
                            ec = walk_image(r.after, *e.table);
                        res.c.rendered_bytes += json.size();
                    }
                    if (!ec)
                        ec = row_ec;
                }
                else
                {
                    res.c.sink += e.header.event_size;
                }
            },
            ev
        );
        if (ec)
            break;
    }
    res.seconds = seconds_since(t0);
    res.cpu_seconds = cpu_seconds_self() - cpu0;
    if (ec && ec != errc::end_of_stream)
    {
        res.ok = false;
        res.error = ec.message() + " (" + reader.diag().client_message() + ")";
    }
    return res;
}

// The ceiling: read every byte of the file through a 1 MiB buffer, parse each v4 header (timestamp,
// type, server id, event size, next position, flags) and step by event_size.
run_result header_walk(const std::string& path)
{
    run_result res;
    auto t0 = clock_type::now();
    auto cpu0 = cpu_seconds_self();
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0)
    {
        res.ok = false;
        res.error = std::strerror(errno);
        return res;
    }
    std::vector<unsigned char> buf(1 << 20);
    std::size_t len = 0;
    std::uint64_t skip = 4; // the magic
    auto u32 = [](const unsigned char* p) {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return v;
    };
    for (;;)
    {
        auto n = ::read(fd, buf.data() + len, buf.size() - len);
        if (n <= 0)
            break;
        len += std::size_t(n);
        std::size_t p = 0;
        for (;;)
        {
            if (skip > 0)
            {
                auto s = std::min<std::uint64_t>(skip, len - p);
                p += std::size_t(s);
                skip -= s;
                if (skip > 0)
                    break;
            }
            if (len - p < 19)
                break;
            const unsigned char* h = buf.data() + p;
            std::uint32_t size = u32(h + 9);
            if (size < 19)
            {
                res.ok = false;
                res.error = "bad event_size";
                ::close(fd);
                return res;
            }
            ++res.c.events;
            res.c.sink += u32(h) + h[4] + u32(h + 5) + u32(h + 13) + h[17];
            res.c.rows_events += (h[4] >= 23 && h[4] <= 25) || (h[4] >= 30 && h[4] <= 32);
            skip = size;
        }
        std::memmove(buf.data(), buf.data() + p, len - p);
        len -= p;
    }
    ::close(fd);
    if (skip != 0 || len != 0)
    {
        res.ok = false;
        res.error = "file ends inside an event";
    }
    res.seconds = seconds_since(t0);
    res.cpu_seconds = cpu_seconds_self() - cpu0;
    return res;
}

// `mariadb-binlog -v FILE > /dev/null`, timed from spawn to exit.
child_result run_mariadb_binlog(const std::string& path)
{
    return run_child({"mariadb-binlog", "-v", path});
}
double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// Best (fastest) and median of repeated runs; the counts of the last one.
struct series
{
    std::vector<double> seconds;
    std::vector<double> cpu;
    counts c;
    [[nodiscard]] double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
    [[nodiscard]] double med() const { return median(seconds); }
    [[nodiscard]] double cpu_best() const { return *std::min_element(cpu.begin(), cpu.end()); }
};

constexpr double mb = 1e6;

void print_rate(const char* name, const series& s, double bytes)
{
    std::printf(
        "%-26s best %8.3f s  median %8.3f s  cpu %8.3f s  %9.1f MB/s (median %9.1f)\n",
        name,
        s.best(),
        s.med(),
        s.cpu_best(),
        bytes / mb / s.best(),
        bytes / mb / s.med()
    );
}

constexpr std::array<const char*, 18> kind_names{
    "null",
    "int64",
    "uint64",
    "float",
    "double",
    "decimal",
    "date",
    "datetime",
    "timestamp",
    "time",
    "year",
    "bit",
    "enum",
    "set",
    "string",
    "json",
    "geometry",
    "vector",
};

int usage()
{
    std::fprintf(
        stderr,
        "usage: decode_bench FILE [--repeat N] [--no-verify] [--no-json-pass] [--no-mariadb] "
        "[--no-per-cell]\n"
    );
    return 2;
}

bool run_series(const options& opt, api how, bool render_json, series& out)
{
    for (int i = 0; i < opt.repeat; ++i)
    {
        auto r = decode_file(opt, how, render_json);
        if (!r.ok)
        {
            std::fprintf(stderr, "decode failed: %s\n", r.error.c_str());
            return false;
        }
        out.seconds.push_back(r.seconds);
        out.cpu.push_back(r.cpu_seconds);
        out.c = r.c;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    options opt;
    for (int i = 1; i < argc; ++i)
    {
        std::string_view a = argv[i];
        if (a == "--repeat" && i + 1 < argc)
            opt.repeat = std::max(1, std::atoi(argv[++i]));
        else if (a == "--no-verify")
            opt.verify_checksum = false;
        else if (a == "--no-json-pass")
            opt.json_pass = false;
        else if (a == "--no-mariadb")
            opt.run_mariadb = false;
        else if (a == "--no-per-cell")
            opt.per_cell_pass = false; // e.g. to profile the batch form alone
        else if (!a.empty() && a[0] != '-' && opt.file.empty())
            opt.file = a;
        else
            return usage();
    }
    if (opt.file.empty())
        return usage();
    struct stat st
    {};
    if (::stat(opt.file.c_str(), &st) != 0)
    {
        std::fprintf(stderr, "%s: %s\n", opt.file.c_str(), std::strerror(errno));
        return 1;
    }
    const double bytes = double(st.st_size);
    const long rss_start = max_rss_kib();

    // Warm the page cache (untimed), so that every timed pass reads from memory.
    if (auto w = header_walk(opt.file); !w.ok)
    {
        std::fprintf(stderr, "header walk failed: %s\n", w.error.c_str());
        return 1;
    }

    series walk;
    for (int i = 0; i < opt.repeat; ++i)
    {
        auto w = header_walk(opt.file);
        walk.seconds.push_back(w.seconds);
        walk.cpu.push_back(w.cpu_seconds);
        walk.c = w.c;
    }

    series per_cell;
    if (opt.per_cell_pass && !run_series(opt, api::per_cell, false, per_cell))
        return 1;
    series decode;
    if (!run_series(opt, api::batch, false, decode))
        return 1;
    const long rss_decode = max_rss_kib();

    series render;
    if (opt.json_pass && !run_series(opt, api::batch, true, render))
        return 1;
    const long rss_render = max_rss_kib();

    std::vector<child_result> mdb;
    if (opt.run_mariadb)
    {
        for (int i = 0; i < opt.repeat; ++i)
        {
            auto m = run_mariadb_binlog(opt.file);
            if (!m.ok)
            {
                std::fprintf(stderr, "%s\n", m.error.c_str());
                mdb.clear();
                break;
            }
            mdb.push_back(m);
        }
    }

    const auto& c = decode.c;
    std::printf("file                       %s\n", opt.file.c_str());
    std::printf("file size                  %.0f bytes (%.1f MB)\n", bytes, bytes / mb);
    std::printf(
        "events                     %llu (rows events %llu), rows %llu, cells %llu (NULL %llu)\n",
        static_cast<unsigned long long>(c.events),
        static_cast<unsigned long long>(c.rows_events),
        static_cast<unsigned long long>(c.rows),
        static_cast<unsigned long long>(c.cells),
        static_cast<unsigned long long>(c.nulls)
    );
    std::printf("value kinds               ");
    for (std::size_t k = 0; k < kind_names.size(); ++k)
        if (opt.per_cell_pass && per_cell.c.kinds[k] != 0)
            std::printf(" %s %llu", kind_names[k], static_cast<unsigned long long>(per_cell.c.kinds[k]));
    std::printf("\n");
    std::printf(
        "runs                       %d each (best and median wall time); checksums %s\n",
        opt.repeat,
        opt.verify_checksum ? "verified" : "not verified"
    );
    print_rate("header walk (read+frame)", walk, bytes);
    print_rate("full decode (batch)", decode, bytes);
    std::printf(
        "%-26s %.0f rows/s, %.0f events/s, %.0f cells/s, %.1f ns per cell\n",
        "  full decode rates",
        double(c.rows) / decode.best(),
        double(c.events) / decode.best(),
        double(c.cells) / decode.best(),
        decode.best() * 1e9 / double(c.cells)
    );
    if (opt.per_cell_pass)
    {
        print_rate("full decode (per cell)", per_cell, bytes);
        std::printf(
            "%-26s %.0f rows/s, %.1f ns per cell\n",
            "  per-cell rates",
            double(per_cell.c.rows) / per_cell.best(),
            per_cell.best() * 1e9 / double(per_cell.c.cells)
        );
    }
    if (opt.json_pass)
    {
        print_rate("decode + JSON per cell", render, bytes);
        std::printf(
            "%-26s %.0f rows/s, %.1f MB of JSON text\n",
            "  decode + JSON rates",
            double(render.c.rows) / render.best(),
            double(render.c.rendered_bytes) / mb
        );
    }
    double mdb_best = 0;
    if (!mdb.empty())
    {
        series m;
        long m_rss = 0;
        for (const auto& r : mdb)
        {
            m.seconds.push_back(r.seconds);
            m.cpu.push_back(r.cpu_seconds);
            m_rss = std::max(m_rss, r.max_rss_kib);
        }
        mdb_best = m.best();
        print_rate("mariadb-binlog -v", m, bytes);
        std::printf("%-26s %.1f MiB\n", "  mariadb-binlog peak RSS", double(m_rss) / 1024);
    }
    std::printf(
        "peak RSS                   start %.1f MiB, after decode %.1f MiB, after JSON pass %.1f MiB\n",
        double(rss_start) / 1024,
        double(rss_decode) / 1024,
        double(rss_render) / 1024
    );
    std::printf(
        "ratios (best)              decode/header walk %.2f (%.0f%% of the ceiling)",
        decode.best() / walk.best(),
        100.0 * walk.best() / decode.best()
    );
    if (mdb_best > 0)
        std::printf(", decode vs mariadb-binlog -v %.1fx faster", mdb_best / decode.best());
    if (mdb_best > 0 && opt.per_cell_pass)
        std::printf(" (per cell %.1fx)", mdb_best / per_cell.best());
    if (mdb_best > 0 && opt.json_pass)
        std::printf(", decode+JSON vs mariadb-binlog -v %.1fx faster", mdb_best / render.best());
    std::printf("\n");
    std::printf(
        "targets (not asserted)     decode >= 1000 MB/s: %s; >= 10x mariadb-binlog: %s; RSS see 2 sizes\n",
        bytes / mb / decode.best() >= 1000 ? "met" : "not met",
        mdb_best == 0 ? "n/a" : (mdb_best / decode.best() >= 10 ? "met" : "not met")
    );
    std::printf(
        "sink                       %llu\n",
        static_cast<unsigned long long>(c.sink + per_cell.c.sink + walk.c.sink)
    );
    if (opt.per_cell_pass && (c.sink != per_cell.c.sink || c.cells != per_cell.c.cells))
        std::printf("note: the batch and per-cell passes folded different values\n");
    if (walk.c.events != c.events)
        std::printf(
            "note: header walk saw %llu events, decode %llu (payload events expand)\n",
            static_cast<unsigned long long>(walk.c.events),
            static_cast<unsigned long long>(c.events)
        );
    return 0;
}
