// binlogstream::connection: drives the sans-IO wire pieces (handshake, auth, resultset) over a
// net::transport. Every operation is a non-template coroutine returning an error code; the public
// templates only forward the completion token (connection.hpp).

#include <binlogstream/connection.hpp>

// g++ 12 inlines Asio's coroutine-frame operator new (aligned_alloc) into the frame's destroy path
// and then misreports the matching operator delete (a known false positive of the
// -Wmismatched-new-delete heuristic with coroutine frames).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/ssl/context.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <net/packet_stream.hpp>
#include <net/tls.hpp>
#include <net/transport.hpp>
#include <sstream>
#include <wire/auth.hpp>
#include <wire/capabilities.hpp>
#include <wire/commands.hpp>
#include <wire/handshake.hpp>
#include <wire/ok_err.hpp>
#include <wire/resultset.hpp>

namespace binlogstream {

std::vector<std::string> resultset::column_names() const
{
    std::vector<std::string> names;
    names.reserve(columns.size());
    for (const auto& c : columns)
        names.push_back(c.name);
    return names;
}

std::vector<column_type> resultset::column_types() const
{
    std::vector<column_type> types;
    types.reserve(columns.size());
    for (const auto& c : columns)
        types.push_back(c.type);
    return types;
}

struct connection::impl
{
    explicit impl(asio::any_io_executor e)
        : ex(e)
        , transport(e)
        , packets(transport)
    {}

    asio::any_io_executor ex;
    net::transport transport;
    net::packet_stream packets;
    std::optional<asio::ssl::context> tls_context;
    binlogstream::server_info info;
    std::chrono::milliseconds read_timeout{0};
    std::size_t max_resultset_rows = 0;
    std::size_t max_resultset_bytes = 0;
    bool connected = false;
    // One reader and one writer at a time: a second concurrent read would interleave frames.
    bool reading = false;
    bool writing = false;

    // A failure that leaves the framing unknown (transport, timeout, decoding) ends the connection;
    // a server error does not.
    void fail(std::error_code ec) noexcept
    {
        if (ec && ec.category() != server_category())
        {
            connected = false;
            transport.close();
        }
    }

    asio::awaitable<std::error_code>
    read_packet(std::vector<std::byte>& out, std::chrono::milliseconds timeout)
    {
        return net::with_timeout(packets.read(out), timeout, errc::read_timeout, transport);
    }

    asio::awaitable<std::error_code> handshake(connection_options opts, diagnostics& diag);
};

namespace {

// Marks the read side, the write side or both busy for the life of an operation; an operation that
// finds its side busy fails with errc::operation_in_progress.
class busy_guard
{
public:
    busy_guard(bool* read_flag, bool* write_flag) noexcept
    {
        if ((read_flag && *read_flag) || (write_flag && *write_flag))
            return;
        read_ = read_flag;
        write_ = write_flag;
        if (read_)
            *read_ = true;
        if (write_)
            *write_ = true;
        owns_ = true;
    }
    ~busy_guard()
    {
        if (read_)
            *read_ = false;
        if (write_)
            *write_ = false;
    }
    busy_guard(const busy_guard&) = delete;
    busy_guard& operator=(const busy_guard&) = delete;

    [[nodiscard]] bool owns() const noexcept { return owns_; }

private:
    bool* read_ = nullptr;
    bool* write_ = nullptr;
    bool owns_ = false;
};

std::string endpoint_text(const connection_options& opts)
{
    if (!opts.unix_socket.empty())
        return opts.unix_socket;
    return opts.host + ":" + std::to_string(opts.port);
}

std::error_code read_file(const std::string& path, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::make_error_code(std::errc::no_such_file_or_directory);
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return {};
}

} // namespace

asio::awaitable<std::error_code> connection::impl::handshake(connection_options opts, diagnostics& diag)
{
    const bool over_unix = !opts.unix_socket.empty();
    std::error_code ec = over_unix ? co_await transport.connect_unix(opts.unix_socket)
                                   : co_await transport.connect_tcp(opts.host, opts.port);
    if (ec)
    {
        diag.set_client("cannot connect to " + endpoint_text(opts) + ": " + ec.message());
        co_return ec;
    }

    std::vector<std::byte> packet;
    packets.reset();
    if ((ec = co_await packets.read(packet)))
    {
        diag.set_client("reading the server's handshake from " + endpoint_text(opts));
        co_return ec;
    }
    // A server that refuses the client outright (too many connections, host blocked) sends ERR.
    if (!packet.empty() && packet[0] == wire::err_header)
        co_return wire::server_error(packet, diag);
    wire::handshake_v10 hs;
    if ((ec = wire::parse_handshake(packet, hs)))
    {
        diag.set_client("malformed handshake from " + endpoint_text(opts));
        co_return ec;
    }

    const bool server_tls = (hs.capabilities & wire::cap::ssl) != 0;
    // A unix socket never leaves the host: it is not encrypted, and counts as secure.
    const bool use_tls = !over_unix && net::tls_wanted(opts.ssl) && server_tls;
    if (!over_unix && net::tls_required(opts.ssl) && !server_tls)
    {
        diag.set_client("the server at " + endpoint_text(opts) + " does not offer TLS");
        co_return errc::tls_unavailable;
    }
    std::uint32_t caps = 0;
    if ((ec = wire::negotiate_capabilities(hs.capabilities, use_tls, !opts.database.empty(), caps)))
        co_return ec;
    const auto max_packet =
        static_cast<std::uint32_t>(std::min<std::size_t>(opts.max_packet_size, 0xffffffffu));

    if (use_tls)
    {
        // Nothing may follow the handshake before TLS starts; buffered bytes would be plaintext
        // injected ahead of the encrypted stream.
        if (packets.buffered() != 0)
            co_return errc::unexpected_packet;
        std::vector<std::byte> request;
        wire::serialize_ssl_request(caps, max_packet, wire::client_charset, request);
        if ((ec = co_await packets.write(request)))
            co_return ec;
        tls_context.emplace(asio::ssl::context::tls_client);
        if ((ec = net::configure_tls(opts, *tls_context, diag)))
            co_return ec;
        if ((ec = co_await transport.start_tls(*tls_context, opts.host)))
        {
            diag.set_client("TLS handshake with " + endpoint_text(opts) + " failed: " + ec.message());
            co_return ec;
        }
    }

    std::string public_key;
    if (!opts.server_public_key_file.empty() && read_file(opts.server_public_key_file, public_key))
    {
        diag.set_client("cannot read server_public_key_file '" + opts.server_public_key_file + "'");
        co_return errc::invalid_argument;
    }

    wire::authenticator auth({
        .password = opts.password,
        .secure_transport = use_tls || over_unix,
        .server_public_key = public_key,
        .allow_public_key_request = opts.get_server_public_key,
    });
    if ((ec = auth.start(hs.auth_plugin, hs.scramble, diag)))
        co_return ec;
    std::vector<std::byte> response;
    wire::serialize_handshake_response(
        {
            .capabilities = caps,
            .max_packet_size = max_packet,
            .charset = wire::client_charset,
            .user = opts.user,
            .auth_response = auth.response(),
            .database = opts.database,
            .auth_plugin = wire::plugin_name(auth.plugin()),
        },
        response
    );
    ec = co_await packets.write(response);
    std::fill(response.begin(), response.end(), std::byte{0});
    if (ec)
        co_return ec;

    for (;;)
    {
        if ((ec = co_await packets.read(packet)))
            co_return ec;
        wire::auth_action next = wire::auth_action::read;
        if ((ec = auth.on_packet(packet, next, diag)))
            co_return ec;
        if (next == wire::auth_action::done)
            break;
        if (next == wire::auth_action::write_and_read)
        {
            if ((ec = co_await packets.write(auth.response())))
                co_return ec;
        }
    }

    info = binlogstream::server_info{};
    info.version = hs.server_version;
    info.flavor = hs.flavor;
    info.connection_id = hs.connection_id;
    info.server_capabilities = hs.capabilities;
    info.capabilities = caps;
    info.mariadb_capabilities = hs.mariadb_capabilities;
    info.auth_plugin = std::string(wire::plugin_name(auth.plugin()));
    info.tls = transport.is_tls();
    info.unix_socket = over_unix;
    co_return std::error_code{};
}

connection::connection(asio::any_io_executor ex)
    : impl_(std::make_unique<impl>(ex))
{}

connection::~connection() = default;

connection::executor_type connection::get_executor() const noexcept
{
    return impl_->ex;
}

const server_info& connection::server_info() const noexcept
{
    return impl_->info;
}

bool connection::is_open() const noexcept
{
    return impl_->connected && impl_->transport.is_open();
}

void connection::close() noexcept
{
    impl_->connected = false;
    impl_->transport.close();
}

asio::awaitable<std::error_code> connection::run_connect(connection_options opts, diagnostics& diag)
{
    diag.clear();
    busy_guard guard(&impl_->reading, &impl_->writing);
    if (!guard.owns())
        co_return errc::operation_in_progress;
    close();
    impl_->info = binlogstream::server_info{};
    impl_->read_timeout = opts.read_timeout;
    impl_->max_resultset_rows = opts.max_resultset_rows;
    impl_->max_resultset_bytes = opts.max_resultset_bytes;
    impl_->packets.set_max_packet_size(opts.max_packet_size);
    auto timeout = opts.connect_timeout;
    auto where = endpoint_text(opts);
    auto ec = co_await net::with_timeout(
        impl_->handshake(std::move(opts), diag), timeout, errc::connect_timeout, impl_->transport
    );
    if (ec)
    {
        if (ec == errc::connect_timeout)
            diag.set_client("connecting to " + where + " took longer than connect_timeout");
        impl_->connected = false;
        impl_->transport.close();
        co_return ec;
    }
    impl_->connected = true;
    co_return std::error_code{};
}

asio::awaitable<std::error_code> connection::run_query(std::string sql, resultset& out, diagnostics& diag)
{
    diag.clear();
    busy_guard guard(&impl_->reading, &impl_->writing);
    if (!guard.owns())
        co_return errc::operation_in_progress;
    out = resultset{};
    if (!is_open())
        co_return errc::not_connected;
    std::vector<std::byte> packet;
    wire::serialize_query(sql, packet);
    impl_->packets.reset_sequence();
    auto ec = co_await impl_->packets.write(packet);
    wire::text_result result;
    wire::text_resultset_parser parser(
        result,
        (impl_->info.capabilities & wire::cap::deprecate_eof) != 0,
        {.max_rows = impl_->max_resultset_rows, .max_bytes = impl_->max_resultset_bytes}
    );
    bool done = false;
    while (!ec && !done)
    {
        ec = co_await impl_->read_packet(packet, impl_->read_timeout);
        if (!ec)
            ec = parser.on_packet(packet, done, diag);
    }
    if (ec)
    {
        if (ec == errc::resultset_too_large)
            diag.set_client(
                "the resultset is larger than max_resultset_rows (" +
                std::to_string(impl_->max_resultset_rows) + ") or max_resultset_bytes (" +
                std::to_string(impl_->max_resultset_bytes) + ")"
            );
        impl_->fail(ec);
        co_return ec;
    }
    out.columns.reserve(result.columns.size());
    for (auto& c : result.columns)
    {
        out.columns.push_back({
            .name = std::move(c.name),
            .schema = std::move(c.schema),
            .table = std::move(c.table),
            .type = static_cast<column_type>(c.type),
            .flags = c.flags,
            .charset = c.charset,
        });
    }
    out.rows = std::move(result.rows);
    out.affected_rows = result.affected_rows;
    out.last_insert_id = result.last_insert_id;
    out.warnings = result.warnings;
    out.info = std::move(result.info);
    co_return std::error_code{};
}

asio::awaitable<std::error_code> connection::run_ping(diagnostics& diag)
{
    diag.clear();
    busy_guard guard(&impl_->reading, &impl_->writing);
    if (!guard.owns())
        co_return errc::operation_in_progress;
    if (!is_open())
        co_return errc::not_connected;
    std::vector<std::byte> packet;
    wire::serialize_ping(packet);
    impl_->packets.reset_sequence();
    auto ec = co_await impl_->packets.write(packet);
    if (!ec)
        ec = co_await impl_->read_packet(packet, impl_->read_timeout);
    if (!ec)
    {
        if (!packet.empty() && packet[0] == wire::err_header)
            ec = wire::server_error(packet, diag);
        else
        {
            wire::ok_packet ok;
            ec = wire::parse_ok(packet, ok);
        }
    }
    impl_->fail(ec);
    co_return ec;
}

asio::awaitable<std::error_code> connection::run_quit()
{
    if (!is_open())
        co_return errc::not_connected;
    std::vector<std::byte> packet;
    wire::serialize_quit(packet);
    impl_->packets.reset_sequence();
    // Best effort: the server closes without answering; a failed write changes nothing.
    (void)co_await net::with_timeout(
        impl_->packets.write(packet), std::chrono::milliseconds(1000), errc::read_timeout, impl_->transport
    );
    close();
    co_return std::error_code{};
}

asio::awaitable<std::error_code> connection::run_write_command(std::span<const std::byte> payload)
{
    busy_guard guard(nullptr, &impl_->writing);
    if (!guard.owns())
        co_return errc::operation_in_progress;
    if (!is_open())
        co_return errc::not_connected;
    impl_->packets.reset_sequence();
    auto ec = co_await impl_->packets.write(payload);
    impl_->fail(ec);
    co_return ec;
}

asio::awaitable<std::error_code>
connection::run_read_packet(std::vector<std::byte>& out, std::optional<std::chrono::milliseconds> timeout)
{
    busy_guard guard(&impl_->reading, nullptr);
    if (!guard.owns())
        co_return errc::operation_in_progress;
    if (!is_open())
        co_return errc::not_connected;
    auto ec = co_await impl_->read_packet(out, timeout.value_or(impl_->read_timeout));
    impl_->fail(ec);
    co_return ec;
}

} // namespace binlogstream
