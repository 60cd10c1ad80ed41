// The stream driver: the coroutines that connect, set up the replication session, read and decode
// events, filter them, and hand them to the consumer through a bounded channel; and the reconnect loop
// around them. Decoding (codec/), positions (position_tracker) and filters are sans-IO; this file is
// the only place where the stream touches the network and timers.

#include <binlogstream/connection.hpp>
#include <binlogstream/stream.hpp>

#include "codec/event_decoder.hpp"
#include "codec/payload.hpp"
#include "replication/filters.hpp"
#include "replication/position_tracker.hpp"
#include "replication/session.hpp"
#include "schema/resolver.hpp"
#include "wire/replication_commands.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <optional>
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
        , schema(executor, channel, diag, schema_config())
    {}

    schema::resolver_config schema_config()
    {
        schema::resolver_config c;
        c.ctl = opts.ctl.value_or(conn_opts);
        if (c.ctl.read_timeout.count() == 0)
            c.ctl.read_timeout = opts.setup_timeout;
        c.retry = opts.reconnect;
        c.freeze = opts.freeze_schema;
        c.fail_when_unavailable = opts.fail_on_table_metadata_unavailable;
        c.metadata_wait = opts.metadata_wait;
        c.hold_limit = opts.queue_depth;
        c.log = opts.log;
        c.stop_reader = [this] {
            if (conn)
                conn->close();
        };
        return c;
    }

    asio::any_io_executor ex;
    connection_options conn_opts;
    stream_options opts;
    channel_type channel;
    std::unique_ptr<connection> conn;
    std::optional<replication::position_tracker> tracker; // from the first dump on
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
    // The binlog file of the event the consumer received last, for text errors: file_changes[i] =
    // (events sent before the file changed, the new file).
    std::deque<std::pair<std::uint64_t, std::string>> file_changes;
    std::string received_file;

    // Decoding state: the current format description. The table maps live in the table cache,
    // which also holds back the events of tables whose names it is reading (lib/schema).
    std::optional<format_description_event> fde;
    format_description_event start_fde; // until the stream's own FDE arrives
    schema::resolver schema;

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
        while (!file_changes.empty() && file_changes.front().first < received)
        {
            received_file = std::move(file_changes.front().second);
            file_changes.pop_front();
        }
        while (!commits.empty() && commits.front().first <= received)
        {
            handed_out = std::move(commits.front().second);
            commits.pop_front();
        }
    }

    void note_commit()
    {
        const auto& c = tracker->committed();
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
        co_return co_await schema.deliver(std::move(ev));
    }

    // Whether the consumer may see this table's rows, so that a TABLE_MAP without names is worth
    // an information_schema read.
    bool wants_table(const table_info& t) const
    {
        static constexpr event_type rows_types[] = {
            event_type::table_map,
            event_type::pre_ga_write_rows,
            event_type::pre_ga_update_rows,
            event_type::pre_ga_delete_rows,
            event_type::write_rows_v1,
            event_type::update_rows_v1,
            event_type::delete_rows_v1,
            event_type::write_rows,
            event_type::update_rows,
            event_type::delete_rows,
            event_type::partial_update_rows,
            event_type::mariadb_write_rows_compressed_v1,
            event_type::mariadb_update_rows_compressed_v1,
            event_type::mariadb_delete_rows_compressed_v1,
            event_type::mariadb_write_rows_compressed,
            event_type::mariadb_update_rows_compressed,
            event_type::mariadb_delete_rows_compressed,
        };
        if (filter.active() && !filter.accepts(t.schema, t.table))
            return false;
        return std::any_of(std::begin(rows_types), std::end(rows_types), [&](event_type e) {
            return opts.events.contains(e);
        });
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
            case event_type::gtid:
            case event_type::gtid_tagged:
            case event_type::mariadb_gtid:
            case event_type::mariadb_query_compressed:
            case event_type::transaction_payload:
                return true;
            default:
                return false;
        }
    }

    // The role of an event in a transaction, for the position tracker.
    static replication::event_role role_of(const event& ev)
    {
        if (const auto* q = std::get_if<query_event>(&ev))
            return replication::role_of_query(q->query);
        return replication::role_of_event_type(static_cast<std::uint8_t>(header_of(ev).type));
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
        {
            // BEGIN/COMMIT/ROLLBACK carry the session's default schema, not the data's: dropping
            // them would hide where the transactions of accepted tables start and end.
            auto role = role_of(ev);
            if (role == replication::event_role::begin || role == replication::event_role::commit)
                return true;
            return filter.accepts(q->schema, {});
        }
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
        return file_ > opts.stop_at->file ||
               (file_ == opts.stop_at->file && next_offset_ >= opts.stop_at->offset);
    }

    // Feeds the tracker and, unless filtered or already delivered before a reconnect, the consumer.
    asio::awaitable<std::error_code> process(event ev, bool in_payload, std::uint64_t payload_end)
    {
        const auto& h = header_of(ev);
        if (const auto* r = std::get_if<rotate_event>(&ev))
        {
            // The real ROTATE at a file's end and the artificial one that starts every dump both
            // name the next file and offset.
            if (r->next_file != (file_changes.empty() ? received_file : file_changes.back().second))
                file_changes.emplace_back(sent, r->next_file);
            file_ = r->next_file;
            next_offset_ = r->position;
            tracker->on_rotate(file_, next_offset_);
        }
        else if (!in_payload)
        {
            // MariaDB 11.4+ writes end_log_pos 0 inside transactions: count event sizes instead.
            if (h.log_pos != 0)
                next_offset_ = h.log_pos;
            else if ((h.flags & artificial_flag) == 0 && h.type != event_type::format_description && h.type != event_type::heartbeat && h.type != event_type::heartbeat_v2)
                next_offset_ += h.event_size;
        }

        if (const auto* q = std::get_if<query_event>(&ev))
            schema.on_query(q->query, q->schema); // DDL: forget what it changed

        bool fresh = true;
        if (!std::holds_alternative<rotate_event>(ev))
        {
            replication::tracked_event t;
            t.role = role_of(ev);
            t.log_pos = static_cast<std::uint32_t>(in_payload ? payload_end : next_offset_);
            t.event_size = in_payload ? 0 : h.event_size;
            if (h.log_pos == 0 && !in_payload && (h.flags & artificial_flag) != 0)
                t.log_pos = 0;
            if (const auto* g = std::get_if<gtid_event>(&ev);
                g && t.role == replication::event_role::mysql_gtid)
            {
                gtid id;
                std::memcpy(id.source.bytes.data(), g->sid.data(), 16);
                id.tag = g->tag;
                id.gno = static_cast<std::uint64_t>(g->gno);
                t.mysql = id;
            }
            if (const auto* g = std::get_if<mariadb_gtid_event>(&ev))
            {
                t.mariadb = mariadb_gtid{g->domain_id, g->header.server_id, g->seq_no};
                t.mariadb_standalone = (g->flags & 1) != 0;
            }
            fresh = tracker->on_event(t);
        }
        if (fresh && passes_filters(ev))
        {
            if (auto ec = co_await deliver(std::move(ev)))
                co_return ec;
        }
        note_commit();
        co_return reached_stop() && !tracker->in_transaction() ? make_error_code(errc::end_of_stream)
                                                               : std::error_code{};
    }

    std::error_code decode(std::span<const std::byte> bytes, bool in_payload, event& out)
    {
        codec::decode_context ctx;
        ctx.fde = fde ? &*fde : &start_fde;
        ctx.tables = &schema.registry();
        ctx.verify_checksum = opts.verify_checksum && !in_payload;
        ctx.in_payload = in_payload;
        ctx.max_event_size = conn_opts.max_packet_size;
        if (auto ec = codec::decode_event(event_buffer::copy_of(bytes), ctx, out))
        {
            diag.set_client("decoding an event before " + file_ + ":" + std::to_string(next_offset_));
            return ec;
        }
        if (auto* f = std::get_if<format_description_event>(&out))
        {
            // A creation timestamp marks the first binlog file a server wrote after it started (a
            // rotation writes 0, and the dump zeroes it when it starts past the FDE): table ids
            // restart with the server, so the ids cached so far mean other tables from here on.
            if (f->create_timestamp != 0 && !in_payload)
                schema.on_server_restart();
            fde = *f;
        }
        else if (auto* tm = std::get_if<table_map_event>(&out); tm && tm->table)
            schema.on_table_map(
                *tm, binlogstream::schema::needs_lookup(*tm->table) && wants_table(*tm->table)
            );
        return {};
    }

    // One event's bytes (without the OK byte): header filter, decode, payload expansion, process.
    asio::awaitable<std::error_code> on_event_bytes(std::span<const std::byte> bytes)
    {
        event_header h;
        if (auto ec = codec::decode_header(bytes, h))
            co_return ec;
        if (!opts.events.contains(h.type) && !needed_for_state(h.type))
        {
            // Filtered on the header: not decoded. The tracker still sees its place in the stream.
            unknown_event skipped;
            skipped.header = h;
            co_return co_await process(event{std::move(skipped)}, false, 0);
        }
        event ev;
        if (auto ec = decode(bytes, false, ev))
            co_return ec;
        if (auto* p = std::get_if<transaction_payload_event>(&ev))
        {
            // The inner events come right after the payload event, exactly as if they were inline.
            if (auto ec = payload.open(*p, true, conn_opts.max_packet_size))
                co_return ec;
            auto payload_end = next_offset_after(h);
            if (auto ec = co_await process(std::move(ev), false, 0))
                co_return ec;
            event_buffer inner;
            std::error_code ec;
            while (payload.next(inner, ec))
            {
                event iev;
                if (auto dec = decode(inner.bytes(), true, iev))
                    co_return dec;
                if (auto pec = co_await process(std::move(iev), true, payload_end))
                    co_return pec;
            }
            co_return ec;
        }
        co_return co_await process(std::move(ev), false, 0);
    }

    std::uint64_t next_offset_after(const event_header& h) const
    {
        return h.log_pos != 0 ? h.log_pos : next_offset_ + h.event_size;
    }

    // One connection's life, driven by the sans-IO session: connect, set up, register, dump, read
    // until an error or the end.
    asio::awaitable<std::error_code> run_once(start_position start)
    {
        conn = std::make_unique<connection>(ex);
        diag.clear();
        // Until the dump's heartbeats run, only a read deadline ends a wait for a silent server.
        auto setup_opts = conn_opts;
        if (setup_opts.read_timeout.count() == 0)
            setup_opts.read_timeout = opts.setup_timeout;
        auto [ec] = co_await conn->async_connect(setup_opts, diag, as_tuple_awaitable);
        if (ec)
            co_return ec;
        const auto& info = conn->server_info();
        auto flavor = opts.flavor == server_flavor::detect ? info.flavor : opts.flavor;

        replication::session_config cfg;
        cfg.kind = flavor == server_flavor::mariadb ? replication::server_kind::mariadb
                                                    : replication::server_kind::mysql;
        cfg.version = replication::parse_server_version(info.version);
        cfg.server_id = opts.server_id;
        cfg.start = std::move(start);
        cfg.blocking = opts.blocking;
        cfg.heartbeat_period = opts.heartbeat;
        if (!opts.replica_uuid.empty())
            cfg.replica_uuid = opts.replica_uuid;
        if (opts.report_as)
        {
            cfg.report_host = opts.report_as->host;
            cfg.report_user = opts.report_as->user;
            cfg.report_password = opts.report_as->password;
            cfg.report_port = opts.report_as->port;
        }
        cfg.mariadb_annotate_rows = opts.annotate_rows;
        replication::session session(std::move(cfg));

        // The events before the stream's FORMAT_DESCRIPTION (the artificial ROTATE) already carry
        // the checksum the session negotiates (the server's own algorithm): learn it first.
        {
            resultset rs;
            auto [qec] =
                co_await conn->async_query("SELECT @@global.binlog_checksum", rs, diag, as_tuple_awaitable);
            start_fde = codec::default_format_description();
            if (qec && qec.category() != server_category())
                co_return qec; // no answer (setup_timeout) or a lost link; a refusal means "no CRC"
            bool crc = !qec && !rs.rows.empty() && !rs.rows[0].empty() && rs.rows[0][0] &&
                       (*rs.rows[0][0] == "CRC32" || *rs.rows[0][0] == "crc32");
            start_fde.checksum = crc ? checksum_algorithm::crc32 : checksum_algorithm::off;
            diag.clear();
        }

        auto deadline =
            opts.heartbeat.count() > 0 ? 2 * opts.heartbeat + opts.heartbeat_margin : conn_opts.read_timeout;
        std::vector<std::byte> packet;
        auto action = session.start();
        for (;;)
        {
            if (auto* q = std::get_if<replication::run_query>(&action))
            {
                resultset rs;
                auto [qec] = co_await conn->async_query(q->sql, rs, diag, as_tuple_awaitable);
                if (q->kind == replication::run_query::purpose::current_position)
                {
                    if (qec)
                        co_return qec;
                    std::string file, gtids;
                    std::uint64_t pos = 0;
                    if (!rs.rows.empty() && rs.rows[0].size() >= 2 && rs.rows[0][0] && rs.rows[0][1])
                    {
                        file = *rs.rows[0][0];
                        pos = std::strtoull(rs.rows[0][1]->c_str(), nullptr, 10);
                        if (rs.rows[0].size() >= 5 && rs.rows[0][4])
                            gtids = *rs.rows[0][4];
                    }
                    action = session.on_current_position(file, pos, gtids);
                }
                else
                    action = session.on_query_done(qec, diag);
                continue;
            }
            else if (auto* c = std::get_if<replication::send_command>(&action))
            {
                auto [wec] = co_await conn->async_write_command(c->payload, as_tuple_awaitable);
                if (wec)
                    co_return wec;
                if (session.current_state() == replication::session::state::streaming && !tracker)
                {
                    // The dump is on its way: from here the tracker follows the stream.
                    tracker.emplace(session.initial_position());
                    last_committed = session.initial_position();
                    handed_out = last_committed;
                    file_ = last_committed.file.file;
                    next_offset_ = last_committed.file.offset;
                }
            }
            else if (auto* d = std::get_if<replication::deliver_event>(&action))
            {
                reconnect_attempts_ = 0; // streaming again
                if (auto eec = co_await on_event_bytes(d->event))
                    co_return eec;
            }
            else if (std::holds_alternative<replication::stream_end>(action))
                co_return make_error_code(errc::end_of_stream);
            else
            {
                auto& err = std::get<replication::session_error>(action);
                if (!err.diag.empty())
                    diag = err.diag;
                co_return err.ec;
            }
            // A command sent and an event handled are both followed by the next packet.
            bool dumping = session.current_state() == replication::session::state::streaming;
            auto [rec] = co_await conn->async_read_packet(
                packet, dumping ? deadline : setup_opts.read_timeout, as_tuple_awaitable
            );
            if (rec == errc::read_timeout && dumping && opts.heartbeat.count() > 0)
                co_return make_error_code(errc::heartbeat_timeout);
            if (rec)
                co_return rec;
            action = session.on_packet(packet);
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
        start_position next_start = opts.start;
        for (;;)
        {
            auto ec = co_await run_once(next_start);
            if (conn)
                conn->close();
            if (closed || schema.failed())
                co_return;
            bool retry =
                ec != errc::end_of_stream && opts.reconnect.enabled && is_retryable(ec) &&
                (opts.reconnect.max_attempts == 0 || reconnect_attempts_ < opts.reconnect.max_attempts);
            if (!retry || !tracker)
            {
                if (ec && ec != errc::end_of_stream && is_retryable(ec) && opts.reconnect.enabled &&
                    opts.reconnect.max_attempts != 0 && reconnect_attempts_ >= opts.reconnect.max_attempts)
                    diag.set_client(
                        "gave up after " + std::to_string(reconnect_attempts_) + " reconnect attempts"
                    );
                // ER_SLAVE_SAME_ID: MariaDB killed this dump because another replica connected with
                // the same id. Reconnecting would only kill that one in turn, so this ends the stream.
                if (ec == std::error_code(4052, server_category()))
                    diag.set_client(
                        "another replica connected with server_id " + std::to_string(opts.server_id) +
                        "; each stream needs a server_id of its own"
                    );
                // The end and errors travel in-band (Asio 1.22's channel close() drops buffered
                // events), behind any event the table cache still holds back.
                schema.finish(ec);
                co_return;
            }
            ++reconnect_attempts_;
            log(log_level::warning, "stream: connection lost (" + ec.message() + "), reconnecting");
            backoff.expires_after(next_backoff());
            (void)co_await backoff.async_wait(as_tuple_awaitable); // cancelled by close()
            if (closed)
                co_return;
            auto restart = tracker->reconnect();
            next_start = restart.start;
            payload.close();
            fde.reset();
            ++reconnects;
            if (opts.on_reconnect)
                opts.on_reconnect(tracker->committed());
        }
    }

    // The reader and the table cache's loops, joined.
    asio::awaitable<void> run_all()
    {
        using namespace asio::experimental::awaitable_operators;
        auto self = shared_from_this();
        co_await (run() && schema.run());
    }

    std::uint32_t reconnect_attempts_ = 0;
    // Where the stream is: the file and the offset of the next event (counted where log_pos is 0).
    std::string file_;
    std::uint64_t next_offset_ = 4;
    // LOG_EVENT_ARTIFICIAL_F: made up by the server for this dump (the fake ROTATE at its start).
    static constexpr std::uint16_t artificial_flag = 0x20;
    codec::payload_reader payload;
    std::minstd_rand rng_{std::random_device{}()};
};

binlog_stream::binlog_stream(asio::any_io_executor ex, connection_options conn, stream_options opts)
    : state_(std::make_shared<state>(ex, std::move(conn), std::move(opts)))
{}

binlog_stream::~binlog_stream()
{
    close();
}

asio::any_io_executor binlog_stream::get_executor() const noexcept
{
    return state_->ex;
}

binlog_stream::channel_type& binlog_stream::channel()
{
    if (!state_->started)
    {
        state_->started = true;
        asio::co_spawn(state_->ex, state_->run_all(), asio::detached);
    }
    return state_->channel;
}

void binlog_stream::note_received(const std::shared_ptr<state>& st, std::error_code& ec) noexcept
{
    if (ec == asio::experimental::error::channel_cancelled || ec == asio::experimental::error::channel_closed)
        ec = asio::error::operation_aborted; // what close() promises, as for any Asio object
    st->on_received(ec);
}

asio::awaitable<event> binlog_stream::next()
{
    auto [ec, ev] = co_await async_next(as_tuple_awaitable);
    if (ec)
        throw error(ec, state_->diag);
    co_return std::move(ev);
}

stream_position binlog_stream::position() const
{
    return state_->handed_out;
}

void binlog_stream::restrict_events(const event_type_set& types) noexcept
{
    // The reader runs on the same executor and reads the filter per event: no lock needed.
    state_->opts.events = state_->opts.events & types;
}

const event_type_set& binlog_stream::events() const noexcept
{
    return state_->opts.events;
}

std::error_code
binlog_stream::to_utf8(const rows_event& ev, const row_cell& cell, std::string& out, diagnostics& diag) const
{
    return binlogstream::to_utf8(ev, cell, out, state_->opts.on_bad_text, &diag, state_->received_file);
}

std::error_code binlog_stream::to_utf8(const query_event& q, std::string& out, diagnostics& diag) const
{
    return binlogstream::to_utf8(q, out, state_->opts.on_bad_text, &diag, state_->received_file);
}

std::string binlog_stream::text(const rows_event& ev, const row_cell& cell) const
{
    std::string out;
    diagnostics diag;
    if (auto ec = to_utf8(ev, cell, out, diag))
        throw error(ec, diag);
    return out;
}

std::string binlog_stream::text(const query_event& q) const
{
    std::string out;
    diagnostics diag;
    if (auto ec = to_utf8(q, out, diag))
        throw error(ec, diag);
    return out;
}

const diagnostics& binlog_stream::last_diagnostics() const noexcept
{
    return state_->diag;
}

std::uint64_t binlog_stream::reconnect_count() const noexcept
{
    return state_->reconnects;
}

table_cache_statistics binlog_stream::table_cache_stats() const noexcept
{
    return state_->schema.stats();
}

void binlog_stream::close() noexcept
{
    if (!state_ || state_->closed)
        return;
    state_->closed = true;
    state_->backoff.cancel();
    state_->schema.close();
    if (state_->conn)
        state_->conn->close();
    state_->channel.cancel();
    // Later receives fail at once instead of waiting for a reader that is gone (Asio 1.22's close()
    // drops what is buffered: nothing is wanted after close()).
    state_->channel.close();
}

} // namespace binlogstream
