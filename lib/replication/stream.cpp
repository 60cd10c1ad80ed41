// The stream driver: the coroutines that connect, set up the replication session, read and decode
// events, filter them, and hand them to the consumer through a bounded channel; and the reconnect loop
// around them. Decoding (codec/), positions (position_tracker) and filters are sans-IO; this file is
// the only place where the stream touches the network and timers.

#include <binlogstream/connection.hpp>
#include <binlogstream/stream.hpp>

#include "codec/event_decoder.hpp"
#include "replication/filters.hpp"
#include "replication/position_tracker.hpp"
#include "replication/setup.hpp"
#include "wire/replication_commands.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <deque>
#include <random>

namespace binlogstream {

namespace {
constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);
} // namespace

struct binlog_stream::state : std::enable_shared_from_this<binlog_stream::state>
{
    state(asio::any_io_executor executor, connection_options c, stream_options o)
        : ex(executor)
        , conn_opts(std::move(c))
        , opts(std::move(o))
        , channel(executor, opts.queue_depth)
        , filter(opts)
        , backoff(executor)
    {
    }

    asio::any_io_executor ex;
    connection_options conn_opts;
    stream_options opts;
    channel_type channel;
    std::unique_ptr<connection> conn;
    replication::position_tracker tracker;
    replication::name_filter filter;
    diagnostics diag;
    asio::steady_timer backoff;
    bool started = false;
    bool closed = false;
    std::uint64_t reconnects = 0;

    // What the consumer has received: commits[i] = (events sent before it, position after it).
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::deque<std::pair<std::uint64_t, stream_position>> commits;
    stream_position handed_out;
    stream_position last_committed;

    // Decoding state: the current format description and the table maps.
    std::optional<format_description_event> fde;
    codec::table_registry tables;

    void log(log_level level, std::string_view text) const
    {
        if (opts.log)
            opts.log(level, text);
    }

    void on_received(const std::error_code& ec)
    {
        if (ec)
            return;
        ++received;
        while (!commits.empty() && commits.front().first <= received)
        {
            handed_out = std::move(commits.front().second);
            commits.pop_front();
        }
    }

    void note_commit()
    {
        const auto& c = tracker.committed();
        if (c.file == last_committed.file && c.gtids == last_committed.gtids &&
            c.mariadb_gtids == last_committed.mariadb_gtids)
            return;
        last_committed = c;
        if (sent <= received)
            handed_out = c; // nothing of it is still queued
        else
            commits.emplace_back(sent, c);
    }

    asio::awaitable<std::error_code> deliver(event ev)
    {
        ++sent;
        if (channel.try_send(std::error_code{}, std::move(ev)))
            co_return std::error_code{};
        auto [ec] = co_await channel.async_send(std::error_code{}, std::move(ev), as_tuple_awaitable);
        co_return ec;
    }

    // Whether an event must be decoded although the user did not ask for its type: the stream's
    // own state depends on it.
    static bool needed_for_state(event_type t) noexcept
    {
        switch (t)
        {
            case event_type::format_description:
            case event_type::rotate:
            case event_type::table_map:
            case event_type::query:
            case event_type::xid:
            case event_type::gtid:
            case event_type::gtid_tagged:
            case event_type::anonymous_gtid:
            case event_type::xa_prepare:
            case event_type::mariadb_gtid:
            case event_type::mariadb_query_compressed:
                return true;
            default: return false;
        }
    }

    bool passes_filters(const event& ev) const
    {
        const auto& h = header_of(ev);
        if (!opts.events.contains(h.type))
            return false;
        if (opts.skip_until && h.timestamp != 0 &&
            std::chrono::sys_seconds(std::chrono::seconds(h.timestamp)) < *opts.skip_until)
            return false;
        if (!filter.active())
            return true;
        if (const auto* q = std::get_if<query_event>(&ev))
            return filter.accepts(q->schema, {});
        if (const auto* tm = std::get_if<table_map_event>(&ev))
            return !tm->table || filter.accepts(tm->table->schema, tm->table->table);
        const table_info* table = nullptr;
        std::visit(
            [&](const auto& e) {
                if constexpr (std::is_base_of_v<rows_event, std::decay_t<decltype(e)>>)
                    table = e.table.get();
            },
            ev
        );
        if (table)
            return filter.accepts(table->schema, table->table);
        return true;
    }

    bool reached_stop() const
    {
        if (!opts.stop_at)
            return false;
        auto cur = tracker.current();
        return cur.file > opts.stop_at->file ||
               (cur.file == opts.stop_at->file && cur.offset >= opts.stop_at->offset);
    }

    // One event's bytes (without the OK byte) -> state updates, filters, delivery.
    // Returns end_of_stream when stop_at is reached.
    asio::awaitable<std::error_code> on_event_bytes(std::span<const std::byte> bytes)
    {
        event_header h;
        if (auto ec = codec::decode_header(bytes, h))
            co_return ec;
        if (!opts.events.contains(h.type) && !needed_for_state(h.type))
        {
            // Filtered on the header: not decoded. The tracker still needs its size and position.
            unknown_event skipped;
            skipped.header = h;
            event ev{std::move(skipped)};
            (void)tracker.on_event(ev);
            note_commit();
            co_return reached_stop() ? make_error_code(errc::end_of_stream) : std::error_code{};
        }

        codec::decode_context ctx;
        ctx.fde = fde ? &*fde : &codec::default_format_description();
        ctx.tables = &tables;
        ctx.verify_checksum = opts.verify_checksum;
        event ev;
        if (auto ec = codec::decode_event(event_buffer::copy_of(bytes), ctx, ev))
        {
            diag.set_client(
                "decoding " + std::to_string(static_cast<int>(h.type)) + " event at " +
                tracker.current().to_string()
            );
            co_return ec;
        }

        if (auto* f = std::get_if<format_description_event>(&ev))
            fde = *f;
        else if (auto* tm = std::get_if<table_map_event>(&ev))
        {
            if (tm->table)
                tables[tm->table_id] = tm->table;
        }
        else if (auto* r = std::get_if<rotate_event>(&ev))
        {
            // A real ROTATE written at a server restart invalidates table ids.
            if (r->header.timestamp != 0 && (r->header.flags & 0x20) == 0)
                tables.clear();
        }

        bool fresh = tracker.on_event(ev);
        bool wanted = fresh && passes_filters(ev);
        if (wanted)
        {
            tracker.on_delivered();
            if (auto ec = co_await deliver(std::move(ev)))
                co_return ec;
        }
        note_commit();
        co_return reached_stop() ? make_error_code(errc::end_of_stream) : std::error_code{};
    }

    // One connection's life: connect, set up, dump, read until an error or the end.
    asio::awaitable<std::error_code> run_once()
    {
        conn = std::make_unique<connection>(ex);
        diag.clear();
        auto [ec] = co_await conn->async_connect(conn_opts, diag, as_tuple_awaitable);
        if (ec)
            co_return ec;
        const auto& info = conn->server_info();
        auto flavor = opts.flavor == server_flavor::detect ? info.flavor : opts.flavor;
        bool mariadb = flavor == server_flavor::mariadb;

        auto query = [&](std::string sql) -> asio::awaitable<std::pair<std::error_code, resultset>> {
            resultset rs;
            auto [qec] = co_await conn->async_query(sql, rs, diag, as_tuple_awaitable);
            co_return std::pair{qec, std::move(rs)};
        };

        // Where to start: the first time from the options, after that from the tracker.
        start_position start = started_once_ ? tracker.committed().resume() : opts.start;
        if (std::holds_alternative<start_at_current>(start))
        {
            auto [qec, rs] = co_await query(replication::binlog_status_query(info.version, mariadb));
            if (qec)
                co_return qec;
            if (rs.rows.empty() || rs.rows[0].size() < 2 || !rs.rows[0][0] || !rs.rows[0][1])
            {
                diag.set_client("the binary log is off on the server (no binlog status)");
                co_return make_error_code(errc::invalid_argument);
            }
            start = file_position{*rs.rows[0][0], std::stoull(*rs.rows[0][1])};
        }
        if (!started_once_)
        {
            stream_position initial;
            if (auto* fp = std::get_if<file_position>(&start))
                initial.file = *fp;
            else if (auto* gs = std::get_if<gtid_set>(&start))
                initial.gtids = *gs;
            else if (auto* ml = std::get_if<mariadb_gtid_list>(&start))
                initial.mariadb_gtids = *ml;
            tracker = replication::position_tracker(initial);
            last_committed = initial;
            handed_out = initial;
        }

        for (const auto& sql : replication::session_setup(opts, mariadb, start))
        {
            auto [qec, rs] = co_await query(sql);
            if (qec)
                co_return qec;
        }

        std::vector<std::byte> command;
        if (opts.report_as)
        {
            wire::register_replica_command reg;
            reg.server_id = opts.server_id;
            reg.host = opts.report_as->host;
            reg.user = opts.report_as->user;
            reg.password = opts.report_as->password;
            reg.port = opts.report_as->port;
            if (auto sec = wire::serialize(reg, command))
                co_return sec;
            auto [wec] = co_await conn->async_write_command(command, as_tuple_awaitable);
            if (wec)
                co_return wec;
            std::vector<std::byte> reply;
            auto [rec] = co_await conn->async_read_packet(reply, as_tuple_awaitable);
            if (rec)
                co_return rec;
            if (!reply.empty() && reply[0] == std::byte{0xff})
                co_return make_error_code(errc::unexpected_packet);
        }

        std::uint16_t flags = opts.blocking ? 0 : wire::non_block;
        if (mariadb && opts.annotate_rows)
            flags |= wire::mariadb_send_annotate_rows;
        command.clear();
        std::vector<std::byte> gtid_data;
        if (auto* gs = std::get_if<gtid_set>(&start))
        {
            gtid_data = gs->encode();
            wire::binlog_dump_gtid_command dump;
            dump.flags = flags | wire::through_gtid;
            dump.server_id = opts.server_id;
            dump.gtid_data = gtid_data;
            if (auto sec = wire::serialize(dump, command))
                co_return sec;
        }
        else
        {
            wire::binlog_dump_command dump;
            dump.flags = flags;
            dump.server_id = opts.server_id;
            if (auto* fp = std::get_if<file_position>(&start))
            {
                dump.file = fp->file;
                dump.position = static_cast<std::uint32_t>(fp->offset);
            }
            if (auto sec = wire::serialize(dump, command))
                co_return sec;
        }
        auto [wec] = co_await conn->async_write_command(command, as_tuple_awaitable);
        if (wec)
            co_return wec;
        started_once_ = true;

        auto deadline = opts.heartbeat.count() > 0 ? 2 * opts.heartbeat + opts.heartbeat_margin
                                                   : conn_opts.read_timeout;
        std::vector<std::byte> packet;
        for (bool first = true;; first = false)
        {
            auto [rec] = co_await conn->async_read_packet(packet, deadline, as_tuple_awaitable);
            if (rec == errc::read_timeout && opts.heartbeat.count() > 0)
                co_return make_error_code(errc::heartbeat_timeout);
            if (rec)
                co_return rec;
            if (packet.empty())
                co_return make_error_code(errc::malformed_packet);
            auto kind = std::to_integer<std::uint8_t>(packet[0]);
            if (kind == 0x00)
            {
                if (first)
                    reconnect_attempts_ = 0; // streaming again
                auto eec = co_await on_event_bytes(std::span<const std::byte>(packet).subspan(1));
                if (eec)
                    co_return eec;
                continue;
            }
            if (kind == 0xfe && packet.size() < 9)
                co_return make_error_code(errc::end_of_stream); // non-blocking end
            if (kind == 0xff)
            {
                std::error_code sec;
                replication::parse_dump_error(packet, sec, diag);
                co_return sec;
            }
            co_return make_error_code(errc::unexpected_packet);
        }
    }

    std::chrono::milliseconds next_backoff()
    {
        const auto& p = opts.reconnect;
        double delay = static_cast<double>(p.initial_delay.count());
        for (std::uint32_t i = 1; i < reconnect_attempts_ && delay < p.max_delay.count(); ++i)
            delay *= p.multiplier;
        delay = std::min(delay, static_cast<double>(p.max_delay.count()));
        // Jitter: a uniform draw in [delay/2, delay], so that many clients do not reconnect in step.
        std::uniform_real_distribution<double> dist(delay / 2, delay);
        return std::chrono::milliseconds(static_cast<std::int64_t>(dist(rng_)));
    }

    asio::awaitable<void> run()
    {
        auto self = shared_from_this(); // keeps the state alive while the reader runs
        for (;;)
        {
            auto ec = co_await run_once();
            if (conn)
                conn->close();
            if (closed)
                co_return;
            bool retry = ec != errc::end_of_stream && opts.reconnect.enabled && is_retryable(ec) &&
                         (opts.reconnect.max_attempts == 0 || reconnect_attempts_ < opts.reconnect.max_attempts);
            if (!retry || !started_once_)
            {
                if (ec && ec != errc::end_of_stream && is_retryable(ec) && opts.reconnect.enabled &&
                    opts.reconnect.max_attempts != 0 && reconnect_attempts_ >= opts.reconnect.max_attempts)
                    diag.set_client("gave up after " + std::to_string(reconnect_attempts_) + " reconnect attempts");
                // The end and errors travel in-band: Asio 1.22's channel close() drops buffered events.
                co_await channel.async_send(ec, event{}, as_tuple_awaitable);
                co_return;
            }
            ++reconnect_attempts_;
            log(log_level::warning, "stream: connection lost (" + ec.message() + "), reconnecting");
            backoff.expires_after(next_backoff());
            auto [tec] = co_await backoff.async_wait(as_tuple_awaitable);
            if (closed)
                co_return;
            tracker.on_reconnect();
            fde.reset();
            ++reconnects;
            if (opts.on_reconnect)
                opts.on_reconnect(tracker.committed());
        }
    }

    bool started_once_ = false;
    std::uint32_t reconnect_attempts_ = 0;
    std::minstd_rand rng_{std::random_device{}()};
};

binlog_stream::binlog_stream(asio::any_io_executor ex, connection_options conn, stream_options opts)
    : state_(std::make_shared<state>(ex, std::move(conn), std::move(opts)))
{
}

binlog_stream::~binlog_stream() { close(); }

asio::any_io_executor binlog_stream::get_executor() const noexcept { return state_->ex; }

binlog_stream::channel_type& binlog_stream::channel()
{
    if (!state_->started)
    {
        state_->started = true;
        asio::co_spawn(state_->ex, state_->run(), asio::detached);
    }
    return state_->channel;
}

void binlog_stream::note_received(const std::shared_ptr<state>& st, const std::error_code& ec) noexcept
{
    st->on_received(ec);
}

asio::awaitable<event> binlog_stream::next()
{
    auto [ec, ev] = co_await async_next(as_tuple_awaitable);
    if (ec)
        throw error(ec, state_->diag);
    co_return std::move(ev);
}

stream_position binlog_stream::position() const { return state_->handed_out; }

const diagnostics& binlog_stream::last_diagnostics() const noexcept { return state_->diag; }

std::uint64_t binlog_stream::reconnect_count() const noexcept { return state_->reconnects; }

void binlog_stream::close() noexcept
{
    if (!state_ || state_->closed)
        return;
    state_->closed = true;
    state_->backoff.cancel();
    if (state_->conn)
        state_->conn->close();
    state_->channel.cancel();
}

} // namespace binlogstream
