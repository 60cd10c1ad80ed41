// file_reader: binlog and relay-log files, read with a bounded buffer (zlib's gz* layer, which reads
// plain files as they are and gzip files decompressed). Framing uses event_size only, never log_pos
// (MariaDB 11.4+ writes 0 inside transactions). The table map is cleared when a file ends.

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"
#include "codec/payload.hpp"

#include <zlib.h>

#include <array>

namespace binlogstream {

struct file_reader::impl
{
    file_reader_options options;
    std::vector<std::string> files;
    std::size_t file_index = 0;
    gzFile file = nullptr;
    std::uint64_t offset = 0;
    bool file_open = false;
    format_description_event fde;
    bool have_fde = false;
    codec::table_registry tables;
    codec::payload_reader payload;
    event_position pos;
    diagnostics diag;
    std::vector<event_position> skipped;

    ~impl() { close_file(); }

    void close_file() noexcept
    {
        if (file)
            gzclose(file);
        file = nullptr;
        file_open = false;
    }

    std::error_code fail(std::error_code ec, std::uint64_t at)
    {
        pos.offset = at;
        pos.next_position = at;
        diag.set_client(pos.file + " at offset " + std::to_string(at) + ": " + ec.message());
        return ec;
    }

    // Reads up to n bytes; returns the count (less than n only at the end of the file).
    std::size_t read(void* dst, std::size_t n)
    {
        std::size_t total = 0;
        auto* p = static_cast<unsigned char*>(dst);
        while (total < n)
        {
            auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - total, 1u << 30));
            int got = gzread(file, p + total, chunk);
            if (got <= 0)
                break;
            total += static_cast<std::size_t>(got);
        }
        return total;
    }

    std::error_code open_next_file()
    {
        close_file();
        tables.clear();
        payload.close();
        if (file_index >= files.size())
            return make_error_code(errc::end_of_stream);
        pos = event_position{};
        pos.file = files[file_index++];
        offset = 0;
        file = gzopen(pos.file.c_str(), "rb");
        if (!file)
        {
            auto ec = std::error_code(errno ? errno : ENOENT, std::generic_category());
            diag.set_client(pos.file + ": cannot open: " + ec.message());
            return ec;
        }
        gzbuffer(file, 64 * 1024);
        file_open = true;
        std::array<unsigned char, 4> magic{};
        auto got = read(magic.data(), magic.size());
        if (got != 4 || std::memcmp(magic.data(), codec::binlog_magic, 4) != 0)
            return fail(make_error_code(got < 4 && got > 0 ? errc::truncated_event : errc::bad_magic), 0);
        offset = 4;
        return {};
    }

    const format_description_event& current_fde()
    {
        if (have_fde)
            return fde;
        if (options.assume_checksum)
        {
            fde = codec::default_format_description();
            fde.checksum = *options.assume_checksum;
            have_fde = true;
            return fde;
        }
        return codec::default_format_description();
    }

    std::error_code decode(event_buffer buf, bool in_payload, event& out)
    {
        codec::decode_context ctx;
        ctx.fde = &current_fde();
        ctx.tables = &tables;
        ctx.verify_checksum = options.verify_checksum;
        ctx.strict = options.strict;
        ctx.in_payload = in_payload;
        if (auto ec = codec::decode_event(std::move(buf), ctx, out))
            return ec;
        if (auto* f = std::get_if<format_description_event>(&out))
        {
            fde = *f;
            have_fde = true;
        }
        else if (auto* tm = std::get_if<table_map_event>(&out))
        {
            tables[tm->table_id] = tm->table;
        }
        return {};
    }

    bool next(event& out, std::error_code& ec)
    {
        ec.clear();
        diag.clear();
        // Inner events of a TRANSACTION_PAYLOAD first.
        while (payload.active())
        {
            event_buffer inner;
            auto index = payload.index();
            if (!payload.next(inner, ec))
            {
                if (ec)
                {
                    fail(ec, pos.offset);
                    return false;
                }
                break;
            }
            pos.in_payload = true;
            pos.payload_index = index;
            if ((ec = decode(std::move(inner), true, out)))
            {
                diag.set_client(
                    pos.file + " at offset " + std::to_string(pos.offset) + " (event " +
                    std::to_string(index) + " inside the transaction payload): " + ec.message()
                );
                return false;
            }
            return true;
        }
        for (;;)
        {
            if (!file_open)
            {
                if ((ec = open_next_file()))
                    return false;
            }
            std::array<std::byte, codec::v4_header_size> head{};
            auto got = read(head.data(), head.size());
            if (got == 0)
            {
                // Clean end of this file: the table ids of the next file are its own.
                close_file();
                continue;
            }
            if (got < head.size())
            {
                ec = fail(make_error_code(errc::truncated_event), offset);
                return false;
            }
            event_header h;
            if ((ec = codec::decode_header(head, h)))
            {
                fail(ec, offset);
                return false;
            }
            if (h.event_size > options.max_event_size)
            {
                ec = fail(make_error_code(errc::packet_too_large), offset);
                return false;
            }
            auto buf = event_buffer::allocate(h.event_size);
            auto dst = buf.mutable_bytes();
            std::memcpy(dst.data(), head.data(), head.size());
            auto body = read(dst.data() + head.size(), dst.size() - head.size());
            if (body != dst.size() - head.size())
            {
                ec = fail(make_error_code(errc::truncated_event), offset);
                return false;
            }
            pos.offset = offset;
            pos.next_position = offset + h.event_size;
            pos.in_payload = false;
            pos.payload_index = 0;
            offset += h.event_size;
            ec = decode(std::move(buf), false, out);
            if (ec == errc::bad_checksum && options.skip_bad_checksum)
            {
                skipped.push_back(pos);
                ec.clear();
                continue;
            }
            if (ec)
            {
                fail(ec, pos.offset);
                pos.next_position = offset;
                return false;
            }
            if (auto* p = std::get_if<transaction_payload_event>(&out); p && options.expand_payloads)
            {
                if ((ec = payload.open(*p, true)))
                {
                    fail(ec, pos.offset);
                    return false;
                }
            }
            return true;
        }
    }
};

file_reader::file_reader(file_reader_options options)
    : impl_(std::make_unique<impl>())
{
    impl_->options = options;
}
file_reader::~file_reader() = default;
file_reader::file_reader(file_reader&&) noexcept = default;
file_reader& file_reader::operator=(file_reader&&) noexcept = default;

void file_reader::open(std::vector<std::string> files)
{
    auto options = impl_->options;
    impl_ = std::make_unique<impl>();
    impl_->options = options;
    impl_->files = std::move(files);
}

bool file_reader::next(event& out, std::error_code& ec)
{
    return impl_->next(out, ec);
}

std::optional<event> file_reader::next()
{
    event ev;
    std::error_code ec;
    if (next(ev, ec))
        return ev;
    if (ec == errc::end_of_stream)
        return std::nullopt;
    throw error(ec, impl_->diag);
}

const event_position& file_reader::position() const noexcept
{
    return impl_->pos;
}
const format_description_event& file_reader::format() const noexcept
{
    return impl_->have_fde ? impl_->fde : codec::default_format_description();
}
const std::unordered_map<std::uint64_t, std::shared_ptr<const table_info>>&
file_reader::tables() const noexcept
{
    return impl_->tables;
}
const diagnostics& file_reader::diag() const noexcept
{
    return impl_->diag;
}
const std::vector<event_position>& file_reader::skipped() const noexcept
{
    return impl_->skipped;
}

} // namespace binlogstream
