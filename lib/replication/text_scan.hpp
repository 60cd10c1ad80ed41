#pragma once

// A forward-only cursor over position texts (GTID sets, MariaDB GTID lists, checkpoints). Every
// read is bounds-checked; a failed read leaves the cursor where it was and reports false, so the
// parsers built on it can never read past the text they were given.

#include <cstdint>
#include <string_view>

namespace binlogstream::replication {

class text_scan
{
public:
    explicit text_scan(std::string_view text) noexcept
        : text_(text)
    {}

    [[nodiscard]] bool at_end() const noexcept { return pos_ == text_.size(); }
    [[nodiscard]] std::size_t position() const noexcept { return pos_; }
    [[nodiscard]] std::string_view rest() const noexcept { return text_.substr(pos_); }
    [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : text_[pos_]; }
    void advance(std::size_t n) noexcept { pos_ = n > text_.size() - pos_ ? text_.size() : pos_ + n; }

    [[nodiscard]] static bool is_space(char c) noexcept
    {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    }
    [[nodiscard]] static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

    void skip_space() noexcept
    {
        while (!at_end() && is_space(text_[pos_]))
            ++pos_;
    }

    /// Consumes `c` if it is next.
    [[nodiscard]] bool accept(char c) noexcept
    {
        if (peek() == c && !at_end())
        {
            ++pos_;
            return true;
        }
        return false;
    }

    /// Reads a decimal number of at most `max` (no sign, at least one digit). Leading zeros are
    /// accepted, as MySQL and MariaDB accept them.
    [[nodiscard]] bool unsigned_number(std::uint64_t max, std::uint64_t& out) noexcept
    {
        std::size_t p = pos_;
        std::uint64_t v = 0;
        if (p == text_.size() || !is_digit(text_[p]))
            return false;
        while (p < text_.size() && is_digit(text_[p]))
        {
            auto d = std::uint64_t(text_[p] - '0');
            if (v > (max - d) / 10)
                return false;
            v = v * 10 + d;
            ++p;
        }
        pos_ = p;
        out = v;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

} // namespace binlogstream::replication
