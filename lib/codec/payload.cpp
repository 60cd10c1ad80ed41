// TRANSACTION_PAYLOAD_EVENT (40), MySQL 8.0.20+.
// Layout (MySQL libs/mysql/binlog/event/control_events.{h,cpp}, Transaction_payload_event): a header of
// (type, length, value) fields, each net_field_length encoded: 1 payload size, 2 compression type
// (0 ZSTD, 255 NONE), 3 uncompressed size, 0 end mark; then the payload. Inner events carry no checksum.
// The payload is decompressed as a stream (ZSTD_decompressStream) straight into each inner event's own
// buffer, so memory does not grow with the transaction.

#include "codec/payload.hpp"

#include "codec/event_decoder.hpp"
#include "codec/growing_buffer.hpp"

#include <zstd.h>

namespace binlogstream::codec {

std::error_code decode_payload(bytes_view body, const decode_context&, transaction_payload_event& out)
{
    byte_reader r(body);
    bool have_size = false;
    while (true)
    {
        auto type = r.lenenc();
        if (!r.ok())
            return r.error();
        if (type == 0)
            break;
        auto len = r.lenenc();
        if (!r.ok())
            return r.error();
        if (len > r.remaining())
            return make_error_code(errc::truncated_event);
        byte_reader v(r.bytes(static_cast<std::size_t>(len)));
        switch (type)
        {
            case 1:
                out.payload_size = v.lenenc();
                have_size = true;
                break;
            case 2:
                out.compression_type = static_cast<std::uint8_t>(v.lenenc());
                break;
            case 3:
                out.uncompressed_size = v.lenenc();
                break;
            default:
                break; // unknown field: skipped
        }
        if (!v.ok())
            return v.error();
    }
    out.payload = r.rest();
    if (have_size && out.payload_size != out.payload.size())
        return make_error_code(
            out.payload_size > out.payload.size() ? errc::truncated_event : errc::extra_bytes
        );
    if (out.compression_type != 0 && out.compression_type != 255)
        return make_error_code(errc::decompression_failed);
    return {};
}

struct payload_reader::zstd_state
{
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ~zstd_state() { ZSTD_freeDCtx(ctx); }
};

payload_reader::payload_reader() = default;
payload_reader::~payload_reader() = default;
payload_reader::payload_reader(payload_reader&&) noexcept = default;
payload_reader& payload_reader::operator=(payload_reader&&) noexcept = default;

std::error_code
payload_reader::open(const transaction_payload_event& ev, bool copy, std::size_t max_event_size)
{
    close();
    max_event_size_ = max_event_size;
    compression_ = ev.compression_type;
    input_ = ev.payload;
    if (copy)
    {
        copy_ = event_buffer::copy_of(ev.payload);
        input_ = copy_.bytes();
    }
    expected_ = ev.uncompressed_size;
    if (compression_ == 0)
    {
        if (!z_)
            z_ = std::make_unique<zstd_state>();
        if (!z_->ctx)
            return make_error_code(errc::decompression_failed);
        ZSTD_DCtx_reset(z_->ctx, ZSTD_reset_session_only);
    }
    else if (compression_ != 255)
    {
        return make_error_code(errc::decompression_failed);
    }
    active_ = true;
    return {};
}

void payload_reader::close() noexcept
{
    active_ = false;
    stream_done_ = false;
    input_ = {};
    copy_ = event_buffer{};
    input_pos_ = 0;
    produced_ = 0;
    index_ = 0;
}

std::error_code payload_reader::read(std::span<std::byte> dst, std::size_t& got)
{
    got = 0;
    if (compression_ == 255)
    {
        auto n = std::min(dst.size(), input_.size() - input_pos_);
        std::memcpy(dst.data(), input_.data() + input_pos_, n);
        input_pos_ += n;
        got = n;
        return {};
    }
    ZSTD_outBuffer out{dst.data(), dst.size(), 0};
    while (out.pos < out.size && !stream_done_)
    {
        ZSTD_inBuffer in{input_.data(), input_.size(), input_pos_};
        auto before_in = in.pos;
        auto before_out = out.pos;
        auto rc = ZSTD_decompressStream(z_->ctx, &out, &in);
        input_pos_ = in.pos;
        if (ZSTD_isError(rc))
            return make_error_code(errc::decompression_failed);
        if (rc == 0 && in.pos == in.size)
            stream_done_ = true; // frame complete and no more input
        else if (in.pos == before_in && out.pos == before_out)
            return make_error_code(in.pos == in.size ? errc::truncated_event : errc::decompression_failed);
    }
    got = out.pos;
    return {};
}

bool payload_reader::next(event_buffer& out, std::error_code& ec)
{
    ec.clear();
    if (!active_)
        return false;
    std::array<std::byte, v4_header_size> head{};
    std::size_t got = 0;
    if ((ec = read(head, got)))
        return false;
    if (got == 0)
    {
        bool complete = compression_ == 255 ? input_pos_ == input_.size() : stream_done_;
        if (!complete || (expected_ != 0 && produced_ != expected_))
            ec = make_error_code(errc::truncated_event);
        close();
        return false;
    }
    if (got < head.size())
    {
        ec = make_error_code(errc::truncated_event);
        return false;
    }
    event_header h;
    if ((ec = decode_header(head, h)))
        return false;
    // Bounded memory: an inner event is never larger than the caller's limit (the connection's
    // max_packet_size, the file reader's max_event_size) nor than what the payload header announced.
    if (h.event_size > max_event_size_)
    {
        ec = make_error_code(errc::packet_too_large);
        return false;
    }
    if (h.event_size < head.size() || (expected_ != 0 && produced_ + h.event_size > expected_))
    {
        ec = make_error_code(errc::bad_event_length);
        return false;
    }
    // The size is the hostile header's word: the buffer grows as decompressed bytes arrive.
    auto source = [this](std::span<std::byte> dst, std::size_t& n) { return read(dst, n); };
    if ((ec = fill_growing(head, h.event_size, source, make_error_code(errc::truncated_event), out)))
        return false;
    produced_ += h.event_size;
    ++index_;
    return true;
}

} // namespace binlogstream::codec
