#pragma once

// Schema and table filters (only_schemas, ignored_schemas, only_tables, ignored_tables), matched on
// names with `*` and `?` patterns. Checked on the table id's mapping before a rows event is decoded.

#include <binlogstream/stream_options.hpp>

#include <string_view>

namespace binlogstream::replication {

/// Glob match: `*` any run of characters, `?` one character; case-sensitive, like the server's
/// table names on Linux.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text) noexcept;

class name_filter
{
public:
    name_filter() = default;
    explicit name_filter(const stream_options& opts);

    /// Whether changes to `schema`.`table` pass. An empty table name (a query event) is checked
    /// against the schema filters only.
    [[nodiscard]] bool accepts(std::string_view schema, std::string_view table) const noexcept;
    /// Whether any filter is set (so that an unfiltered stream does no work here).
    [[nodiscard]] bool active() const noexcept { return active_; }

private:
    std::vector<std::string> only_schemas_, ignored_schemas_;
    std::vector<table_name> only_tables_, ignored_tables_;
    bool active_ = false;
};

} // namespace binlogstream::replication
