#include <algorithm>
#include <cctype>
#include <wire/capabilities.hpp>
#include <wire/handshake.hpp>

namespace binlogstream::wire {

namespace {

constexpr std::string_view mariadb_prefix = "5.5.5-";

bool contains_ci(std::string_view haystack, std::string_view needle) noexcept
{
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != haystack.end();
}

} // namespace

server_flavor detect_flavor(std::string_view version) noexcept
{
    if (contains_ci(version, "mariadb"))
        return server_flavor::mariadb;
    if (contains_ci(version, "mysql_aurora"))
        return server_flavor::aurora;
    if (contains_ci(version, "percona"))
        return server_flavor::percona;
    return server_flavor::mysql;
}

std::error_code parse_handshake(bytes_view payload, handshake_v10& out)
{
    out = handshake_v10{};
    codec::byte_reader r(payload);
    out.protocol_version = r.u8();
    if (!r.ok())
        return r.error();
    if (out.protocol_version != 10)
        return errc::protocol_version_unsupported;

    std::string_view version = r.null_terminated();
    if (!r.ok())
        return r.error();
    out.flavor = detect_flavor(version);
    // MariaDB prefixes its real version with "5.5.5-" so that old MySQL replicas, which refuse
    // masters newer than 5.x, accept it.
    if (out.flavor == server_flavor::mariadb && version.starts_with(mariadb_prefix))
        version.remove_prefix(mariadb_prefix.size());
    out.server_version.assign(version);

    if (!r.has(4 + 8 + 1 + 2))
        return errc::truncated_event;
    out.connection_id = r.u32_unchecked();
    auto part1 = r.bytes_unchecked(8);
    out.scramble.assign(part1.begin(), part1.end());
    r.skip(1); // filler
    out.capabilities = r.u16_unchecked();

    std::size_t auth_data_length = 0;
    if (!r.empty())
    {
        if (!r.has(1 + 2 + 2 + 1 + 10))
            return errc::truncated_event;
        out.charset = r.u8_unchecked();
        out.status = r.u16_unchecked();
        out.capabilities |= std::uint32_t(r.u16_unchecked()) << 16;
        auth_data_length = r.u8_unchecked();
        auto reserved = r.bytes_unchecked(10);
        if (!(out.capabilities & cap::long_password))
            out.mariadb_capabilities = static_cast<std::uint32_t>(codec::load_le<4>(reserved.data() + 6));
    }
    if (!(out.capabilities & cap::protocol_41))
        return errc::protocol_version_unsupported;

    if (out.capabilities & cap::secure_connection)
    {
        // Part 2 is max(13, length - 8) bytes; its last byte is a NUL that is not part of the scramble.
        std::size_t part2_length = std::max<std::size_t>(13, auth_data_length > 8 ? auth_data_length - 8 : 0);
        auto part2 = r.bytes(part2_length);
        if (!r.ok())
            return r.error();
        if (!part2.empty() && part2.back() == std::byte{0})
            part2 = part2.first(part2.size() - 1);
        out.scramble.insert(out.scramble.end(), part2.begin(), part2.end());
    }

    if (out.capabilities & cap::plugin_auth)
    {
        // Some servers (MySQL bug #59453) omit the terminating NUL: take the rest then.
        auto rest = codec::as_string(r.rest());
        auto nul = rest.find('\0');
        out.auth_plugin.assign(rest.substr(0, nul));
    }
    if (out.auth_plugin.empty())
        out.auth_plugin = "mysql_native_password";
    return {};
}

std::error_code negotiate_capabilities(
    std::uint32_t server_caps, bool use_tls, bool with_database, std::uint32_t& out
) noexcept
{
    out = 0;
    if (!(server_caps & cap::protocol_41) || !(server_caps & cap::secure_connection))
        return errc::protocol_version_unsupported;
    if (use_tls && !(server_caps & cap::ssl))
        return errc::tls_unavailable;
    constexpr std::uint32_t wanted = cap::long_password | cap::long_flag | cap::protocol_41 |
                                     cap::transactions | cap::secure_connection | cap::plugin_auth |
                                     cap::plugin_auth_lenenc_client_data | cap::deprecate_eof;
    std::uint32_t caps = cap::protocol_41 | cap::secure_connection;
    caps |= wanted & server_caps;
    if (with_database)
        caps |= server_caps & cap::connect_with_db;
    if (use_tls)
        caps |= cap::ssl;
    out = caps;
    return {};
}

void put_u8(std::vector<std::byte>& out, std::uint8_t v)
{
    out.push_back(std::byte(v));
}

void put_u16(std::vector<std::byte>& out, std::uint16_t v)
{
    out.push_back(std::byte(v & 0xff));
    out.push_back(std::byte(v >> 8));
}

void put_u32(std::vector<std::byte>& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(std::byte((v >> (8 * i)) & 0xff));
}

void put_lenenc(std::vector<std::byte>& out, std::uint64_t v)
{
    int n = 0;
    if (v < 0xfb)
    {
        out.push_back(std::byte(v));
        return;
    }
    if (v <= 0xffff)
    {
        out.push_back(std::byte{0xfc});
        n = 2;
    }
    else if (v <= 0xffffff)
    {
        out.push_back(std::byte{0xfd});
        n = 3;
    }
    else
    {
        out.push_back(std::byte{0xfe});
        n = 8;
    }
    for (int i = 0; i < n; ++i)
        out.push_back(std::byte((v >> (8 * i)) & 0xff));
}

void put_bytes(std::vector<std::byte>& out, bytes_view b)
{
    out.insert(out.end(), b.begin(), b.end());
}

void put_string(std::vector<std::byte>& out, std::string_view s)
{
    put_bytes(out, codec::as_bytes(s));
}

void put_null_terminated(std::vector<std::byte>& out, std::string_view s)
{
    put_string(out, s);
    out.push_back(std::byte{0});
}

void serialize_ssl_request(
    std::uint32_t capabilities,
    std::uint32_t max_packet_size,
    std::uint8_t charset,
    std::vector<std::byte>& out
)
{
    put_u32(out, capabilities);
    put_u32(out, max_packet_size);
    put_u8(out, charset);
    // 23 filler bytes; MariaDB reads its extended client capabilities from the last 4 (we send none).
    out.insert(out.end(), 23, std::byte{0});
}

void serialize_handshake_response(const handshake_response& r, std::vector<std::byte>& out)
{
    serialize_ssl_request(r.capabilities, r.max_packet_size, r.charset, out);
    put_null_terminated(out, r.user);
    if (r.capabilities & cap::plugin_auth_lenenc_client_data)
    {
        put_lenenc(out, r.auth_response.size());
        put_bytes(out, r.auth_response);
    }
    else
    {
        // SECURE_CONNECTION: one length byte. Only servers older than 5.6 lack the lenenc form, and
        // the responses sent to them (20-byte scrambles) fit; never emit a wrong length byte.
        auto n = std::min<std::size_t>(r.auth_response.size(), 255);
        put_u8(out, static_cast<std::uint8_t>(n));
        put_bytes(out, r.auth_response.first(n));
    }
    if (r.capabilities & cap::connect_with_db)
        put_null_terminated(out, r.database);
    if (r.capabilities & cap::plugin_auth)
        put_null_terminated(out, r.auth_plugin);
}

} // namespace binlogstream::wire
