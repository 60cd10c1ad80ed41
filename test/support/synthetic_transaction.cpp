#include "support/synthetic_transaction.hpp"

#include "support/dump_events.hpp"

#include <zstd.h>

#include <stdexcept>
#include <wire/handshake.hpp>

namespace binlogstream::test::replay {
namespace {

constexpr std::size_t header_size = event_header_size;

// The event as it sits inside a payload: no checksum, end_log_pos 0.
std::vector<std::byte> inner(std::vector<std::byte> ev)
{
    ev.resize(ev.size() - 4);
    store32(ev.data() + 9, std::uint32_t(ev.size()));
    store32(ev.data() + 13, 0);
    return ev;
}

} // namespace

synthetic_transaction::synthetic_transaction(codec::bytes_view file, std::uint64_t size, bool in_payload)
    : size_(size)
    , in_payload_(in_payload)
{
    std::size_t pos = 4;
    std::vector<std::byte> rows_template;
    while (pos + header_size <= file.size())
    {
        auto event_size = load32(file.data() + pos + 9);
        if (event_size < header_size || pos + event_size > file.size())
            break;
        std::vector<std::byte> ev(
            file.begin() + std::ptrdiff_t(pos), file.begin() + std::ptrdiff_t(pos + event_size)
        );
        pos += event_size;
        switch (std::to_integer<std::uint8_t>(ev[4]))
        {
            case 2:
                begin_ = std::move(ev);
                break;
            case 19:
                table_map_ = std::move(ev);
                break;
            case 30:
                rows_template = std::move(ev);
                break;
            case 16:
                xid_ = std::move(ev);
                break;
            case 4:
                break; // the file's closing ROTATE: the transaction is the end
            default:
                preamble_.push_back(std::move(ev));
        }
    }
    if (rows_template.size() != 49 || begin_.empty() || table_map_.empty() || xid_.empty())
        throw std::runtime_error("synthetic_transaction needs binlog_transaction_with_GTID_TAG.000001");
    // WRITE_ROWS v2 of 3 columns: 19 header + 6 table id + 2 flags + 2 extra-info length + 1 column
    // count + 1 bitmap = 31 bytes before the row image (14 bytes), then the CRC32.
    constexpr std::size_t prefix = 31, row = 14, repeat = 4096;
    rows_.assign(rows_template.begin(), rows_template.begin() + prefix);
    for (std::size_t i = 0; i < repeat; ++i)
        rows_.insert(rows_.end(), rows_template.begin() + prefix, rows_template.begin() + prefix + row);
    rows_.insert(rows_.end(), 4, std::byte{0});
    store32(rows_.data() + 9, std::uint32_t(rows_.size()));
    log_pos_ = load32(preamble_.back().data() + 13);
}

void synthetic_transaction::make_payload()
{
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
    std::vector<std::byte> compressed;
    std::vector<std::byte> chunk(ZSTD_CStreamOutSize());
    std::uint64_t uncompressed = 0;
    auto feed = [&](const std::vector<std::byte>& ev, ZSTD_EndDirective mode) {
        ZSTD_inBuffer in{ev.data(), ev.size(), 0};
        uncompressed += ev.size();
        for (;;)
        {
            ZSTD_outBuffer out{chunk.data(), chunk.size(), 0};
            auto left = ZSTD_compressStream2(cctx, &out, &in, mode);
            if (ZSTD_isError(left))
                throw std::runtime_error(ZSTD_getErrorName(left));
            compressed.insert(compressed.end(), chunk.begin(), chunk.begin() + std::ptrdiff_t(out.pos));
            if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
                break;
        }
    };
    feed(inner(begin_), ZSTD_e_continue);
    feed(inner(table_map_), ZSTD_e_continue);
    const auto rows = inner(rows_);
    for (std::uint64_t sent = 0; sent < size_; sent += rows.size())
        feed(rows, ZSTD_e_continue);
    produced_ = size_;
    feed(inner(xid_), ZSTD_e_end);
    ZSTD_freeCCtx(cctx);

    // TRANSACTION_PAYLOAD_EVENT (type 40): TLV header, then the zstd frame.
    auto field = [](std::vector<std::byte>& out, std::uint64_t type, std::uint64_t value) {
        std::vector<std::byte> v;
        wire::put_lenenc(v, value);
        wire::put_lenenc(out, type);
        wire::put_lenenc(out, v.size());
        wire::put_bytes(out, v);
    };
    std::vector<std::byte> body;
    field(body, 2, 0); // ZSTD
    field(body, 3, uncompressed);
    field(body, 1, compressed.size());
    wire::put_lenenc(body, 0);
    wire::put_bytes(body, compressed);
    payload_.assign(table_map_.begin(), table_map_.begin() + header_size); // a header to patch
    payload_[4] = std::byte{40};
    payload_[17] = payload_[18] = std::byte{0};
    payload_.insert(payload_.end(), body.begin(), body.end());
    payload_.insert(payload_.end(), 4, std::byte{0});
    store32(payload_.data() + 9, std::uint32_t(payload_.size()));
    log_pos_ += std::uint32_t(payload_.size());
    store32(payload_.data() + 13, log_pos_);
    fix_checksum(payload_);
}

bool synthetic_transaction::next(std::vector<std::byte>& event)
{
    if (step_ < preamble_.size())
    {
        event = preamble_[step_++];
        return true;
    }
    if (in_payload_)
    {
        if (step_ > preamble_.size())
            return false;
        ++step_;
        make_payload();
        event = std::move(payload_);
        return true;
    }
    auto advance = [&](std::vector<std::byte>& ev) {
        log_pos_ += std::uint32_t(ev.size());
        store32(ev.data() + 13, log_pos_);
        fix_checksum(ev);
        event = ev;
    };
    const std::size_t first = preamble_.size();
    if (step_ == first)
    {
        ++step_;
        advance(begin_);
        return true;
    }
    if (step_ == first + 1)
    {
        ++step_;
        advance(table_map_);
        return true;
    }
    if (step_ == first + 2)
    {
        if (produced_ < size_)
        {
            produced_ += rows_.size();
            advance(rows_);
            return true;
        }
        ++step_;
        advance(xid_);
        return true;
    }
    return false;
}

} // namespace binlogstream::test::replay
