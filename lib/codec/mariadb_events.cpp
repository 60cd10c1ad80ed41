// MariaDB events: ANNOTATE_ROWS (160), BINLOG_CHECKPOINT (161), GTID (162), GTID_LIST (163),
// START_ENCRYPTION (164), and the zlib block format of QUERY_COMPRESSED / *_ROWS_COMPRESSED.
// References: MariaDB sql/log_event.h and log_event.cc (Gtid_log_event::Gtid_log_event and ::write:
// after seq_no u64, domain_id u32 and flags u8 come commit_id (FL_GROUP_COMMIT_ID) and the XID
// (FL_PREPARED_XA | FL_COMPLETED_XA), then flags_extra and the fields it announces, zero padded to 19
// bytes; binlog_buf_uncompress), and the MariaDB replication protocol documentation pages.

#include "codec/event_decoder.hpp"
#include "codec/growing_buffer.hpp"

#include <zlib.h>

namespace binlogstream::codec {
namespace {

constexpr std::uint8_t fl_group_commit_id = 2;
constexpr std::uint8_t fl_prepared_xa = 64;
constexpr std::uint8_t fl_completed_xa = 128;
constexpr std::uint8_t fl_extra_multi_engine = 1;
constexpr std::uint8_t fl_commit_alter = 4;
constexpr std::uint8_t fl_rollback_alter = 8;
constexpr std::uint8_t fl_extra_thread_id = 16;

std::error_code decode_gtid(bytes_view body, const decode_context& ctx, mariadb_gtid_event& ev)
{
    byte_reader r(body);
    if (!r.has(13))
        return make_error_code(errc::truncated_event);
    ev.seq_no = r.u64_unchecked();
    ev.domain_id = r.u32_unchecked();
    ev.flags = r.u8_unchecked();
    if (ev.flags & fl_group_commit_id)
        ev.commit_id = r.u64();
    if (ev.flags & (fl_prepared_xa | fl_completed_xa))
    {
        ev.xa_format_id = static_cast<std::int32_t>(r.u32());
        auto gl = r.u8();
        auto bl = r.u8();
        if (!r.ok())
            return r.error();
        if (gl > 64 || bl > 64)
            return make_error_code(errc::bad_value);
        ev.xa_gtrid.assign(r.string(gl));
        ev.xa_bqual.assign(r.string(bl));
    }
    if (!r.ok())
        return r.error();
    if (!r.empty())
    {
        ev.flags_extra = r.u8();
        if (ev.flags_extra & fl_extra_multi_engine)
            ev.extra_engines = r.u8();
        if (ev.flags_extra & (fl_commit_alter | fl_rollback_alter))
            ev.start_alter_seq_no = r.u64();
        if (ev.flags_extra & fl_extra_thread_id)
            ev.thread_id = r.u32();
        if (!r.ok())
            return r.error();
    }
    // The rest is zero padding up to 19 bytes (or fields of a newer server).
    if (ctx.strict)
    {
        for (auto b : r.rest())
            if (b != std::byte{0})
                return make_error_code(errc::extra_bytes);
    }
    return {};
}

} // namespace

std::error_code mariadb_uncompress(bytes_view src, event_buffer& out, std::size_t max_size)
{
    byte_reader r(src);
    auto head = r.u8();
    if (!r.ok())
        return r.error();
    if ((head & 0x80) == 0)
        return make_error_code(errc::decompression_failed);
    unsigned lenlen = head & 0x07;
    unsigned alg = (head & 0x70) >> 4;
    if (lenlen < 1 || lenlen > 4 || alg != 0)
        return make_error_code(errc::decompression_failed);
    auto len_bytes = r.bytes(lenlen);
    if (!r.ok())
        return r.error();
    std::uint32_t len = 0;
    for (auto b : len_bytes)
        len = (len << 8) | std::to_integer<std::uint8_t>(b);
    if (len > max_size)
        return make_error_code(errc::packet_too_large);
    // A compressed event cannot expand beyond zlib's maximum ratio (~1032:1); refuse absurd sizes.
    auto zsrc = r.rest();
    if (len > (zsrc.size() + 16) * 1100)
        return make_error_code(errc::decompression_failed);
    // Inflated step by step into a buffer that grows with the output: `len` is the sender's word.
    z_stream z{};
    if (inflateInit(&z) != Z_OK)
        return make_error_code(errc::decompression_failed);
    z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(zsrc.data()));
    z.avail_in = static_cast<uInt>(zsrc.size());
    bool ended = false;
    auto source = [&](std::span<std::byte> dst, std::size_t& got) -> std::error_code {
        got = 0;
        while (got < dst.size() && !ended)
        {
            z.next_out = reinterpret_cast<Bytef*>(dst.data() + got);
            z.avail_out = static_cast<uInt>(dst.size() - got);
            auto before = z.avail_out;
            auto rc = inflate(&z, Z_NO_FLUSH);
            got += before - z.avail_out;
            if (rc == Z_STREAM_END)
                ended = true;
            else if (rc != Z_OK) // Z_BUF_ERROR here: the input ended before the stream did
                return make_error_code(errc::decompression_failed);
        }
        return {};
    };
    auto ec = fill_growing({}, len, source, make_error_code(errc::decompression_failed), out);
    // The stream must end exactly at `len` bytes: one more call tells a longer stream from the end.
    if (!ec && !ended)
    {
        std::byte extra{};
        std::size_t got = 0;
        ec = source(std::span<std::byte>(&extra, 1), got);
        if (!ec && (got != 0 || !ended))
            ec = make_error_code(errc::decompression_failed);
    }
    inflateEnd(&z);
    if (ec)
        out = event_buffer{};
    return ec;
}

std::error_code decode_mariadb(
    bytes_view body, const decode_context& ctx, const event_header& h, event_buffer& buf, event& out
)
{
    byte_reader r(body);
    switch (h.type)
    {
        case event_type::mariadb_annotate_rows:
        {
            rows_query_event ev;
            ev.header = h;
            ev.query = r.rest_string();
            ev.buffer = std::move(buf);
            out = std::move(ev);
            return {};
        }
        case event_type::mariadb_binlog_checkpoint:
        {
            mariadb_binlog_checkpoint_event ev;
            ev.header = h;
            auto n = r.u32();
            ev.log_file.assign(r.string(n));
            if (auto ec = finish(r, ctx))
                return ec;
            out = std::move(ev);
            return {};
        }
        case event_type::mariadb_gtid:
        {
            mariadb_gtid_event ev;
            ev.header = h;
            if (auto ec = decode_gtid(body, ctx, ev))
                return ec;
            out = std::move(ev);
            return {};
        }
        case event_type::mariadb_gtid_list:
        {
            mariadb_gtid_list_event ev;
            ev.header = h;
            auto count = r.u32();
            if (!r.ok())
                return r.error();
            ev.flags = static_cast<std::uint8_t>(count >> 28);
            count &= 0x0fffffff;
            if (count > r.remaining() / 16)
                return make_error_code(errc::truncated_event);
            ev.gtids.resize(count);
            for (auto& g : ev.gtids)
            {
                g.domain_id = r.u32();
                g.server_id = r.u32();
                g.seq_no = r.u64();
            }
            // An empty list is followed by two zero bytes (seen from MariaDB 10.0 to 11.8).
            if (!r.ok())
                return r.error();
            for (auto b : r.rest())
                if (b != std::byte{0} && ctx.strict)
                    return make_error_code(errc::extra_bytes);
            out = std::move(ev);
            return {};
        }
        case event_type::mariadb_start_encryption:
        {
            mariadb_start_encryption_event ev;
            ev.header = h;
            ev.scheme = r.u8();
            ev.key_version = r.u32();
            auto nonce = r.bytes(12);
            if (auto ec = finish(r, ctx))
                return ec;
            for (std::size_t i = 0; i < 12; ++i)
                ev.nonce[i] = std::to_integer<std::uint8_t>(nonce[i]);
            out = std::move(ev);
            return {};
        }
        default:
            return make_error_code(errc::bad_value);
    }
}

} // namespace binlogstream::codec

namespace binlogstream {

std::string mariadb_gtid_event::to_string() const
{
    return std::to_string(domain_id) + '-' + std::to_string(header.server_id) + '-' + std::to_string(seq_no);
}

std::string mariadb_gtid_list_event::to_string() const
{
    std::string s;
    for (std::size_t i = 0; i < gtids.size(); ++i)
    {
        if (i)
            s += ',';
        s += std::to_string(gtids[i].domain_id) + '-' + std::to_string(gtids[i].server_id) + '-' +
             std::to_string(gtids[i].seq_no);
    }
    return s;
}

} // namespace binlogstream
