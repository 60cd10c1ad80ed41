// libFuzzer target: the DDL classifier (lib/schema/ddl.cpp) reads the text of every Query event,
// which the server relays from any client. Input: the default schema, a NUL byte, then the
// statement (no NUL: all statement, no default schema), as test/fuzz/make-seeds cuts them from the
// shared binlogs. Never crashes, and its answer is consistent: "tables" names at least one table,
// "none" names none, and the same text classifies the same way twice.

#include "schema/ddl.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bs = binlogstream::schema;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view schema;
    std::string_view sql = input;
    if (auto nul = input.find('\0'); nul != std::string_view::npos)
    {
        schema = input.substr(0, nul);
        sql = input.substr(nul + 1);
    }
    auto effect = bs::classify_ddl(sql, schema);
    using scope = bs::ddl_effect::scope;
    if (effect.kind == scope::tables && effect.tables.empty())
        __builtin_trap();
    if (effect.kind != scope::tables && !effect.tables.empty())
        __builtin_trap();
    auto again = bs::classify_ddl(sql, schema);
    if (again.kind != effect.kind || again.tables != effect.tables || again.schema != effect.schema)
        __builtin_trap();
    return 0;
}
