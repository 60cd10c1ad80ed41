#pragma once

/// \file stream_options.hpp
/// Options of a replication stream: every parameter of python-mysql-replication's
/// `BinLogStreamReader`, typed. Included by options.hpp's users through stream.hpp.

#include <binlogstream/event.hpp>
#include <binlogstream/options.hpp>
#include <binlogstream/position.hpp>

#include <bitset>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace binlogstream {

/// A set of event type codes (`only_events` / `ignored_events`). The stream checks it on each event's
/// header: an event whose type is not in the set is neither decoded nor delivered (except the few
/// types the stream decodes for its own state: format descriptions, rotates, table maps, queries and
/// GTIDs, which are decoded but still not delivered). Use `of<...>()` to name event alternatives
/// rather than codes.
class event_type_set
{
public:
    /// The empty set.
    event_type_set() = default;
    /// Exactly these codes.
    event_type_set(std::initializer_list<event_type> types)
    {
        for (auto t : types)
            insert(t);
    }
    /// Every type, heartbeats excluded (they only prove liveness).
    [[nodiscard]] static event_type_set all()
    {
        event_type_set s;
        s.bits_.set();
        s.erase(event_type::heartbeat);
        s.erase(event_type::heartbeat_v2);
        return s;
    }
    /// Adds one code.
    void insert(event_type t) { bits_.set(static_cast<std::uint8_t>(t)); }
    /// Removes one code.
    void erase(event_type t) { bits_.reset(static_cast<std::uint8_t>(t)); }
    /// Whether the set holds `t`.
    [[nodiscard]] bool contains(event_type t) const noexcept
    {
        return bits_.test(static_cast<std::uint8_t>(t));
    }
    /// Every type code whose events decode to one of `Events` (alternatives of `binlogstream::event`,
    /// see `event_index_of`): `of<write_rows_event>()` holds `write_rows`, `write_rows_v1`,
    /// `pre_ga_write_rows` and MariaDB's compressed forms, as python-mysql-replication's
    /// `only_events=[WriteRowsEvent]` means. MariaDB writes v1 rows events, MySQL v2: prefer this to
    /// listing codes.
    template <typename... Events>
    [[nodiscard]] static event_type_set of()
    {
        event_type_set s;
        for (unsigned code = 0; code < 256; ++code)
        {
            auto t = static_cast<event_type>(code);
            auto index = event_index_of(t);
            if (((index == event_index_v<Events>) || ...))
                s.insert(t);
        }
        return s;
    }
    /// `all()` minus the given types.
    [[nodiscard]] static event_type_set all_except(std::initializer_list<event_type> types)
    {
        auto s = all();
        for (auto t : types)
            s.erase(t);
        return s;
    }
    /// The types in both sets.
    friend event_type_set operator&(const event_type_set& a, const event_type_set& b)
    {
        event_type_set s;
        s.bits_ = a.bits_ & b.bits_;
        return s;
    }
    /// Same codes.
    friend bool operator==(const event_type_set&, const event_type_set&) = default;

private:
    std::bitset<256> bits_;
};

/// A table name, optionally schema-qualified; each part may be a pattern with `*` and `?`.
struct table_name
{
    std::string schema; ///< empty: any schema
    std::string table;  ///< the table name or pattern
    /// Parses "schema.table", "table", "shop.*", "*.orders".
    [[nodiscard]] static table_name parse(std::string_view text);
    /// Same schema and table text.
    friend bool operator==(const table_name&, const table_name&) = default;
};

/// How a stream reconnects after a retryable failure (`is_retryable`): exponential backoff with
/// jitter from `initial_delay` up to `max_delay`, at most `max_attempts` failed attempts in a row
/// (0 = no limit). A connection that streams again resets the count.
struct reconnect_policy
{
    bool enabled = true;                          ///< false: every failure ends the stream
    std::chrono::milliseconds initial_delay{100}; ///< the first wait (before jitter)
    std::chrono::milliseconds max_delay{10000};   ///< the longest wait
    double multiplier = 2.0;                      ///< growth of the wait per failed attempt
    std::uint32_t max_attempts = 0;               ///< failed attempts in a row before giving up; 0 = never
};

/// COM_REGISTER_SLAVE: how the stream appears in the server's `SHOW REPLICAS` (report_slave).
struct replica_report
{
    std::string host;       ///< the host the replica reports
    std::string user;       ///< the user it reports
    std::string password;   ///< the password it reports (sent to the server only, never logged)
    std::uint16_t port = 0; ///< the port it reports
};

/// Severity of a log line. The library currently logs warnings only: a lost connection about to be
/// reconnected, the table cache's ctl connection reconnecting, table metadata mismatched or
/// unavailable.
enum class log_level
{
    debug,   ///< details for troubleshooting
    info,    ///< normal operation
    warning, ///< something went wrong and the stream carries on
    error,   ///< a failure
};

/// The log sink (enable_logging). Silent when empty. Never receives a password.
using log_function = std::function<void(log_level, std::string_view)>;

/// Everything a stream needs besides where to connect. An aggregate with a default for every field:
/// set the fields you need by name (designated initializers work too, but g++ 12's -Wextra warns
/// about each member they leave out).
/// Comments name the python-mysql-replication parameter each field replaces.
struct stream_options
{
    /// server_id: the replica id this client uses; must be unique among the server's replicas. When a
    /// second replica (or stream) dumps with the same id, MariaDB kills the older dump with
    /// ER_SLAVE_SAME_ID (server error 4052): that stream ends with this error, a client message naming
    /// the id, and no reconnect (which would only kill the newer one in turn).
    std::uint32_t server_id = 0;
    /// log_file + log_pos + resume_stream | auto_position: where to start. `start_at_current` reads
    /// the current end of the binlog (SHOW BINARY LOG STATUS / SHOW MASTER STATUS by version).
    start_position start = start_at_current{};
    /// blocking: wait for new events at the end of the binlog (false: end with `errc::end_of_stream`).
    bool blocking = true;
    /// end_log_pos: end with `errc::end_of_stream` after the event that ends at or past this position.
    std::optional<file_position> stop_at;
    /// only_events / ignored_events / filter_non_implemented_events.
    event_type_set events = event_type_set::all();
    /// only_schemas / ignored_schemas: exact names or patterns with `*` and `?`. Apply to rows,
    /// table maps and query events.
    std::vector<std::string> only_schemas;
    std::vector<std::string> ignored_schemas; ///< see `only_schemas`
    /// only_tables / ignored_tables: schema-qualified names or patterns (`table_name::parse`).
    std::vector<table_name> only_tables;
    std::vector<table_name> ignored_tables;
    /// freeze_schema: never refresh the table cache after DDL (the first information_schema read of
    /// a table is kept for the stream's life).
    bool freeze_schema = false;
    /// fail_on_table_metadata_unavailable: when a TABLE_MAP lacks column names and the table cache
    /// cannot read them (the table is gone, the ctl connection fails for good), end the stream with
    /// `errc::metadata_unavailable` at that event instead of delivering it without names.
    bool fail_on_table_metadata_unavailable = false;
    /// New: how long the table cache keeps retrying one table's information_schema read while the
    /// ctl connection fails (refused, killed, timed out), holding back that table's rows and every
    /// event behind them. Past it the rows are delivered without names, `table_info::metadata` =
    /// `table_metadata::unavailable` and `metadata_note` saying why, or, with
    /// `fail_on_table_metadata_unavailable`, the stream ends with `errc::metadata_unavailable`. The
    /// bound is checked between attempts: one attempt is itself bounded by the ctl's
    /// `connect_timeout` and `read_timeout` (`setup_timeout` when zero). Zero: no bound besides
    /// `reconnect.max_attempts` (with `max_attempts = 0`, a ctl server that stays down holds the
    /// table's rows back until it answers).
    std::chrono::milliseconds metadata_wait{60000};
    /// skip_to_timestamp: drop events older than this.
    std::optional<std::chrono::sys_seconds> skip_until;
    /// report_slave.
    std::optional<replica_report> report_as;
    /// slave_uuid: sent as @slave_uuid / @replica_uuid.
    std::string replica_uuid;
    /// slave_heartbeat: the period the server sends heartbeats at when idle; the client declares the
    /// link dead after 2x this plus `heartbeat_margin` without any packet. Zero disables both.
    std::chrono::milliseconds heartbeat{5000};
    std::chrono::milliseconds heartbeat_margin{2000}; ///< added to 2x `heartbeat` for the deadline
    /// New: the read deadline of each packet of a connection's setup (the stream's queries,
    /// COM_REGISTER_SLAVE's answer) and of the table cache's ctl queries, used when the connection
    /// options' `read_timeout` is 0. Heartbeats only start with the dump: without it, a server that
    /// accepts and never answers would hold `next()` forever. On expiry `errc::read_timeout`
    /// (retryable). 0 means no limit.
    std::chrono::milliseconds setup_timeout{30000};
    /// is_mariadb: normally detected from the handshake.
    server_flavor flavor = server_flavor::detect;
    /// annotate_rows_event: ask MariaDB for ANNOTATE_ROWS events (the SQL of each row change).
    bool annotate_rows = false;
    /// ignore_decode_errors: the policy for text invalid in its charset, applied when text is
    /// converted to UTF-8 through the stream (`binlog_stream::text` / `to_utf8`, for string cells
    /// and Query statement text). Rows stay lazy: nothing is converted or checked until asked, so
    /// an event whose text nobody converts costs nothing. `strict`: the conversion fails with
    /// `errc::invalid_text` and diagnostics naming the table, column and binlog position (the
    /// throwing form's error propagates out of `dispatcher::run`); `replace`: each invalid
    /// sequence becomes U+FFFD. The raw bytes stay available either way (`string_value::bytes`).
    text_errors on_bad_text = text_errors::strict;
    /// verify_checksum: a CRC32 mismatch is an error.
    bool verify_checksum = true;
    /// ctl_connection_settings: where the table cache reads information_schema when a TABLE_MAP
    /// lacks column names; default: the stream's own connection options. Opened on first need only,
    /// reconnected on its own per `reconnect`; a zero `read_timeout` becomes `setup_timeout` there.
    std::optional<connection_options> ctl;
    /// enable_logging.
    log_function log;
    /// New: reconnects.
    reconnect_policy reconnect{};
    /// New: called after each successful reconnect, with the position the stream resumed at.
    std::function<void(const stream_position&)> on_reconnect;
    /// New: events buffered between the reader and the consumer (backpressure).
    std::size_t queue_depth = 64;
};

} // namespace binlogstream
