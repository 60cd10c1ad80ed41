// The stream's table cache (see table_cache.hpp).

#include "schema/table_cache.hpp"

#include "codec/temporal_hires.hpp"
#include "schema/ddl.hpp"

#include <algorithm>
#include <cctype>

namespace binlogstream::schema {
namespace {

std::string name_key(std::string_view schema, std::string_view table)
{
    std::string k(schema);
    k += '\0';
    k += table;
    return k;
}

std::string display(std::string_view schema, std::string_view table)
{
    // Appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict on `"`" + std::string&&`.
    std::string out;
    out.reserve(schema.size() + table.size() + 5);
    out += '`';
    out += schema;
    out += "`.`";
    out += table;
    out += '`';
    return out;
}

} // namespace

bool same_shape(const table_info& a, const table_info& b) noexcept
{
    if (a.schema != b.schema || a.table != b.table || a.columns.size() != b.columns.size() ||
        a.primary_key != b.primary_key)
        return false;
    for (std::size_t i = 0; i < a.columns.size(); ++i)
    {
        const auto& x = a.columns[i];
        const auto& y = b.columns[i];
        if (x.wire_type != y.wire_type || x.type != y.type || x.meta != y.meta || x.nullable != y.nullable ||
            x.is_unsigned != y.is_unsigned || x.charset != y.charset || x.enum_values != y.enum_values ||
            x.set_values != y.set_values || x.geometry_type != y.geometry_type)
            return false;
    }
    return true;
}

table_cache::table_cache(bool freeze, log_function log)
    : freeze_(freeze)
    , log_(std::move(log))
{}

void table_cache::register_table(std::uint64_t id, std::shared_ptr<const table_info> t)
{
    auto& slot = registry_[id];
    if (slot && slot != t)
        pending_.erase(slot.get()); // no event can be decoded with the old table any more
    slot = std::move(t);
}

bool needs_lookup(const table_info& t) noexcept
{
    return !t.names_from_binlog || std::any_of(t.columns.begin(), t.columns.end(), [](const column_info& c) {
        return codec::is_old_temporal(c.type) && c.meta == 0;
    });
}

void table_cache::on_table_map(table_map_event& tm, bool wanted)
{
    if (!tm.table)
        return;
    const auto id = tm.table_id;
    if (!wanted || !needs_lookup(*tm.table))
    {
        register_table(id, tm.table);
        return;
    }
    auto key = name_key(tm.table->schema, tm.table->table);
    auto& name = by_name_[key];
    if (auto it = by_id_.find(id); it != by_id_.end() && it->second.generation == name.generation &&
                                   it->second.key == key && same_shape(*it->second.raw, *tm.table))
    {
        tm.table = it->second.resolved; // the same table as in the last transaction
        register_table(id, tm.table);
        return;
    }
    ++stats_.lookups;
    if (name.data && name.data_generation == name.generation && !freeze_ &&
        !find_mismatch(*tm.table, *name.data).empty())
    {
        // A new table id that the last read of its name does not fit: the table changed without a
        // DDL the stream saw (sql_log_bin=0, a case-folded name), or the id is older than the read.
        // Read again once; if it still does not fit, it is a mismatch.
        name.data.reset();
        name.requested_generation = 0;
    }
    if (name.data && name.data_generation == name.generation)
    {
        auto resolved = resolve(*tm.table, tm.optional_metadata_types, name.data.get(), {});
        by_id_[id] = id_entry{tm.table, resolved, key, name.generation};
        tm.table = std::move(resolved);
        register_table(id, tm.table);
        return;
    }
    auto p = std::make_shared<pending_table>();
    p->raw = tm.table;
    p->optional_types = tm.optional_metadata_types;
    p->key = key;
    p->generation = name.generation;
    register_table(id, tm.table);
    pending_[tm.table.get()] = p;
    waiting_.push_back(p);
    if (name.requested_generation != name.generation)
    {
        name.requested_generation = name.generation;
        requests_.push_back({key, tm.table->schema, tm.table->table, name.generation});
    }
}

std::shared_ptr<pending_table> table_cache::pending_for(const table_info* raw) const
{
    if (pending_.empty()) // FULL metadata, or every table resolved: the per-event cost stops here
        return nullptr;
    auto it = pending_.find(raw);
    return it == pending_.end() ? nullptr : it->second;
}

std::shared_ptr<const table_info> table_cache::resolve(
    const table_info& raw,
    std::span<const std::uint8_t> optional_types,
    const fetched_table* fetched,
    std::string_view reason
)
{
    auto t = merge_metadata(raw, optional_types, fetched, reason);
    if (t->metadata == table_metadata::mismatch)
    {
        ++stats_.mismatches;
        if (log_)
            log_(
                log_level::warning,
                "table cache: " + display(raw.schema, raw.table) + " table id " +
                    std::to_string(raw.table_id) + " no longer matches information_schema (" +
                    t->metadata_note + "); its columns stay unnamed"
            );
    }
    else if (t->metadata == table_metadata::binlog && !t->metadata_note.empty())
    {
        if (log_)
            log_(
                log_level::warning, "table cache: " + display(raw.schema, raw.table) + ": " + t->metadata_note
            );
    }
    else if (t->metadata == table_metadata::unavailable)
    {
        ++stats_.unavailable;
        if (log_)
            log_(
                log_level::warning,
                "table cache: no metadata for " + display(raw.schema, raw.table) + ": " + t->metadata_note
            );
    }
    return t;
}

void table_cache::on_fetched(std::shared_ptr<const fetched_table> fetched, std::string_view reason)
{
    if (requests_.empty())
        return;
    auto rq = std::move(requests_.front());
    requests_.pop_front();
    auto& name = by_name_[rq.key];
    // Kept only when no DDL on the name was seen while the read was in flight, and only a read that
    // found the table: a missing table may be created by the next event.
    if (fetched && !fetched->columns.empty() && rq.generation == name.generation)
    {
        name.data = fetched;
        name.data_generation = rq.generation;
    }
    else if (name.requested_generation == rq.generation)
        name.requested_generation = 0; // the next TABLE_MAP of a new table id asks again
    for (auto& p : waiting_)
    {
        if (p->key != rq.key || p->generation != rq.generation)
            continue;
        p->resolved = resolve(*p->raw, p->optional_types, fetched.get(), reason);
        p->done = true;
        auto slot = registry_.find(p->raw->table_id);
        if (slot != registry_.end() && slot->second == p->raw)
        {
            slot->second = p->resolved; // later rows events of this table id decode with it directly
            by_id_[p->raw->table_id] = id_entry{p->raw, p->resolved, p->key, p->generation};
        }
    }
    std::erase_if(waiting_, [](const auto& p) { return p->done; });
}

void table_cache::forget_name(name_entry& entry)
{
    entry.data.reset();
    ++entry.generation;
}

bool table_cache::same_name(std::string_view a, std::string_view b) noexcept
{
    // Case-insensitively: with lower_case_table_names the DDL's spelling and the TABLE_MAP's may
    // differ, and forgetting one table too many costs one query.
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

void table_cache::on_query(std::string_view sql, std::string_view default_schema)
{
    if (freeze_)
        return;
    auto effect = classify_ddl(sql, default_schema);
    switch (effect.kind)
    {
        case ddl_effect::scope::none:
            return;
        case ddl_effect::scope::tables:
            for (auto& [key, entry] : by_name_)
                for (const auto& t : effect.tables)
                    if (same_name(key, name_key(t.schema, t.table)))
                    {
                        forget_name(entry);
                        break;
                    }
            return;
        case ddl_effect::scope::schema:
        {
            auto prefix = name_key(effect.schema, {});
            for (auto& [key, entry] : by_name_)
                if (key.size() >= prefix.size() &&
                    same_name(std::string_view(key).substr(0, prefix.size()), prefix))
                    forget_name(entry);
            return;
        }
        case ddl_effect::scope::everything:
            for (auto& [key, entry] : by_name_)
                forget_name(entry);
            return;
    }
}

void table_cache::on_server_restart()
{
    // Pending resolutions stay: the events that carry their raw tables are already decoded.
    for (auto& [id, t] : registry_)
        if (t)
            pending_.erase(t.get());
    registry_.clear();
    by_id_.clear();
    // What information_schema said before the restart is forgotten too: while the server was down,
    // or through DDL it did not log, its tables may have changed in ways that keep the column
    // types (which find_mismatch checks) but not the names. One query per table after a restart.
    for (auto& [key, entry] : by_name_)
        forget_name(entry);
}

} // namespace binlogstream::schema
