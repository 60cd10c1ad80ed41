// file_reader: binlog and relay-log files. Plain files are mapped (mmap) in windows and each event's
// buffer is a view into its window, which the event keeps alive: no copy of the file's bytes and no
// read() per event, and memory bounded by the window size, not the file size. gzip files go through
// zlib's gz* layer with a bounded buffer. Framing uses event_size only, never log_pos (MariaDB 11.4+
// writes 0 inside transactions). The table map is cleared when a file ends.

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"
#include "codec/growing_buffer.hpp"
#include "codec/payload.hpp"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace binlogstream {
namespace {

// One read-only mapping of part of a file; events viewing it keep it alive.
struct file_window
{
    const std::byte* base = nullptr;
    std::size_t length = 0;
    std::uint64_t file_offset = 0;

    file_window() = default;
    file_window(const file_window&) = delete;
    file_window& operator=(const file_window&) = delete;
    ~file_window()
    {
        if (base)
            ::munmap(const_cast<std::byte*>(base), length);
    }
};

// The size of a mapping window: small enough that the mapped pages a reader holds stay bounded, large
// enough that mmap calls are rare. A larger event gets a window of its own size.
constexpr std::size_t window_size = std::size_t(4) << 20;

} // namespace

struct file_reader::impl
{
    file_reader_options options;
    std::vector<std::string> files;
    std::size_t file_index = 0;
    gzFile file = nullptr;
    int fd = -1;                         // a plain file, read through mappings
    std::uint64_t file_size = 0;         // of the plain file, as last seen (it may grow)
    std::shared_ptr<file_window> window; // the mapping the next event is read from
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
        if (fd >= 0)
            ::close(fd);
        fd = -1;
        window.reset();
        file_open = false;
    }

    // The plain file's current size (a binlog being written grows).
    std::uint64_t refresh_size() noexcept
    {
        struct stat st
        {};
        if (::fstat(fd, &st) == 0 && st.st_size >= 0)
            file_size = std::uint64_t(st.st_size);
        return file_size;
    }

    // Makes `window` cover [at, at + need) of the plain file (need <= file_size - at).
    std::error_code map(std::uint64_t at, std::size_t need)
    {
        if (window && at >= window->file_offset && at + need <= window->file_offset + window->length)
            return {};
        static const auto page = std::uint64_t(::sysconf(_SC_PAGESIZE));
        auto start = at - at % page;
        auto length = std::max<std::uint64_t>(window_size, at - start + need);
        length = std::min<std::uint64_t>(length, file_size - start);
        void* p = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off_t(start));
        if (p == MAP_FAILED)
            return {errno, std::generic_category()};
        auto w = std::make_shared<file_window>();
        w->base = static_cast<const std::byte*>(p);
        w->length = length;
        w->file_offset = start;
        window = std::move(w);
        return {};
    }

    const std::byte* mapped(std::uint64_t at) const noexcept
    {
        return window->base + (at - window->file_offset);
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
        fd = ::open(pos.file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
        {
            auto ec = std::error_code(errno ? errno : ENOENT, std::generic_category());
            diag.set_client(pos.file + ": cannot open: " + ec.message());
            return ec;
        }
        file_open = true;
        std::array<unsigned char, 4> magic{};
        auto got = ::pread(fd, magic.data(), magic.size(), 0);
        if ((got == 4 && magic[0] == 0x1f && magic[1] == 0x8b) || !options.map_files)
        {
            // gzip, or mapping not wanted: read through zlib's gz layer (plain files pass through it
            // as they are), with a copy per event.
            file = gzdopen(fd, "rb");
            if (!file)
            {
                close_file();
                auto ec = std::error_code(ENOMEM, std::generic_category());
                diag.set_client(pos.file + ": cannot open: " + ec.message());
                return ec;
            }
            fd = -1; // gzclose closes it
            gzbuffer(file, 64 * 1024);
            file_open = true;
            got = read(magic.data(), magic.size());
        }
        else
        {
            file_size = 0;
            refresh_size();
        }
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
        ctx.max_event_size = options.max_event_size;
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
            event_buffer buf;
            if (fd >= 0)
            {
                if ((ec = next_mapped(buf)))
                {
                    if (ec == errc::end_of_stream)
                    {
                        close_file(); // clean end of this file
                        continue;
                    }
                    return false;
                }
            }
            else if ((ec = next_gz(buf)))
            {
                if (ec == errc::end_of_stream)
                {
                    close_file();
                    continue;
                }
                return false;
            }
            const auto event_size = buf.size();
            pos.offset = offset;
            pos.next_position = offset + event_size;
            pos.in_payload = false;
            pos.payload_index = 0;
            offset += event_size;
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
                if ((ec = payload.open(*p, true, options.max_event_size)))
                {
                    fail(ec, pos.offset);
                    return false;
                }
            }
            return true;
        }
    }

    // The event at `offset` of a plain file: a view into a mapping, or a copy when its padding would
    // pass the end of the file. errc::end_of_stream at a clean end of the file.
    std::error_code next_mapped(event_buffer& out)
    {
        if (file_size - offset < codec::v4_header_size && refresh_size() - offset < codec::v4_header_size)
        {
            if (file_size == offset)
                return make_error_code(errc::end_of_stream);
            return fail(make_error_code(errc::truncated_event), offset);
        }
        if (auto ec = map(offset, codec::v4_header_size))
            return fail(ec, offset);
        event_header h;
        if (auto ec = codec::decode_header({mapped(offset), codec::v4_header_size}, h))
            return fail(ec, offset);
        if (h.event_size > options.max_event_size)
            return fail(make_error_code(errc::packet_too_large), offset);
        if (file_size - offset < h.event_size && refresh_size() - offset < h.event_size)
            return fail(make_error_code(errc::truncated_event), offset);
        if (file_size - offset - h.event_size >= event_buffer::padding)
        {
            if (auto ec = map(offset, h.event_size + event_buffer::padding))
                return fail(ec, offset);
            out = event_buffer::view_of({mapped(offset), h.event_size}, window);
        }
        else
        {
            if (auto ec = map(offset, h.event_size))
                return fail(ec, offset);
            out = event_buffer::copy_of({mapped(offset), h.event_size});
        }
        return {};
    }

    // The next event of a gzip file, copied out of zlib's buffer.
    std::error_code next_gz(event_buffer& out)
    {
        {
            std::array<std::byte, codec::v4_header_size> head{};
            auto got = read(head.data(), head.size());
            if (got == 0)
                return make_error_code(errc::end_of_stream);
            if (got < head.size())
                return fail(make_error_code(errc::truncated_event), offset);
            event_header h;
            if (auto ec = codec::decode_header(head, h))
                return fail(ec, offset);
            if (h.event_size > options.max_event_size)
                return fail(make_error_code(errc::packet_too_large), offset);
            // A gzip file's header can claim more than the file holds: grow with what is read.
            auto source = [this](std::span<std::byte> dst, std::size_t& n) {
                n = read(dst.data(), dst.size());
                return std::error_code{};
            };
            event_buffer buf;
            if (auto ec = codec::fill_growing(
                    head, // decode_header made sure that event_size >= the header's size
                    h.event_size,
                    source,
                    make_error_code(errc::truncated_event),
                    buf
                ))
                return fail(ec, offset);
            out = std::move(buf);
            return {};
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
