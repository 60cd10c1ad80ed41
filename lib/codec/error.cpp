#include <binlogstream/error.hpp>

#include <string>

namespace binlogstream {
namespace {

class client_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "binlogstream"; }
    std::string message(int ev) const override
    {
        switch (static_cast<errc>(ev))
        {
            case errc::ok:
                return "success";
            case errc::truncated_event:
                return "truncated data: fewer bytes than the layout requires";
            case errc::bad_checksum:
                return "event checksum (CRC32) mismatch";
            case errc::bad_magic:
                return "not a binlog file (bad magic)";
            case errc::bad_event_length:
                return "impossible event length in header";
            case errc::unsupported_binlog_version:
                return "unsupported binlog version";
            case errc::extra_bytes:
                return "unexpected bytes after the end of a structure";
            case errc::bad_value:
                return "field value out of its domain";
            case errc::decompression_failed:
                return "decompression failed";
            case errc::missing_table_map:
                return "rows event for a table id without TABLE_MAP";
            case errc::invalid_json:
                return "malformed JSON value";
            case errc::invalid_text:
                return "text not valid in its character set";
            case errc::malformed_packet:
                return "malformed protocol packet";
            case errc::sequence_mismatch:
                return "packet sequence number mismatch";
            case errc::unexpected_packet:
                return "unexpected packet";
            case errc::packet_too_large:
                return "packet exceeds the size limit";
            case errc::protocol_version_unsupported:
                return "unsupported protocol version";
            case errc::auth_plugin_unsupported:
                return "unsupported authentication plugin";
            case errc::auth_needs_secure_transport:
                return "authentication would send the password in cleartext: use TLS";
            case errc::rsa_key_unavailable:
                return "full authentication without TLS needs the server's RSA public key "
                       "(configure a key file or allow fetching it)";
            case errc::tls_unavailable:
                return "TLS required but not offered by the server";
            case errc::server_closed:
                return "the server closed the connection";
            case errc::resultset_too_large:
                return "resultset exceeds the row or size limit";
            case errc::connect_timeout:
                return "connect timed out";
            case errc::read_timeout:
                return "read timed out";
            case errc::heartbeat_timeout:
                return "no event or heartbeat before the deadline";
            case errc::end_of_stream:
                return "end of stream";
            case errc::operation_in_progress:
                return "another operation is in progress";
            case errc::not_connected:
                return "not connected";
            case errc::invalid_argument:
                return "invalid argument";
            case errc::invalid_gtid:
                return "invalid GTID text";
            case errc::invalid_position:
                return "invalid position text";
            case errc::reconnect_limit:
                return "reconnect attempts exhausted";
            case errc::metadata_unavailable:
                return "table metadata unavailable";
        }
        return "binlogstream error " + std::to_string(ev);
    }
};

class server_category_impl final : public std::error_category
{
public:
    const char* name() const noexcept override { return "binlogstream.server"; }
    std::string message(int ev) const override
    {
        switch (ev)
        {
            case 1045:
                return "access denied (ER_ACCESS_DENIED_ERROR)";
            case 1236:
                return "fatal error reading the binlog (ER_MASTER_FATAL_ERROR_READING_BINLOG)";
            case 1064:
                return "SQL syntax error (ER_PARSE_ERROR)";
            case 1146:
                return "table does not exist (ER_NO_SUCH_TABLE)";
            case 1227:
                return "access denied: missing privilege (ER_SPECIFIC_ACCESS_DENIED_ERROR)";
            case 1317:
                return "query interrupted (ER_QUERY_INTERRUPTED)";
            case 1927:
                return "connection was killed (ER_CONNECTION_KILLED)";
            case 1251:
                return "client does not support the authentication protocol (ER_NOT_SUPPORTED_AUTH_MODE)";
        }
        return "server error " + std::to_string(ev);
    }
};

} // namespace

const std::error_category& client_category() noexcept
{
    static const client_category_impl instance;
    return instance;
}

const std::error_category& server_category() noexcept
{
    static const server_category_impl instance;
    return instance;
}

bool is_retryable(std::error_code ec) noexcept
{
    if (!ec)
        return false;
    if (ec.category() == client_category())
    {
        switch (static_cast<errc>(ec.value()))
        {
            case errc::server_closed:
            case errc::connect_timeout:
            case errc::read_timeout:
            case errc::heartbeat_timeout:
                return true;
            default:
                return false;
        }
    }
    if (ec.category() == server_category())
    {
        // Killed connections, shutdown in progress, too many connections, lost connection.
        switch (ec.value())
        {
            case 1040: // ER_CON_COUNT_ERROR
            case 1053: // ER_SERVER_SHUTDOWN
            case 1152: // ER_ABORTING_CONNECTION
            case 1317: // ER_QUERY_INTERRUPTED
            case 1927: // ER_CONNECTION_KILLED
            case 2013:
                return true;
            default:
                return false;
        }
    }
    // Transport errors (asio / system): connection refused, reset, eof, broken pipe... Asio 1.22
    // reports socket errors in its own "asio.system" category, not std::system_category().
    return ec.category() == std::system_category() || ec.category() == std::generic_category() ||
           std::string_view(ec.category().name()) == "asio.system" ||
           std::string_view(ec.category().name()) == "asio.misc" ||
           std::string_view(ec.category().name()) == "asio.ssl" ||
           std::string_view(ec.category().name()) == "asio.netdb" ||
           std::string_view(ec.category().name()) == "asio.addrinfo";
}

namespace {
std::string what_text(std::error_code ec, const diagnostics& diag)
{
    std::string s = ec.message();
    if (!diag.client_message().empty())
        s += ": " + diag.client_message();
    if (!diag.server_message().empty())
        s += " [server: " + diag.sql_state() + " " + diag.server_message() + "]";
    return s;
}
} // namespace

error::error(std::error_code ec, diagnostics diag)
    : std::system_error(ec, what_text(ec, diag))
    , diag_(std::move(diag))
{}

} // namespace binlogstream
