#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <net/packet_stream.hpp>
#include <net/transport.hpp>
#include <wire/packet.hpp>

using namespace binlogstream;
using namespace std::chrono_literals;
using asio::experimental::as_tuple;

namespace {

// Runs `test` against a loopback peer whose accepted socket `peer` receives; the whole test must
// finish within 20 s.
template <typename Test, typename Peer>
void with_peer(Test test, Peer peer)
{
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = acceptor.local_endpoint().port();
    bool client_done = false;
    std::exception_ptr client_error, peer_error;
    asio::co_spawn(
        io,
        [](asio::ip::tcp::acceptor& a, Peer p) -> asio::awaitable<void> {
            auto socket = co_await a.async_accept(asio::use_awaitable);
            co_await p(std::move(socket));
        }(acceptor, peer),
        [&](std::exception_ptr e) { peer_error = e; }
    );
    asio::co_spawn(io, test(port), [&](std::exception_ptr e) {
        client_done = true;
        client_error = e;
    });
    io.run_for(20s);
    BOOST_TEST_REQUIRE(client_done, "the client side did not finish");
    if (client_error)
        std::rethrow_exception(client_error);
}

std::vector<std::byte> pattern(std::size_t n, int seed)
{
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = std::byte((i * 131 + static_cast<std::size_t>(seed)) & 0xff);
    return v;
}

// The frames of these payloads, numbered from 0 as one exchange.
std::vector<std::byte> frames_of(const std::vector<std::vector<std::byte>>& payloads)
{
    std::vector<std::byte> out;
    std::uint8_t seq = 0;
    for (const auto& p : payloads)
        wire::write_frames(p, seq, out);
    return out;
}

const std::vector<std::vector<std::byte>> sample_packets = {
    pattern(1, 1),
    pattern(0, 2),
    pattern(300, 3),
    pattern(70000, 4),                          // larger than the read buffer
    pattern(wire::max_frame_payload, 5),        // exactly one full frame + an empty one
    pattern(wire::max_frame_payload + 1000, 6), // two frames
    pattern(5, 7),
};

// Sends `bytes` in chunks of `chunk` bytes with a pause between some, to split frames anywhere.
asio::awaitable<void>
send_chunked(asio::ip::tcp::socket socket, std::vector<std::byte> bytes, std::size_t chunk)
{
    asio::steady_timer pause(socket.get_executor());
    for (std::size_t pos = 0, n = 0; pos < bytes.size(); pos += chunk, ++n)
    {
        auto len = std::min(chunk, bytes.size() - pos);
        co_await asio::async_write(socket, asio::buffer(bytes.data() + pos, len), asio::use_awaitable);
        if (n % 64 == 0)
        {
            pause.expires_after(1ms);
            co_await pause.async_wait(asio::use_awaitable);
        }
    }
    // Keep the connection open a moment so the client reads everything before EOF.
    pause.expires_after(200ms);
    co_await pause.async_wait(asio::use_awaitable);
}

asio::awaitable<void> read_all(std::uint16_t port)
{
    net::transport t(co_await asio::this_coro::executor);
    BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
    net::packet_stream ps(t);
    for (std::size_t i = 0; i < sample_packets.size(); ++i)
    {
        std::vector<std::byte> packet;
        auto ec = co_await ps.read(packet);
        BOOST_TEST_REQUIRE(!ec, "packet " << i << ": " << ec.message());
        BOOST_TEST((packet == sample_packets[i]), "packet " << i);
    }
    // Then the peer closes: the server went away.
    std::vector<std::byte> packet;
    auto ec = co_await ps.read(packet);
    BOOST_TEST(ec == make_error_code(errc::server_closed), ec.message());
}

// As read_all, through the view API the stream's reader uses: a packet whole in the buffer without
// suspending (try_read_buffered), else read_view. Each view is compared before the next read.
asio::awaitable<void> view_all(std::uint16_t port)
{
    net::transport t(co_await asio::this_coro::executor);
    BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
    net::packet_stream ps(t);
    std::size_t from_buffer = 0;
    for (std::size_t i = 0; i < sample_packets.size(); ++i)
    {
        std::span<const std::byte> view;
        std::error_code ec;
        if (ps.try_read_buffered(view, ec))
            ++from_buffer;
        else
        {
            BOOST_TEST_REQUIRE(!ec, "packet " << i << ": " << ec.message());
            ec = co_await ps.read_view(view, 5s);
        }
        BOOST_TEST_REQUIRE(!ec, "packet " << i << ": " << ec.message());
        BOOST_TEST(
            std::equal(view.begin(), view.end(), sample_packets[i].begin(), sample_packets[i].end()),
            "packet " << i << " (" << view.size() << " bytes)"
        );
    }
    BOOST_TEST_MESSAGE("packets taken from the buffer without suspending: " << from_buffer);
    std::span<const std::byte> view;
    auto ec = co_await ps.read_view(view, 5s);
    BOOST_TEST(ec == make_error_code(errc::server_closed), ec.message());
}

} // namespace

BOOST_AUTO_TEST_SUITE(net_packet_stream)

BOOST_AUTO_TEST_CASE(views_frames_split_anywhere)
{
    for (std::size_t chunk : {std::size_t(1) << 20, std::size_t(4093)})
    {
        BOOST_TEST_CONTEXT("chunk " << chunk)
        {
            auto bytes = frames_of(sample_packets);
            with_peer(view_all, [bytes, chunk](asio::ip::tcp::socket s) {
                return send_chunked(std::move(s), bytes, chunk);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(joins_frames_split_anywhere)
{
    for (std::size_t chunk : {std::size_t(1) << 20, std::size_t(4093), std::size_t(3)})
    {
        BOOST_TEST_CONTEXT("chunk " << chunk)
        {
            if (chunk == 3)
            {
                // Byte-trickling the 16 MiB packets would take minutes: only the small ones.
                std::vector<std::vector<std::byte>> small(sample_packets.begin(), sample_packets.begin() + 3);
                auto bytes = frames_of(small);
                auto test = [](std::uint16_t port) -> asio::awaitable<void> {
                    net::transport t(co_await asio::this_coro::executor);
                    BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
                    net::packet_stream ps(t);
                    for (std::size_t i = 0; i < 3; ++i)
                    {
                        std::vector<std::byte> packet;
                        BOOST_TEST_REQUIRE(!co_await ps.read(packet));
                        BOOST_TEST((packet == sample_packets[i]));
                    }
                };
                with_peer(test, [bytes](asio::ip::tcp::socket s) {
                    return send_chunked(std::move(s), bytes, 3);
                });
                continue;
            }
            auto bytes = frames_of(sample_packets);
            with_peer(read_all, [bytes, chunk](asio::ip::tcp::socket s) {
                return send_chunked(std::move(s), bytes, chunk);
            });
        }
    }
}

// A client that reads one packet and expects `expected`, with an optional size limit and deadline.
struct expect_error
{
    std::error_code expected;
    std::size_t limit = std::size_t(1) << 30;
    std::chrono::milliseconds timeout{0};

    asio::awaitable<void> operator()(std::uint16_t port) const
    {
        net::transport t(co_await asio::this_coro::executor);
        BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
        net::packet_stream ps(t);
        ps.set_max_packet_size(limit);
        std::vector<std::byte> packet;
        auto start = std::chrono::steady_clock::now();
        auto ec = co_await net::with_timeout(ps.read(packet), timeout, errc::read_timeout, t);
        BOOST_TEST(ec == expected, ec.message());
        if (timeout.count() > 0)
        {
            BOOST_TEST((std::chrono::steady_clock::now() - start < timeout + 1s));
            BOOST_TEST(!t.is_open());
        }
    }
};

asio::awaitable<void>
send_then_linger(asio::ip::tcp::socket socket, std::vector<std::byte> bytes, std::chrono::milliseconds linger)
{
    co_await asio::async_write(socket, asio::buffer(bytes), asio::use_awaitable);
    asio::steady_timer t(socket.get_executor(), linger);
    co_await t.async_wait(as_tuple(asio::use_awaitable));
}

std::vector<std::byte> hex(std::initializer_list<int> v)
{
    std::vector<std::byte> out;
    for (int b : v)
        out.push_back(std::byte(b));
    return out;
}

BOOST_AUTO_TEST_CASE(sequence_mismatch)
{
    auto bytes = hex({0x01, 0x00, 0x00, 0x05, 0x0e});
    with_peer(expect_error{make_error_code(errc::sequence_mismatch)}, [bytes](asio::ip::tcp::socket s) {
        return send_then_linger(std::move(s), bytes, 300ms);
    });
}

BOOST_AUTO_TEST_CASE(size_limit)
{
    auto bytes = frames_of({pattern(200, 1)});
    with_peer(expect_error{make_error_code(errc::packet_too_large), 100}, [bytes](asio::ip::tcp::socket s) {
        return send_then_linger(std::move(s), bytes, 300ms);
    });
}

BOOST_AUTO_TEST_CASE(closed_inside_a_packet)
{
    auto bytes = hex({0x0a, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03});
    with_peer(expect_error{make_error_code(errc::server_closed)}, [bytes](asio::ip::tcp::socket s) {
        return send_then_linger(std::move(s), bytes, 0ms);
    });
}

BOOST_AUTO_TEST_CASE(read_deadline)
{
    // Half a header, then silence: the deadline closes the transport and says read_timeout.
    auto bytes = hex({0x0a, 0x00});
    with_peer(
        expect_error{make_error_code(errc::read_timeout), std::size_t(1) << 30, 200ms},
        [bytes](asio::ip::tcp::socket s) { return send_then_linger(std::move(s), bytes, 3000ms); }
    );
}

BOOST_AUTO_TEST_CASE(read_deadline_of_the_packet_stream)
{
    // The same through read()'s own timeout, which is checked only around socket reads.
    auto bytes = hex({0x0a, 0x00});
    auto test = [](std::uint16_t port) -> asio::awaitable<void> {
        net::transport t(co_await asio::this_coro::executor);
        BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
        net::packet_stream ps(t);
        std::vector<std::byte> packet;
        auto ec = co_await ps.read(packet, 200ms);
        BOOST_TEST(ec == make_error_code(errc::read_timeout), ec.message());
        BOOST_TEST(!t.is_open());
    };
    with_peer(test, [bytes](asio::ip::tcp::socket s) {
        return send_then_linger(std::move(s), bytes, 3000ms);
    });
}

asio::awaitable<void> write_big(std::uint16_t port)
{
    net::transport t(co_await asio::this_coro::executor);
    BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
    net::packet_stream ps(t);
    ps.reset_sequence();
    auto payload = pattern(wire::max_frame_payload + 10, 9);
    BOOST_TEST_REQUIRE(!co_await ps.write(payload));
    asio::steady_timer wait(co_await asio::this_coro::executor, 500ms);
    co_await wait.async_wait(as_tuple(asio::use_awaitable));
}

asio::awaitable<void> check_big(asio::ip::tcp::socket socket)
{
    auto expected = pattern(wire::max_frame_payload + 10, 9);
    std::vector<std::byte> bytes(expected.size() + 2 * wire::frame_header_size);
    auto [ec, n] = co_await asio::async_read(socket, asio::buffer(bytes), as_tuple(asio::use_awaitable));
    BOOST_TEST_REQUIRE(!ec);
    // First frame: ff ff ff 00; second: 0a 00 00 01.
    BOOST_TEST(std::to_integer<int>(bytes[3]) == 0);
    BOOST_TEST(std::to_integer<int>(bytes[wire::max_frame_payload + 4]) == 10);
    BOOST_TEST(std::to_integer<int>(bytes[wire::max_frame_payload + 7]) == 1);
    std::uint8_t seq = 0;
    std::vector<std::byte> joined;
    std::size_t consumed = 0;
    BOOST_TEST_REQUIRE(!wire::read_packet(bytes, seq, std::size_t(1) << 30, joined, consumed));
    BOOST_TEST((joined == expected));
}

BOOST_AUTO_TEST_CASE(writes_split_at_16mib)
{
    with_peer(write_big, check_big);
}

BOOST_AUTO_TEST_CASE(small_packets_come_from_the_buffer)
{
    // 2,000 packets of 100 bytes sent in one write: once the first is read, most of the others are
    // already in the receive buffer, and a view of each is handed out without a socket read.
    std::vector<std::vector<std::byte>> many;
    for (int i = 0; i < 2000; ++i)
        many.push_back(pattern(100, i));
    auto bytes = frames_of(many);
    auto test = [many](std::uint16_t port) -> asio::awaitable<void> {
        net::transport t(co_await asio::this_coro::executor);
        BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
        net::packet_stream ps(t);
        std::size_t from_buffer = 0;
        for (std::size_t i = 0; i < many.size(); ++i)
        {
            std::span<const std::byte> view;
            std::error_code ec;
            if (ps.try_read_buffered(view, ec))
                ++from_buffer;
            else
                ec = co_await ps.read_view(view);
            BOOST_TEST_REQUIRE(!ec, ec.message());
            BOOST_TEST_REQUIRE(std::equal(view.begin(), view.end(), many[i].begin(), many[i].end()));
        }
        BOOST_TEST(from_buffer > many.size() / 2);
    };
    with_peer(test, [bytes](asio::ip::tcp::socket s) {
        return send_then_linger(std::move(s), bytes, 300ms);
    });
}

BOOST_AUTO_TEST_CASE(buffered_sequence_mismatch)
{
    // A whole packet in the buffer with the wrong sequence id: try_read_buffered reports it.
    auto bytes = frames_of({pattern(10, 1)});
    bytes.push_back(std::byte(2));
    bytes.push_back(std::byte(0));
    bytes.push_back(std::byte(0));
    bytes.push_back(std::byte(7)); // expected 1
    bytes.push_back(std::byte(0xaa));
    bytes.push_back(std::byte(0xbb));
    auto test = [](std::uint16_t port) -> asio::awaitable<void> {
        net::transport t(co_await asio::this_coro::executor);
        BOOST_TEST_REQUIRE(!co_await t.connect_tcp("127.0.0.1", port));
        net::packet_stream ps(t);
        std::span<const std::byte> view;
        BOOST_TEST_REQUIRE(!co_await ps.read_view(view));
        BOOST_TEST(view.size() == 10u);
        // Wait until the second packet is in the buffer too.
        asio::steady_timer pause(co_await asio::this_coro::executor);
        std::error_code ec;
        for (int i = 0; i < 100 && ps.buffered() < 6; ++i)
        {
            pause.expires_after(10ms);
            co_await pause.async_wait(asio::use_awaitable);
        }
        if (ps.buffered() < 6)
            ec = co_await ps.read_view(view); // the first read took only the first packet
        else
            BOOST_TEST(!ps.try_read_buffered(view, ec));
        BOOST_TEST(ec == make_error_code(errc::sequence_mismatch), ec.message());
    };
    with_peer(test, [bytes](asio::ip::tcp::socket s) {
        return send_then_linger(std::move(s), bytes, 300ms);
    });
}

BOOST_AUTO_TEST_SUITE_END()
