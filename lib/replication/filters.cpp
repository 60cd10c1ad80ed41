#include "replication/filters.hpp"

#include <algorithm>

namespace binlogstream {

table_name table_name::parse(std::string_view text)
{
    auto dot = text.find('.');
    if (dot == std::string_view::npos)
        return {std::string(), std::string(text)};
    return {std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
}

namespace replication {

bool glob_match(std::string_view pattern, std::string_view text) noexcept
{
    // Iterative matcher with one backtrack point: linear in practice, never recursive.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size())
    {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t]))
        {
            ++p;
            ++t;
        }
        else if (p < pattern.size() && pattern[p] == '*')
        {
            star = p++;
            mark = t;
        }
        else if (star != std::string_view::npos)
        {
            p = star + 1;
            t = ++mark;
        }
        else
            return false;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

name_filter::name_filter(const stream_options& opts)
    : only_schemas_(opts.only_schemas)
    , ignored_schemas_(opts.ignored_schemas)
    , only_tables_(opts.only_tables)
    , ignored_tables_(opts.ignored_tables)
{
    active_ = !only_schemas_.empty() || !ignored_schemas_.empty() || !only_tables_.empty() ||
              !ignored_tables_.empty();
}

bool name_filter::accepts(std::string_view schema, std::string_view table) const noexcept
{
    auto schema_in = [&](const std::vector<std::string>& list) {
        return std::any_of(list.begin(), list.end(), [&](const std::string& p) {
            return glob_match(p, schema);
        });
    };
    auto table_in = [&](const std::vector<table_name>& list) {
        return std::any_of(list.begin(), list.end(), [&](const table_name& n) {
            return (n.schema.empty() || glob_match(n.schema, schema)) && glob_match(n.table, table);
        });
    };
    if (!only_schemas_.empty() && !schema_in(only_schemas_))
        return false;
    if (schema_in(ignored_schemas_))
        return false;
    if (table.empty())
    {
        // A statement: only a table filter that names this schema (or any schema) can let it pass.
        if (!only_tables_.empty())
            return std::any_of(only_tables_.begin(), only_tables_.end(), [&](const table_name& n) {
                return n.schema.empty() || glob_match(n.schema, schema);
            });
        return true;
    }
    if (!only_tables_.empty() && !table_in(only_tables_))
        return false;
    return !table_in(ignored_tables_);
}

} // namespace replication
} // namespace binlogstream
