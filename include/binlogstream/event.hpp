#pragma once

/// \file event.hpp
/// Binlog events as plain structs, one per event kind, gathered in `binlogstream::event`.
///
/// Every event starts with its typed v4 `event_header`. Events that hold views (strings, blobs, row
/// images) own the one buffer they were decoded from (`event_buffer`), so the views live exactly as
/// long as the event; events are move-only for that reason. Keep data longer by copying it
/// (`std::string{view}`). Rows events decode their rows lazily, see rows.hpp.

#include <binlogstream/event_header.hpp>
#include <binlogstream/position.hpp>
#include <binlogstream/rows.hpp>
#include <binlogstream/table.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace binlogstream {

/// Checksum algorithm announced by a FORMAT_DESCRIPTION event.
enum class checksum_algorithm : std::uint8_t
{
    /// BINLOG_CHECKSUM_ALG_OFF: events carry no checksum.
    off = 0,
    /// BINLOG_CHECKSUM_ALG_CRC32: each event ends with a 4-byte CRC32 of its bytes.
    crc32 = 1,
    /// The server predates checksums (no algorithm byte in the FDE).
    undefined = 255,
};

/// FORMAT_DESCRIPTION_EVENT (15): describes how the following events are laid out.
struct format_description_event
{
    /// The event's header.
    event_header header;
    /// The binlog format version (4 since MySQL 5.0).
    std::uint16_t binlog_version = 4;
    /// The writing server's version string ("8.0.36", "10.11.6-MariaDB-log"), NUL padding removed.
    std::string server_version;
    /// The FDE's creation timestamp field, seconds since the epoch, as the server wrote it.
    std::uint32_t create_timestamp = 0;
    /// Length of the common event header (19 for v4).
    std::uint8_t header_length = 19;
    /// Post-header length per event type, index = type - 1.
    std::vector<std::uint8_t> post_header_lengths;
    /// The checksum algorithm of the events that follow (and of this FDE).
    checksum_algorithm checksum = checksum_algorithm::undefined;
    /// The CRC32 stored in the FDE itself (0 when absent).
    std::uint32_t stored_crc = 0;
    /// MySQL 5.1 "a_drop5p"/"a_drop6p" (alcatel) builds numbered types 16-22 differently; headers and
    /// `post_header_lengths` are translated to the standard numbers when this is set.
    bool event_type_permutation = false;

    /// Post-header length of `t` per this FDE, or `fallback` when the FDE does not list it.
    [[nodiscard]] std::uint8_t post_header_length(event_type t, std::uint8_t fallback) const noexcept
    {
        auto i = static_cast<std::size_t>(t);
        if (i == 0 || i > post_header_lengths.size())
            return fallback;
        return post_header_lengths[i - 1];
    }
    /// Whether the server is MariaDB (from the version string).
    [[nodiscard]] bool is_mariadb() const noexcept
    {
        return server_version.find("MariaDB") != std::string::npos;
    }
};

/// Status variables of a QUERY event (one optional per known code). Parsing stops at the first unknown
/// code: the bytes from there on are kept in `unparsed` with the code in `unknown_code`. The views
/// point into the query event's buffer and are valid as long as that event lives.
struct query_status_vars
{
    /// Q_AUTO_INCREMENT: the session's auto_increment_increment and auto_increment_offset.
    struct auto_increment_t
    {
        /// auto_increment_increment.
        std::uint16_t increment = 0;
        /// auto_increment_offset.
        std::uint16_t offset = 0;
    };
    /// Q_CHARSET_CODE: the session's collation ids.
    struct charset_t
    {
        /// character_set_client (a collation id).
        std::uint16_t client = 0;
        /// collation_connection.
        std::uint16_t connection = 0;
        /// collation_server.
        std::uint16_t server = 0;
    };
    /// Q_INVOKER: the definer a stored routine or view runs as. Views into the event's buffer.
    struct invoker_t
    {
        /// The user name.
        std::string_view user;
        /// The host name.
        std::string_view host;
    };
    std::optional<std::uint32_t> flags2;               ///< Q_FLAGS2_CODE (0)
    std::optional<std::uint64_t> sql_mode;             ///< Q_SQL_MODE_CODE (1)
    std::optional<std::string_view> catalog;           ///< Q_CATALOG_CODE (2) / Q_CATALOG_NZ_CODE (6)
    std::optional<auto_increment_t> auto_increment;    ///< Q_AUTO_INCREMENT (3)
    std::optional<charset_t> charset;                  ///< Q_CHARSET_CODE (4)
    std::optional<std::string_view> time_zone;         ///< Q_TIME_ZONE_CODE (5)
    std::optional<std::uint16_t> lc_time_names;        ///< Q_LC_TIME_NAMES_CODE (7)
    std::optional<std::uint16_t> charset_database;     ///< Q_CHARSET_DATABASE_CODE (8)
    std::optional<std::uint64_t> table_map_for_update; ///< Q_TABLE_MAP_FOR_UPDATE_CODE (9)
    std::optional<std::uint32_t> master_data_written;  ///< Q_MASTER_DATA_WRITTEN_CODE (10)
    std::optional<invoker_t> invoker;                  ///< Q_INVOKER (11)
    /// Q_UPDATED_DB_NAMES (12); `updated_db_count` 254 means "too many to list".
    std::optional<std::uint8_t> updated_db_count;
    /// The database names of Q_UPDATED_DB_NAMES (views into the event's buffer).
    std::vector<std::string_view> updated_dbs;
    std::optional<std::uint32_t> microseconds;                   ///< Q_MICROSECONDS (13)
    std::optional<std::uint8_t> explicit_defaults_for_timestamp; ///< (16)
    std::optional<std::uint64_t> ddl_xid;                        ///< Q_DDL_LOGGED_WITH_XID (17)
    std::optional<std::uint16_t> default_collation_for_utf8mb4;  ///< (18)
    std::optional<std::uint8_t> sql_require_primary_key;         ///< (19)
    std::optional<std::uint8_t> default_table_encryption;        ///< (20)
    std::optional<std::uint32_t> hrnow;                          ///< MariaDB Q_HRNOW (128), microseconds
    std::optional<std::uint64_t> xid;                            ///< MariaDB Q_XID (129)
    std::optional<std::uint8_t> gtid_flags3;                     ///< MariaDB Q_GTID_FLAGS3 (130)
    /// The first status variable code this library does not know, if any.
    std::optional<std::uint8_t> unknown_code;
    /// The status bytes from `unknown_code` on, unparsed (a view into the event's buffer).
    std::span<const std::byte> unparsed;
};

/// QUERY_EVENT (2), MariaDB QUERY_COMPRESSED_EVENT (165) and the query part of EXECUTE_LOAD_QUERY.
/// The string views (here and in `status`) point into `buffer` or `decompressed`: they are valid as
/// long as the event lives (moving the event keeps them valid).
struct query_event
{
    /// The event's header.
    event_header header;
    /// The id of the session (connection) that ran the statement.
    std::uint32_t thread_id = 0;
    /// Seconds the statement took to run on the source.
    std::uint32_t exec_time = 0;
    /// The error code the statement ended with on the source (0: success).
    std::uint16_t error_code = 0;
    /// The session state the statement ran under.
    query_status_vars status;
    /// The default database of the statement (empty when none).
    std::string_view schema;
    /// The SQL text, as the server logged it (not converted: in the session's character set).
    std::string_view query;
    /// True for QUERY_COMPRESSED_EVENT: `query` views the decompressed text.
    bool compressed = false;
    /// The event's bytes, which the views point into.
    event_buffer buffer;
    /// The decompressed query text of a QUERY_COMPRESSED_EVENT (empty otherwise).
    event_buffer decompressed;
};

/// EXECUTE_LOAD_QUERY_EVENT (18): a LOAD DATA statement whose file was sent before in
/// BEGIN_LOAD_QUERY / APPEND_BLOCK events with the same `file_id`. Views point into `buffer`.
struct execute_load_query_event
{
    /// The event's header.
    event_header header;
    /// As in `query_event`.
    std::uint32_t thread_id = 0;
    /// As in `query_event`.
    std::uint32_t exec_time = 0;
    /// As in `query_event`.
    std::uint16_t error_code = 0;
    /// As in `query_event`.
    query_status_vars status;
    /// As in `query_event`.
    std::string_view schema;
    /// The LOAD DATA statement.
    std::string_view query;
    /// The id of the loaded file's blocks.
    std::uint32_t file_id = 0;
    /// Offset in `query` where the file name starts (to be replaced by the replica's copy).
    std::uint32_t start_pos = 0;
    /// Offset in `query` where the file name ends.
    std::uint32_t end_pos = 0;
    /// How duplicates are handled: 0 error, 1 IGNORE, 2 REPLACE.
    std::uint8_t dup_handling = 0;
    /// The event's bytes, which the views point into.
    event_buffer buffer;
};

/// ROTATE_EVENT (4): the binlog continues in another file. Written at the end of a file when the
/// server rotates; the server also sends an artificial one (flag `event_flags::artificial`, timestamp
/// 0) at the start of every dump to name the file it streams from.
struct rotate_event
{
    /// The event's header.
    event_header header;
    /// The offset in `next_file` of the next event.
    std::uint64_t position = 0;
    /// The name of the file that continues the binlog.
    std::string next_file;
};

/// STOP_EVENT (3): the server stopped; written as the last event of the file.
struct stop_event
{
    /// The event's header.
    event_header header;
};

/// INTVAR_EVENT (5): LAST_INSERT_ID (1) or INSERT_ID (2).
struct intvar_event
{
    /// The event's header.
    event_header header;
    /// 1 LAST_INSERT_ID, 2 INSERT_ID.
    std::uint8_t kind = 0;
    /// The value the next statement uses.
    std::uint64_t value = 0;
};

/// RAND_EVENT (13): the seeds of RAND() for the next statement (statement-based logging).
struct rand_event
{
    /// The event's header.
    event_header header;
    /// First seed.
    std::uint64_t seed1 = 0;
    /// Second seed.
    std::uint64_t seed2 = 0;
};

/// USER_VAR_EVENT (14).
struct user_var_event
{
    /// Item_result of the value.
    enum class value_type : std::uint8_t
    {
        string = 0,
        real = 1,
        integer = 2,
        row = 3,
        decimal = 4,
    };
    /// The event's header.
    event_header header;
    /// The variable's name (without '@'); a view into `buffer`.
    std::string_view name;
    /// Whether the value is NULL (the fields below are then left at their defaults).
    bool is_null = false;
    /// The value's type.
    value_type type = value_type::string;
    /// The value's collation id.
    std::uint32_t charset = 0;
    /// The raw value: 8-byte double (real), 8-byte integer (integer), precision + scale + packed
    /// decimal (decimal), text (string).
    std::span<const std::byte> value;
    /// Flags byte (1 = unsigned), when the server wrote one.
    std::optional<std::uint8_t> flags;
    /// The event's bytes, which `name` and `value` view.
    event_buffer buffer;

    /// Whether the flags byte marks the value unsigned (integers).
    [[nodiscard]] bool is_unsigned() const noexcept { return flags && (*flags & 1); }
};

/// XID_EVENT (16): a transaction commit.
struct xid_event
{
    /// The event's header.
    event_header header;
    /// The storage engine's transaction id.
    std::uint64_t xid = 0;
};

/// BEGIN_LOAD_QUERY_EVENT (17) and APPEND_BLOCK_EVENT (9): a block of a LOAD DATA file.
struct load_block_event
{
    /// The event's header.
    event_header header;
    /// The id tying the blocks to their EXECUTE_LOAD_QUERY.
    std::uint32_t file_id = 0;
    /// The file's bytes in this block; a view into `buffer`.
    std::span<const std::byte> block;
    /// The event's bytes.
    event_buffer buffer;
};

/// EXEC_LOAD_EVENT (10) and DELETE_FILE_EVENT (11).
struct load_file_event
{
    /// The event's header.
    event_header header;
    /// The id of the file to load or to delete.
    std::uint32_t file_id = 0;
};

/// LOAD_EVENT (6), NEW_LOAD_EVENT (12) and CREATE_FILE_EVENT (8): pre-5.0 LOAD DATA. Every view
/// points into `buffer`.
struct legacy_load_event
{
    /// The event's header.
    event_header header;
    /// The session id that ran LOAD DATA.
    std::uint32_t thread_id = 0;
    /// Seconds the statement took on the source.
    std::uint32_t exec_time = 0;
    /// IGNORE n LINES.
    std::uint32_t skip_lines = 0;
    /// FIELDS TERMINATED BY, ENCLOSED BY, LINES TERMINATED BY, LINES STARTING BY, ESCAPED BY.
    std::string_view field_term, enclosed, line_term, line_start, escaped;
    /// The option flags of the statement (OPT_ENCLOSED and others).
    std::uint8_t opt_flags = 0;
    /// The target column names.
    std::vector<std::string_view> fields;
    /// The target table.
    std::string_view table;
    /// The default database.
    std::string_view schema;
    /// The loaded file's name on the source.
    std::string_view file_name;
    /// CREATE_FILE only.
    std::uint32_t file_id = 0;
    /// CREATE_FILE only: the first block of the file.
    std::span<const std::byte> block;
    /// The event's bytes.
    event_buffer buffer;
};

/// INCIDENT_EVENT (26): something happened on the source that a replica cannot reproduce (1:
/// LOST_EVENTS), and replication should stop.
struct incident_event
{
    /// The event's header.
    event_header header;
    /// The incident number (1 LOST_EVENTS).
    std::uint16_t incident = 0;
    /// The server's message (may be empty).
    std::string message;
};

/// HEARTBEAT_LOG_EVENT (27) and HEARTBEAT_LOG_EVENT_V2 (41): the server's keep-alive while no event
/// is written; not part of any binlog file.
struct heartbeat_event
{
    /// The event's header.
    event_header header;
    /// The binlog file the server is sending from.
    std::string log_file;
    /// v2 carries a 64-bit position; v1 uses header.log_pos.
    std::uint64_t position = 0;
};

/// ROWS_QUERY_LOG_EVENT (29) and MariaDB ANNOTATE_ROWS_EVENT (160): the statement behind row events.
struct rows_query_event
{
    /// The event's header.
    event_header header;
    /// The SQL statement (as logged; MySQL may truncate it); a view into `buffer`.
    std::string_view query;
    /// The event's bytes.
    event_buffer buffer;
};

/// TRANSACTION_CONTEXT_EVENT (36, group replication): the certification data of a transaction.
struct transaction_context_event
{
    /// The event's header.
    event_header header;
    /// The UUID of the member that ran the transaction, as text.
    std::string server_uuid;
    /// The session id.
    std::uint32_t thread_id = 0;
    /// Whether the transaction's GTID was set by the session (gtid_next).
    bool gtid_specified = false;
    /// The encoded GTID set of the snapshot the transaction saw.
    std::vector<std::uint8_t> snapshot_version;
    /// The write set's items (hashes), as the server wrote them.
    std::vector<std::string> write_set;
    /// The read set's hashes.
    std::vector<std::string> read_set;
};

/// VIEW_CHANGE_EVENT (37, group replication): the group's membership changed.
struct view_change_event
{
    /// The event's header.
    event_header header;
    /// The new view's id.
    std::string view_id;
    /// The sequence number of the view change.
    std::uint64_t seq_number = 0;
    /// Certification database entries (key, value) as the server wrote them.
    std::vector<std::pair<std::string, std::string>> certification_info;
};

/// XA_PREPARE_LOG_EVENT (38): an XA transaction was prepared (or, `one_phase`, committed in one
/// phase). Ends the event group like an XID.
struct xa_prepare_event
{
    /// The event's header.
    event_header header;
    /// XA COMMIT ... ONE PHASE.
    bool one_phase = false;
    /// The XID's format id.
    std::int32_t format_id = 0;
    /// The global transaction id part of the XID (raw bytes).
    std::string gtrid;
    /// The branch qualifier part of the XID (raw bytes).
    std::string bqual;
};

/// GTID_LOG_EVENT (33), ANONYMOUS_GTID_LOG_EVENT (34) and GTID_TAGGED_LOG_EVENT (42): starts a
/// transaction and gives its GTID and commit metadata.
struct gtid_event
{
    /// The event's header.
    event_header header;
    /// The commit flags byte; 0x01 is FLAG_MAY_HAVE_SBR (the transaction may hold statement-based
    /// events).
    std::uint8_t flags = 0;
    /// The source UUID's bytes (all zero in anonymous GTIDs).
    std::array<std::uint8_t, 16> sid{};
    /// The transaction number (0 in anonymous GTIDs).
    std::int64_t gno = 0;
    /// The tag of a tagged GTID (type 42), empty otherwise.
    std::string tag;
    /// Whether the logical clock fields were present (MySQL >= 5.7.5).
    bool has_logical_clock = false;
    /// Logical clock: the `sequence_number` of the last transaction this one depends on.
    std::int64_t last_committed = 0;
    /// Logical clock: this transaction's number in the binlog file.
    std::int64_t sequence_number = 0;
    /// When this server committed the transaction, microseconds since the epoch; 0 when absent
    /// (MySQL < 8.0.1).
    std::uint64_t immediate_commit_timestamp = 0;
    /// When the original source committed it (equals `immediate_commit_timestamp` when the server
    /// did not write a separate value).
    std::uint64_t original_commit_timestamp = 0;
    /// Bytes of the whole transaction, this event included; 0 when absent.
    std::uint64_t transaction_length = 0;
    /// The version (e.g. 80036) of the server that wrote the event; 999999 (UNDEFINED_SERVER_VERSION)
    /// when absent.
    std::uint32_t immediate_server_version = 999999;
    /// The version of the original source (same as `immediate_server_version` unless written).
    std::uint32_t original_server_version = 999999;
    /// Group replication's commit group ticket; read from the tagged format only, else 0.
    std::uint64_t commit_group_ticket = 0;

    /// "uuid:gno" or "uuid:tag:gno".
    [[nodiscard]] std::string to_string() const;
};

/// ANONYMOUS_GTID_LOG_EVENT (34): same layout as a GTID event.
struct anonymous_gtid_event : gtid_event
{};

/// One UUID (and tag) with its intervals [start, end), as PREVIOUS_GTIDS stores them.
struct gtid_set_entry
{
    /// The source UUID's bytes.
    std::array<std::uint8_t, 16> sid{};
    /// The tag, empty when untagged.
    std::string tag;
    /// Half-open intervals [first, end) of transaction numbers, as stored.
    std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
};

/// PREVIOUS_GTIDS_LOG_EVENT (35): at the start of each MySQL binlog file, the GTIDs of every
/// transaction in the previous files.
struct previous_gtids_event
{
    /// The event's header.
    event_header header;
    /// The set, as stored.
    std::vector<gtid_set_entry> gtids;
    /// The set as text: "uuid:1-5:7-9,uuid2:tag:1-3".
    [[nodiscard]] std::string to_string() const;
};

/// TRANSACTION_PAYLOAD_EVENT (40): a compressed transaction. The readers deliver the inner events
/// right after it, exactly as if they had been inline.
struct transaction_payload_event
{
    /// The event's header.
    event_header header;
    /// 0 = ZSTD, 255 = NONE.
    std::uint8_t compression_type = 0;
    /// Bytes of `payload` (as the event states it; checked against the event's size).
    std::uint64_t payload_size = 0;
    /// Bytes of the inner events once decompressed.
    std::uint64_t uncompressed_size = 0;
    /// The inner events, compressed per `compression_type`; a view into `buffer`.
    std::span<const std::byte> payload;
    /// The event's bytes.
    event_buffer buffer;
};

/// MariaDB BINLOG_CHECKPOINT_EVENT (161): the oldest binlog file still needed for crash recovery.
struct mariadb_binlog_checkpoint_event
{
    /// The event's header.
    event_header header;
    /// That file's name.
    std::string log_file;
};

/// MariaDB GTID_EVENT (162): begins an event group (replaces BEGIN). The GTID is
/// `domain_id`-`header.server_id`-`seq_no`.
struct mariadb_gtid_event
{
    /// The event's header; its `server_id` is the GTID's server id.
    event_header header;
    /// The GTID's sequence number.
    std::uint64_t seq_no = 0;
    /// The GTID's replication domain.
    std::uint32_t domain_id = 0;
    /// FL_STANDALONE 1, FL_GROUP_COMMIT_ID 2, FL_TRANSACTIONAL 4, FL_ALLOW_PARALLEL 8, FL_WAITED 16,
    /// FL_DDL 32, FL_PREPARED_XA 64, FL_COMPLETED_XA 128.
    std::uint8_t flags = 0;
    /// The group commit id (when flags & FL_GROUP_COMMIT_ID), else 0.
    std::uint64_t commit_id = 0;
    /// XA (flags & (64 | 128)): the XID's format id, global transaction id and branch qualifier.
    std::int32_t xa_format_id = 0;
    /// See `xa_format_id`.
    std::string xa_gtrid;
    /// See `xa_format_id`.
    std::string xa_bqual;
    /// MariaDB 10.5+: flags_extra and what it announces.
    std::uint8_t flags_extra = 0;
    /// With FL_EXTRA_MULTI_ENGINE (flags_extra & 1): the number of further engines involved.
    std::uint8_t extra_engines = 0;
    /// With FL_COMMIT_ALTER or FL_ROLLBACK_ALTER: the seq_no of the matching START ALTER.
    std::uint64_t start_alter_seq_no = 0;
    /// With FL_EXTRA_THREAD_ID (flags_extra & 16): the session id.
    std::uint64_t thread_id = 0;

    /// "domain-server-seq".
    [[nodiscard]] std::string to_string() const;
};

/// MariaDB GTID_LIST_EVENT (163).
struct mariadb_gtid_list_event
{
    /// The event's header.
    event_header header;
    /// The top 4 bits of the count field.
    std::uint8_t flags = 0;
    /// The last GTID of each domain (and server) written in the previous binlog files.
    std::vector<mariadb_gtid> gtids;
    /// "0-1-100,1-2-5".
    [[nodiscard]] std::string to_string() const;
};

/// MariaDB START_ENCRYPTION_EVENT (164).
struct mariadb_start_encryption_event
{
    /// The event's header.
    event_header header;
    /// The encryption scheme (1).
    std::uint8_t scheme = 0;
    /// The version of the key the following events are encrypted with.
    std::uint32_t key_version = 0;
    /// The nonce of the following events' encryption.
    std::array<std::uint8_t, 12> nonce{};
};

/// IGNORABLE_LOG_EVENT (28) and any event type this library does not know: kept, never dropped.
struct unknown_event
{
    /// The event's header.
    event_header header;
    /// The body without the header and checksum; a view into `buffer`.
    std::span<const std::byte> body;
    /// The event's bytes.
    event_buffer buffer;
};

/// Any binlog event.
using event = std::variant<
    unknown_event,
    format_description_event,
    query_event,
    stop_event,
    rotate_event,
    intvar_event,
    rand_event,
    user_var_event,
    xid_event,
    load_block_event,
    load_file_event,
    legacy_load_event,
    execute_load_query_event,
    table_map_event,
    write_rows_event,
    update_rows_event,
    delete_rows_event,
    partial_update_rows_event,
    incident_event,
    heartbeat_event,
    rows_query_event,
    transaction_context_event,
    view_change_event,
    xa_prepare_event,
    gtid_event,
    anonymous_gtid_event,
    previous_gtids_event,
    transaction_payload_event,
    mariadb_binlog_checkpoint_event,
    mariadb_gtid_event,
    mariadb_gtid_list_event,
    mariadb_start_encryption_event>;

namespace detail {
/// The index of `T` among the alternatives of `Variant` (`std::variant_size_v<Variant>` if absent).
template <typename T, typename Variant>
struct variant_index;
template <typename T, typename... Ts>
struct variant_index<T, std::variant<Ts...>>
{
    static constexpr std::size_t value = [] {
        constexpr bool matches[] = {std::is_same_v<T, Ts>...};
        for (std::size_t i = 0; i < sizeof...(Ts); ++i)
            if (matches[i])
                return i;
        return sizeof...(Ts);
    }();
};
} // namespace detail

/// The index in `event` of the alternative `Event`.
template <typename Event>
inline constexpr std::size_t event_index_v = detail::variant_index<Event, event>::value;

/// The index in `event` of the alternative an event of type `t` is decoded into (the stream and
/// `file_reader` decode the same way). Every version of a type maps to one alternative: `write_rows`,
/// `write_rows_v1`, `pre_ga_write_rows` and MariaDB's compressed forms all give
/// `event_index_v<write_rows_event>`. Codes without a decoder (`ignorable`, `start_v3`, `slave`,
/// unassigned numbers) give `event_index_v<unknown_event>`.
[[nodiscard]] constexpr std::size_t event_index_of(event_type t) noexcept
{
    switch (t)
    {
        case event_type::format_description:
            return event_index_v<format_description_event>;
        case event_type::query:
        case event_type::mariadb_query_compressed:
            return event_index_v<query_event>;
        case event_type::stop:
            return event_index_v<stop_event>;
        case event_type::rotate:
            return event_index_v<rotate_event>;
        case event_type::intvar:
            return event_index_v<intvar_event>;
        case event_type::rand:
            return event_index_v<rand_event>;
        case event_type::user_var:
            return event_index_v<user_var_event>;
        case event_type::xid:
            return event_index_v<xid_event>;
        case event_type::begin_load_query:
        case event_type::append_block:
            return event_index_v<load_block_event>;
        case event_type::exec_load:
        case event_type::delete_file:
            return event_index_v<load_file_event>;
        case event_type::load:
        case event_type::new_load:
        case event_type::create_file:
            return event_index_v<legacy_load_event>;
        case event_type::execute_load_query:
            return event_index_v<execute_load_query_event>;
        case event_type::table_map:
            return event_index_v<table_map_event>;
        case event_type::pre_ga_write_rows:
        case event_type::write_rows_v1:
        case event_type::write_rows:
        case event_type::mariadb_write_rows_compressed_v1:
        case event_type::mariadb_write_rows_compressed:
            return event_index_v<write_rows_event>;
        case event_type::pre_ga_update_rows:
        case event_type::update_rows_v1:
        case event_type::update_rows:
        case event_type::mariadb_update_rows_compressed_v1:
        case event_type::mariadb_update_rows_compressed:
            return event_index_v<update_rows_event>;
        case event_type::pre_ga_delete_rows:
        case event_type::delete_rows_v1:
        case event_type::delete_rows:
        case event_type::mariadb_delete_rows_compressed_v1:
        case event_type::mariadb_delete_rows_compressed:
            return event_index_v<delete_rows_event>;
        case event_type::partial_update_rows:
            return event_index_v<partial_update_rows_event>;
        case event_type::incident:
            return event_index_v<incident_event>;
        case event_type::heartbeat:
        case event_type::heartbeat_v2:
            return event_index_v<heartbeat_event>;
        case event_type::rows_query:
        case event_type::mariadb_annotate_rows:
            return event_index_v<rows_query_event>;
        case event_type::transaction_context:
            return event_index_v<transaction_context_event>;
        case event_type::view_change:
            return event_index_v<view_change_event>;
        case event_type::xa_prepare:
            return event_index_v<xa_prepare_event>;
        case event_type::gtid:
        case event_type::gtid_tagged:
            return event_index_v<gtid_event>;
        case event_type::anonymous_gtid:
            return event_index_v<anonymous_gtid_event>;
        case event_type::previous_gtids:
            return event_index_v<previous_gtids_event>;
        case event_type::transaction_payload:
            return event_index_v<transaction_payload_event>;
        case event_type::mariadb_binlog_checkpoint:
            return event_index_v<mariadb_binlog_checkpoint_event>;
        case event_type::mariadb_gtid:
            return event_index_v<mariadb_gtid_event>;
        case event_type::mariadb_gtid_list:
            return event_index_v<mariadb_gtid_list_event>;
        case event_type::mariadb_start_encryption:
            return event_index_v<mariadb_start_encryption_event>;
        default:
            return event_index_v<unknown_event>;
    }
}

/// The header of any event.
[[nodiscard]] inline const event_header& header_of(const event& e) noexcept
{
    return std::visit([](const auto& ev) -> const event_header& { return ev.header; }, e);
}

} // namespace binlogstream
