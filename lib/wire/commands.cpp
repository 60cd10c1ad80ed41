#include <wire/commands.hpp>

namespace binlogstream::wire {

void serialize_query(std::string_view sql, std::vector<std::byte>& out)
{
    out.reserve(out.size() + 1 + sql.size());
    out.push_back(std::byte{com_query});
    for (char c : sql)
        out.push_back(std::byte(c));
}

void serialize_ping(std::vector<std::byte>& out)
{
    out.push_back(std::byte{com_ping});
}

void serialize_quit(std::vector<std::byte>& out)
{
    out.push_back(std::byte{com_quit});
}

} // namespace binlogstream::wire
