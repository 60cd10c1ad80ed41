#pragma once

// The scenario tests' helpers: stream every event from a position to the current end (non-blocking),
// and pick rows and events of a kind out of the result.

#include "stream_test_support.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

namespace binlogstream::test {

struct streamed
{
    std::vector<event> events;
    std::error_code end;
    stream_position position;
};

/// Every event from `start` to the end of the binlog (non-blocking), with `tweak` applied to the
/// options first.
inline streamed
stream_events(const start_position& start, const std::function<void(stream_options&)>& tweak = {})
{
    stream_options opts;
    opts.server_id = 7400;
    opts.start = start;
    opts.blocking = false;
    opts.reconnect.enabled = false;
    if (tweak)
        tweak(opts);
    streamed out;
    run_coroutine(
        [&]() -> asio::awaitable<void> {
            binlog_stream stream(co_await asio::this_coro::executor, sandbox_connection(), opts);
            for (int i = 0; i < 1000000; ++i)
            {
                auto [ec, ev] = co_await stream.async_next(asio::experimental::as_tuple(asio::use_awaitable));
                if (ec)
                {
                    out.end = ec;
                    break;
                }
                out.events.push_back(std::move(ev));
            }
            out.position = stream.position();
        },
        std::chrono::seconds(30)
    );
    return out;
}

/// The events of type T, in order.
template <typename T>
std::vector<const T*> all_of(const streamed& s)
{
    std::vector<const T*> out;
    for (const auto& e : s.events)
        if (const auto* p = std::get_if<T>(&e))
            out.push_back(p);
    return out;
}

/// One row change of a table: "insert", "update" or "delete", with both images as name -> JSON text.
struct row_change
{
    std::string kind;
    std::map<std::string, std::string> before, after;
    std::size_t event_index = 0; // which rows event (counted over the table's rows events)
};

inline std::vector<row_change> rows_of(const streamed& s, const std::string& schema, const std::string& table)
{
    std::vector<row_change> out;
    std::size_t events = 0;
    for (const auto& ev : s.events)
    {
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_base_of_v<rows_event, T>)
                {
                    if (!e.table || e.table->schema != schema || e.table->table != table)
                        return;
                    for (const auto& r : e.rows())
                    {
                        row_change c;
                        c.kind = e.kind == rows_kind::write    ? "insert"
                                 : e.kind == rows_kind::update ? "update"
                                                               : "delete";
                        if (r.before.exists())
                            c.before = image_json(r.before);
                        if (r.after.exists())
                            c.after = image_json(r.after);
                        c.event_index = events;
                        out.push_back(std::move(c));
                    }
                    ++events;
                }
            },
            ev
        );
    }
    return out;
}

} // namespace binlogstream::test
