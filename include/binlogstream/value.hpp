#pragma once

/// \file value.hpp
/// The cell model: one decoded column value of a row image.
///
/// A `value` is a small, trivially copyable object. Strings, blobs, JSON, geometry, vectors and
/// decimals are views into the buffer the row was decoded from (the event's buffer): they live exactly
/// as long as that buffer. Copy what you keep (`std::string{v.as_string().bytes}`).

#include <binlogstream/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

namespace binlogstream {

/// An exact decimal (DECIMAL/NUMERIC columns): a view of MySQL's packed binary form plus the declared
/// precision and scale. Conversions decode the packed digits on request; decoding validated them.
class decimal_value
{
public:
    /// An empty decimal (no digits; `to_string` gives "0").
    decimal_value() = default;
    /// `packed` is exactly the column's packed bytes (its size follows from precision and scale).
    decimal_value(std::span<const std::byte> packed, std::uint8_t precision, std::uint8_t scale) noexcept
        : packed_(packed)
        , precision_(precision)
        , scale_(scale)
    {}

    /// The packed binary form; a view into the event's buffer (valid while the event lives).
    [[nodiscard]] std::span<const std::byte> packed() const noexcept { return packed_; }
    /// The declared precision (total number of digits).
    [[nodiscard]] std::uint8_t precision() const noexcept { return precision_; }
    /// Number of digits after the decimal point.
    [[nodiscard]] std::uint8_t scale() const noexcept { return scale_; }
    /// Whether the value is below zero (a negative zero is not).
    [[nodiscard]] bool is_negative() const noexcept;

    /// Appends the exact decimal text with exactly `scale()` fraction digits ("-1.50", "0", "0.000").
    void append_to(std::string& out) const;
    /// The text of `append_to` as a new string.
    [[nodiscard]] std::string to_string() const;
    /// The value as an integer scaled by 10^scale() (-1.50 at scale 2 gives -150); false when it does
    /// not fit in an int64 (then `out` is unspecified).
    [[nodiscard]] bool to_scaled_int64(std::int64_t& out) const noexcept;

private:
    std::span<const std::byte> packed_;
    std::uint8_t precision_ = 0;
    std::uint8_t scale_ = 0;
};

/// DATE. Zero ("0000-00-00") and invalid dates (month 0, day 0, 2021-02-30 with ALLOW_INVALID_DATES)
/// are representable: they are values, never NULL.
struct date_value
{
    /// 0-9999.
    std::uint16_t year = 0;
    /// 1-12, or 0.
    std::uint8_t month = 0;
    /// 1-31, or 0.
    std::uint8_t day = 0;

    /// 0000-00-00.
    [[nodiscard]] bool is_zero() const noexcept { return year == 0 && month == 0 && day == 0; }
    /// Not a real calendar date (zero, a zero part, or a day past the month's end).
    [[nodiscard]] bool is_invalid() const noexcept;
    friend bool operator==(const date_value&, const date_value&) = default;
};

/// DATETIME (and DATETIME2): a local (zone-less) date and time with microseconds.
struct datetime_value
{
    /// The date part.
    date_value date;
    /// 0-23.
    std::uint8_t hour = 0;
    /// 0-59.
    std::uint8_t minute = 0;
    /// 0-59.
    std::uint8_t second = 0;
    /// 0-999999.
    std::uint32_t microsecond = 0;
    /// Declared fractional-second precision 0-6 (number of digits printed).
    std::uint8_t fsp = 0;

    /// 0000-00-00 00:00:00.
    [[nodiscard]] bool is_zero() const noexcept
    {
        return date.is_zero() && hour == 0 && minute == 0 && second == 0 && microsecond == 0;
    }
    /// The date part is not a real calendar date (see `date_value::is_invalid`).
    [[nodiscard]] bool is_invalid() const noexcept { return date.is_invalid(); }
    friend bool operator==(const datetime_value&, const datetime_value&) = default;
};

/// TIMESTAMP (and TIMESTAMP2): seconds since the Unix epoch, UTC. The zero timestamp (printed by the
/// server as 0000-00-00 00:00:00) is seconds == 0 and microsecond == 0.
struct timestamp_value
{
    /// Seconds since 1970-01-01 00:00:00 UTC.
    std::int64_t seconds = 0;
    /// 0-999999.
    std::uint32_t microsecond = 0;
    /// Declared fractional-second precision 0-6.
    std::uint8_t fsp = 0;

    /// The zero timestamp.
    [[nodiscard]] bool is_zero() const noexcept { return seconds == 0 && microsecond == 0; }
    /// The UTC calendar form.
    [[nodiscard]] datetime_value to_utc() const noexcept;
    friend bool operator==(const timestamp_value&, const timestamp_value&) = default;
};

/// TIME (and TIME2): a signed duration, -838:59:59.000000 to 838:59:59.000000.
struct time_value
{
    /// A negative duration (the fields below hold its magnitude).
    bool negative = false;
    /// 0-838.
    std::uint32_t hours = 0;
    /// 0-59.
    std::uint8_t minutes = 0;
    /// 0-59.
    std::uint8_t seconds = 0;
    /// 0-999999.
    std::uint32_t microseconds = 0;
    /// Declared fractional-second precision 0-6.
    std::uint8_t fsp = 0;

    /// Total microseconds, negative for negative times.
    [[nodiscard]] std::int64_t total_microseconds() const noexcept
    {
        auto v = ((std::int64_t(hours) * 60 + minutes) * 60 + seconds) * 1000000 + microseconds;
        return negative ? -v : v;
    }
    friend bool operator==(const time_value&, const time_value&) = default;
};

/// YEAR: 1901-2155, or 0 for the zero year (stays 0).
struct year_value
{
    /// The year, or 0.
    std::uint16_t year = 0;
    friend bool operator==(const year_value&, const year_value&) = default;
};

/// BIT(width): the bits as an unsigned integer (the first byte on the wire is the most significant).
struct bit_value
{
    /// The value; bit 0 is the last bit of the column.
    std::uint64_t bits = 0;
    /// The declared width, 1-64.
    std::uint16_t width = 0;
    friend bool operator==(const bit_value&, const bit_value&) = default;
};

/// ENUM: the 1-based index into the column's literals (`column_info::enum_values`); 0 is the empty
/// string the server stores for an invalid value.
struct enum_value
{
    /// 1-based literal index, or 0.
    std::uint16_t index = 0;
    friend bool operator==(const enum_value&, const enum_value&) = default;
};

/// SET: a bitmask; bit i set means literal i (`column_info::set_values`, definition order) is present.
struct set_value
{
    /// Bit i: literal i is in the set.
    std::uint64_t bits = 0;
    friend bool operator==(const set_value&, const set_value&) = default;
};

/// How `to_utf8` treats bytes that are invalid in the declared charset.
enum class text_errors : std::uint8_t
{
    strict,  ///< fail with errc::invalid_text
    replace, ///< substitute U+FFFD
};

/// CHAR, VARCHAR, TEXT, BINARY, VARBINARY, BLOB: the raw bytes and the column's collation id.
/// The bytes are as the row image stores them: the server strips the trailing pad of CHAR (spaces)
/// and BINARY(n) (0x00) values, so a BINARY(4) holding 00000000 arrives empty. A MariaDB JSON column
/// (a LONGTEXT) is a string here unless its column_info says JSON (see decode_cell).
struct string_value
{
    /// The raw bytes (not converted); a view into the event's buffer, valid while the event lives.
    std::string_view bytes;
    /// Collation id (63 = binary, 0 = unknown).
    std::uint16_t collation = 0;
    /// True for BLOB-family columns (TINYBLOB..LONGBLOB and TEXT types), false for CHAR/VARCHAR.
    bool is_blob = false;

    /// Binary collation (BINARY, VARBINARY, BLOB).
    [[nodiscard]] bool is_binary() const noexcept { return collation == 63; }
    /// Appends the text converted to UTF-8 from its charset (utf8mb3/utf8mb4 are validated and passed
    /// through, latin1 is decoded as cp1252, ascii, ucs2, utf16, utf16le and utf32 are converted;
    /// binary and unknown collations are treated as UTF-8). Returns errc::invalid_text under the strict
    /// policy when a byte sequence is invalid; under `replace` such sequences become U+FFFD.
    std::error_code to_utf8(std::string& out, text_errors policy = text_errors::strict) const;
};

/// GEOMETRY: the SRID and the WKB (well-known binary) that follows it.
struct geometry_value
{
    /// The spatial reference system id (little-endian u32 before the WKB).
    std::uint32_t srid = 0;
    /// The WKB; a view into the event's buffer, valid while the event lives.
    std::span<const std::byte> wkb;
};

/// VECTOR (MySQL 9): little-endian IEEE float32 elements, viewed in place (maybe unaligned).
struct vector_value
{
    /// The elements' bytes; a view into the event's buffer, valid while the event lives.
    std::span<const std::byte> raw;

    /// The number of elements.
    [[nodiscard]] std::size_t size() const noexcept { return raw.size() / 4; }
    /// Element `i` (< `size()`, unchecked).
    [[nodiscard]] float operator[](std::size_t i) const noexcept
    {
        std::uint32_t bits = 0;
        for (std::size_t b = 0; b < 4; ++b)
            bits |= std::uint32_t(std::to_integer<std::uint8_t>(raw[4 * i + b])) << (8 * b);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    }
};

/// SQL NULL.
struct null_value
{
    friend bool operator==(null_value, null_value) = default;
};

/// What a `value` holds.
enum class value_kind : std::uint8_t
{
    null,      ///< SQL NULL (`null_value`)
    int64,     ///< TINYINT..BIGINT not known to be UNSIGNED (`std::int64_t`)
    uint64,    ///< integer columns known to be UNSIGNED (`std::uint64_t`; needs signedness metadata)
    float_,    ///< FLOAT (`float`)
    double_,   ///< DOUBLE (`double`)
    decimal,   ///< DECIMAL (`decimal_value`)
    date,      ///< DATE (`date_value`)
    datetime,  ///< DATETIME (`datetime_value`)
    timestamp, ///< TIMESTAMP (`timestamp_value`)
    time,      ///< TIME (`time_value`)
    year,      ///< YEAR (`year_value`)
    bit,       ///< BIT (`bit_value`)
    enum_,     ///< ENUM (`enum_value`)
    set,       ///< SET (`set_value`)
    string,    ///< character and binary strings, TEXT and BLOB (`string_value`)
    json,      ///< JSON (`json_cell`)
    geometry,  ///< GEOMETRY (`geometry_value`)
    vector,    ///< VECTOR (`vector_value`)
};

/// One cell of a row image. Alternatives are listed in `value_kind` order.
class value
{
public:
    /// The alternatives, in `value_kind` order.
    using storage = std::variant<
        null_value,
        std::int64_t,
        std::uint64_t,
        float,
        double,
        decimal_value,
        date_value,
        datetime_value,
        timestamp_value,
        time_value,
        year_value,
        bit_value,
        enum_value,
        set_value,
        string_value,
        json_cell,
        geometry_value,
        vector_value>;

    /// SQL NULL.
    value() = default;
    /// A value holding `v` (one of the alternatives).
    template <class T>
    value(T v) noexcept requires std::is_constructible_v<storage, T> : v_(v)
    {}

    /// Which alternative the value holds.
    [[nodiscard]] value_kind kind() const noexcept { return static_cast<value_kind>(v_.index()); }
    /// Whether the value is SQL NULL.
    [[nodiscard]] bool is_null() const noexcept { return v_.index() == 0; }
    /// The variant, for std::visit.
    [[nodiscard]] const storage& data() const noexcept { return v_; }

    /// Whether the value holds a T.
    template <class T>
    [[nodiscard]] bool is() const noexcept
    {
        return std::holds_alternative<T>(v_);
    }
    /// The held T; `nullptr` if the value holds something else.
    template <class T>
    [[nodiscard]] const T* get_if() const noexcept
    {
        return std::get_if<T>(&v_);
    }
    /// The held T; throws std::bad_variant_access if the value holds something else.
    template <class T>
    [[nodiscard]] const T& get() const
    {
        return std::get<T>(v_);
    }

    // Typed shortcuts (throw std::bad_variant_access on a kind mismatch).
    [[nodiscard]] std::int64_t as_int64() const { return get<std::int64_t>(); }
    [[nodiscard]] std::uint64_t as_uint64() const { return get<std::uint64_t>(); }
    [[nodiscard]] float as_float() const { return get<float>(); }
    [[nodiscard]] double as_double() const { return get<double>(); }
    [[nodiscard]] const decimal_value& as_decimal() const { return get<decimal_value>(); }
    [[nodiscard]] const date_value& as_date() const { return get<date_value>(); }
    [[nodiscard]] const datetime_value& as_datetime() const { return get<datetime_value>(); }
    [[nodiscard]] const timestamp_value& as_timestamp() const { return get<timestamp_value>(); }
    [[nodiscard]] const time_value& as_time() const { return get<time_value>(); }
    [[nodiscard]] const year_value& as_year() const { return get<year_value>(); }
    [[nodiscard]] const bit_value& as_bit() const { return get<bit_value>(); }
    [[nodiscard]] const enum_value& as_enum() const { return get<enum_value>(); }
    [[nodiscard]] const set_value& as_set() const { return get<set_value>(); }
    [[nodiscard]] const string_value& as_string() const { return get<string_value>(); }
    [[nodiscard]] const json_cell& as_json() const { return get<json_cell>(); }
    [[nodiscard]] const geometry_value& as_geometry() const { return get<geometry_value>(); }
    [[nodiscard]] const vector_value& as_vector() const { return get<vector_value>(); }

private:
    storage v_;
};

} // namespace binlogstream
