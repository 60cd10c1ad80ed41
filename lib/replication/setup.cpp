#include "replication/setup.hpp"

#include "codec/byte_reader.hpp"

#include <charconv>

namespace binlogstream::replication {

std::uint32_t version_number(std::string_view version) noexcept
{
    std::uint32_t parts[3] = {0, 0, 0};
    const char* p = version.data();
    const char* end = p + version.size();
    for (int i = 0; i < 3 && p < end; ++i)
    {
        auto [next, ec] = std::from_chars(p, end, parts[i]);
        if (ec != std::errc{})
            break;
        p = next;
        if (p < end && *p == '.')
            ++p;
        else
            break;
    }
    return parts[0] * 1000000 + parts[1] * 1000 + parts[2];
}

std::string binlog_status_query(std::string_view server_version, bool mariadb)
{
    auto v = version_number(server_version);
    if (mariadb)
        return v >= 10005002 ? "SHOW BINLOG STATUS" : "SHOW MASTER STATUS";
    return v >= 8002000 ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
}

std::string sql_quote(std::string_view text)
{
    std::string out = "'";
    for (char c : text)
    {
        if (c == '\'' || c == '\\')
            out += c;
        out += c;
    }
    return out + "'";
}

std::vector<std::string> session_setup(const stream_options& opts, bool mariadb, const start_position& start)
{
    std::vector<std::string> sql;
    // The server sends checksums only to replicas that declare they understand them; declaring the
    // server's own algorithm keeps them on (and lets the client verify them). MySQL 8.0.26+ reads
    // @source_binlog_checksum, older servers and MariaDB @master_binlog_checksum.
    sql.push_back("SET @master_binlog_checksum = @@global.binlog_checksum, "
                  "@source_binlog_checksum = @@global.binlog_checksum");
    if (opts.heartbeat.count() > 0)
    {
        auto ns = std::to_string(static_cast<std::uint64_t>(opts.heartbeat.count()) * 1000000);
        sql.push_back("SET @master_heartbeat_period = " + ns + ", @source_heartbeat_period = " + ns);
    }
    if (mariadb)
    {
        // MARIA_SLAVE_CAPABILITY_MINE (4): GTID events, annotate rows, binlog checkpoints.
        sql.push_back("SET @mariadb_slave_capability = 4");
        if (const auto* list = std::get_if<mariadb_gtid_list>(&start))
        {
            sql.push_back("SET @slave_connect_state = " + sql_quote(list->to_string()));
            sql.push_back("SET @slave_gtid_strict_mode = 0");
            sql.push_back("SET @slave_gtid_ignore_duplicates = 0");
        }
    }
    if (!opts.replica_uuid.empty())
        sql.push_back(
            "SET @slave_uuid = " + sql_quote(opts.replica_uuid) + ", @replica_uuid = " + sql_quote(opts.replica_uuid)
        );
    return sql;
}

void parse_dump_error(std::span<const std::byte> packet, std::error_code& ec, diagnostics& diag)
{
    codec::byte_reader r(packet);
    (void)r.u8(); // 0xff
    auto code = r.u16();
    std::string_view state;
    if (r.has(6) && r.current()[0] == std::byte{'#'})
    {
        r.skip(1);
        state = r.string(5);
    }
    auto message = r.rest_string();
    if (!r.ok())
    {
        ec = make_error_code(errc::malformed_packet);
        return;
    }
    ec = make_server_error(code);
    diag.set_server(state, message);
}

} // namespace binlogstream::replication
