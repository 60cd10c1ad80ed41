#pragma once

// A bounds-checked little-endian cursor over untrusted bytes, shared by wire/ and codec/.
//
// Two ways to read: `has(n)` then the `*_unchecked()` forms for a fixed-size block (one check per
// block), or the checked forms, whose error is sticky: past the end they return 0 or an empty span
// and set `error()`. Check `error()` before a decoded count sizes a loop or a reservation.

#include <binlogstream/error.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace binlogstream::codec {

using bytes_view = std::span<const std::byte>;

/// Reads an N-byte little-endian unsigned integer (N <= 8) from p.
template <std::size_t N>
[[nodiscard]] inline std::uint64_t load_le(const std::byte* p) noexcept
{
    static_assert(N >= 1 && N <= 8);
    std::uint64_t v = 0;
    if constexpr (std::endian::native == std::endian::little)
    {
        std::memcpy(&v, p, N);
    }
    else
    {
        for (std::size_t i = 0; i < N; ++i)
            v |= std::uint64_t(std::to_integer<std::uint8_t>(p[i])) << (8 * i);
    }
    return v;
}

/// Reads an N-byte big-endian unsigned integer (N <= 8) from p (DECIMAL, DATETIME2, TIME2...).
template <std::size_t N>
[[nodiscard]] inline std::uint64_t load_be(const std::byte* p) noexcept
{
    static_assert(N >= 1 && N <= 8);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < N; ++i)
        v = (v << 8) | std::to_integer<std::uint8_t>(p[i]);
    return v;
}

[[nodiscard]] inline bytes_view as_bytes(std::string_view s) noexcept
{
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

[[nodiscard]] inline std::string_view as_string(bytes_view b) noexcept
{
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

class byte_reader
{
public:
    byte_reader() = default;
    explicit byte_reader(bytes_view data) noexcept
        : data_(data)
    {}

    [[nodiscard]] std::size_t position() const noexcept { return pos_; }
    [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
    [[nodiscard]] bool empty() const noexcept { return pos_ == data_.size(); }
    [[nodiscard]] bool has(std::size_t n) const noexcept { return n <= remaining(); }
    [[nodiscard]] bytes_view rest() const noexcept { return data_.subspan(pos_); }
    [[nodiscard]] const std::byte* current() const noexcept { return data_.data() + pos_; }

    /// The sticky error: set by the first checked read past the end, or by `fail()`.
    [[nodiscard]] std::error_code error() const noexcept { return ec_; }
    [[nodiscard]] bool ok() const noexcept { return !ec_; }
    void fail(errc e) noexcept
    {
        if (!ec_)
            ec_ = make_error_code(e);
        pos_ = data_.size();
    }

    // Unchecked reads: the caller has checked has(n) for the whole block.
    template <std::size_t N>
    [[nodiscard]] std::uint64_t uint_unchecked() noexcept
    {
        auto v = load_le<N>(data_.data() + pos_);
        pos_ += N;
        return v;
    }
    [[nodiscard]] std::uint8_t u8_unchecked() noexcept
    {
        return std::to_integer<std::uint8_t>(data_[pos_++]);
    }
    [[nodiscard]] std::uint16_t u16_unchecked() noexcept { return std::uint16_t(uint_unchecked<2>()); }
    [[nodiscard]] std::uint32_t u32_unchecked() noexcept { return std::uint32_t(uint_unchecked<4>()); }
    [[nodiscard]] std::uint64_t u64_unchecked() noexcept { return uint_unchecked<8>(); }
    [[nodiscard]] bytes_view bytes_unchecked(std::size_t n) noexcept
    {
        auto v = data_.subspan(pos_, n);
        pos_ += n;
        return v;
    }

    // Checked reads with a sticky error.
    template <std::size_t N>
    [[nodiscard]] std::uint64_t uint() noexcept
    {
        if (!need(N))
            return 0;
        return uint_unchecked<N>();
    }
    [[nodiscard]] std::uint8_t u8() noexcept { return std::uint8_t(uint<1>()); }
    [[nodiscard]] std::uint16_t u16() noexcept { return std::uint16_t(uint<2>()); }
    [[nodiscard]] std::uint32_t u24() noexcept { return std::uint32_t(uint<3>()); }
    [[nodiscard]] std::uint32_t u32() noexcept { return std::uint32_t(uint<4>()); }
    [[nodiscard]] std::uint64_t u48() noexcept { return uint<6>(); }
    [[nodiscard]] std::uint64_t u64() noexcept { return uint<8>(); }

    [[nodiscard]] bytes_view bytes(std::size_t n) noexcept
    {
        if (!need(n))
            return {};
        return bytes_unchecked(n);
    }
    [[nodiscard]] std::string_view string(std::size_t n) noexcept { return as_string(bytes(n)); }
    void skip(std::size_t n) noexcept
    {
        if (need(n))
            pos_ += n;
    }

    /// Length-encoded integer (protocol "int<lenenc>"). 0xfb (NULL) and 0xff are errors here; use
    /// `lenenc_or_null` where NULL is allowed.
    [[nodiscard]] std::uint64_t lenenc() noexcept
    {
        bool is_null = false;
        auto v = lenenc_or_null(is_null);
        if (is_null)
            fail(errc::malformed_packet);
        return v;
    }
    [[nodiscard]] std::uint64_t lenenc_or_null(bool& is_null) noexcept
    {
        is_null = false;
        auto first = u8();
        if (!ok())
            return 0;
        if (first < 0xfb)
            return first;
        switch (first)
        {
            case 0xfb:
                is_null = true;
                return 0;
            case 0xfc:
                return uint<2>();
            case 0xfd:
                return uint<3>();
            case 0xfe:
                return uint<8>();
            default:
                fail(errc::malformed_packet);
                return 0;
        }
    }
    /// Length-encoded string: lenenc length then that many bytes.
    [[nodiscard]] std::string_view lenenc_string() noexcept
    {
        auto n = lenenc();
        if (!ok())
            return {};
        return string(n);
    }
    /// NUL-terminated string; a missing terminator is an error.
    [[nodiscard]] std::string_view null_terminated() noexcept
    {
        auto r = rest();
        for (std::size_t i = 0; i < r.size(); ++i)
        {
            if (r[i] == std::byte{0})
            {
                auto s = as_string(r.first(i));
                pos_ += i + 1;
                return s;
            }
        }
        fail(errc::truncated_event);
        return {};
    }
    /// The rest of the data as a string.
    [[nodiscard]] std::string_view rest_string() noexcept
    {
        auto s = as_string(rest());
        pos_ = data_.size();
        return s;
    }

private:
    bool need(std::size_t n) noexcept
    {
        if (ec_)
            return false;
        if (n > remaining())
        {
            fail(errc::truncated_event);
            return false;
        }
        return true;
    }

    bytes_view data_;
    std::size_t pos_ = 0;
    std::error_code ec_;
};

} // namespace binlogstream::codec
