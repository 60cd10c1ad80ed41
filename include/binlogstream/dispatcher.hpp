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

/// Calls a handler per event type: `d.on<write_rows_event>(handler)`, where the handler takes
/// `const write_rows_event&` and returns `void` or `asio::awaitable<void>` (awaited before the next
/// event, so handlers see events in order and a slow handler holds back the stream, never memory).
///
/// Registration is also the event filter: `run(stream)` narrows the stream's event-type filter to
/// the types that have a handler (`events()`, applied with `binlog_stream::restrict_events`), so the
/// events of other types cost a header parse and are never delivered. The filter only narrows
/// `stream_options::events`: heartbeats, excluded there by default, reach an `on<heartbeat_event>`
/// handler only when the options include them.
///
/// `run(stream)` returns normally at `errc::end_of_stream` and throws `binlogstream::error` on any
/// other error, and whatever a handler throws. Handlers sit in an array indexed by the event's
/// variant index: dispatch costs one indirect call. Not thread-safe; handlers run on the coroutine
/// that awaits `run`.
class dispatcher
{
public:
    /// Registers `handler` for the events of type `Event` (an alternative of `binlogstream::event`),
    /// replacing any earlier one. Returns `*this`, so registrations chain.
    template <typename Event, typename Handler>
    dispatcher& on(Handler handler)
    {
        constexpr auto index = event_index_v<Event>;
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

    /// The event types that have a handler: every type code (`event_type`) whose events decode to a
    /// registered alternative (`event_index_of`).
    [[nodiscard]] event_type_set events() const
    {
        event_type_set types;
        for (unsigned code = 0; code < 256; ++code)
        {
            auto t = static_cast<event_type>(code);
            if (handlers_[event_index_of(t)])
                types.insert(t);
        }
        return types;
    }

    /// Narrows the stream's filter to `events()`, then reads `stream` until its end, calling the
    /// handlers. Start it before the stream's first event is read (the filter applies to events read
    /// from then on).
    asio::awaitable<void> run(binlog_stream& stream)
    {
        stream.restrict_events(events());
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
