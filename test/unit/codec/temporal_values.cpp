#include "codec/temporal.hpp"
#include "unit/codec/value_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace binlogstream;
using namespace value_test;

namespace {

struct temporal_case
{
    const char* bytes;
    std::uint16_t fsp;
    const char* expected; // JSON form (dump contract)
};

void check_cases(column_type type, std::initializer_list<temporal_case> cases)
{
    for (const auto& c : cases)
    {
        BOOST_TEST_CONTEXT("type " << int(type) << " fsp " << c.fsp << " bytes " << c.bytes)
        {
            auto col = column(type, c.fsp);
            auto data = hex(c.bytes);
            BOOST_TEST(json_of(col, data) == c.expected);
            (void)decode(col, data, data.size());
            check_truncation_sweep(col, data);
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(temporal_values)

// TIME2 limits, from polardb/polardbx-cdc Time2FieldTest (MySQL's encoding of -838:59:59 and
// 838:59:59 as TIME(0)).
BOOST_AUTO_TEST_CASE(time2_limits)
{
    check_cases(
        column_type::time2,
        {
            {"4b 91 05", 0, "\"-838:59:59\""},
            {"b4 6e fb", 0, "\"838:59:59\""},
            {"80 00 00", 0, "\"00:00:00\""},
        }
    );
    auto v = decode(column(column_type::time2, 0), hex("4b 91 05"), 3);
    BOOST_TEST(v.as_time().negative);
    BOOST_TEST(v.as_time().hours == 838u);
    BOOST_TEST(v.as_time().total_microseconds() == -((838LL * 3600 + 59 * 60 + 59) * 1000000));
}

// Negative TIME2 values with a fraction: the table in MySQL's my_time_packed_from_binary
// (mysys/my_time.cc) lists disk values and the times they hold for TIME(2): the integer part is
// rounded down and the fraction byte stores 0x100 minus the hundredths.
BOOST_AUTO_TEST_CASE(time2_negative_fractions_two_digits)
{
    check_cases(
        column_type::time2,
        {
            {"80 00 00 00", 2, "\"00:00:00.00\""},
            {"7f ff ff ff", 2, "\"-00:00:00.01\""},
            {"7f ff ff 9d", 2, "\"-00:00:00.99\""},
            {"7f ff ff 00", 2, "\"-00:00:01.00\""},
            {"7f ff fe ff", 2, "\"-00:00:01.01\""},
            {"7f ff fe f6", 2, "\"-00:00:01.10\""},
            {"7f ff fe f6", 1, "\"-00:00:01.1\""},
        }
    );
}

// The same rule for TIME(3)/TIME(4) with two fraction bytes (0x10000 minus the 1/10000 units), and
// TIME(5)/TIME(6), whose six bytes are one offset number (TIMEF_OFS = 0x800000000000).
BOOST_AUTO_TEST_CASE(time2_negative_fractions_four_and_six_digits)
{
    check_cases(
        column_type::time2,
        {
            {"7f ff ff ff ff", 4, "\"-00:00:00.0001\""},
            {"7f ff fe ec 78", 4, "\"-00:00:01.5000\""},
            {"7f ff fe ec 78", 3, "\"-00:00:01.500\""},
            {"80 00 01 13 88", 4, "\"00:00:01.5000\""},
            {"7f ff fe ff ff ff", 6, "\"-00:00:01.000001\""},
            {"80 00 01 07 a1 20", 6, "\"00:00:01.500000\""},
            {"b4 6e fb 0f 42 3f", 6, "\"838:59:59.999999\""},
            {"4b 91 04 f0 bd c1", 6, "\"-838:59:59.999999\""},
            {"7f 37 47 f3 f5 ec", 5, "\"-12:34:56.78901\""},
        }
    );
}

// DATETIME2 vectors from polardb/polardbx-cdc DateTime2FieldTest: 2023-08-24 07:54:55 as DATETIME(0)
// and DATETIME(3) (.000 and .456), and the zero datetime; the other precisions use the documented
// fraction widths (1 byte of hundredths, 2 bytes of 1/10000, 3 bytes of microseconds).
BOOST_AUTO_TEST_CASE(datetime2_every_precision)
{
    check_cases(
        column_type::datetime2,
        {
            {"99 b0 f0 7d b7", 0, "\"2023-08-24 07:54:55\""},
            {"99 b0 f0 7d b7 00 00", 3, "\"2023-08-24 07:54:55.000\""},
            {"99 b0 f0 7d b7 11 d0", 3, "\"2023-08-24 07:54:55.456\""},
            {"80 00 00 00 00 00 00", 3, "\"0000-00-00 00:00:00.000\""},
            {"80 00 00 00 00", 0, "\"0000-00-00 00:00:00\""},
            {"99 b0 f0 7d b7 28", 1, "\"2023-08-24 07:54:55.4\""},
            {"99 b0 f0 7d b7 2d", 2, "\"2023-08-24 07:54:55.45\""},
            {"99 b0 f0 7d b7 11 d7", 4, "\"2023-08-24 07:54:55.4567\""},
            {"99 b0 f0 7d b7 06 f8 4c", 5, "\"2023-08-24 07:54:55.45678\""},
            {"99 b0 f0 7d b7 06 f8 55", 6, "\"2023-08-24 07:54:55.456789\""},
        }
    );
    auto v = decode(column(column_type::datetime2, 0), hex("80 00 00 00 00"), 5);
    BOOST_TEST(v.as_datetime().is_zero());
    BOOST_TEST(v.as_datetime().is_invalid());
    BOOST_TEST(!v.is_null());
    auto w = decode(column(column_type::datetime2, 6), hex("99 b0 f0 7d b7 06 f8 55"), 8);
    BOOST_TEST(w.as_datetime().date.year == 2023);
    BOOST_TEST(w.as_datetime().microsecond == 456789u);
    BOOST_TEST(w.as_datetime().fsp == 6);
}

// TIMESTAMP2 limits from polardb/polardbx-cdc Timestamp2FieldTest (seconds 1 and 2^31-1, shown there
// in UTC+8), printed in UTC: the range the MySQL manual gives, '1970-01-01 00:00:01' UTC to
// '2038-01-19 03:14:07' UTC. Zero is the zero timestamp.
BOOST_AUTO_TEST_CASE(timestamp2)
{
    check_cases(
        column_type::timestamp2,
        {
            {"00 00 00 01", 0, "\"1970-01-01 00:00:01\""},
            {"7f ff ff ff", 0, "\"2038-01-19 03:14:07\""},
            {"7f ff ff ff 0f 42 3f", 6, "\"2038-01-19 03:14:07.999999\""},
            {"7f ff ff ff 63", 2, "\"2038-01-19 03:14:07.99\""},
            {"00 00 00 00", 0, "\"0000-00-00 00:00:00\""},
            {"00 00 00 00 00 00", 4, "\"0000-00-00 00:00:00.0000\""},
        }
    );
    auto v = decode(column(column_type::timestamp2, 0), hex("7f ff ff ff"), 4);
    BOOST_TEST(v.as_timestamp().seconds == 2147483647);
    BOOST_TEST(v.as_timestamp().to_utc().date.year == 2038);
}

// Old-format temporals: DATE (3 bytes, day | month << 5 | year << 9), TIME as HHMMSS, DATETIME as
// YYYYMMDDhhmmss, TIMESTAMP as seconds, all little-endian (log_event_print_value).
BOOST_AUTO_TEST_CASE(old_formats_and_dates)
{
    check_cases(
        column_type::date,
        {
            {"18 cf 0f", 0, "\"2023-08-24\""},
            {"00 00 00", 0, "\"0000-00-00\""},
        }
    );
    check_cases(column_type::newdate, {{"18 cf 0f", 0, "\"2023-08-24\""}});
    check_cases(
        column_type::time,
        {
            {"40 e2 01", 0, "\"12:34:56\""},
            {"ff ff ff", 0, "\"-00:00:01\""},
        }
    );
    check_cases(
        column_type::datetime,
        {
            {"bf 20 15 5b 66 12 00 00", 0, "\"2023-08-24 07:54:55\""},
            {"00 00 00 00 00 00 00 00", 0, "\"0000-00-00 00:00:00\""},
        }
    );
    check_cases(
        column_type::timestamp,
        {
            {"01 00 00 00", 0, "\"1970-01-01 00:00:01\""},
            {"00 00 00 00", 0, "\"0000-00-00 00:00:00\""},
        }
    );
    // 2021-02-30 (ALLOW_INVALID_DATES) is kept and flagged.
    std::uint32_t packed = 30 | 2 << 5 | 2021 << 9;
    byte_vector feb30{std::byte(packed & 0xff), std::byte((packed >> 8) & 0xff), std::byte(packed >> 16)};
    auto v = decode(column(column_type::date), feb30, 3);
    BOOST_TEST(v.as_date().is_invalid());
    BOOST_TEST(!v.as_date().is_zero());
    BOOST_TEST(json_of(column(column_type::date), feb30) == "\"2021-02-30\"");
}

// YEAR: 0 stays 0, otherwise 1900 + the byte (log_event_print_value).
BOOST_AUTO_TEST_CASE(year)
{
    check_cases(
        column_type::year,
        {
            {"00", 0, "0"},
            {"01", 0, "1901"},
            {"7b", 0, "2023"},
            {"ff", 0, "2155"},
        }
    );
}

BOOST_AUTO_TEST_CASE(impossible_fractions)
{
    value v;
    std::size_t consumed = 0;
    // fsp 7 does not exist.
    BOOST_TEST(
        codec::decode_cell(column(column_type::time2, 7), hex("80 00 00 00 00 00 00"), v, consumed) ==
        errc::bad_value
    );
    // DATETIME(6) fraction of 1 000 000 microseconds.
    BOOST_TEST(
        codec::decode_cell(column(column_type::datetime2, 6), hex("99 b0 f0 7d b7 0f 42 40"), v, consumed) ==
        errc::bad_value
    );
    // TIMESTAMP(4) fraction 10000 (1/10000 units) is a whole second.
    BOOST_TEST(
        codec::decode_cell(column(column_type::timestamp2, 4), hex("00 00 00 01 27 10"), v, consumed) ==
        errc::bad_value
    );
}

BOOST_AUTO_TEST_SUITE_END()
