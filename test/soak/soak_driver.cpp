// Fault-injection soak (issue 6 item 1): a continuous mixed write load on the sandbox MariaDB,
// `binlogstream tail --checkpoint` following it through a loopback proxy into a regular file, and
// faults injected at random moments (proxy cuts at a random byte and stalls, KILL of the dump thread,
// FLUSH BINARY LOGS, kill -9 of the tool, clean restarts and kill -9 of the server). At the end the
// tool catches up and every transaction it wrote is compared with the server's binlog as decoded by
// `mariadb-binlog`: the binlog on disk after the last restart is the truth. Exits 1 when anything
// was lost, repeated, altered or invented, or when delivery did not resume after a fault.
//
//   soak_driver [--faults N] [--max-seconds S] [--seed N] [--work DIR] [--tool PATH]
//               [--sandbox PATH] [--ssl-mode MODE] [--kinds cut,stall,kill,flush,tool,restart,crash]
//
// --seed fixes the sequence of fault kinds, their parameters and the load's statements, not the
// moments (those depend on timing). --kinds restricts the faults, to reproduce one kind's problem.
//
// It reads the sandbox's address from the BINLOGSTREAM_TEST_* variables (`scripts/sandbox env`),
// writes in the schema `bls_soak` (dropped and created at start) and leaves the server running.

#include "common/tcp_proxy.hpp"
#include "soak/soak_support.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace soak = binlogstream::soak;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

enum fault_kind
{
    proxy_cut,
    proxy_stall,
    kill_dump_thread,
    flush_binary_logs,
    tool_kill9,
    server_restart,
    server_kill9,
    fault_kinds
};

const char* const fault_names[fault_kinds] = {
    "proxy cut at a random byte",
    "proxy stall past the heartbeat deadline",
    "KILL of the dump thread",
    "FLUSH BINARY LOGS",
    "kill -9 of the tool, restart from checkpoint",
    "server restart (SIGTERM, start)",
    "server kill -9, start"};

// Relative weights: server faults are rarer (each costs seconds of downtime), stalls too (each waits
// for the 2 x heartbeat + 2 s deadline).
const int fault_weights[fault_kinds] = {24, 8, 22, 14, 16, 8, 8};
// Short names for --kinds.
const char* const fault_keys[fault_kinds] = {"cut", "stall", "kill", "flush", "tool", "restart", "crash"};

struct settings
{
    int faults = 100;
    int max_seconds = 240;
    std::uint64_t seed = 0;
    std::string work;
    std::string tool = BINLOGSTREAM_BINARY_DIR "/samples/binlogstream";
    std::string sandbox = BINLOGSTREAM_SOURCE_DIR "/scripts/sandbox";
    std::string ssl_mode = "disabled";
    std::string kinds; // comma list of fault_keys; empty: all
};

std::string env_or_die(const char* name)
{
    const char* v = std::getenv(name);
    if (!v || !*v)
    {
        std::cerr << "soak: " << name << " is not set (eval \"$(scripts/sandbox env)\")\n";
        std::exit(2);
    }
    return v;
}

// Seconds since the start and the UTC wall-clock time, which the tool's --verbose lines and the
// server's error log also carry.
void log(const std::string& text)
{
    static const auto t0 = clock_type::now();
    auto s = std::chrono::duration<double>(clock_type::now() - t0).count();
    char prefix[48];
    std::snprintf(prefix, sizeof prefix, "[%7.1f s, %s] ", s, soak::utc_now().c_str());
    std::cerr << prefix << text << '\n';
}

// The write load: one `mariadb` client fed transactions through a pipe, respawned whenever it dies
// (the server went away, a statement failed). Transactions lost in a dying client never ran, and
// those cut by a server kill are rolled back or kept as the binlog says: the comparison needs no
// account of what the load believed it committed.
class load_writer
{
public:
    load_writer(std::vector<std::string> client_argv, std::string log_path, std::uint64_t seed)
        : argv_(std::move(client_argv))
        , log_path_(std::move(log_path))
        , rng_(seed)
    {}

    void start()
    {
        thread_ = std::thread([this] { run(); });
    }

    /// Stops writing, lets the client finish what it read, and waits for it.
    void stop()
    {
        stop_ = true;
        thread_.join();
    }

    [[nodiscard]] std::uint64_t sent() const noexcept { return sent_; }
    [[nodiscard]] std::uint64_t respawns() const noexcept { return respawns_; }

private:
    void run()
    {
        while (!stop_)
        {
            soak::child client = soak::spawn_with_stdin_pipe(argv_, log_path_);
            bool alive = true;
            while (alive && !stop_)
            {
                std::string trx = transaction();
                alive = soak::write_all(client.stdin_fd, trx);
                if (alive)
                    ++sent_;
                std::this_thread::sleep_for(std::chrono::milliseconds(2 + rng_() % 25));
                if (alive && soak::exited(client.pid))
                    alive = false;
            }
            ::close(client.stdin_fd);
            soak::wait_exit(client.pid);
            if (!stop_)
            {
                ++respawns_;
                std::this_thread::sleep_for(200ms);
            }
        }
    }

    std::string text_value()
    {
        static const char* const words[] = {"alpha", "βeta", "gämma", "δelta 🙂", "o'k", "x"};
        std::string w = words[rng_() % 6];
        if (w == "o'k")
            w = "o''k";
        return w + "-" + std::to_string(rng_() % 100000);
    }

    std::string row_a()
    {
        std::ostringstream s;
        s << "('" << text_value() << "'," << (rng_() % 2000000) / 1000.0 << ",'2026-11-" << 1 + rng_() % 28
          << " 12:34:56." << rng_() % 1000 << "','{\"k\":" << rng_() % 1000 << ",\"a\":[1,\"two\",null]}',X'"
          << std::hex << std::setw(6) << std::setfill('0') << rng_() % 0xffffffu << std::dec << "0A','"
          << (rng_() % 3 == 0 ? "red"
              : rng_() % 2    ? "green"
                              : "blue")
          << "'," << static_cast<double>(rng_() % 100000) / 7.0 << ",'2026-" << 1 + rng_() % 12 << "-"
          << 1 + rng_() % 28 << "')";
        return s.str();
    }

    std::string statement()
    {
        std::ostringstream s;
        switch (rng_() % 7)
        {
            case 0:
            case 1:
                s << "INSERT INTO t_a (v, d, ts, j, b, e, f, dt) VALUES " << row_a() << ";";
                break;
            case 2:
                s << "INSERT INTO t_b (id, n, txt, flag, s) VALUES (" << next_b_++ << ","
                  << static_cast<int>(rng_() % 200000) - 100000 << ",'" << text_value() << "'," << rng_() % 2
                  << ",'" << (rng_() % 2 ? "x,z" : "y") << "');";
                break;
            case 3:
                s << "UPDATE t_a SET v = '" << text_value()
                  << "', f = f + 1, e = 'blue' WHERE id = " << 1 + rng_() % (approx_a_ + 1) << ";";
                break;
            case 4:
            {
                auto first = rng_() % next_b_;
                s << "UPDATE t_b SET n = n + 1, txt = CONCAT(LEFT(txt, 40), '+') WHERE id BETWEEN " << first
                  << " AND " << first + 3 << ";";
            }
            break;
            case 5:
                s << "DELETE FROM t_a WHERE id = " << 1 + rng_() % (approx_a_ + 1) << ";";
                break;
            default:
                s << "DELETE FROM t_b WHERE id = " << rng_() % next_b_ << ";";
                break;
        }
        return s.str();
    }

    // BEGIN; an insert (so that every transaction changes at least one row); then 0 to a few
    // hundred more statements; COMMIT.
    std::string transaction()
    {
        auto roll = rng_() % 100;
        std::size_t more = roll < 70 ? rng_() % 5 : roll < 96 ? 5 + rng_() % 26 : 100 + rng_() % 200;
        std::string t = "BEGIN;\nINSERT INTO t_a (v, d, ts, j, b, e, f, dt) VALUES " + row_a();
        for (int i = static_cast<int>(rng_() % 3); i > 0; --i)
            t += "," + row_a();
        t += ";\n";
        ++approx_a_;
        for (std::size_t i = 0; i < more; ++i)
        {
            t += statement();
            t += '\n';
        }
        approx_a_ += more / 3; // about the inserts into t_a: update and delete ids need only be near
        t += "COMMIT;\n";
        return t;
    }

    std::vector<std::string> argv_;
    std::string log_path_;
    std::mt19937_64 rng_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> sent_{0};
    std::atomic<std::uint64_t> respawns_{0};
    std::uint64_t next_b_ = 1;
    std::uint64_t approx_a_ = 1;
    std::thread thread_;
};

std::uint64_t file_size(const std::string& path)
{
    struct stat st
    {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// "median M s, 99th percentile P s, worst W s (N faults)"; the percentile is the nearest rank.
std::string quick_summary(std::vector<double> times)
{
    if (times.empty())
        return "no such faults";
    std::sort(times.begin(), times.end());
    auto rank = [&](double q) {
        auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(times.size())));
        return times[std::min(times.size(), std::max<std::size_t>(i, 1)) - 1];
    };
    std::ostringstream s;
    s << std::fixed << std::setprecision(2) << "median " << rank(0.5) << " s, 99th percentile " << rank(0.99)
      << " s, worst " << times.back() << " s (" << times.size() << " faults)";
    return s.str();
}

} // namespace

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    settings cfg;
    cfg.seed = std::random_device{}();
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
            {
                std::cerr << "soak: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--faults")
            cfg.faults = std::stoi(value());
        else if (a == "--max-seconds")
            cfg.max_seconds = std::stoi(value());
        else if (a == "--seed")
            cfg.seed = std::stoull(value());
        else if (a == "--work")
            cfg.work = value();
        else if (a == "--tool")
            cfg.tool = value();
        else if (a == "--sandbox")
            cfg.sandbox = value();
        else if (a == "--ssl-mode")
            cfg.ssl_mode = value();
        else if (a == "--kinds")
            cfg.kinds = value();
        else
        {
            std::cerr << "usage: soak_driver [--faults N] [--max-seconds S] [--seed N] [--work DIR] "
                         "[--tool PATH] [--sandbox PATH] [--ssl-mode MODE] "
                         "[--kinds cut,stall,kill,flush,tool,restart,crash]\n";
            return 2;
        }
    }
    const std::string host = env_or_die("BINLOGSTREAM_TEST_HOST");
    const auto port = static_cast<std::uint16_t>(std::stoi(env_or_die("BINLOGSTREAM_TEST_PORT")));
    const std::string socket = env_or_die("BINLOGSTREAM_TEST_SOCKET");
    const std::string datadir = env_or_die("BINLOGSTREAM_TEST_DATADIR");
    const std::string pid_file = env_or_die("BINLOGSTREAM_TEST_PID_FILE");
    const std::string user = env_or_die("BINLOGSTREAM_TEST_USER");
    const std::string password = env_or_die("BINLOGSTREAM_TEST_PASSWORD");
    if (cfg.work.empty())
        cfg.work = "/tmp/bls-soak-" + std::to_string(::getpid());
    ::mkdir(cfg.work.c_str(), 0755);
    const std::string out_path = cfg.work + "/out.jsonl";
    const std::string cp_path = cfg.work + "/checkpoint.json";
    const std::string tool_log = cfg.work + "/tail.log";
    ::unlink(out_path.c_str());
    ::unlink(cp_path.c_str());
    ::unlink(tool_log.c_str());
    std::cout << "soak: seed " << cfg.seed << ", target " << cfg.faults << " faults, at most "
              << cfg.max_seconds << " s, work dir " << cfg.work << std::endl;
    std::mt19937_64 rng(cfg.seed);

    if (soak::run({cfg.sandbox, "start"}) != 0) // idempotent; revives a server a failed run left down
        soak::die("the sandbox does not start");
    const soak::sql_client sql{socket};
    sql.run(
        "DROP DATABASE IF EXISTS bls_soak; CREATE DATABASE bls_soak; "
        "CREATE TABLE bls_soak.t_a (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) CHARACTER SET utf8mb4, "
        "d DECIMAL(12,3), ts DATETIME(3), j JSON, b VARBINARY(32), e ENUM('red','green','blue'), f DOUBLE, "
        "dt DATE); "
        "CREATE TABLE bls_soak.t_b (id BIGINT PRIMARY KEY, n INT, txt TEXT CHARACTER SET utf8mb4, flag "
        "TINYINT, "
        "s SET('x','y','z')); FLUSH BINARY LOGS;"
    );
    const std::string start_file = soak::field(sql.query("SHOW MASTER STATUS"), 0);
    log("streaming from " + start_file);

    binlogstream::test::tcp_proxy proxy(host, port);
    const std::vector<std::string> tail_args{
        "tail",
        "--host",
        "127.0.0.1",
        "--port",
        std::to_string(proxy.port()),
        "--user",
        user,
        "--ssl-mode",
        cfg.ssl_mode,
        "--server-id",
        "7777",
        "--heartbeat",
        "1",
        "--checkpoint",
        cp_path,
        "--start-file",
        start_file,
        "--only-schemas",
        "bls_soak",
        "--verbose"}; // reconnect reasons, attempts and waits in tail.log, to explain slow recoveries

    soak::rss_sampler rss;
    soak::tool_process tool(cfg.tool, tail_args, out_path, tool_log, password, rss);
    tool.start();

    load_writer load(sql.argv("bls_soak"), cfg.work + "/load.log", rng());
    load.start();

    int counts[fault_kinds] = {};
    double worst[fault_kinds] = {};
    // Times to deliver again after the faults that leave the server up (cut, KILL, FLUSH, tool
    // kill -9): the reconnect path alone, about 0.1 s when nothing waits needlessly.
    std::vector<double> quick;
    std::vector<double> quick_link;
    double worst_link[fault_kinds] = {};
    std::ofstream fault_log(cfg.work + "/faults.log"); // one line per fault: when, what, how long
    int no_recovery = 0;
    const auto t_start = clock_type::now();
    const auto deadline = t_start + std::chrono::seconds(cfg.max_seconds);
    int weights[fault_kinds];
    int total_weight = 0;
    for (int k = 0; k < fault_kinds; ++k)
    {
        bool chosen =
            cfg.kinds.empty() ||
            ("," + cfg.kinds + ",").find(std::string(",") + fault_keys[k] + ",") != std::string::npos;
        weights[k] = chosen ? fault_weights[k] : 0;
        total_weight += weights[k];
    }
    if (total_weight == 0)
        soak::die("--kinds names no fault kind");
    std::this_thread::sleep_for(1s);

    int injected = 0;
    int previous_kind = -1;
    auto previous_time = clock_type::now();
    while (injected < cfg.faults && clock_type::now() < deadline)
    {
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 700));
        tool.check_alive();
        int pick = static_cast<int>(rng() % static_cast<std::uint64_t>(total_weight));
        int kind = 0;
        while (pick >= weights[kind])
            pick -= weights[kind++];
        const std::uint64_t size_before = file_size(out_path);
        const std::uint64_t tool_log_before = file_size(tool_log);
        const std::size_t links_before = proxy.accepted();
        int killed_links = 0;
        const auto t_fault = clock_type::now();
        const std::string fault_time = soak::utc_now();
        switch (kind)
        {
            case proxy_cut:
                proxy.cut_after(rng() % 20000);
                break;
            case proxy_stall:
                proxy.stall();
                break;
            case kill_dump_thread:
                killed_links = 0;
                for (const auto& id : soak::lines(sql.query(
                         "SELECT id FROM information_schema.PROCESSLIST WHERE command = 'Binlog Dump' AND "
                         "user = '" +
                         user + "'"
                     )))
                {
                    sql.run("KILL " + id, true);
                    ++killed_links;
                }
                break;
            case flush_binary_logs:
                sql.run("FLUSH BINARY LOGS", true);
                break;
            case tool_kill9:
                tool.kill9();
                tool.start();
                break;
            case server_restart:
            case server_kill9:
            {
                // scripts/sandbox kill9 does not wait for the process to go, and its start refuses a
                // port still held: stop_server waits for the pid either way.
                soak::stop_server(pid_file, kind == server_restart ? SIGTERM : SIGKILL);
                int rc = soak::run({cfg.sandbox, "start"});
                for (int attempt = 0; rc != 0 && attempt < 5; ++attempt)
                {
                    std::this_thread::sleep_for(1s);
                    rc = soak::run({cfg.sandbox, "start"});
                }
                if (rc != 0)
                    soak::die("the sandbox did not start again");
                break;
            }
        }
        ++counts[kind];
        ++injected;
        // Two measures, both from the fault's start (a server fault's figures include the server's
        // own restart):
        // - `took`: the output grows past its size at the fault (after a kill -9 of the tool, the
        //   restart first cuts it back to the checkpoint). Fooled both ways by the tool's backlog:
        //   lines already received before the fault count as "resumed", and a link that went dead
        //   earlier (a stall) is blamed on the next fault.
        // - `took_link`: for the faults that end the link, the output grows after a new link was
        //   accepted by the proxy: the reconnect itself delivering. (A KILL that found no dump
        //   thread and a FLUSH end no link: the output growth then.)
        const bool ends_link = kind != flush_binary_logs && !(kind == kill_dump_thread && killed_links == 0);
        bool resumed = false;
        double took = 0;
        std::optional<std::uint64_t> size_at_new_link;
        while (clock_type::now() - t_fault < 60s)
        {
            tool.check_alive();
            const auto size = file_size(out_path);
            if (!resumed && size > size_before)
            {
                resumed = true;
                took = std::chrono::duration<double>(clock_type::now() - t_fault).count();
            }
            if (!size_at_new_link && (!ends_link || proxy.accepted() > links_before))
                size_at_new_link = ends_link ? size : size_before;
            if (resumed && size_at_new_link && size > *size_at_new_link)
                break;
            std::this_thread::sleep_for(20ms);
        }
        const bool link_resumed = size_at_new_link && file_size(out_path) > *size_at_new_link;
        const double took_link = std::chrono::duration<double>(clock_type::now() - t_fault).count();
        if (!resumed)
            took = took_link;
        worst[kind] = std::max(worst[kind], took);
        worst_link[kind] = std::max(worst_link[kind], took_link);
        if (kind != proxy_stall && kind != server_restart && kind != server_kill9)
        {
            quick.push_back(took);
            quick_link.push_back(took_link);
        }
        fault_log << fault_time << ' ' << fault_keys[kind] << ' ' << took << ' ' << took_link
                  << (link_resumed ? "" : " no-recovery") << std::endl;
        resumed = resumed && link_resumed;
        if (resumed && took_link > 2.0 && kind != proxy_stall && kind != server_restart &&
            kind != server_kill9)
        {
            // The previous fault is a clue: so far slow ones followed server restarts.
            char text[256];
            std::snprintf(
                text,
                sizeof text,
                "slow: a new link delivered %.2f s after: %s at %s (output grew after %.2f s; previous "
                "fault: %s, %.1f s earlier)",
                took_link,
                fault_names[kind],
                fault_time.c_str(),
                took,
                previous_kind < 0 ? "none" : fault_names[previous_kind],
                std::chrono::duration<double>(t_fault - previous_time).count()
            );
            log(text);
            // What the tool said since the fault (its --verbose reconnect lines).
            std::cerr << soak::read_from(tool_log, tool_log_before, 2000);
        }
        previous_kind = kind;
        previous_time = t_fault;
        if (!resumed)
        {
            ++no_recovery;
            log(std::string("delivery did not resume within 60 s after: ") + fault_names[kind]);
        }
        if (injected % 10 == 0)
            log(std::to_string(injected) + " faults, output " + std::to_string(file_size(out_path)) +
                " bytes, " + std::to_string(load.sent()) + " transactions sent");
    }
    const double fault_seconds = std::chrono::duration<double>(clock_type::now() - t_start).count();

    // The end: the load stops, the live tool is stopped cleanly (its checkpoint is current), and one
    // --non-blocking run through the proxy catches up to the end of the binlog.
    load.stop();
    tool.check_alive();
    const int term_rc = tool.terminate();
    const auto t_catch = clock_type::now();
    const int catch_rc = tool.run_to_end();
    const double catch_seconds = std::chrono::duration<double>(clock_type::now() - t_catch).count();

    // The truth: the binlog files from the first one streamed, decoded by mariadb-binlog.
    std::vector<std::string> files;
    bool in_range = false;
    for (const auto& row : soak::lines(sql.query("SHOW BINARY LOGS")))
    {
        std::string name = soak::field(row, 0);
        in_range = in_range || name == start_file;
        if (in_range)
            files.push_back(datadir + "/" + name);
    }
    const auto truth = soak::read_binlog(files);
    const auto delivered = soak::read_output(out_path);
    const auto verdict = soak::compare(truth, delivered);

    std::cout << "\nsoak: " << injected << " faults in " << fault_seconds << " s (seed " << cfg.seed << ")\n";
    for (int k = 0; k < fault_kinds; ++k)
        std::cout << "  " << counts[k] << "  " << fault_names[k]
                  << " (worst time to deliver again: " << worst_link[k] << " s over a new link, " << worst[k]
                  << " s to any output growth)\n";
    double worst_all = 0;
    for (double w : worst_link)
        worst_all = std::max(worst_all, w);
    std::cout << "transactions in the binlog: " << truth.size() << " (" << load.sent()
              << " sent by the load, " << load.respawns()
              << " load client restarts), binlog files: " << files.size() << "\n"
              << "transactions delivered once: " << verdict.delivered << ", rows: " << verdict.rows << "\n"
              << "lost: " << verdict.lost << ", duplicated: " << verdict.duplicated
              << ", altered: " << verdict.altered << ", not in the binlog: " << verdict.phantom << "\n"
              << "time to deliver again after a cut, KILL, FLUSH or tool kill -9: over a new link "
              << quick_summary(quick_link) << "; to any output growth " << quick_summary(quick) << "\n"
              << "worst time to deliver again after a fault: " << worst_all
              << " s; faults without recovery: " << no_recovery << "\n"
              << "tool: " << tool.starts() << " starts, " << tool.unexpected_exits() << " unexpected exits, "
              << soak::count_lines_with(tool_log, "bytes written to stdout after")
              << " restarts cut back output written after the checkpoint, peak RSS (VmHWM) "
              << rss.peak_kib() / 1024.0 << " MiB\n"
              << "final catch-up: " << catch_seconds << " s, exit " << catch_rc << " (clean stop exit "
              << term_rc << ")\n";
    for (const auto& d : verdict.details)
        std::cout << "  " << d << "\n";
    const bool ok = verdict.lost == 0 && verdict.duplicated == 0 && verdict.altered == 0 &&
                    verdict.phantom == 0 && no_recovery == 0 && tool.unexpected_exits() == 0 &&
                    catch_rc == 0 && term_rc == 0 && verdict.delivered > 0;
    std::cout << (ok ? "soak: PASS" : "soak: FAIL") << std::endl;
    return ok ? 0 : 1;
}
