#pragma once

/// \file async_file_reader.hpp
/// The awaitable form of `file_reader`: `co_await async_next(reader, blocking_executor, use_awaitable)`.

#include <binlogstream/error.hpp>
#include <binlogstream/event.hpp>
#include <binlogstream/file_reader.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

#include <system_error>
#include <utility>

namespace binlogstream {

/// Reads the next event of `reader` without blocking the caller's executor: the blocking read and
/// decode (`file_reader::next`) run on `blocking` (e.g. an `asio::thread_pool`'s executor, or a strand
/// of it), and the handler is then invoked on its associated executor (the awaiting coroutine's for
/// `use_awaitable`; `blocking` when the handler has none).
///
/// Handler signature: `void(std::error_code, binlogstream::event)`. Errors: `errc::end_of_stream`
/// after the last event of the last file, decoding and I/O errors as `file_reader::next` gives them
/// (`reader.diag()` says where). Only one operation on a reader at a time; the reader must outlive it
/// and must not be used otherwise until the handler runs. Not cancellable (a read is short: one event).
template <typename CompletionToken>
auto async_next(file_reader& reader, asio::any_io_executor blocking, CompletionToken&& token)
{
    return asio::async_initiate<CompletionToken, void(std::error_code, event)>(
        [&reader, blocking](auto handler) {
            auto done = asio::get_associated_executor(handler, blocking);
            auto work = asio::make_work_guard(done);
            asio::post(blocking, [&reader, h = std::move(handler), work = std::move(work)]() mutable {
                event ev;
                std::error_code ec;
                reader.next(ev, ec);
                auto ex = work.get_executor();
                asio::post(ex, [h = std::move(h), ec, ev = std::move(ev)]() mutable {
                    std::move(h)(ec, std::move(ev));
                });
                work.reset();
            });
        },
        token
    );
}

} // namespace binlogstream
