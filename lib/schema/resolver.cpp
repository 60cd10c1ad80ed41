// The table cache's coroutines (see resolver.hpp for the design).

#include "schema/resolver.hpp"

// g++ 12 misreports the coroutine frame's operator delete as mismatched with its operator new (the
// false positive lib/net/connection.cpp describes).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>

namespace binlogstream::schema {
namespace {

constexpr auto as_tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

const table_info* table_of(const event& ev) noexcept
{
    const table_info* t = nullptr;
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_base_of_v<rows_event, T> || std::is_same_v<T, table_map_event>)
                t = e.table.get();
        },
        ev
    );
    return t;
}

void substitute(event& ev, const pending_table& p)
{
    std::visit(
        [&](auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_base_of_v<rows_event, T> || std::is_same_v<T, table_map_event>)
                if (e.table == p.raw)
                    e.table = p.resolved;
        },
        ev
    );
}

} // namespace

resolver::signal::signal(asio::any_io_executor ex)
    : timer_(ex, asio::steady_timer::time_point::max())
{}

asio::awaitable<void> resolver::signal::wait()
{
    (void)co_await timer_.async_wait(as_tuple_awaitable);
}

void resolver::signal::notify() noexcept
{
    timer_.cancel();
}

resolver::resolver(asio::any_io_executor ex, channel_type& channel, diagnostics& diag, resolver_config cfg)
    : ex_(ex)
    , channel_(channel)
    , diag_(diag)
    , cfg_(std::move(cfg))
    , cache_(cfg_.freeze, cfg_.log)
    , stats_(cache_.stats())
    , queued_(ex)
    , room_(ex)
    , fetched_(ex)
    , work_(ex)
    , backoff_(ex)
{
    // A ctl read that never answers would hold the stream's delivery forever.
    if (cfg_.ctl.read_timeout.count() == 0)
        cfg_.ctl.read_timeout = std::chrono::seconds(30);
    cfg_.hold_limit = std::max<std::size_t>(cfg_.hold_limit, 1);
}

resolver::~resolver() = default;

void resolver::on_table_map(table_map_event& tm, bool wanted)
{
    cache_.on_table_map(tm, wanted);
    if (cache_.next_request())
        work_.notify();
}

std::shared_ptr<pending_table> resolver::pending_of(const event& ev) const
{
    const auto* t = table_of(ev);
    return t ? cache_.pending_for(t) : nullptr;
}

asio::awaitable<std::error_code> resolver::send(std::error_code ec, event ev)
{
    if (channel_.try_send(ec, std::move(ev)))
        co_return std::error_code{};
    auto [sec] = co_await channel_.async_send(ec, std::move(ev), as_tuple_awaitable);
    co_return sec;
}

asio::awaitable<std::error_code> resolver::deliver(event ev)
{
    if (failed_)
        co_return make_error_code(errc::metadata_unavailable);
    auto p = pending_of(ev);
    if (p && p->done)
    {
        substitute(ev, *p);
        p.reset();
    }
    if (!p && queue_.empty() && !sending_)
        co_return co_await send({}, std::move(ev)); // the common case: nothing held back
    while (queue_.size() >= cfg_.hold_limit && !closed_ && !failed_)
        co_await room_.wait();
    if (failed_)
        co_return make_error_code(errc::metadata_unavailable);
    if (closed_)
        co_return make_error_code(asio::error::operation_aborted);
    queue_.push_back(item{std::move(ev), std::move(p), false, {}});
    queued_.notify();
    co_return std::error_code{};
}

void resolver::finish(std::error_code ec)
{
    if (failed_ || closed_)
        return;
    queue_.push_back(item{event{}, nullptr, true, ec});
    queued_.notify();
}

asio::awaitable<void> resolver::run()
{
    using namespace asio::experimental::awaitable_operators;
    co_await (deliver_loop() && fetch_loop());
}

asio::awaitable<void> resolver::deliver_loop()
{
    for (;;)
    {
        while (queue_.empty() && !closed_)
            co_await queued_.wait();
        if (closed_)
            co_return;
        auto& front = queue_.front();
        if (front.is_end)
        {
            auto ec = front.end;
            queue_.pop_front();
            done_ = true;
            stop_fetching();
            (void)co_await send(ec, event{});
            co_return;
        }
        while (front.wait && !front.wait->done && !closed_)
            co_await fetched_.wait();
        if (closed_)
            co_return;
        if (front.wait && cfg_.fail_when_unavailable &&
            front.wait->resolved->metadata == table_metadata::unavailable)
        {
            const auto& t = *front.wait->resolved;
            diag_.clear();
            diag_.set_client(
                "table metadata unavailable for `" + t.schema + "`.`" + t.table + "` (table id " +
                std::to_string(t.table_id) + "): " + t.metadata_note
            );
            failed_ = done_ = true;
            queue_.clear();
            room_.notify();
            stop_fetching();
            if (cfg_.stop_reader)
                cfg_.stop_reader();
            (void)co_await send(make_error_code(errc::metadata_unavailable), event{});
            co_return;
        }
        if (front.wait)
            substitute(front.ev, *front.wait);
        auto ev = std::move(front.ev);
        queue_.pop_front();
        room_.notify();
        // Until this event is in the channel, the reader must not pass it (see deliver).
        sending_ = true;
        auto ec = co_await send({}, std::move(ev));
        sending_ = false;
        if (ec)
        {
            closed_ = true;
            room_.notify();
            stop_fetching();
            co_return;
        }
    }
}

void resolver::stop_fetching() noexcept
{
    work_.notify();
    backoff_.cancel();
    if (ctl_)
        ctl_->close();
}

asio::awaitable<void> resolver::fetch_loop()
{
    for (;;)
    {
        while (!cache_.next_request() && !stopping())
            co_await work_.wait();
        if (stopping())
            break;
        auto rq = *cache_.next_request();
        auto result = co_await fetch(rq);
        if (stopping())
            break;
        cache_.on_fetched(std::move(result.data), result.reason);
        fetched_.notify();
    }
    if (ctl_)
        ctl_->close();
    stats_.ctl_connection_id = 0;
}

asio::awaitable<resolver::fetch_result> resolver::fetch(const fetch_request& rq)
{
    const auto sql = metadata_query(rq.schema, rq.table);
    std::uint32_t failures = 0;
    const auto started = std::chrono::steady_clock::now();
    for (;;)
    {
        std::error_code ec;
        ctl_diag_.clear();
        if (!ctl_ || !ctl_->is_open())
        {
            ctl_ = std::make_unique<connection>(ex_);
            auto [cec] = co_await ctl_->async_connect(cfg_.ctl, ctl_diag_, as_tuple_awaitable);
            ec = cec;
            if (!ec)
            {
                ++stats_.ctl_connects;
                stats_.ctl_connection_id = ctl_->server_info().connection_id;
            }
        }
        if (!ec)
        {
            resultset rs;
            ++stats_.queries;
            auto [qec] = co_await ctl_->async_query(sql, rs, ctl_diag_, as_tuple_awaitable);
            ec = qec;
            if (!ec)
            {
                auto f = std::make_shared<fetched_table>();
                if (auto pec = parse_metadata(rs, rq.schema, rq.table, *f))
                    co_return fetch_result{nullptr, "information_schema answered in an unexpected shape"};
                co_return fetch_result{std::move(f), {}};
            }
        }
        if (stopping())
            co_return fetch_result{nullptr, "the stream was closed"};
        ctl_->close();
        stats_.ctl_connection_id = 0;
        auto what = ec.message();
        if (ec.category() == server_category())
            what = "server error " + std::to_string(ec.value()) + ", " + what;
        if (!ctl_diag_.server_message().empty())
            what += " (" + ctl_diag_.server_message() + ")";
        ++failures;
        const auto& p = cfg_.retry;
        if (!is_retryable(ec) || !p.enabled || (p.max_attempts != 0 && failures > p.max_attempts))
            co_return fetch_result{nullptr, "the ctl connection failed: " + what};
        if (cfg_.log)
            cfg_.log(log_level::warning, "table cache: ctl connection: " + what + "; reconnecting");
        double delay = static_cast<double>(p.initial_delay.count()) *
                       std::pow(std::max(p.multiplier, 1.0), static_cast<double>(failures - 1));
        delay = std::min(delay, static_cast<double>(p.max_delay.count()));
        if (cfg_.metadata_wait.count() > 0)
        {
            // The bound on holding this table's rows back (with max_attempts = 0 a ctl server that
            // stays down would hold them forever): no wait may end past it.
            using ms = std::chrono::milliseconds;
            auto waited = std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - started);
            if (waited + ms(static_cast<std::int64_t>(delay)) >= cfg_.metadata_wait)
                co_return fetch_result{
                    nullptr,
                    "the ctl connection failed for " + std::to_string(waited.count()) +
                        " ms, the metadata wait is " + std::to_string(cfg_.metadata_wait.count()) +
                        " ms: " + what};
        }
        backoff_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(delay)));
        (void)co_await backoff_.async_wait(as_tuple_awaitable);
        if (stopping())
            co_return fetch_result{nullptr, "the stream was closed"};
    }
}

void resolver::close() noexcept
{
    closed_ = true;
    queued_.notify();
    room_.notify();
    fetched_.notify();
    stop_fetching();
}

} // namespace binlogstream::schema
