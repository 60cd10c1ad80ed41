// The replay server (see replay_server.hpp): a test double of a MySQL 8.4 source.
//
// What it imitates, and where from:
// * Connection phase: HandshakeV10 with a 20-byte scramble and caching_sha2_password as the default
//   plugin (MySQL 8.4's default_authentication_plugin), CLIENT_SSL only when TLS is configured;
//   SSLRequest then TLS (MySQL docs "Connection Phase", page_protocol_connection_phase).
// * caching_sha2_password, server side, as sql/auth/sha2_password.cc
//   (caching_sha2_password_authenticate) does it: a 32-byte scramble response is checked against the
//   cached SHA256(SHA256(password)) (fast_authenticate / Validate_scramble); on a hit it sends
//   AuthMoreData fast_auth_success (0x03) then OK; on a miss OR a mismatch it sends
//   perform_full_authentication (0x04). Then over TLS it reads the password in clear (NUL
//   terminated); over plain TCP it answers a 0x02 request with AuthMoreData + its PEM public key, and
//   decrypts an RSA-OAEP block with its private key, XORing the scramble away (the same transform as
//   sql-common/client_authentication.cc). A wrong password gives ER_ACCESS_DENIED_ERROR 1045,
//   SQLSTATE 28000. A full authentication that succeeds fills the cache, as on the real server.
// * Text protocol: answers the queries lib/replication/{session,stream}.cpp send: SELECT
//   @@global.binlog_checksum (a one-row resultset), SET @... (OK; @source_heartbeat_period is kept,
//   in nanoseconds, as sql/rpl_binlog_sender.cc init_heartbeat_period reads it), SHOW BINARY LOG
//   STATUS (MySQL >= 8.2: File, Position, Binlog_Do_DB, Binlog_Ignore_DB, Executed_Gtid_Set) and
//   refuses SHOW MASTER STATUS with ER_PARSE_ERROR 1064 (removed in MySQL 8.4). Resultsets follow
//   CLIENT_DEPRECATE_EOF as negotiated. COM_REGISTER_SLAVE gets an OK.
// * Dump (sql/rpl_binlog_sender.cc, Binlog_sender): first a fake ROTATE_EVENT (timestamp 0, log_pos
//   0, LOG_EVENT_ARTIFICIAL_F, body = u64 position + file name, with a CRC32 when the replica
//   declared @source_binlog_checksum; fake_rotate_event), then the file's FORMAT_DESCRIPTION_EVENT
//   with LOG_EVENT_BINLOG_IN_USE_F cleared and, for a file position past the header, log_pos and
//   `created` zeroed (send_format_description_event), the checksum recomputed; then the events.
//   COM_BINLOG_DUMP_GTID: transactions whose GTID is in the received set are not sent
//   (Binlog_sender::skip_event on m_exclude_gtid). At the end of the last file: EOF packet if
//   BINLOG_DUMP_NON_BLOCK, else a heartbeat every @source_heartbeat_period while idle
//   (send_heartbeat_event: HEARTBEAT_LOG_EVENT_V2, type 41, when the request carries
//   USE_HEARTBEAT_EVENT_V2 = 0x02, else the v1 HEARTBEAT_LOG_EVENT, type 27; both artificial with
//   log_pos = the current position; v2's body is the TLV fields OTW_HB_LOG_FILENAME_FIELD (1) and
//   OTW_HB_LOG_POSITION_FIELD (2), libs/mysql/binlog/event/codecs/binary.cpp Heartbeat::encode).
//
// Simplifications (it is a test double): one account; the GTID dump always starts at the first
// served file (a real server picks the first file whose Previous_gtids is not covered by the
// request, find_first_log_not_in_gtid_set; with the single-file sets used here that is the same
// file); it does not send heartbeats while skipping; the served files are assumed to carry a
// checksum-aware FDE (MySQL >= 5.6.1), as the chosen MySQL 8.0/9.x files do. To decide what to
// skip it reads the GTID events with the library's own decoder (codec::decode_event), while the GTID
// set the client sent is decoded by the server's own reader (server_packets.cpp), so that the
// client's encoder is checked by a second reading of the format. The hostile (oversized_event,
// silent_queries, endless_rows) and synthetic (synthetic_transaction.hpp) modes imitate nothing:
// they are test inputs.

#include "support/replay_server.hpp"

#include "codec/event_decoder.hpp"
#include "support/dump_events.hpp"
#include "support/server_packets.hpp"
#include "support/sha2_auth_server.hpp"
#include "support/synthetic_transaction.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <wire/capabilities.hpp>
#include <wire/handshake.hpp>
#include <wire/packet.hpp>

// g++ 12 misreports the coroutine frames' aligned new/delete pair (see lib/net/connection.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace binlogstream::test {

using replay::bytes;
using replay::bytes_view;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint16_t non_block = 0x01;         // BINLOG_DUMP_NON_BLOCK
constexpr std::uint16_t heartbeat_v2_flag = 0x02; // USE_HEARTBEAT_EVENT_V2 (include/mysql.h)
using replay::event_header_size;
using replay::load32;

struct binlog_file
{
    std::string name;
    bytes data;
};

} // namespace

struct replay_server::impl
{
    explicit impl(replay_options o)
        : opts(std::move(o))
        , acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
        , tls(asio::ssl::context::tls_server)
    {
        for (std::size_t i = 0; i < opts.binlog_files.size(); ++i)
        {
            std::ifstream in(opts.binlog_files[i], std::ios::binary);
            if (!in)
                throw std::runtime_error("replay_server: cannot read " + opts.binlog_files[i]);
            std::vector<char> all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            binlog_file f;
            char name[32];
            std::snprintf(name, sizeof name, "binlog.%06zu", i + 1);
            f.name = name;
            f.data.resize(all.size());
            std::memcpy(f.data.data(), all.data(), all.size());
            files.push_back(std::move(f));
        }
        offer_tls = !opts.tls_certificate_pem.empty() && !opts.tls_private_key_pem.empty();
        if (offer_tls)
        {
            tls.use_certificate_chain(asio::buffer(opts.tls_certificate_pem));
            tls.use_private_key(asio::buffer(opts.tls_private_key_pem), asio::ssl::context::pem);
        }
        if (!opts.password.empty())
            cached_hash = replay::caching_sha2_cached_hash(opts.password);
        cached = opts.password_cached;
        asio::co_spawn(io, accept_loop(), asio::detached);
        thread = std::thread([this] { io.run(); });
    }

    ~impl()
    {
        asio::post(io, [this] {
            asio::error_code ignored;
            acceptor.close(ignored);
            io.stop();
        });
        thread.join();
    }

    // One client's socket, plain or (after SSLRequest) TLS, with the packet sequence.
    struct session
    {
        asio::ssl::stream<tcp::socket> stream;
        bool tls = false;
        std::uint8_t seq = 0;
        bool deprecate_eof = false;
        bool checksum_aware = false;

        session(tcp::socket s, asio::ssl::context& ctx)
            : stream(std::move(s), ctx)
        {}

        asio::awaitable<void> read_exact(std::byte* p, std::size_t n)
        {
            if (tls)
                co_await asio::async_read(stream, asio::buffer(p, n), asio::use_awaitable);
            else
                co_await asio::async_read(stream.next_layer(), asio::buffer(p, n), asio::use_awaitable);
        }

        // Frames joined (MySQL docs "Sending More Than 16Mb"); the reply continues the sequence.
        asio::awaitable<bytes> read_packet()
        {
            bytes payload;
            for (;;)
            {
                std::array<std::byte, 4> h{};
                co_await read_exact(h.data(), 4);
                auto len = std::size_t(codec::load_le<3>(h.data()));
                seq = std::uint8_t(std::to_integer<std::uint8_t>(h[3]) + 1);
                auto at = payload.size();
                payload.resize(at + len);
                if (len)
                    co_await read_exact(payload.data() + at, len);
                if (len < wire::max_frame_payload)
                    co_return payload;
            }
        }

        asio::awaitable<void> write_packet(bytes_view payload)
        {
            bytes framed;
            wire::write_frames(payload, seq, framed);
            if (tls)
                co_await asio::async_write(stream, asio::buffer(framed), asio::use_awaitable);
            else
                co_await asio::async_write(stream.next_layer(), asio::buffer(framed), asio::use_awaitable);
        }
    };

    asio::awaitable<void> accept_loop()
    {
        for (;;)
        {
            auto [ec, socket] =
                co_await acceptor.async_accept(asio::experimental::as_tuple(asio::use_awaitable));
            if (ec)
                co_return;
            asio::co_spawn(io, serve(std::move(socket)), asio::detached);
        }
    }

    template <typename F>
    void note(F f)
    {
        std::lock_guard lock(mutex);
        f(rec);
    }

    asio::awaitable<void> serve(tcp::socket socket)
    {
        session s(std::move(socket), tls);
        note([](replay_record& r) { ++r.connections; });
        try
        {
            if (co_await login(s))
                co_await commands(s);
        }
        catch (const std::exception&)
        {
            // The client went away or sent garbage: this connection ends, the server goes on.
        }
    }

    asio::awaitable<bool> deny(session& s, const std::string& user, const char* path)
    {
        note([&](replay_record& r) { r.auth_paths.emplace_back(path); });
        // ER_ACCESS_DENIED_ERROR, its message as share/messages_to_clients.txt words it.
        co_await s.write_packet(replay::write_err(
            1045, "28000", "Access denied for user '" + user + "'@'localhost' (using password: YES)"
        ));
        co_return false;
    }

    asio::awaitable<bool> login(session& s)
    {
        replay::server_greeting g;
        g.version = opts.version;
        g.connection_id = ++next_connection_id;
        // generate_user_salt (mysys/crypt_genhash_impl.cc): 20 random bytes masked to 7 bits, never
        // NUL or '$'.
        std::uniform_int_distribution<int> dist(1, 127);
        while (g.scramble.size() < 20)
        {
            int c = dist(rng);
            if (c != '$')
                g.scramble.push_back(std::byte(c));
        }
        g.capabilities = replay::mysql84_capabilities(offer_tls);
        g.auth_plugin = "caching_sha2_password";
        s.seq = 0;
        co_await s.write_packet(replay::write_handshake(g));

        replay::client_response resp;
        auto packet = co_await s.read_packet();
        if (replay::parse_client_response(packet, resp))
            co_return false;
        if (resp.ssl_request)
        {
            if (!offer_tls)
                co_return false;
            co_await s.stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
            s.tls = true;
            note([](replay_record& r) { r.tls_used = true; });
            packet = co_await s.read_packet();
            if (replay::parse_client_response(packet, resp) || resp.ssl_request)
                co_return false;
        }
        s.deprecate_eof = (resp.capabilities & wire::cap::deprecate_eof) != 0;
        if (resp.user != opts.user)
            co_return co_await deny(s, resp.user, "unknown-user");
        if (!opts.hostile_switch_to.empty())
        {
            // Hostile mode: switch the client to another plugin (AuthSwitchRequest, 0xfe + plugin
            // name + data) and record a password that comes back in clear over plain TCP.
            bytes sw;
            wire::put_u8(sw, 0xfe);
            wire::put_null_terminated(sw, opts.hostile_switch_to);
            wire::put_bytes(sw, g.scramble);
            wire::put_u8(sw, 0);
            co_await s.write_packet(sw);
            auto answer = co_await s.read_packet();
            std::string text(reinterpret_cast<const char*>(answer.data()), answer.size());
            if (!text.empty() && text.back() == '\0')
                text.pop_back();
            if (!s.tls && !opts.password.empty() && text == opts.password)
                note([](replay_record& r) { ++r.cleartext_without_tls; });
            co_return co_await deny(s, resp.user, "hostile-switch");
        }
        if (resp.auth_plugin != "caching_sha2_password")
        {
            // A client that answered for another plugin is switched (AuthSwitchRequest 0xfe).
            bytes sw;
            wire::put_u8(sw, 0xfe);
            wire::put_null_terminated(sw, "caching_sha2_password");
            wire::put_bytes(sw, g.scramble);
            wire::put_u8(sw, 0);
            co_await s.write_packet(sw);
            auto again = co_await s.read_packet();
            resp.auth_response = again;
        }

        // An empty response is an empty password (sha2_password.cc: "if (pkt_len == 1 && *pkt == 0)").
        if (resp.auth_response.empty() ||
            (resp.auth_response.size() == 1 && resp.auth_response[0] == std::byte{0}))
        {
            if (!opts.password.empty())
                co_return co_await deny(s, resp.user, "denied-empty");
            note([](replay_record& r) { r.auth_paths.emplace_back("empty"); });
            co_await s.write_packet(replay::write_ok());
            co_return true;
        }
        if (resp.auth_response.size() != 32)
            co_return co_await deny(s, resp.user, "denied-malformed");

        if (cached && scramble_matches(resp.auth_response, g.scramble))
        {
            note([](replay_record& r) { r.auth_paths.emplace_back("fast"); });
            const bytes fast_auth_success{std::byte{0x03}};
            co_await s.write_packet(replay::write_auth_more_data(fast_auth_success));
            co_await s.write_packet(replay::write_ok());
            co_return true;
        }

        // perform_full_authentication
        const bytes perform_full_authentication{std::byte{0x04}};
        co_await s.write_packet(replay::write_auth_more_data(perform_full_authentication));
        auto answer = co_await s.read_packet();
        std::string received;
        const char* path = "full-tls";
        if (s.tls)
        {
            // Over TLS the client sends the password in clear, NUL terminated.
            received.assign(reinterpret_cast<const char*>(answer.data()), answer.size());
            if (!received.empty() && received.back() == '\0')
                received.pop_back();
        }
        else
        {
            if (answer.size() == 1 && answer[0] == std::byte{0x02})
            {
                note([](replay_record& r) { ++r.public_key_requests; });
                if (opts.rsa_public_key_pem.empty())
                    co_return co_await deny(s, resp.user, "denied-no-key");
                co_await s.write_packet(replay::write_auth_more_data(codec::as_bytes(opts.rsa_public_key_pem))
                );
                answer = co_await s.read_packet();
                path = "full-rsa-fetched-key";
            }
            else
                path = "full-rsa";
            if (opts.rsa_private_key_pem.empty() ||
                !replay::decrypt_password(opts.rsa_private_key_pem, answer, g.scramble, received))
            {
                // Not an RSA block: a cleartext password over plain TCP. The real server refuses it
                // (sha2_password.cc: no secure transport and no RSA keys); the test double records
                // it so that a test can prove the client never does it.
                note([](replay_record& r) { ++r.cleartext_without_tls; });
                co_return co_await deny(s, resp.user, "denied-cleartext");
            }
        }
        if (received != opts.password)
            co_return co_await deny(s, resp.user, "denied-full");
        cached = true;
        note([&](replay_record& r) { r.auth_paths.emplace_back(path); });
        co_await s.write_packet(replay::write_ok());
        co_return true;
    }

    bool scramble_matches(const bytes& response, const bytes& scramble) const
    {
        return !opts.password.empty() &&
               replay::caching_sha2_scramble_matches(cached_hash, response, scramble);
    }

    asio::awaitable<void> send_resultset(
        session& s,
        const std::vector<std::string>& columns,
        const std::vector<std::vector<std::optional<std::string>>>& rows
    )
    {
        for (const auto& p : replay::write_text_resultset(columns, rows, s.deprecate_eof))
            co_await s.write_packet(p);
    }

    std::string checksum_name() const
    {
        // The first file's FDE ends with the algorithm byte and its CRC32 (checksum-aware FDE).
        if (files.empty() || files[0].data.size() < 4 + event_header_size)
            return "NONE";
        auto size = load32(files[0].data.data() + 4 + 9);
        auto alg = std::to_integer<std::uint8_t>(files[0].data[4 + size - 5]);
        return alg == 1 ? "CRC32" : "NONE";
    }

    asio::awaitable<void> on_query(session& s, std::string sql)
    {
        note([&](replay_record& r) { r.queries.push_back(sql); });
        // (Resultsets are built into locals first: g++ 12 cannot keep braced initializer lists
        // alive across a co_await.)
        std::vector<std::string> columns;
        std::vector<std::vector<std::optional<std::string>>> rows;
        if (opts.silent_queries)
            co_return; // and the next read waits for a client that waits for us
        if (opts.endless_rows)
        {
            columns.push_back("c");
            auto head = replay::write_text_resultset(columns, rows, s.deprecate_eof);
            head.pop_back(); // the closing EOF / OK, sent after the rows
            for (const auto& p : head)
                co_await s.write_packet(p);
            rows.emplace_back().push_back(std::string(100, 'r'));
            auto row = replay::write_text_resultset(columns, rows, s.deprecate_eof);
            const auto& row_packet = row[row.size() - 2];
            for (std::uint64_t i = 0; i < opts.endless_rows; ++i)
                co_await s.write_packet(row_packet); // throws once the client has closed
            co_await s.write_packet(row.back());
            co_return;
        }
        if (sql == "SELECT @@global.binlog_checksum")
        {
            columns.push_back("@@global.binlog_checksum");
            rows.emplace_back().push_back(checksum_name());
            co_await send_resultset(s, columns, rows);
            co_return;
        }
        if (sql.rfind("SET ", 0) == 0)
        {
            if (sql.find("@source_binlog_checksum") != std::string::npos ||
                sql.find("@master_binlog_checksum") != std::string::npos)
                s.checksum_aware = checksum_name() == "CRC32";
            auto at = sql.find("@source_heartbeat_period = ");
            if (at != std::string::npos)
            {
                auto ns = std::strtoull(sql.c_str() + at + 27, nullptr, 10);
                note([&](replay_record& r) { r.heartbeat_period_ns = ns; });
            }
            co_await s.write_packet(replay::write_ok());
            co_return;
        }
        if (sql == "SHOW BINARY LOG STATUS")
        {
            for (const char* c :
                 {"File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set"})
                columns.emplace_back(c);
            auto& row = rows.emplace_back();
            row.push_back(files.empty() ? "" : files.back().name);
            row.push_back(files.empty() ? "0" : std::to_string(files.back().data.size()));
            row.push_back("");
            row.push_back("");
            row.push_back(opts.executed_gtids);
            co_await send_resultset(s, columns, rows);
            co_return;
        }
        // Anything else, SHOW MASTER STATUS included (gone in 8.4): ER_PARSE_ERROR.
        auto err = replay::write_err(
            1064,
            "42000",
            "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server "
            "version for the right syntax to use"
        );
        co_await s.write_packet(err);
    }

    asio::awaitable<void> commands(session& s)
    {
        for (;;)
        {
            auto packet = co_await s.read_packet();
            if (packet.empty())
                co_return;
            auto command = std::to_integer<std::uint8_t>(packet[0]);
            switch (command)
            {
                case 0x01: // COM_QUIT
                    co_return;
                case 0x03: // COM_QUERY
                    co_await on_query(
                        s, std::string(reinterpret_cast<const char*>(packet.data()) + 1, packet.size() - 1)
                    );
                    break;
                case 0x0e: // COM_PING
                case 0x15: // COM_REGISTER_SLAVE
                    co_await s.write_packet(replay::write_ok());
                    break;
                case 0x12: // COM_BINLOG_DUMP
                case 0x1e: // COM_BINLOG_DUMP_GTID
                    co_await dump(s, packet);
                    break;
                default:
                    // ER_UNKNOWN_COM_ERROR
                    co_await s.write_packet(replay::write_err(1047, "08S01", "Unknown command"));
            }
        }
    }

    asio::awaitable<void> send_event(session& s, const bytes& ev)
    {
        bytes packet;
        packet.reserve(ev.size() + 1);
        packet.push_back(std::byte{0x00}); // the OK byte in front of every event
        packet.insert(packet.end(), ev.begin(), ev.end());
        note([](replay_record& r) { ++r.events_sent; }); // counted when sending starts
        co_await s.write_packet(packet);
    }

    asio::awaitable<void> dump(session& s, const bytes& packet)
    {
        replay::dump_request req;
        if (auto ec = replay::parse_dump_request(packet, req))
        {
            co_await s.write_packet(replay::write_err(1236, "HY000", "malformed dump request"));
            co_return;
        }
        std::vector<replay::gtid_source_intervals> exclude;
        std::string gtid_error;
        if (req.command == 0x1e && (req.flags & 0x04))
        {
            if (auto ec = replay::decode_gtid_set(req.gtid_data, exclude))
                gtid_error = ec.message();
        }
        note([&](replay_record& r) {
            r.dump_command = req.command;
            ++r.dumps;
            r.dump_flags = req.flags;
            r.dump_file = req.file;
            r.dump_position = req.position;
            r.dump_gtids = replay::gtid_set_text(exclude);
            r.dump_gtid_error = gtid_error;
        });
        if (!gtid_error.empty())
        {
            // ER_MASTER_FATAL_ERROR_READING_BINLOG, as the dump thread reports its errors.
            co_await s.write_packet(replay::write_err(1236, "HY000", "malformed GTID set in the request"));
            co_return;
        }
        const bool gtid_mode = req.command == 0x1e;
        const bool checksum = s.checksum_aware;

        // Which file and where: an empty name means the first file (mysql_binlog_send).
        std::size_t index = 0;
        std::uint64_t start = gtid_mode ? 4 : req.position;
        if (!gtid_mode && !req.file.empty())
        {
            while (index < files.size() && files[index].name != req.file)
                ++index;
            if (index == files.size())
            {
                co_await s.write_packet(replay::write_err(
                    1236, "HY000", "Could not find first log file name in binary log index file"
                ));
                co_return;
            }
        }
        if (start < 4)
            start = 4;

        if (opts.synthetic_transaction_bytes)
        {
            co_await synthetic_transaction(s, checksum);
            co_await s.write_packet(replay::write_eof());
            co_return;
        }
        if (opts.oversized_event)
        {
            bytes big(opts.oversized_event - 1, std::byte{0x41});
            co_await send_event(s, big);
            co_return;
        }

        std::string last_file = files.empty() ? "" : files[index].name;
        std::uint64_t last_pos = start;
        for (bool first = true; index < files.size(); ++index, first = false)
        {
            const auto& f = files[index];
            // fake_rotate_event: tells the replica the file name (and position) it is reading.
            co_await send_event(s, replay::fake_rotate(opts.server_id, f.name, first ? start : 4, checksum));

            format_description_event fde;
            bool skipping = false;
            std::size_t pos = 4;
            while (pos + event_header_size <= f.data.size())
            {
                auto size = load32(f.data.data() + pos + 9);
                if (size < event_header_size || pos + size > f.data.size())
                    break;
                bytes ev(f.data.begin() + std::ptrdiff_t(pos), f.data.begin() + std::ptrdiff_t(pos + size));
                auto type = std::to_integer<std::uint8_t>(ev[4]);
                const auto at = pos;
                pos += size;
                if (type == 15) // FORMAT_DESCRIPTION_EVENT: send_format_description_event
                {
                    (void)codec::decode_format_description(ev, fde);
                    replay::prepare_format_description(
                        ev, !gtid_mode && first && start > 4, fde.checksum == checksum_algorithm::crc32
                    );
                    co_await send_event(s, ev);
                    continue;
                }
                if (first && !gtid_mode && at < start)
                    continue;
                if (gtid_mode && (type == 33 || type == 42 || type == 34))
                {
                    skipping = false;
                    if (type != 34)
                    {
                        codec::decode_context ctx;
                        ctx.fde = &fde;
                        event decoded;
                        if (!codec::decode_event(event_buffer::copy_of(ev), ctx, decoded))
                        {
                            if (auto* g = std::get_if<gtid_event>(&decoded))
                            {
                                auto uuid = replay::uuid_text(
                                    {reinterpret_cast<const std::byte*>(g->sid.data()), g->sid.size()}
                                );
                                skipping = replay::gtid_set_contains(exclude, uuid, g->tag, g->gno);
                            }
                        }
                        if (skipping)
                            note([](replay_record& r) { ++r.transactions_skipped; });
                    }
                }
                if (skipping)
                    continue;
                co_await send_event(s, ev);
                last_pos = load32(ev.data() + 13);
            }
            last_file = f.name;
        }

        if (req.flags & non_block)
        {
            co_await s.write_packet(replay::write_eof());
            co_return;
        }
        std::uint64_t period_ns = 0;
        note([&](replay_record& r) { period_ns = r.heartbeat_period_ns; });
        asio::steady_timer timer(io);
        for (;;)
        {
            if (period_ns == 0)
            {
                // No heartbeats asked for: wait until the client goes away.
                std::byte b;
                co_await s.read_exact(&b, 1);
                co_return;
            }
            timer.expires_after(std::chrono::nanoseconds(period_ns));
            co_await timer.async_wait(asio::use_awaitable);
            co_await send_event(
                s,
                replay::heartbeat(
                    (req.flags & heartbeat_v2_flag) != 0, opts.server_id, last_file, last_pos, checksum
                )
            );
            note([](replay_record& r) { ++r.heartbeats_sent; });
        }
    }

    // Synthetic mode: one huge transaction made on the fly (support/synthetic_transaction.hpp),
    // after the fake ROTATE a dump starts with.
    asio::awaitable<void> synthetic_transaction(session& s, bool checksum)
    {
        co_await send_event(s, replay::fake_rotate(opts.server_id, files.at(0).name, 4, checksum));
        replay::synthetic_transaction generator(
            files[0].data, opts.synthetic_transaction_bytes, opts.synthetic_in_payload
        );
        bytes ev;
        while (generator.next(ev))
            co_await send_event(s, ev);
    }

    replay_options opts;
    asio::io_context io;
    tcp::acceptor acceptor;
    asio::ssl::context tls;
    bool offer_tls = false;
    replay::sha256_digest cached_hash{};
    bool cached = false;
    std::vector<binlog_file> files;
    std::uint32_t next_connection_id = 7;
    std::minstd_rand rng{12345};
    mutable std::mutex mutex;
    replay_record rec;
    std::thread thread;
};

replay_server::replay_server(replay_options options)
    : impl_(std::make_unique<impl>(std::move(options)))
{}

replay_server::~replay_server() = default;

std::uint16_t replay_server::port() const noexcept
{
    return impl_->acceptor.local_endpoint().port();
}

replay_record replay_server::record() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->rec;
}

} // namespace binlogstream::test
