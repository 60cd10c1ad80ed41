#pragma once

// Pieces of the fault tests: a bounded background worker that is always stopped and joined (also when
// a test assertion throws), restarting the sandbox's main server, and the "change log" of a table as
// a list of text lines (MariaDB GTIDs and row images), built either from the events a stream delivered
// or from the server's own binlog files, so that the two can be compared line by line.

#include <binlogstream/file_reader.hpp>

#include "stream_test_support.hpp"

#include <atomic>
#include <csignal>
#include <fstream>
#include <functional>
#include <signal.h>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace binlogstream::test {

/// A thread running `body(stop)`. The destructor sets `stop` and joins: a failing test never leaves a
/// thread behind. `body` must check `stop` in every loop and keep each loop bounded.
class bounded_worker
{
public:
    explicit bounded_worker(std::function<void(const std::atomic<bool>&)> body)
        : thread_([this, b = std::move(body)] { b(stop_); })
    {}
    ~bounded_worker() { join(); }
    bounded_worker(const bounded_worker&) = delete;
    bounded_worker& operator=(const bounded_worker&) = delete;

    void join()
    {
        stop_ = true;
        if (thread_.joinable())
            thread_.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// Stops the main sandbox server with SIGTERM (a clean shutdown: the binlog ends with a STOP event and
/// the next start opens a new file), waits at most 30 s for it to exit, and starts it again.
inline void restart_main_server()
{
    int pid = server_pid(false);
    if (pid > 0 && ::kill(pid, SIGTERM) == 0)
    {
        for (int i = 0; i < 300 && ::kill(pid, 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    restart_servers();
}

/// One row image as "name=json;..." in column-name order.
inline std::string image_text(const row_image& image)
{
    std::string out;
    for (const auto& [k, v] : image_json(image))
        out += k + "=" + v + ";";
    return out;
}

/// The lines a change contributes: "gtid D-S-N" for a MariaDB GTID event (every transaction), and for
/// rows of `schema`.`table`: "I after", "U before -> after", "D before".
class change_log
{
public:
    change_log(std::string schema, std::string table)
        : schema_(std::move(schema))
        , table_(std::move(table))
    {}

    void add(const event& ev)
    {
        if (const auto* g = std::get_if<mariadb_gtid_event>(&ev))
        {
            lines.push_back(
                "gtid " + std::to_string(g->domain_id) + "-" + std::to_string(g->header.server_id) + "-" +
                std::to_string(g->seq_no)
            );
            return;
        }
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_base_of_v<rows_event, T>)
                {
                    if (!e.table || e.table->schema != schema_ || e.table->table != table_)
                        return;
                    for (const auto& r : e.rows())
                    {
                        if (e.kind == rows_kind::write)
                            lines.push_back("I " + image_text(r.after));
                        else if (e.kind == rows_kind::update)
                            lines.push_back("U " + image_text(r.before) + " -> " + image_text(r.after));
                        else
                            lines.push_back("D " + image_text(r.before));
                    }
                }
            },
            ev
        );
    }

    std::vector<std::string> lines;

private:
    std::string schema_, table_;
};

/// The binlog files of the main sandbox server from `start.file` on, in order (mysql-bin.index).
inline std::vector<std::string> binlog_files_from(const file_position& start)
{
    const auto& dir = sandbox().datadir;
    std::ifstream index(dir + "/mysql-bin.index");
    std::vector<std::string> files;
    bool on = false;
    for (std::string line; std::getline(index, line);)
    {
        auto base = line.substr(line.find_last_of('/') + 1);
        if (base == start.file)
            on = true;
        if (on)
            files.push_back(dir + "/" + base);
    }
    return files;
}

/// The change log of `schema`.`table` as the server wrote it, read from its binlog files from `start`
/// to their current end.
inline std::vector<std::string>
binlog_change_lines(const file_position& start, const std::string& schema, const std::string& table)
{
    change_log log(schema, table);
    file_reader reader;
    auto files = binlog_files_from(start);
    BOOST_REQUIRE_MESSAGE(!files.empty(), "no binlog file " << start.file << " in the index");
    const auto first = files.front();
    reader.open(std::move(files));
    event ev;
    std::error_code ec;
    while (reader.next(ev, ec))
    {
        if (reader.position().file == first && reader.position().offset < start.offset)
            continue;
        log.add(ev);
    }
    BOOST_REQUIRE_MESSAGE(ec == errc::end_of_stream, "reading the binlog: " << ec.message());
    return log.lines;
}

} // namespace binlogstream::test
