// `binlogstream tail`: follows a server's binlog and prints one JSON line per row change (Maxwell by
// default, Debezium envelopes with --format debezium), with checkpoints that survive kill -9.
//
// Ordering, which is what makes the checkpoint safe: a transaction's lines are held until the
// stream's position moves past it (binlog_stream::position() only counts transactions whose every
// event was received); then the lines are written to stdout, and only after the write returned is
// the checkpoint replaced. The checkpoint is therefore never ahead of stdout. Lines of a transaction
// that was not complete when the tool stopped are dropped; the restart delivers it again, whole.
// Remaining window: killed after the write and before the rename, the restart repeats that one
// transaction, unless stdout is a regular file: then the checkpoint records the file's size and
// the restart cuts the file back to it first (checkpoint_file.hpp), so nothing is repeated.

#include <binlogstream/stream.hpp>

#include "change_writer.hpp"
#include "checkpoint_file.hpp"
#include "command.hpp"
#include "json_writer.hpp"
#include "replication/position_tracker.hpp"
#include "tail_options.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace binlogstream::tool {
namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::uint16_t artificial_flag = 0x20; // LOG_EVENT_ARTIFICIAL_F

int exit_code_for(std::error_code ec)
{
    if (ec.category() == client_category())
    {
        auto v = static_cast<errc>(ec.value());
        if (ec.value() > 0 && ec.value() < 100)
            return exit_data;
        if (v == errc::metadata_unavailable)
            return exit_data;
        if (v == errc::invalid_argument || v == errc::invalid_gtid || v == errc::invalid_position)
            return exit_usage;
        return exit_connection;
    }
    // Server errors (authentication, a purged binlog, a duplicate server id) and socket errors.
    return exit_connection;
}

class tail_session
{
public:
    tail_session(asio::io_context& io, tail_options opts, checkpoint cp)
        : io_(io)
        , opts_(std::move(opts))
        , stream_(io.get_executor(), opts_.conn, opts_.stream)
        , writer_(opts_.format, opts_.transactions)
        , text_{opts_.stream.on_bad_text, {}}
        , signals_(io, SIGINT, SIGTERM)
        , timer_(io)
        , cp_(std::move(cp))
    {
        out_.reserve(1 << 16);
    }

    asio::awaitable<int> run()
    {
        signals_.async_wait([this](std::error_code ec, int) {
            if (ec)
                return;
            stopping_ = true;
            stream_.close();
        });
        if (opts_.progress || !opts_.checkpoint_file.empty())
            asio::co_spawn(io_, tick(), asio::detached);
        int rc = co_await loop();
        finish(rc);
        stopping_ = true;
        signals_.cancel();
        timer_.cancel();
        co_return rc;
    }

private:
    asio::awaitable<int> loop()
    {
        for (;;)
        {
            auto [ec, ev] = co_await stream_.async_next(as_tuple_awaitable);
            if (ec == errc::end_of_stream)
                co_return boundary() ? exit_ok : rc_;
            if (ec && stopping_)
                co_return exit_ok;
            if (ec)
            {
                report(ec);
                co_return exit_code_for(ec);
            }
            ++events_;
            if (!handle(ev))
                co_return rc_;
        }
    }

    bool handle(const event& ev)
    {
        const auto& h = header_of(ev);
        if (h.type == event_type::heartbeat || h.type == event_type::heartbeat_v2)
        {
            lag_ = 0;
            return boundary(); // an idle stream still moves past transactions that printed nothing
        }
        if (h.timestamp != 0 && (h.flags & artificial_flag) == 0)
        {
            timestamp_ = h.timestamp;
            auto now = std::chrono::system_clock::now().time_since_epoch();
            auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now).count();
            lag_ = now_s > std::int64_t(h.timestamp) ? now_s - std::int64_t(h.timestamp) : 0;
        }
        if (h.log_pos != 0 && h.log_pos >= h.event_size)
            event_pos_ = h.log_pos - h.event_size;

        // Events that end a transaction are handled before the boundary check, all others after
        // it: a rows event can see the position move only because an earlier transaction ended.
        if (const auto* x = std::get_if<xid_event>(&ev))
        {
            xid_ = x->xid;
            return boundary();
        }
        if (const auto* q = std::get_if<query_event>(&ev))
        {
            if (opts_.ddl && replication::role_of_query(q->query) == replication::event_role::statement)
            {
                std::string sql;
                if (auto ec = stream_.to_utf8(*q, sql, text_.diag))
                    return bad_text(ec);
                writer_.add_ddl(*q, sql, place(h));
            }
            return boundary();
        }
        if (!boundary())
            return false;
        if (const auto* r = std::get_if<rotate_event>(&ev))
            file_ = r->next_file;
        else if (const auto* g = std::get_if<gtid_event>(&ev))
            gtid_ = g->to_string();
        else if (std::holds_alternative<anonymous_gtid_event>(ev))
            gtid_.clear();
        else if (const auto* m = std::get_if<mariadb_gtid_event>(&ev))
            gtid_ = m->to_string();
        else
        {
            std::error_code ec;
            std::visit(
                [&](const auto& e) {
                    if constexpr (std::is_base_of_v<rows_event, std::decay_t<decltype(e)>>)
                    {
                        if (!(ec = check_text(e, text_, file_)))
                            ec = writer_.add_rows(e, place(h), rows_);
                    }
                },
                ev
            );
            if (ec == errc::invalid_text)
                return bad_text(ec);
            if (ec)
            {
                std::fprintf(
                    stderr,
                    "binlogstream tail: cannot decode a rows event at %s:%llu: %s\n",
                    file_.c_str(),
                    static_cast<unsigned long long>(event_pos_),
                    ec.message().c_str()
                );
                rc_ = exit_data;
                return false;
            }
        }
        return true;
    }

    // --bad-text strict met invalid text: nothing of the transaction is printed, exit status 4.
    bool bad_text(std::error_code ec)
    {
        std::fprintf(
            stderr, "binlogstream tail: %s: %s\n", ec.message().c_str(), text_.diag.client_message().c_str()
        );
        rc_ = exit_data;
        return false;
    }

    event_place place(const event_header& h) const
    {
        return event_place{file_, event_pos_, h.server_id, h.timestamp, gtid_};
    }

    // Called after each event: when the stream's checkpoint moved, the transactions before it are
    // complete; their lines go out, then the checkpoint.
    bool boundary()
    {
        auto p = stream_.position();
        if (p == cp_.position)
            return true;
        commit_info c{xid_, gtid_, timestamp_, p.file.file, p.file.offset};
        writer_.commit(c, out_);
        xid_.reset();
        cp_.position = std::move(p);
        ++cp_.transactions;
        if (out_.empty())
        {
            // Nothing printed (filtered or empty transaction): saved by the timer within a second.
            dirty_ = true;
            return true;
        }
        if (!flush_stdout())
            return false;
        // --checkpoint-every: while transactions keep coming, at most one checkpoint per interval
        // (each costs two fsyncs); the timer saves the last one when the stream goes quiet.
        if (opts_.checkpoint_every.count() > 0 &&
            std::chrono::steady_clock::now() - last_save_ < opts_.checkpoint_every)
        {
            dirty_ = true;
            return true;
        }
        return save_checkpoint();
    }

    bool flush_stdout()
    {
        std::size_t done = 0;
        while (done < out_.size())
        {
            auto n = ::write(1, out_.data() + done, out_.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
            {
                std::fprintf(stderr, "binlogstream tail: cannot write to stdout: %s\n", std::strerror(errno));
                rc_ = exit_io;
                return false;
            }
            done += static_cast<std::size_t>(n);
        }
        out_.clear();
        return true;
    }

    bool save_checkpoint()
    {
        dirty_ = false;
        last_save_ = std::chrono::steady_clock::now();
        if (opts_.checkpoint_file.empty() || cp_.position.file.file.empty())
            return true;
        cp_.output = current_output_mark();
        std::string error;
        if (!write_checkpoint(opts_.checkpoint_file, cp_, error))
        {
            std::fprintf(stderr, "binlogstream tail: %s\n", error.c_str());
            rc_ = exit_io;
            return false;
        }
        return true;
    }

    // At the end: the open transaction's lines are dropped (its events come again on restart).
    void finish(int rc)
    {
        writer_.discard();
        if (rc != exit_io && dirty_)
            save_checkpoint();
    }

    void report(std::error_code ec) const
    {
        const auto& d = stream_.last_diagnostics();
        std::string text = ec.message();
        if (!d.server_message().empty())
            text += ": " + d.server_message();
        if (!d.client_message().empty())
            text += " (" + d.client_message() + ")";
        std::fprintf(stderr, "binlogstream tail: %s\n", text.c_str());
    }

    // Once a second: the progress line, and the checkpoint after transactions that printed nothing.
    asio::awaitable<void> tick()
    {
        auto last = std::chrono::steady_clock::now();
        std::uint64_t last_events = 0, last_rows = 0;
        while (!stopping_)
        {
            timer_.expires_after(std::chrono::seconds(1));
            auto [ec] = co_await timer_.async_wait(as_tuple_awaitable);
            if (ec || stopping_)
                co_return;
            if (dirty_ && !save_checkpoint())
            {
                stopping_ = true;
                stream_.close();
                co_return;
            }
            if (!opts_.progress)
                continue;
            auto now = std::chrono::steady_clock::now();
            double secs = std::chrono::duration<double>(now - last).count();
            std::fprintf(
                stderr,
                "binlogstream tail: %.0f events/s, %.0f rows/s, position %s, %lld s behind source\n",
                double(events_ - last_events) / secs,
                double(rows_ - last_rows) / secs,
                cp_.position.file.to_string().c_str(),
                static_cast<long long>(lag_)
            );
            last = now;
            last_events = events_;
            last_rows = rows_;
        }
    }

    asio::io_context& io_;
    tail_options opts_;
    binlog_stream stream_;
    change_writer writer_;
    text_settings text_; // --bad-text
    asio::signal_set signals_;
    asio::steady_timer timer_;
    checkpoint cp_; // the position of the last transaction out (saved, or `dirty_`)
    bool dirty_ = false;
    std::chrono::steady_clock::time_point last_save_{};
    bool stopping_ = false;
    int rc_ = exit_failure;
    std::string out_;
    std::string file_;
    std::string gtid_;
    std::optional<std::uint64_t> xid_;
    std::uint64_t event_pos_ = 0;
    std::uint32_t timestamp_ = 0;
    std::uint64_t events_ = 0;
    std::uint64_t rows_ = 0;
    std::int64_t lag_ = 0;
};

} // namespace

int run_tail(std::span<const std::string_view> args)
{
    std::string error;
    auto opts = parse_tail_options(args, error);
    if (!opts)
    {
        std::fprintf(stderr, "binlogstream tail: %s (see binlogstream tail --help)\n", error.c_str());
        return exit_usage;
    }
    if (opts->help)
    {
        auto h = tail_help();
        std::fwrite(h.data(), 1, h.size(), stdout);
        return exit_ok;
    }
    std::signal(SIGPIPE, SIG_IGN); // a closed pipe is a write error (exit 5), not a silent death

    checkpoint cp;
    if (!opts->checkpoint_file.empty())
    {
        if (read_checkpoint(opts->checkpoint_file, cp, error))
        {
            opts->stream.start = cp.position.resume();
            auto cut = repair_output(cp, error);
            if (cut < 0)
            {
                std::fprintf(stderr, "binlogstream tail: %s\n", error.c_str());
                return exit_io;
            }
            if (cut > 0)
                std::fprintf(
                    stderr,
                    "binlogstream tail: removed %lld bytes written to stdout after the checkpoint\n",
                    static_cast<long long>(cut)
                );
        }
        else if (!error.empty())
        {
            std::fprintf(stderr, "binlogstream tail: %s\n", error.c_str());
            return exit_io;
        }
    }

    asio::io_context io;
    tail_session session(io, std::move(*opts), std::move(cp));
    int rc = exit_failure;
    asio::co_spawn(io, session.run(), [&](std::exception_ptr e, int r) {
        if (e)
        {
            try
            {
                std::rethrow_exception(e);
            }
            catch (const std::exception& x)
            {
                std::fprintf(stderr, "binlogstream tail: %s\n", x.what());
            }
            rc = exit_failure;
            return;
        }
        rc = r;
    });
    io.run();
    return rc;
}

} // namespace binlogstream::tool
