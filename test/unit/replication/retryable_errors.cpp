// Which failures a stream reconnects after (is_retryable), with the error codes Asio 1.22 really
// produces: its socket errors live in the "asio.system" category, not std::system_category(). The
// sandbox showed it: a server restart made the stream give up on "Connection refused".

#include <binlogstream/error.hpp>

#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

using namespace binlogstream;

BOOST_AUTO_TEST_SUITE(retryable_errors)

BOOST_AUTO_TEST_CASE(transport_failures_are_retryable)
{
    BOOST_TEST(is_retryable(asio::error::make_error_code(asio::error::connection_refused)));
    BOOST_TEST(is_retryable(asio::error::make_error_code(asio::error::connection_reset)));
    BOOST_TEST(is_retryable(asio::error::make_error_code(asio::error::broken_pipe)));
    BOOST_TEST(is_retryable(asio::error::make_error_code(asio::error::eof)));
    BOOST_TEST(is_retryable(std::make_error_code(std::errc::connection_refused)));
}

BOOST_AUTO_TEST_CASE(a_refused_connect_is_retryable)
{
    // Port 1 on loopback: nothing listens there on a test machine.
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    std::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), 1}, ec);
    BOOST_REQUIRE(ec);
    BOOST_TEST(is_retryable(ec), ec.category().name() << ": " << ec.message());
}

BOOST_AUTO_TEST_CASE(what_would_recur_is_not)
{
    BOOST_TEST(!is_retryable(make_server_error(1236))); // binlog purged
    BOOST_TEST(!is_retryable(make_server_error(4052))); // another replica with this server_id
    BOOST_TEST(!is_retryable(make_error_code(errc::bad_checksum)));
    BOOST_TEST(!is_retryable(std::error_code{}));
}

BOOST_AUTO_TEST_SUITE_END()
