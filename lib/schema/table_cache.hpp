#pragma once

// The stream's table cache, sans-IO: table id -> table for the decoders, and for TABLE_MAPs without
// column names the information_schema reads it needs, which the resolver (resolver.hpp) performs.
//
// Three maps, each with one job:
//  * `registry_` (table id -> table): what the rows decoder attaches to a rows event. It holds the
//    resolved table once a TABLE_MAP has been resolved, else the TABLE_MAP's own.
//  * `by_id_` (table id -> the TABLE_MAP it was resolved for and the result): the next transaction's
//    TABLE_MAP of the same id and shape reuses the result without a merge or a query. Table ids
//    change with the table's definition and restart with the server, so the key is exact; the entry
//    also records the name's generation, which a DDL bumps.
//  * `by_name_` ("schema\0table" -> what information_schema said): a new table id of an unchanged
//    table (FLUSH TABLES, a reconnect) costs no query. A DDL seen in a Query event forgets it
//    (unless frozen), and a read in flight when the DDL was seen is not kept.
// Every reuse is checked against the TABLE_MAP at hand (find_mismatch): a stale read can make a
// table `mismatch`, never mislabel it.

#include <binlogstream/rows.hpp>
#include <binlogstream/stream.hpp>
#include <binlogstream/stream_options.hpp>

#include "codec/event_decoder.hpp"
#include "schema/information_schema.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace binlogstream::schema {

/// A TABLE_MAP waiting for its information_schema read. Events that carry `raw` are held back until
/// `done`, then get `resolved` instead.
struct pending_table
{
    std::shared_ptr<const table_info> raw;
    std::vector<std::uint8_t> optional_types;
    std::string key;
    std::uint64_t generation = 0;
    std::shared_ptr<const table_info> resolved;
    bool done = false;
};

/// One information_schema read to make.
struct fetch_request
{
    std::string key;
    std::string schema;
    std::string table;
    std::uint64_t generation = 0;
};

class table_cache
{
public:
    table_cache(bool freeze, log_function log);

    /// The decoders' view: table id -> table.
    [[nodiscard]] const codec::table_registry& registry() const noexcept { return registry_; }

    /// Registers a decoded TABLE_MAP. When it `needs_lookup` and is `wanted` (the consumer may see
    /// this table's rows), either reuses a resolution (and sets `tm.table` to it) or creates a pending
    /// resolution and, if no read of the current generation is queued, a fetch request.
    void on_table_map(table_map_event& tm, bool wanted);

    /// The pending resolution of the table an event carries, or null.
    [[nodiscard]] std::shared_ptr<pending_table> pending_for(const table_info* raw) const;

    /// The next read to make, or null.
    [[nodiscard]] const fetch_request* next_request() const noexcept
    {
        return requests_.empty() ? nullptr : &requests_.front();
    }

    /// The result of the front request: `fetched` null when unavailable (with `reason`). Resolves
    /// the pending tables of that name and generation (logging mismatches) and pops the request.
    void on_fetched(std::shared_ptr<const fetched_table> fetched, std::string_view reason);

    /// A Query event: forgets what a DDL may have changed (nothing when frozen).
    void on_query(std::string_view sql, std::string_view default_schema);

    /// The server restarted: table ids mean other tables from here on, and every name is read
    /// again on its next TABLE_MAP without names.
    void on_server_restart();

    [[nodiscard]] table_cache_statistics& stats() noexcept { return stats_; }

private:
    struct name_entry
    {
        std::shared_ptr<const fetched_table> data; // null: not read (or forgotten)
        std::uint64_t data_generation = 0;
        std::uint64_t generation = 1;           // bumped by each DDL on the name
        std::uint64_t requested_generation = 0; // the newest generation a request was queued for
    };
    struct id_entry
    {
        std::shared_ptr<const table_info> raw;
        std::shared_ptr<const table_info> resolved;
        std::string key;
        std::uint64_t generation = 0;
    };

    void register_table(std::uint64_t id, std::shared_ptr<const table_info> t);
    static void forget_name(name_entry& entry);
    static bool same_name(std::string_view a, std::string_view b) noexcept;
    std::shared_ptr<const table_info> resolve(
        const table_info& raw,
        std::span<const std::uint8_t> optional_types,
        const fetched_table* fetched,
        std::string_view reason
    );

    bool freeze_;
    log_function log_;
    codec::table_registry registry_;
    std::unordered_map<std::uint64_t, id_entry> by_id_;
    std::unordered_map<std::string, name_entry> by_name_;
    // raw TABLE_MAP table -> its pending resolution, while the registry still hands that raw table out
    std::unordered_map<const table_info*, std::shared_ptr<pending_table>> pending_;
    // every resolution not done yet (also those the registry no longer hands out)
    std::vector<std::shared_ptr<pending_table>> waiting_;
    std::deque<fetch_request> requests_;
    table_cache_statistics stats_;
};

/// Whether a TABLE_MAP needs the table cache to be complete: it lacks column names, or it has old
/// TIME/DATETIME/TIMESTAMP columns, which may be MariaDB fractional ones that only information_schema
/// can size (codec/temporal_hires.hpp).
[[nodiscard]] bool needs_lookup(const table_info& t) noexcept;

/// Whether two TABLE_MAPs describe the same table the same way (names, types, metadata, nullability).
[[nodiscard]] bool same_shape(const table_info& a, const table_info& b) noexcept;

} // namespace binlogstream::schema
