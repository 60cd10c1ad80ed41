#include "codec/byte_reader.hpp"

#include "common/bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <array>

using namespace binlogstream;
using codec::byte_reader;

using test::bytes;

BOOST_AUTO_TEST_SUITE(byte_reader_tests)

BOOST_AUTO_TEST_CASE(reads_little_endian_integers)
{
    auto data = bytes(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09);
    byte_reader r(data);
    BOOST_TEST(r.u8() == 0x01);
    BOOST_TEST(r.u16() == 0x0302);
    BOOST_TEST(r.u24() == 0x060504u);
    BOOST_TEST(r.remaining() == 3u);
    BOOST_TEST(r.u32() == 0u); // past the end: 0 and a sticky error
    BOOST_TEST(r.error() == errc::truncated_event);
    BOOST_TEST(r.u8() == 0); // sticky
}

BOOST_AUTO_TEST_CASE(lenenc_integers_and_strings)
{
    // clang-format off
    auto data = bytes(0xfa,
                      0xfc, 0x34, 0x12,
                      0xfd, 0x56, 0x34, 0x12,
                      0xfe, 1, 0, 0, 0, 0, 0, 0, 0x80,
                      0x03, 'a', 'b', 'c');
    // clang-format on
    byte_reader r(data);
    BOOST_TEST(r.lenenc() == 250u);
    BOOST_TEST(r.lenenc() == 0x1234u);
    BOOST_TEST(r.lenenc() == 0x123456u);
    BOOST_TEST(r.lenenc() == 0x8000000000000001ull);
    BOOST_TEST(r.lenenc_string() == "abc");
    BOOST_TEST(r.ok());
    BOOST_TEST(r.empty());
}

BOOST_AUTO_TEST_CASE(lenenc_null_and_bad_prefix)
{
    auto null = bytes(0xfb);
    byte_reader r1(null);
    bool is_null = false;
    (void)r1.lenenc_or_null(is_null);
    BOOST_TEST(is_null);
    byte_reader r2(null);
    (void)r2.lenenc();
    BOOST_TEST(r2.error() == errc::malformed_packet);
    auto ff = bytes(0xff);
    byte_reader r3(ff);
    (void)r3.lenenc_or_null(is_null);
    BOOST_TEST(r3.error() == errc::malformed_packet);
}

BOOST_AUTO_TEST_CASE(truncated_lenenc_string_is_an_error)
{
    auto data = bytes(0x05, 'a', 'b');
    byte_reader r(data);
    BOOST_TEST(r.lenenc_string().empty());
    BOOST_TEST(r.error() == errc::truncated_event);
}

BOOST_AUTO_TEST_CASE(null_terminated_needs_its_terminator)
{
    auto ok = bytes('h', 'i', 0, 'x');
    byte_reader r(ok);
    BOOST_TEST(r.null_terminated() == "hi");
    BOOST_TEST(r.remaining() == 1u);
    auto bad = bytes('h', 'i');
    byte_reader r2(bad);
    BOOST_TEST(r2.null_terminated().empty());
    BOOST_TEST(!r2.ok());
}

BOOST_AUTO_TEST_CASE(big_endian_loads)
{
    auto data = bytes(0x80, 0x00, 0x01);
    BOOST_TEST(codec::load_be<3>(data.data()) == 0x800001u);
}

BOOST_AUTO_TEST_CASE(error_codes_have_messages_and_retryability)
{
    std::error_code ec = errc::heartbeat_timeout;
    BOOST_TEST(ec.category().name() == std::string("binlogstream"));
    BOOST_TEST(!ec.message().empty());
    BOOST_TEST(is_retryable(ec));
    BOOST_TEST(!is_retryable(errc::bad_checksum));
    BOOST_TEST(!is_retryable(make_server_error(1045)));
    BOOST_TEST(is_retryable(make_server_error(1927)));
    diagnostics d;
    d.set_server("28000", "Access denied for user 'x'");
    error e(make_server_error(1045), d);
    BOOST_TEST(std::string(e.what()).find("28000") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
