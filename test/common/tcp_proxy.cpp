#include "common/tcp_proxy.hpp"

// g++ 12 misreports Asio's coroutine-frame operator delete as mismatched once the frame's allocation
// is inlined (a false positive of -Wmismatched-new-delete with coroutine frames).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <array>
#include <chrono>
#include <future>
#include <limits>
#include <thread>
#include <utility>
#include <vector>

namespace binlogstream::test {
namespace {

using asio::ip::tcp;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::uint64_t no_cut = std::numeric_limits<std::uint64_t>::max();

// One client connection and its connection to the server. Only the proxy thread touches it.
struct link
{
    explicit link(asio::io_context& io)
        : client(io)
        , server(io)
    {}
    tcp::socket client;
    tcp::socket server;
    bool stalled = false;
    bool closed = false;
    std::uint64_t cut_budget = no_cut; // server-to-client bytes still to forward before the cut

    void close()
    {
        closed = true;
        std::error_code ignored;
        client.close(ignored);
        server.close(ignored);
    }
};

} // namespace

struct tcp_proxy::impl
{
    impl(const std::string& host, std::uint16_t port)
        : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
        , target(asio::ip::make_address(host), port)
    {
        asio::co_spawn(io, accept_loop(), asio::detached);
        thread = std::thread([this] { io.run(); });
    }

    ~impl()
    {
        run_here([this] {
            std::error_code ignored;
            acceptor.close(ignored);
            for (auto& l : links)
                l->close();
            links.clear();
        });
        work.reset();
        io.stop();
        thread.join();
    }

    // Runs `f` on the proxy thread and waits for it.
    template <typename F>
    void run_here(F f)
    {
        std::promise<void> done;
        asio::post(io, [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }

    // Open links only (closed ones are dropped here, on the proxy thread).
    std::vector<std::shared_ptr<link>>& open_links()
    {
        std::erase_if(links, [](const auto& l) { return l->closed; });
        return links;
    }

    asio::awaitable<void> accept_loop()
    {
        for (;;)
        {
            auto l = std::make_shared<link>(io);
            auto [aec] = co_await acceptor.async_accept(l->client, use_tuple);
            if (aec)
                co_return; // the acceptor was closed
            ++accepted;
            auto [cec] = co_await l->server.async_connect(target, use_tuple);
            if (cec)
            {
                l->close();
                continue;
            }
            // Forward small writes at once, as the two ends would talk without the proxy: with
            // Nagle on, a second small write waits for the peer's delayed ACK (up to 40 ms).
            std::error_code ignored;
            l->client.set_option(tcp::no_delay(true), ignored);
            l->server.set_option(tcp::no_delay(true), ignored);
            l->cut_budget = std::exchange(next_cut_budget, no_cut);
            open_links().push_back(l);
            asio::co_spawn(io, pump(l, true), asio::detached);
            asio::co_spawn(io, pump(l, false), asio::detached);
        }
    }

    // Waits while the link is stalled; false once it is closed.
    static asio::awaitable<bool> wait_while_stalled(std::shared_ptr<link> l)
    {
        asio::steady_timer t(co_await asio::this_coro::executor);
        while (l->stalled && !l->closed)
        {
            t.expires_after(std::chrono::milliseconds(5));
            (void)co_await t.async_wait(use_tuple);
        }
        co_return !l->closed;
    }

    // Copies one direction of a link until either side closes or a fault ends it.
    asio::awaitable<void> pump(std::shared_ptr<link> l, bool to_client)
    {
        auto& from = to_client ? l->server : l->client;
        auto& to = to_client ? l->client : l->server;
        std::array<char, 16384> buf;
        for (;;)
        {
            if (!co_await wait_while_stalled(l))
                co_return;
            auto [rec, n] = co_await from.async_read_some(asio::buffer(buf), use_tuple);
            if (rec || l->closed)
                break;
            if (!co_await wait_while_stalled(l))
                co_return;
            bool cut_now = false;
            if (to_client && l->cut_budget != no_cut)
            {
                if (n >= l->cut_budget)
                {
                    n = static_cast<std::size_t>(l->cut_budget);
                    cut_now = true;
                }
                l->cut_budget -= n;
            }
            if (to_client)
                bytes_from_servers += n;
            auto [wec, written] = co_await asio::async_write(to, asio::buffer(buf.data(), n), use_tuple);
            if (to_client)
                bytes_to_clients += written;
            if (cut_now)
            {
                ++cuts;
                break;
            }
            if (wec)
                break;
        }
        l->close();
    }

    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    tcp::acceptor acceptor;
    tcp::endpoint target;
    std::vector<std::shared_ptr<link>> links;
    std::uint64_t next_cut_budget = no_cut; // for the next link accepted (cut_next_after)
    std::atomic<std::size_t> accepted{0};
    std::atomic<std::size_t> cuts{0};
    std::atomic<std::uint64_t> bytes_to_clients{0};
    std::atomic<std::uint64_t> bytes_from_servers{0};
    std::thread thread;
};

tcp_proxy::tcp_proxy(const std::string& target_host, std::uint16_t target_port)
    : impl_(std::make_unique<impl>(target_host, target_port))
{}

tcp_proxy::~tcp_proxy() = default;

std::uint16_t tcp_proxy::port() const noexcept
{
    return impl_->acceptor.local_endpoint().port();
}

void tcp_proxy::stall()
{
    impl_->run_here([this] {
        for (auto& l : impl_->open_links())
            l->stalled = true;
    });
}

void tcp_proxy::cut()
{
    impl_->run_here([this] {
        for (auto& l : impl_->open_links())
        {
            l->close();
            ++impl_->cuts;
        }
    });
}

void tcp_proxy::cut_after(std::uint64_t bytes)
{
    impl_->run_here([this, bytes] {
        for (auto& l : impl_->open_links())
        {
            if (bytes == 0)
            {
                l->close();
                ++impl_->cuts;
            }
            else
                l->cut_budget = bytes;
        }
    });
}

void tcp_proxy::cut_next_after(std::uint64_t bytes)
{
    impl_->run_here([this, bytes] { impl_->next_cut_budget = bytes; });
}

std::size_t tcp_proxy::accepted() const noexcept
{
    return impl_->accepted;
}

std::size_t tcp_proxy::cuts() const noexcept
{
    return impl_->cuts;
}

std::uint64_t tcp_proxy::bytes_to_clients() const noexcept
{
    return impl_->bytes_to_clients;
}

std::uint64_t tcp_proxy::bytes_from_servers() const noexcept
{
    return impl_->bytes_from_servers;
}

} // namespace binlogstream::test
