// The replication session state machine (see session.hpp for the sequence and references).

#include "replication/session.hpp"

#include "codec/byte_reader.hpp"
#include "wire/replication_commands.hpp"

#include <limits>

namespace binlogstream::replication {
namespace {

// MARIA_SLAVE_CAPABILITY_GTID: the replica understands GTID events (MariaDB 10.0+); without it the
// server rewrites them into BEGIN queries.
constexpr int mariadb_capability_gtid = 4;

// MySQL 8.0.26 renamed the replica's session variables (@source_binlog_checksum,
// @source_heartbeat_period) and still reads the old names as a fallback; MariaDB reads only the old
// names. Setting a user variable the server does not read is harmless, so MySQL gets both names in
// one statement and works with every version.
constexpr std::string_view mysql_checksum_statement =
    "SET @source_binlog_checksum = @@global.binlog_checksum, @master_binlog_checksum = "
    "@@global.binlog_checksum";
constexpr std::string_view mariadb_checksum_statement =
    "SET @master_binlog_checksum = @@global.binlog_checksum";

bool contains_mariadb(std::string_view text) noexcept
{
    return text.find("MariaDB") != std::string_view::npos || text.find("mariadb") != std::string_view::npos;
}

} // namespace

server_kind detect_server_kind(std::string_view version_text) noexcept
{
    return contains_mariadb(version_text) ? server_kind::mariadb : server_kind::mysql;
}

server_version parse_server_version(std::string_view text) noexcept
{
    // MariaDB 10.x/11.x advertises "5.5.5-<real version>" so that old MySQL replicas accept it.
    if (text.substr(0, 6) == "5.5.5-" && contains_mariadb(text))
        text.remove_prefix(6);
    server_version v;
    unsigned* parts[] = {&v.major, &v.minor, &v.patch};
    std::size_t i = 0;
    for (auto* part : parts)
    {
        bool any = false;
        unsigned value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
        {
            if (value > 100000)
                return v; // nonsense; stop here
            value = value * 10 + unsigned(text[i] - '0');
            any = true;
            ++i;
        }
        if (!any)
            return v;
        *part = value;
        if (i >= text.size() || text[i] != '.')
            return v;
        ++i;
    }
    return v;
}

std::string_view current_position_query(server_kind kind, server_version version) noexcept
{
    if (kind == server_kind::mysql && version >= server_version{8, 2, 0})
        return "SHOW BINARY LOG STATUS";
    if (kind == server_kind::mariadb && version >= server_version{10, 5, 2})
        return "SHOW BINLOG STATUS";
    return "SHOW MASTER STATUS";
}

stream_packet classify_stream_packet(std::span<const std::byte> packet)
{
    stream_packet out;
    if (packet.empty())
    {
        out.type = stream_packet::kind::error;
        out.ec = make_error_code(errc::malformed_packet);
        out.diag.set_client("empty packet in the binlog dump stream");
        return out;
    }
    switch (std::to_integer<std::uint8_t>(packet[0]))
    {
        case 0x00:
            out.type = stream_packet::kind::event;
            out.event = packet.subspan(1);
            return out;
        case 0xfe:
            // EOF (or, with CLIENT_DEPRECATE_EOF, an OK packet with the 0xfe header): the end of a
            // non-blocking dump. Events always start with 0x00, so the header alone decides.
            out.type = stream_packet::kind::end_of_stream;
            return out;
        case 0xff:
        {
            out.type = stream_packet::kind::error;
            codec::byte_reader r(packet.subspan(1));
            auto code = r.u16();
            if (!r.ok())
            {
                out.ec = make_error_code(errc::malformed_packet);
                out.diag.set_client("truncated ERR packet in the binlog dump stream");
                return out;
            }
            std::string_view sql_state;
            if (r.has(6) && std::to_integer<char>(*r.current()) == '#')
            {
                r.skip(1);
                sql_state = r.string(5);
            }
            out.ec = make_server_error(code);
            out.diag.set_server(sql_state, r.rest_string());
            return out;
        }
        default:
            out.type = stream_packet::kind::error;
            out.ec = make_error_code(errc::unexpected_packet);
            out.diag.set_client("unexpected packet in the binlog dump stream");
            return out;
    }
}

session::session(session_config config)
    : config_(std::move(config))
{}

action session::fail(std::error_code ec, std::string_view client_message)
{
    state_ = state::done;
    session_error e{ec, {}};
    if (!client_message.empty())
        e.diag.set_client(client_message);
    return e;
}

action session::start()
{
    if (state_ != state::idle)
        return fail(make_error_code(errc::operation_in_progress), "session already started");

    const bool mariadb = config_.kind == server_kind::mariadb;
    if (mariadb && std::holds_alternative<gtid_set>(config_.start))
        return fail(
            make_error_code(errc::invalid_argument), "a MySQL GTID set cannot start a MariaDB stream"
        );
    if (!mariadb && std::holds_alternative<mariadb_gtid_list>(config_.start))
        return fail(
            make_error_code(errc::invalid_argument), "a MariaDB GTID list cannot start a MySQL stream"
        );
    if (auto* fp = std::get_if<file_position>(&config_.start);
        fp && fp->offset > std::numeric_limits<std::uint32_t>::max())
        return fail(make_error_code(errc::invalid_argument), "COM_BINLOG_DUMP positions are 32-bit");
    if (config_.report_host.size() > 255 || config_.report_user.size() > 255 ||
        config_.report_password.size() > 255)
        return fail(
            make_error_code(errc::invalid_argument), "report host, user and password are at most 255 bytes"
        );

    setup_.push_back(
        {std::string(mariadb ? mariadb_checksum_statement : mysql_checksum_statement),
         run_query::purpose::setup}
    );
    if (config_.heartbeat_period.count() > 0)
    {
        auto ns = std::to_string(config_.heartbeat_period.count());
        setup_.push_back(
            {mariadb ? "SET @master_heartbeat_period = " + ns
                     : "SET @source_heartbeat_period = " + ns + ", @master_heartbeat_period = " + ns,
             run_query::purpose::setup}
        );
    }
    if (!mariadb && config_.replica_uuid)
    {
        std::error_code ec;
        auto u = uuid::parse(*config_.replica_uuid, ec);
        if (ec)
            return fail(make_error_code(errc::invalid_argument), "replica_uuid is not a UUID");
        // @slave_uuid for servers before 8.0.26, @replica_uuid after; setting both is harmless.
        auto text = u.to_string();
        setup_.push_back(
            {"SET @slave_uuid = '" + text + "', @replica_uuid = '" + text + "'", run_query::purpose::setup}
        );
    }
    if (mariadb)
    {
        setup_.push_back(
            {"SET @mariadb_slave_capability = " + std::to_string(mariadb_capability_gtid),
             run_query::purpose::setup}
        );
        if (auto* list = std::get_if<mariadb_gtid_list>(&config_.start))
        {
            // The list prints digits, '-' and ',' only: nothing to escape.
            setup_.push_back(
                {"SET @slave_connect_state = '" + list->to_string() + "'", run_query::purpose::setup}
            );
            setup_.push_back({"SET @slave_gtid_strict_mode = 0", run_query::purpose::setup});
            setup_.push_back({"SET @slave_gtid_ignore_duplicates = 0", run_query::purpose::setup});
        }
    }
    state_ = state::setup;
    next_setup_ = 1;
    return setup_.front();
}

action session::on_query_done(std::error_code ec, const diagnostics& diag)
{
    if (state_ != state::setup)
        return fail(make_error_code(errc::unexpected_packet), "query result outside the setup phase");
    // The checksum statement fails on servers that predate binlog checksums (< MySQL 5.6.2 /
    // MariaDB 5.3): they send no checksums, so the stream works without it. Only the server's refusal
    // is tolerated: a timeout or a lost link has closed the connection.
    const bool tolerated = next_setup_ == 1 && ec.category() == server_category();
    if (ec && !tolerated)
    {
        state_ = state::done;
        return session_error{ec, diag};
    }
    if (next_setup_ < setup_.size())
        return setup_[next_setup_++];
    return after_setup();
}

action session::after_setup()
{
    if (std::holds_alternative<start_at_current>(config_.start))
    {
        state_ = state::current_position;
        return run_query{
            std::string(current_position_query(config_.kind, config_.version)),
            run_query::purpose::current_position};
    }
    return make_register();
}

action
session::on_current_position(std::string_view file, std::uint64_t position, std::string_view executed_gtids)
{
    if (state_ != state::current_position)
        return fail(make_error_code(errc::unexpected_packet), "current position outside its phase");
    if (file.empty())
        return fail(
            make_error_code(errc::invalid_argument), "the server reports no binlog (binary logging is off)"
        );
    if (position > std::numeric_limits<std::uint32_t>::max())
        return fail(make_error_code(errc::invalid_argument), "COM_BINLOG_DUMP positions are 32-bit");
    config_.start = file_position{std::string(file), position};
    if (config_.kind == server_kind::mysql && !executed_gtids.empty())
    {
        std::error_code ec;
        auto set = gtid_set::parse(executed_gtids, ec);
        if (ec)
            return fail(ec, "Executed_Gtid_Set does not parse");
        initial_.gtids = std::move(set);
    }
    return make_register();
}

action session::make_register()
{
    send_command cmd;
    cmd.expects_reply = true;
    auto ec = wire::serialize(
        wire::register_replica_command{
            .server_id = config_.server_id,
            .host = config_.report_host,
            .user = config_.report_user,
            .password = config_.report_password,
            .port = config_.report_port},
        cmd.payload
    );
    if (ec)
        return fail(ec);
    state_ = state::registering;
    return cmd;
}

action session::make_dump()
{
    send_command cmd;
    std::uint16_t flags = config_.blocking ? 0 : wire::binlog_dump_flags::non_block;
    // USE_HEARTBEAT_EVENT_V2 (include/mysql.h): MySQL >= 8.0.26 then sends HEARTBEAT_LOG_EVENT_V2,
    // whose position is 64-bit, instead of v1 (sql/rpl_binlog_sender.cc send_heartbeat_event), as
    // it does for its own replicas (sql/rpl_replica.cc request_dump). MariaDB gives the bit another
    // meaning (BINLOG_SEND_ANNOTATE_ROWS_EVENT), so it is MySQL only.
    if (config_.kind == server_kind::mysql && config_.version >= server_version{8, 0, 26})
        flags |= wire::binlog_dump_flags::mysql_heartbeat_v2;
    std::error_code ec;
    if (auto* set = std::get_if<gtid_set>(&config_.start))
    {
        auto data = set->encode();
        ec = wire::serialize(
            wire::binlog_dump_gtid_command{
                .flags = std::uint16_t(flags | wire::binlog_dump_flags::through_gtid),
                .server_id = config_.server_id,
                .file = {},
                .position = 4,
                .gtid_data = data},
            cmd.payload
        );
        initial_.gtids = *set;
    }
    else
    {
        if (config_.kind == server_kind::mariadb && config_.mariadb_annotate_rows)
            flags |= wire::binlog_dump_flags::mariadb_send_annotate_rows;
        wire::binlog_dump_command dump{
            .position = 4, .flags = flags, .server_id = config_.server_id, .file = {}};
        if (auto* fp = std::get_if<file_position>(&config_.start))
        {
            dump.position = std::uint32_t(fp->offset);
            dump.file = fp->file;
            initial_.file = *fp;
        }
        else if (auto* list = std::get_if<mariadb_gtid_list>(&config_.start))
        {
            initial_.mariadb_gtids = *list;
        }
        ec = wire::serialize(dump, cmd.payload);
    }
    if (ec)
        return fail(ec);
    state_ = state::streaming;
    return cmd;
}

action session::on_packet(std::span<const std::byte> packet)
{
    if (state_ == state::registering)
    {
        if (!packet.empty() && std::to_integer<std::uint8_t>(packet[0]) == 0x00)
            return make_dump();
        auto p = classify_stream_packet(packet);
        state_ = state::done;
        if (p.type == stream_packet::kind::error)
            return session_error{p.ec, std::move(p.diag)};
        return fail(make_error_code(errc::unexpected_packet), "unexpected reply to COM_REGISTER_SLAVE");
    }
    if (state_ != state::streaming)
        return fail(make_error_code(errc::unexpected_packet), "packet outside the dump stream");
    auto p = classify_stream_packet(packet);
    switch (p.type)
    {
        case stream_packet::kind::event:
            return deliver_event{p.event};
        case stream_packet::kind::end_of_stream:
            // A blocking dump has no end: MariaDB sends this EOF to its dump threads when it shuts
            // down. That is a lost connection (retryable), not the end of the stream.
            if (config_.blocking)
                return fail(
                    make_error_code(errc::server_closed), "the server ended a blocking dump (shutdown?)"
                );
            state_ = state::done;
            return stream_end{};
        case stream_packet::kind::error:
            break;
    }
    state_ = state::done;
    return session_error{p.ec, std::move(p.diag)};
}

} // namespace binlogstream::replication
