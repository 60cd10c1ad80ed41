#pragma once

// Which tables a statement seen in a Query event may have changed, so that the table cache can
// forget what it read about them. Sans-IO: text in, names out.
//
// The classifier reads only the statement's head: CREATE/ALTER/DROP/TRUNCATE/RENAME TABLE and
// CREATE/DROP INDEX name tables; DROP DATABASE names a schema. Comments (/* */, -- , #) are
// skipped, the content of executable comments (/*! ... */, /*M! ... */) is read as code,
// identifiers may be `quoted` (`` escapes a backtick) or "quoted", keywords are case-insensitive.
// When a statement starts like a table DDL but its names cannot be read, the answer is "every
// table": a needless query is cheap, a stale cache is a mislabelled column.

#include <string>
#include <string_view>
#include <vector>

namespace binlogstream::schema {

struct qualified_name
{
    std::string schema;
    std::string table;
    friend bool operator==(const qualified_name&, const qualified_name&) = default;
};

struct ddl_effect
{
    enum class scope
    {
        none,       ///< not a DDL that changes table columns or keys
        tables,     ///< `tables` changed
        schema,     ///< every table of `schema` (DROP DATABASE)
        everything, ///< a table DDL whose names could not be read
    };
    scope kind = scope::none;
    std::vector<qualified_name> tables;
    std::string schema;
};

/// Classifies one statement. `default_schema` (the Query event's current database) qualifies bare
/// table names.
[[nodiscard]] ddl_effect classify_ddl(std::string_view sql, std::string_view default_schema);

} // namespace binlogstream::schema
