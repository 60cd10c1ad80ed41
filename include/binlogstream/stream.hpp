#pragma once

/// \file stream.hpp
/// `binlog_stream`: the replication stream as an asynchronous sequence of decoded events.

#include <binlogstream/error.hpp>
#include <binlogstream/event.hpp>
#include <binlogstream/options.hpp>
#include <binlogstream/position.hpp>
#include <binlogstream/stream_options.hpp>
#include <binlogstream/text.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/experimental/channel.hpp>

#include <memory>
#include <system_error>

namespace binlogstream {

/// What the stream's table cache has done (README "Table cache"): for monitoring and tests.
struct table_cache_statistics
{
    /// TABLE_MAPs without column names that the cache had to resolve (cached reuses excluded).
    std::uint64_t lookups = 0;
    /// information_schema queries sent over the ctl connection (failed attempts included).
    std::uint64_t queries = 0;
    /// ctl connections opened (the first one plus reconnects).
    std::uint64_t ctl_connects = 0;
    /// Resolutions where the table now differs from the TABLE_MAP (`table_metadata::mismatch`).
    std::uint64_t mismatches = 0;
    /// Resolutions without metadata (`table_metadata::unavailable`).
    std::uint64_t unavailable = 0;
    /// The server's thread id of the current ctl connection (what KILL takes), 0 when none.
    std::uint32_t ctl_connection_id = 0;
};

/// Streams the binlog of a MySQL or MariaDB server as decoded events.
///
/// The stream owns no thread: it runs on the executor it is given, and many streams can share one
/// `io_context`. It starts reading on the first `async_next`/`next`. A reader coroutine reads packets,
/// decodes and filters events and puts them into a bounded queue (`stream_options::queue_depth`):
/// when the consumer is slow the reader stops reading the socket, so memory stays bounded.
///
/// Faults: each read has a deadline of 2x the heartbeat period plus a margin (time spent waiting for
/// the consumer does not count). A retryable failure (`is_retryable`) reconnects with backoff per
/// `stream_options::reconnect`, resuming exactly after the last transaction handed out (GTID state,
/// else file/pos) and skipping the events of an interrupted transaction already handed out: the
/// consumer sees no duplicate and no gap. `stream_options::on_reconnect` is told.
///
/// Table metadata: a TABLE_MAP without column names (binlog_row_metadata other than FULL) is completed
/// from information_schema over a second, "ctl" connection (`stream_options::ctl`). The read does not
/// stop the reader: the events of that table, and the events behind them, are held back in order
/// until it is done. A table that changed since the event is marked `table_metadata::mismatch` and
/// left unnamed, never mislabelled (README "Table cache").
///
/// The end: a non-blocking stream, or one that reached `stop_at`, completes the next `async_next`
/// with `errc::end_of_stream`; a fatal error completes it with that error (and `diagnostics()`).
///
/// Thread safety: distinct objects safe; a shared object is not (use one executor or a strand).
class binlog_stream
{
public:
    /// The executor every operation and the reader coroutine run on.
    using executor_type = asio::any_io_executor;
    /// The queue between reader and consumer.
    using channel_type = asio::experimental::channel<void(std::error_code, event)>;

    /// A stream that will connect with `conn` and read per `opts`. Nothing happens until the first
    /// `async_next`. Errors in the options are reported by the first `async_next`.
    binlog_stream(asio::any_io_executor ex, connection_options conn, stream_options opts);
    /// Closes the stream (see `close()`).
    ~binlog_stream();
    /// Not copyable: a stream is one replication connection.
    binlog_stream(const binlog_stream&) = delete;
    binlog_stream& operator=(const binlog_stream&) = delete;

    /// The executor given to the constructor.
    [[nodiscard]] executor_type get_executor() const noexcept;

    /// Waits for the next event. Handler signature: `void(std::error_code, binlogstream::event)`.
    /// Errors: `errc::end_of_stream` (non-blocking end or `stop_at`), connection and decoding errors
    /// once reconnects are exhausted or not applicable (see `diagnostics()`), and
    /// `asio::error::operation_aborted` after `close()`. Only one `async_next` may be pending.
    template <typename CompletionToken>
    auto async_next(CompletionToken&& token)
    {
        return asio::async_initiate<CompletionToken, void(std::error_code, event)>(
            [this](auto handler) {
                auto slot = asio::get_associated_cancellation_slot(handler);
                auto ex = asio::get_associated_executor(handler, get_executor());
                channel().async_receive(asio::bind_cancellation_slot(
                    slot,
                    asio::bind_executor(
                        ex,
                        [st = state_, h = std::move(handler)](std::error_code ec, event ev) mutable {
                            note_received(st, ec); // also turns the closed channel into operation_aborted
                            std::move(h)(ec, std::move(ev));
                        }
                    )
                ));
            },
            token
        );
    }

    /// The next event; throws `binlogstream::error` on any error (including `end_of_stream`).
    asio::awaitable<event> next();

    /// The checkpoint: the position right after the last transaction whose every event has been
    /// handed out by `async_next` (and its GTID state). `position().to_string()` is stable text that
    /// `stream_position::parse` reads back in a new process.
    [[nodiscard]] stream_position position() const;

    /// Narrows the event-type filter (`stream_options::events`) to the types also in `types`, for
    /// every event read from the server from now on; it never widens it. Events of other types are
    /// not decoded beyond their header (except the few the stream needs for its own state: format
    /// descriptions, rotates, table maps, queries and GTIDs) and never delivered. Events already
    /// queued (at most `queue_depth`) are still delivered. `dispatcher::run` calls this with the
    /// types it has handlers for. Call it on the stream's executor, like every member.
    void restrict_events(const event_type_set& types) noexcept;

    /// The event types the stream delivers (`stream_options::events`, narrowed by
    /// `restrict_events`).
    [[nodiscard]] const event_type_set& events() const noexcept;

    /// Appends a string cell of a rows event this stream delivered, converted to UTF-8 from its
    /// column's charset under `stream_options::on_bad_text` (see text.hpp). Under
    /// `text_errors::strict`, text invalid in its charset returns `errc::invalid_text` and `diag`
    /// names the table, the column and the event's binlog file and position. The file is that of
    /// the event received last: convert an event's text before reading past the next rotate.
    std::error_code
    to_utf8(const rows_event& ev, const row_cell& cell, std::string& out, diagnostics& diag) const;
    /// As above for a Query event's statement text, converted from its `character_set_client`.
    std::error_code to_utf8(const query_event& q, std::string& out, diagnostics& diag) const;
    /// The throwing forms of `to_utf8`: the text, or `binlogstream::error` (`errc::invalid_text`)
    /// with those diagnostics, which a `dispatcher` handler lets propagate out of `run`.
    [[nodiscard]] std::string text(const rows_event& ev, const row_cell& cell) const;
    /// As above for a Query event's statement text.
    [[nodiscard]] std::string text(const query_event& q) const;

    /// Details of the error that ended the stream (server message, SQLSTATE, context).
    [[nodiscard]] const diagnostics& last_diagnostics() const noexcept;

    /// How many times the stream reconnected.
    [[nodiscard]] std::uint64_t reconnect_count() const noexcept;

    /// What the table cache has done so far.
    [[nodiscard]] table_cache_statistics table_cache_stats() const noexcept;

    /// Stops reading and closes the connection; a pending `async_next` completes with
    /// `asio::error::operation_aborted`. Idempotent; never throws.
    void close() noexcept;

private:
    struct state;
    channel_type& channel();
    // Moves the handed-out position forward when the consumer receives an event, and reports the
    // channel's own "cancelled"/"closed" (after close()) as operation_aborted.
    static void note_received(const std::shared_ptr<state>& st, std::error_code& ec) noexcept;

    std::shared_ptr<state> state_;
};

} // namespace binlogstream
