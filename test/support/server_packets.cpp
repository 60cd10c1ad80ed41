#include "support/server_packets.hpp"

#include <bit>
#include <cstdio>
#include <wire/capabilities.hpp>
#include <wire/handshake.hpp>

namespace binlogstream::test::replay {

using namespace binlogstream::wire;

std::uint32_t mysql84_capabilities(bool tls)
{
    // include/mysql_com.h: CLIENT_LONG_PASSWORD .. CLIENT_QUERY_ATTRIBUTES. MySQL keeps
    // CLIENT_COMPRESS on; left off here because the replay server does not compress (a client
    // that asked for it would get uncompressed packets).
    std::uint32_t caps = cap::long_password | cap::found_rows | cap::long_flag | cap::connect_with_db |
                         cap::no_schema | cap::odbc | cap::local_files | cap::ignore_space |
                         cap::protocol_41 | cap::interactive | cap::ignore_sigpipe | cap::transactions |
                         cap::reserved | cap::secure_connection | cap::multi_statements | cap::multi_results |
                         cap::ps_multi_results | cap::plugin_auth | cap::connect_attrs |
                         cap::plugin_auth_lenenc_client_data | cap::can_handle_expired_passwords |
                         cap::session_track | cap::deprecate_eof;
    if (tls)
        caps |= cap::ssl;
    return caps;
}

bytes write_handshake(const server_greeting& g)
{
    bytes out;
    put_u8(out, 10); // protocol version
    put_null_terminated(out, g.version);
    put_u32(out, g.connection_id);
    put_bytes(out, bytes_view(g.scramble).first(8)); // auth-plugin-data-part-1
    put_u8(out, 0);                                  // filler
    put_u16(out, std::uint16_t(g.capabilities & 0xffff));
    put_u8(out, g.charset);
    put_u16(out, 0x0002); // SERVER_STATUS_AUTOCOMMIT
    put_u16(out, std::uint16_t(g.capabilities >> 16));
    // auth_plugin_data_len: the 20-byte scramble plus its NUL (sql_authentication.cc writes
    // SCRAMBLE_LENGTH + 1), then 10 reserved zero bytes.
    put_u8(out, std::uint8_t(g.scramble.size() + 1));
    out.insert(out.end(), 10, std::byte{0});
    put_bytes(out, bytes_view(g.scramble).subspan(8)); // part 2: the other 12 bytes...
    put_u8(out, 0);                                    // ...and the NUL that makes 13
    put_null_terminated(out, g.auth_plugin);
    return out;
}

bytes write_ok(std::uint16_t status, bool eof_header)
{
    bytes out;
    put_u8(out, eof_header ? 0xfe : 0x00);
    put_lenenc(out, 0); // affected rows
    put_lenenc(out, 0); // last insert id
    put_u16(out, status);
    put_u16(out, 0); // warnings
    return out;
}

bytes write_err(std::uint16_t code, std::string_view sql_state, std::string_view message)
{
    bytes out;
    put_u8(out, 0xff);
    put_u16(out, code);
    put_u8(out, '#');
    put_string(out, sql_state.substr(0, 5));
    put_string(out, message);
    return out;
}

bytes write_eof(std::uint16_t status)
{
    bytes out;
    put_u8(out, 0xfe);
    put_u16(out, 0); // warnings
    put_u16(out, status);
    return out;
}

bytes write_auth_more_data(bytes_view data)
{
    bytes out;
    put_u8(out, 0x01);
    put_bytes(out, data);
    return out;
}

namespace {

void put_lenenc_string(bytes& out, std::string_view s)
{
    put_lenenc(out, s.size());
    put_string(out, s);
}

} // namespace

std::vector<bytes> write_text_resultset(
    const std::vector<std::string>& columns,
    const std::vector<std::vector<std::optional<std::string>>>& rows,
    bool deprecate_eof
)
{
    std::vector<bytes> packets;
    bytes count;
    put_lenenc(count, columns.size());
    packets.push_back(std::move(count));
    for (const auto& name : columns)
    {
        // ColumnDefinition41 (page_protocol_com_query_response_text_resultset_column_definition).
        bytes def;
        put_lenenc_string(def, "def"); // catalog
        put_lenenc_string(def, "");    // schema
        put_lenenc_string(def, "");    // table
        put_lenenc_string(def, "");    // org_table
        put_lenenc_string(def, name);
        put_lenenc_string(def, "");
        put_lenenc(def, 0x0c); // length of the fixed fields
        put_u16(def, 255);     // utf8mb4_0900_ai_ci
        put_u32(def, 1024);    // column length
        put_u8(def, 0xfd);     // MYSQL_TYPE_VAR_STRING
        put_u16(def, 0);       // flags
        put_u8(def, 0);        // decimals
        put_u16(def, 0);       // filler
        packets.push_back(std::move(def));
    }
    if (!deprecate_eof)
        packets.push_back(write_eof());
    for (const auto& row : rows)
    {
        bytes r;
        for (const auto& cell : row)
        {
            if (cell)
                put_lenenc_string(r, *cell);
            else
                put_u8(r, 0xfb);
        }
        packets.push_back(std::move(r));
    }
    packets.push_back(deprecate_eof ? write_ok(0x0002, true) : write_eof());
    return packets;
}

std::error_code parse_client_response(bytes_view payload, client_response& out)
{
    // page_protocol_connection_phase_packets_protocol_handshake_response (HandshakeResponse41) and
    // page_protocol_connection_phase_packets_protocol_ssl_request.
    codec::byte_reader r(payload);
    out = client_response{};
    out.capabilities = r.u32();
    out.max_packet_size = r.u32();
    out.charset = r.u8();
    r.skip(23);
    if (!r.ok())
        return r.error();
    if (r.empty())
    {
        out.ssl_request = (out.capabilities & cap::ssl) != 0;
        return out.ssl_request ? std::error_code{} : make_error_code(errc::malformed_packet);
    }
    out.user = std::string(r.null_terminated());
    bytes_view auth;
    if (out.capabilities & cap::plugin_auth_lenenc_client_data)
        auth = r.bytes(static_cast<std::size_t>(r.lenenc()));
    else
        auth = r.bytes(r.u8());
    out.auth_response.assign(auth.begin(), auth.end());
    if ((out.capabilities & cap::connect_with_db) && !r.empty())
        out.database = std::string(r.null_terminated());
    if ((out.capabilities & cap::plugin_auth) && !r.empty())
        out.auth_plugin = std::string(r.null_terminated());
    return r.error();
}

std::error_code parse_dump_request(bytes_view payload, dump_request& out)
{
    codec::byte_reader r(payload);
    out = dump_request{};
    out.command = r.u8();
    if (out.command == 0x12)
    {
        out.position = r.u32();
        out.flags = r.u16();
        out.server_id = r.u32();
        out.file = std::string(r.rest_string());
        return r.error();
    }
    if (out.command != 0x1e)
        return errc::unexpected_packet;
    out.flags = r.u16();
    out.server_id = r.u32();
    auto name_size = r.u32();
    out.file = std::string(r.string(name_size));
    out.position = r.u64();
    if (out.flags & 0x04) // BINLOG_THROUGH_GTID
    {
        auto data_size = r.u32();
        auto data = r.bytes(data_size);
        out.gtid_data.assign(data.begin(), data.end());
    }
    if (r.ok() && !r.empty())
        return errc::extra_bytes;
    return r.error();
}

std::string uuid_text(bytes_view b)
{
    std::string s;
    char hex[3];
    for (std::size_t i = 0; i < b.size(); ++i)
    {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s += '-';
        std::snprintf(hex, sizeof hex, "%02x", std::to_integer<unsigned>(b[i]));
        s += hex;
    }
    return s;
}

namespace {

// "Library: Serialization", variable-length unsigned integers: the number of trailing one bits
// of the first byte plus one is the length in bytes (9 when the first byte is 0xff: the value
// follows in 8 bytes); the value is the little-endian number shifted right by that length.
std::uint64_t read_serialization_varlen(codec::byte_reader& r)
{
    auto first = r.u8();
    if (!r.ok())
        return 0;
    std::size_t n = std::size_t(std::countr_one(first)) + 1;
    if (n == 9)
        return r.u64();
    std::uint64_t v = first;
    for (std::size_t i = 1; i < n; ++i)
        v |= std::uint64_t(r.u8()) << (8 * i);
    return v >> n;
}

} // namespace

std::error_code decode_gtid_set(bytes_view data, std::vector<gtid_source_intervals>& out)
{
    out.clear();
    codec::byte_reader r(data);
    // The first 8 bytes: v0 is the source count, whose top byte (the format) is 0; v1 is the
    // format byte 1, the 6-byte source count, the format byte 1 again.
    auto head = r.u64();
    if (!r.ok())
        return r.error();
    const auto low = std::uint8_t(head & 0xff);
    const auto high = std::uint8_t(head >> 56);
    bool tagged = false;
    std::uint64_t sources = head;
    if (high == 1 && low == 1)
    {
        tagged = true;
        sources = (head >> 8) & 0xffffffffffffULL;
    }
    else if (high != 0)
        return errc::malformed_packet;
    for (std::uint64_t i = 0; i < sources; ++i)
    {
        gtid_source_intervals s;
        s.uuid = uuid_text(r.bytes(16));
        if (tagged)
        {
            auto len = read_serialization_varlen(r);
            s.tag = std::string(r.string(static_cast<std::size_t>(len)));
        }
        auto n = r.u64();
        if (!r.ok() || n > r.remaining() / 16)
            return r.ok() ? make_error_code(errc::malformed_packet) : r.error();
        for (std::uint64_t k = 0; k < n; ++k)
        {
            auto start = std::int64_t(r.u64());
            auto end = std::int64_t(r.u64());
            s.intervals.emplace_back(start, end);
        }
        if (!r.ok())
            return r.error();
        out.push_back(std::move(s));
    }
    if (!r.empty())
        return errc::extra_bytes;
    return {};
}

std::string gtid_set_text(const std::vector<gtid_source_intervals>& set)
{
    std::string text;
    std::string last_uuid;
    for (const auto& s : set)
    {
        if (s.uuid != last_uuid)
        {
            if (!text.empty())
                text += ',';
            text += s.uuid;
            last_uuid = s.uuid;
        }
        if (!s.tag.empty())
            text += ":" + s.tag;
        for (auto [a, b] : s.intervals)
        {
            text += ":" + std::to_string(a);
            if (b - 1 != a)
                text += "-" + std::to_string(b - 1);
        }
    }
    return text;
}

bool gtid_set_contains(
    const std::vector<gtid_source_intervals>& set,
    std::string_view uuid,
    std::string_view tag,
    std::int64_t gno
)
{
    for (const auto& s : set)
    {
        if (s.uuid != uuid || s.tag != tag)
            continue;
        for (auto [a, b] : s.intervals)
            if (gno >= a && gno < b)
                return true;
    }
    return false;
}

} // namespace binlogstream::test::replay
