#pragma once

/// \file dispatcher.hpp
/// Per-event-type handlers over a `binlog_stream`.

#include <binlogstream/event.hpp>
#include <binlogstream/stream.hpp>

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <array>
#include <functional>
#include <type_traits>
#include <utility>
#include <variant>

namespace binlogstream {

namespace detail {
template <typename T, typename Variant>
struct variant_index;
template <typename T, typename... Ts>
struct variant_index<T, std::variant<Ts...>>
{
    static constexpr std::size_t value = [] {
        constexpr bool matches[] = {std::is_same_v<T, Ts>...};
        for (std::size_t i = 0; i < sizeof...(Ts); ++i)
            if (matches[i])
                return i;
        return sizeof...(Ts);
    }();
};
} // namespace detail

/// Calls a handler per event type: `d.on<write_rows_event>(handler)`, where the handler takes
/// `const write_rows_event&` and returns `void` or `asio::awaitable<void>` (awaited before the next
/// event, so handlers see events in order). Events without a handler are dropped; to keep them from
/// being decoded at all, also pass the matching `event_type_set` in `stream_options::events`.
///
/// `run(stream)` returns normally at `errc::end_of_stream` and throws `binlogstream::error` on any
/// other error. Handlers sit in an array indexed by the event's variant index: dispatch costs one
/// indirect call.
class dispatcher
{
public:
    template <typename Event, typename Handler>
    dispatcher& on(Handler handler)
    {
        constexpr auto index = detail::variant_index<Event, event>::value;
        static_assert(index < std::variant_size_v<event>, "not an alternative of binlogstream::event");
        handlers_[index] = [h = std::move(handler)](const event& ev) -> asio::awaitable<void> {
            const auto& e = std::get<index>(ev);
            if constexpr (std::is_same_v<std::invoke_result_t<Handler&, const Event&>, asio::awaitable<void>>)
                co_await h(e);
            else
                h(e);
        };
        return *this;
    }

    /// Whether an event of this alternative has a handler.
    [[nodiscard]] bool handles(const event& ev) const noexcept
    {
        return static_cast<bool>(handlers_[ev.index()]);
    }

    /// Reads `stream` until its end, calling the handlers.
    asio::awaitable<void> run(binlog_stream& stream)
    {
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(asio::experimental::as_tuple(asio::use_awaitable));
            if (ec == errc::end_of_stream)
                co_return;
            if (ec)
                throw error(ec, stream.last_diagnostics());
            if (auto& h = handlers_[ev.index()])
                co_await h(ev);
        }
    }

private:
    std::array<std::function<asio::awaitable<void>(const event&)>, std::variant_size_v<event>> handlers_;
};

} // namespace binlogstream
