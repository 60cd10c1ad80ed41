// COM_REGISTER_SLAVE, COM_BINLOG_DUMP and COM_BINLOG_DUMP_GTID payloads (layouts cited in the
// header). All integers are little-endian.

#include "wire/replication_commands.hpp"

#include <limits>

namespace binlogstream::wire {
namespace {

void put_le(std::vector<std::byte>& out, std::uint64_t v, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(std::byte((v >> (8 * i)) & 0xff));
}

void put_bytes(std::vector<std::byte>& out, std::string_view s)
{
    for (char c : s)
        out.push_back(std::byte(static_cast<unsigned char>(c)));
}

constexpr std::size_t max_u8_string = 255;

} // namespace

std::error_code serialize(const register_replica_command& cmd, std::vector<std::byte>& out)
{
    if (cmd.host.size() > max_u8_string || cmd.user.size() > max_u8_string ||
        cmd.password.size() > max_u8_string)
        return make_error_code(errc::invalid_argument);
    out.reserve(out.size() + 18 + cmd.host.size() + cmd.user.size() + cmd.password.size());
    out.push_back(std::byte{com_register_slave});
    put_le(out, cmd.server_id, 4);
    put_le(out, cmd.host.size(), 1);
    put_bytes(out, cmd.host);
    put_le(out, cmd.user.size(), 1);
    put_bytes(out, cmd.user);
    put_le(out, cmd.password.size(), 1);
    put_bytes(out, cmd.password);
    put_le(out, cmd.port, 2);
    put_le(out, cmd.replication_rank, 4);
    put_le(out, cmd.master_id, 4);
    return {};
}

std::error_code serialize(const binlog_dump_command& cmd, std::vector<std::byte>& out)
{
    out.reserve(out.size() + 11 + cmd.file.size());
    out.push_back(std::byte{com_binlog_dump});
    put_le(out, cmd.position, 4);
    put_le(out, cmd.flags, 2);
    put_le(out, cmd.server_id, 4);
    put_bytes(out, cmd.file);
    return {};
}

std::error_code serialize(const binlog_dump_gtid_command& cmd, std::vector<std::byte>& out)
{
    constexpr auto max_u32 = std::numeric_limits<std::uint32_t>::max();
    if (cmd.file.size() > max_u32 || cmd.gtid_data.size() > max_u32)
        return make_error_code(errc::invalid_argument);
    out.reserve(out.size() + 23 + cmd.file.size() + cmd.gtid_data.size());
    out.push_back(std::byte{com_binlog_dump_gtid});
    put_le(out, cmd.flags, 2);
    put_le(out, cmd.server_id, 4);
    put_le(out, cmd.file.size(), 4);
    put_bytes(out, cmd.file);
    put_le(out, cmd.position, 8);
    put_le(out, cmd.gtid_data.size(), 4);
    out.insert(out.end(), cmd.gtid_data.begin(), cmd.gtid_data.end());
    return {};
}

} // namespace binlogstream::wire
