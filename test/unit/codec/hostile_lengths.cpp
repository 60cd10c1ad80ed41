// Length fields that drive an allocation (SECURITY.md "Limits against a hostile server"): a
// MariaDB compressed block's uncompressed length, a TRANSACTION_PAYLOAD inner event's event_size,
// a binlog file's event_size read through the gzip path. Each may claim far more than the bytes
// behind it; the decoders must fail with a clear error and allocate in step with the bytes that
// actually arrive, never the claim. The largest single allocation is recorded by replacing the
// global operator new for this test program (every event buffer is a new[]).
//
// The compressed data is real (zlib's compress(), zstd's ZSTD_compress(), the block and payload
// formats MariaDB and MySQL write, see event_compressed.cpp); only the length fields lie.

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"
#include "codec/payload.hpp"
#include "common/mariadb_compress.hpp"

#include <boost/test/unit_test.hpp>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;

namespace {

std::atomic<bool> tracking{false};
std::atomic<std::size_t> largest{0};

void note_allocation(std::size_t n) noexcept
{
    if (!tracking.load(std::memory_order_relaxed))
        return;
    auto seen = largest.load(std::memory_order_relaxed);
    while (n > seen && !largest.compare_exchange_weak(seen, n, std::memory_order_relaxed))
    {}
}

void* allocate_or_throw(std::size_t n)
{
    note_allocation(n);
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}

// The largest single allocation made while it lives.
class allocation_watch
{
public:
    allocation_watch() noexcept
    {
        largest = 0;
        tracking = true;
    }
    ~allocation_watch() { tracking = false; }
    allocation_watch(const allocation_watch&) = delete;
    allocation_watch& operator=(const allocation_watch&) = delete;
    [[nodiscard]] std::size_t largest_bytes() const noexcept { return largest.load(); }
};

constexpr std::size_t mib = std::size_t(1) << 20;

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<std::byte> v(n);
    for (auto& b : v)
        b = static_cast<std::byte>(rng() & 0xff);
    return v;
}

// A compressed block with a 4-byte length field that says `claimed`.
std::vector<std::byte> mariadb_block(std::span<const std::byte> raw, std::uint32_t claimed)
{
    return binlogstream::test::mariadb_compressed_block(raw, claimed, 4);
}

// A v4 header (no checksum, as inside a payload) claiming `size` bytes, followed by `body`.
std::vector<std::byte> inner_event(std::uint32_t size, std::span<const std::byte> body)
{
    std::vector<std::byte> ev(19);
    ev[4] = std::byte{2}; // QUERY: any type will do, the payload reader only frames
    std::memcpy(ev.data() + 9, &size, 4);
    ev.insert(ev.end(), body.begin(), body.end());
    return ev;
}

std::vector<std::byte> zstd_compress(std::span<const std::byte> raw)
{
    std::vector<std::byte> out(ZSTD_compressBound(raw.size()));
    auto n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    BOOST_REQUIRE(!ZSTD_isError(n));
    out.resize(n);
    return out;
}

// Reads every inner event of a zstd payload holding `inner`; returns them, `ec` set on failure.
std::vector<bls::event_buffer> read_payload(
    std::span<const std::byte> inner, std::size_t limit, std::uint64_t announced, std::error_code& ec
)
{
    auto z = zstd_compress(inner);
    bls::transaction_payload_event ev;
    ev.compression_type = 0;
    ev.payload = z;
    ev.payload_size = z.size();
    ev.uncompressed_size = announced;
    codec::payload_reader reader;
    std::vector<bls::event_buffer> out;
    if ((ec = reader.open(ev, false, limit)))
        return out;
    bls::event_buffer b;
    while (reader.next(b, ec))
        out.push_back(std::move(b));
    return out;
}

} // namespace

void* operator new(std::size_t n)
{
    return allocate_or_throw(n);
}
void* operator new[](std::size_t n)
{
    return allocate_or_throw(n);
}
// The nothrow forms too (simdjson uses them): every form of new that meets our delete must be ours,
// or AddressSanitizer reports the pair as mismatched.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept
{
    note_allocation(n);
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept
{
    note_allocation(n);
    return std::malloc(n ? n : 1);
}
void operator delete(void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}

BOOST_AUTO_TEST_SUITE(hostile_lengths)

// 1 MiB of incompressible data whose block claims 900 MiB (within zlib's ratio of the compressed
// size, so only the stream itself can refute it): before the fix the 900 MiB were allocated up front.
BOOST_AUTO_TEST_CASE(compressed_block_claiming_900_mib_allocates_in_step_with_the_data)
{
    auto raw = random_bytes(mib, 1);
    auto block = mariadb_block(raw, 900 * mib);
    bls::event_buffer out;
    std::error_code ec;
    std::size_t peak = 0;
    {
        allocation_watch watch;
        ec = codec::mariadb_uncompress(block, out, codec::default_max_event_size);
        peak = watch.largest_bytes();
    }
    BOOST_TEST_MESSAGE("largest allocation: " << peak << " bytes");
    BOOST_TEST(ec == bls::errc::decompression_failed, ec.message());
    BOOST_TEST(out.empty());
    BOOST_TEST(peak <= 2 * mib + bls::event_buffer::padding, "largest allocation " << peak);
}

BOOST_AUTO_TEST_CASE(compressed_block_over_the_limit_is_packet_too_large)
{
    auto raw = random_bytes(300 * 1024, 2);
    auto block = mariadb_block(raw, static_cast<std::uint32_t>(raw.size()));
    bls::event_buffer out;
    auto ec = codec::mariadb_uncompress(block, out, 256 * 1024);
    BOOST_TEST(ec == bls::errc::packet_too_large, ec.message());

    // Under the limit the same block decompresses to exactly its data, through several doublings
    // of the growing buffer (64 KiB, 128, 256, then 300 KiB).
    ec = codec::mariadb_uncompress(block, out, 512 * 1024);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(out.bytes().size() == raw.size());
    BOOST_TEST(std::memcmp(out.bytes().data(), raw.data(), raw.size()) == 0);

    // A length one short of the stream, or one past it: both refused.
    for (std::uint32_t claimed : {std::uint32_t(raw.size() - 1), std::uint32_t(raw.size() + 1)})
    {
        auto wrong = mariadb_block(raw, claimed);
        BOOST_TEST(codec::mariadb_uncompress(wrong, out, 512 * 1024) == bls::errc::decompression_failed);
    }
}

// The limit reaches the decoder through decode_context: a QUERY_COMPRESSED event whose text is
// larger than the caller's max_event_size.
BOOST_AUTO_TEST_CASE(query_compressed_follows_the_context_limit)
{
    // QUERY post-header (13 bytes: thread id, exec time, db length 4, error code, status length 0),
    // "test\0", then the compressed statement.
    std::string sql = "INSERT INTO t VALUES ('" + std::string(100000, 'x') + "')";
    std::vector<std::byte> body(13);
    body[8] = std::byte{4};
    for (char c : std::string_view("test"))
        body.push_back(static_cast<std::byte>(c));
    body.push_back(std::byte{0});
    auto block = mariadb_block(std::as_bytes(std::span(sql)), static_cast<std::uint32_t>(sql.size()));
    body.insert(body.end(), block.begin(), block.end());
    auto ev = inner_event(static_cast<std::uint32_t>(19 + body.size()), body);
    ev[4] = std::byte{165};

    bls::format_description_event fde = codec::default_format_description();
    fde.server_version = "10.11.13-MariaDB-log";
    fde.checksum = bls::checksum_algorithm::off;
    codec::decode_context ctx;
    ctx.fde = &fde;
    ctx.max_event_size = 64 * 1024;
    bls::event out;
    auto ec = codec::decode_event(bls::event_buffer::copy_of(ev), ctx, out);
    BOOST_TEST(ec == bls::errc::packet_too_large, ec.message());
    ctx.max_event_size = codec::default_max_event_size;
    ec = codec::decode_event(bls::event_buffer::copy_of(ev), ctx, out);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(std::get<bls::query_event>(out).query == sql);
}

// An inner event whose header claims 1 GiB - 1 bytes, backed by 100 bytes: truncated_event, and no
// allocation near the claim (before the fix: 1 GiB allocated from the header alone).
BOOST_AUTO_TEST_CASE(payload_inner_event_claiming_1_gib_allocates_in_step_with_the_data)
{
    auto body = random_bytes(100, 3);
    auto inner = inner_event((std::uint32_t(1) << 30) - 1, body);
    std::error_code ec;
    std::size_t peak = 0;
    {
        allocation_watch watch;
        auto events = read_payload(inner, codec::default_max_event_size, 0, ec);
        peak = watch.largest_bytes();
        BOOST_TEST(events.empty());
    }
    BOOST_TEST(ec == bls::errc::truncated_event, ec.message());
    BOOST_TEST(peak <= 1 * mib, "largest allocation " << peak);
}

BOOST_AUTO_TEST_CASE(payload_inner_event_follows_the_callers_limit)
{
    // Two real inner events: 100 bytes and 200 KiB (read through doublings of the buffer).
    auto small = inner_event(119, random_bytes(100, 4));
    auto big = inner_event(19 + 200 * 1024, random_bytes(200 * 1024, 5));
    std::vector<std::byte> inner(small);
    inner.insert(inner.end(), big.begin(), big.end());

    std::error_code ec;
    auto events = read_payload(inner, 128 * 1024, inner.size(), ec);
    BOOST_TEST(ec == bls::errc::packet_too_large, ec.message());
    BOOST_TEST(events.size() == 1u); // the small one came out before the big one was refused

    events = read_payload(inner, 256 * 1024, inner.size(), ec);
    BOOST_TEST(!ec, ec.message());
    BOOST_REQUIRE(events.size() == 2u);
    BOOST_TEST(events[0].size() == small.size());
    BOOST_TEST(std::memcmp(events[0].bytes().data(), small.data(), small.size()) == 0);
    BOOST_TEST(events[1].size() == big.size());
    BOOST_TEST(std::memcmp(events[1].bytes().data(), big.data(), big.size()) == 0);

    // More than the payload header announced: bad_event_length.
    read_payload(inner, 256 * 1024, inner.size() - 1, ec);
    BOOST_TEST(ec == bls::errc::bad_event_length, ec.message());
}

// A binlog file read through zlib's gz layer (map_files = false) whose first event claims 1 GiB - 1
// bytes in a 100-byte file.
BOOST_AUTO_TEST_CASE(file_event_claiming_1_gib_allocates_in_step_with_the_file)
{
    char path[] = "/tmp/bls-hostile-XXXXXX";
    int fd = ::mkstemp(path);
    BOOST_REQUIRE(fd >= 0);
    std::vector<std::byte> file{std::byte{0xfe}, std::byte{'b'}, std::byte{'i'}, std::byte{'n'}};
    auto ev = inner_event((std::uint32_t(1) << 30) - 1, random_bytes(100, 6));
    file.insert(file.end(), ev.begin(), ev.end());
    BOOST_REQUIRE(::write(fd, file.data(), file.size()) == static_cast<ssize_t>(file.size()));
    ::close(fd);

    bls::file_reader_options options;
    options.map_files = false;
    bls::file_reader reader(options);
    reader.open({path});
    bls::event out;
    std::error_code ec;
    std::size_t peak = 0;
    {
        allocation_watch watch;
        BOOST_TEST(!reader.next(out, ec));
        peak = watch.largest_bytes();
    }
    BOOST_TEST_MESSAGE("largest allocation: " << peak << " bytes");
    ::unlink(path);
    BOOST_TEST(ec == bls::errc::truncated_event, ec.message());
    BOOST_TEST(peak <= 1 * mib, "largest allocation " << peak);
}

BOOST_AUTO_TEST_SUITE_END()
