#pragma once

// The table cache's coroutines: reads over the ctl connection, and the hold-back queue that keeps
// the events of a table whose metadata is being read (and every event behind them) until the read
// is done, without stopping the stream's reader.
//
// Why a queue and not an await in the reader: the reader must keep draining the socket (a dump
// connection that stops reading is eventually dropped by the server), and TABLE_MAPs of other tables
// behind the held event can start their reads at once. Delivery order is the stream's order, so an
// event behind a held one waits too: the consumer never sees events out of order, the reader only
// works ahead. Memory stays bounded: the queue holds at most `hold_limit` events, then the reader
// waits for room exactly as it waits for the consumer's channel. When nothing is held (FULL metadata,
// or every table already cached), events go straight from the reader into the channel, as before.
//
//   reader ──► deliver(ev) ──(queue empty, nothing to wait for)──────────────────► channel ──► user
//                  └─────────► hold queue (FIFO, bounded) ──► deliver_loop ─────────┘
//   TABLE_MAP without names ─► table_cache ─► fetch request ──► fetch_loop (ctl connection,
//                                                               reconnect + retry) ─► resolved
//
// All of it runs on the stream's executor (one executor or strand per stream, as the stream).

#include <binlogstream/connection.hpp>
#include <binlogstream/stream.hpp>

#include "schema/table_cache.hpp"

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace binlogstream::schema {

struct resolver_config
{
    /// Where information_schema is read (the stream's own options when the user gave none).
    connection_options ctl;
    /// How the ctl connection retries a retryable failure (the stream's policy).
    reconnect_policy retry;
    bool freeze = false;
    bool fail_when_unavailable = false;
    /// How long one table's read may keep failing and retrying before it gives up (0: no bound).
    std::chrono::milliseconds metadata_wait{0};
    /// Events the hold-back queue keeps before the reader waits for room.
    std::size_t hold_limit = 64;
    log_function log;
    /// Called when the resolver ends the stream (fail_on_table_metadata_unavailable): stops the reader.
    std::function<void()> stop_reader;
};

class resolver
{
public:
    using channel_type = binlog_stream::channel_type;

    /// `channel` and `diag` belong to the stream and outlive the resolver.
    resolver(asio::any_io_executor ex, channel_type& channel, diagnostics& diag, resolver_config cfg);
    ~resolver();
    resolver(const resolver&) = delete;
    resolver& operator=(const resolver&) = delete;

    /// The decoders' table id -> table.
    [[nodiscard]] const codec::table_registry& registry() const noexcept { return cache_.registry(); }

    /// A decoded TABLE_MAP (see table_cache::on_table_map); wakes the fetch loop when it asks for a read.
    void on_table_map(table_map_event& tm, bool wanted);

    /// A Query event's text (DDL forgets tables) and its default schema.
    void on_query(std::string_view sql, std::string_view default_schema)
    {
        cache_.on_query(sql, default_schema);
    }

    /// The server restarted: table ids are reused from here on.
    void on_server_restart() { cache_.on_server_restart(); }

    /// Hands one event to the consumer in stream order: straight into the channel when nothing is
    /// held back, else into the hold-back queue (waiting for room when it is full). Errors: the
    /// channel's (`operation_aborted` after close), `errc::metadata_unavailable` once the resolver
    /// ended the stream.
    asio::awaitable<std::error_code> deliver(event ev);

    /// The stream's end or fatal error, sent in-band after every event handed to `deliver`.
    void finish(std::error_code ec);

    /// The fetch and delivery loops; returns after `finish`'s message went out, or after `close`.
    asio::awaitable<void> run();

    /// Stops both loops and closes the ctl connection. Never throws.
    void close() noexcept;

    /// Whether the resolver ended the stream itself (its error is already in the channel).
    [[nodiscard]] bool failed() const noexcept { return failed_; }

    [[nodiscard]] table_cache_statistics stats() const noexcept { return stats_; }

private:
    struct item
    {
        event ev;
        std::shared_ptr<pending_table> wait;
        bool is_end = false;
        std::error_code end;
    };
    struct fetch_result
    {
        std::shared_ptr<const fetched_table> data;
        std::string reason;
    };

    // A wake-up call between the loops: a timer that never expires, cancelled to wake its waiters.
    class signal
    {
    public:
        explicit signal(asio::any_io_executor ex);
        asio::awaitable<void> wait();
        void notify() noexcept;

    private:
        asio::steady_timer timer_;
    };

    asio::awaitable<void> deliver_loop();
    asio::awaitable<void> fetch_loop();
    asio::awaitable<fetch_result> fetch(const fetch_request& rq);
    asio::awaitable<std::error_code> send(std::error_code ec, event ev);
    std::shared_ptr<pending_table> pending_of(const event& ev) const;
    void stop_fetching() noexcept;
    [[nodiscard]] bool stopping() const noexcept { return closed_ || done_; }

    asio::any_io_executor ex_;
    channel_type& channel_;
    diagnostics& diag_;
    resolver_config cfg_;
    table_cache cache_;
    table_cache_statistics& stats_;
    std::deque<item> queue_;
    bool sending_ = false; // deliver_loop has an event on its way into the channel
    bool closed_ = false;
    bool done_ = false; // the end went out
    bool failed_ = false;
    signal queued_, room_, fetched_, work_;
    std::unique_ptr<connection> ctl_;
    diagnostics ctl_diag_;
    asio::steady_timer backoff_;
};

} // namespace binlogstream::schema
