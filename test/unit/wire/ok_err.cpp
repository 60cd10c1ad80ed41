#include "test_bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/ok_err.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::from_hex;
using binlogstream::test::load_capture;
using binlogstream::test::split_frames;

BOOST_AUTO_TEST_SUITE(wire_ok_err)

BOOST_AUTO_TEST_CASE(ok_from_server)
{
    // test/data/wire/query_ok.hex: MariaDB's OK for "DO 1" (autocommit status 0x0002).
    auto packet = split_frames(load_capture("query_ok.hex")).at(0);
    ok_packet ok;
    BOOST_TEST_REQUIRE(!parse_ok(packet, ok));
    BOOST_TEST(ok.affected_rows == 0u);
    BOOST_TEST(ok.last_insert_id == 0u);
    BOOST_TEST(ok.status == 2u);
    BOOST_TEST(ok.warnings == 0u);
    BOOST_TEST(ok.info.empty());
}

BOOST_AUTO_TEST_CASE(ok_documentation_example)
{
    // OK_Packet documentation example: 07 00 00 02 00 00 00 02 00 00 00 (payload after the header).
    ok_packet ok;
    BOOST_TEST_REQUIRE(!parse_ok(from_hex("00 00 00 02 00 00 00"), ok));
    BOOST_TEST(ok.status == 2u);
    // With lenenc counters and an info text.
    auto with_info = from_hex("00 fc 00 01 05 22 00 01 00 61 62"); // views point into it
    BOOST_TEST_REQUIRE(!parse_ok(with_info, ok));
    BOOST_TEST(ok.affected_rows == 256u);
    BOOST_TEST(ok.last_insert_id == 5u);
    BOOST_TEST(ok.status == 0x22u);
    BOOST_TEST(ok.warnings == 1u);
    BOOST_TEST(ok.info == "ab");
}

BOOST_AUTO_TEST_CASE(ok_truncation_sweep)
{
    auto full = from_hex("00 fc 00 01 05 22 00 01 00");
    for (std::size_t n = 0; n < full.size(); ++n)
    {
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            ok_packet ok;
            BOOST_TEST(parse_ok(std::span(full).first(n), ok));
        }
    }
}

BOOST_AUTO_TEST_CASE(err_from_server)
{
    // test/data/wire/err_access_denied.hex: MariaDB refusing a wrong password.
    auto packet = split_frames(load_capture("err_access_denied.hex")).at(0);
    err_packet err;
    BOOST_TEST_REQUIRE(!parse_err(packet, err));
    BOOST_TEST(err.code == 1045u);
    BOOST_TEST(err.sql_state == "28000");
    BOOST_TEST(err.message == "Access denied for user 'repl'@'localhost' (using password: YES)");

    diagnostics diag;
    auto ec = server_error(packet, diag);
    BOOST_TEST(ec == make_server_error(1045));
    BOOST_TEST((ec.category() == server_category()));
    BOOST_TEST(diag.sql_state() == "28000");
    BOOST_TEST(diag.server_message() == "Access denied for user 'repl'@'localhost' (using password: YES)");
}

BOOST_AUTO_TEST_CASE(err_documentation_example)
{
    // ERR_Packet documentation example: ff 48 04 23 48 59 30 30 30 "No tables used".
    err_packet err;
    auto no_tables = from_hex("ff 48 04 23 48 59 30 30 30 4e 6f 20 74 61 62 6c 65 73 20 75 73 65 64");
    BOOST_TEST_REQUIRE(!parse_err(no_tables, err));
    BOOST_TEST(err.code == 1096u);
    BOOST_TEST(err.sql_state == "HY000");
    BOOST_TEST(err.message == "No tables used");
    // Before the capability exchange there is no '#' and no SQLSTATE.
    auto too_many = from_hex("ff 10 04 54 6f 6f 20 6d 61 6e 79");
    BOOST_TEST_REQUIRE(!parse_err(too_many, err));
    BOOST_TEST(err.code == 1040u);
    BOOST_TEST(err.sql_state.empty());
    BOOST_TEST(err.message == "Too many");
}

BOOST_AUTO_TEST_CASE(err_truncation_sweep)
{
    auto full = from_hex("ff 48 04 23 48 59 30 30 30");
    for (std::size_t n = 0; n < full.size(); ++n)
    {
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            err_packet err;
            diagnostics diag;
            // Cutting at "ff 48 04" leaves a valid SQLSTATE-less ERR; everything else fails.
            if (n == 3)
                continue;
            BOOST_TEST(parse_err(std::span(full).first(n), err));
            BOOST_TEST((server_error(std::span(full).first(n), diag).category() == client_category()));
        }
    }
}

BOOST_AUTO_TEST_CASE(eof)
{
    // EOF_Packet documentation example: fe 00 00 02 00.
    eof_packet eof;
    BOOST_TEST_REQUIRE(!parse_eof(from_hex("fe 00 00 02 00"), eof));
    BOOST_TEST(eof.warnings == 0u);
    BOOST_TEST(eof.status == 2u);
    BOOST_TEST(parse_eof(from_hex("fe 00 00 02"), eof) == make_error_code(errc::truncated_event));
    BOOST_TEST(parse_eof(from_hex("fe 00 00 02 00 00"), eof) == make_error_code(errc::extra_bytes));
    BOOST_TEST(parse_eof(from_hex("00 00 00 02 00"), eof) == make_error_code(errc::unexpected_packet));
    BOOST_TEST(is_eof_or_ok_fe(from_hex("fe 00 00 02 00"), false));
    BOOST_TEST(!is_eof_or_ok_fe(from_hex("fe 01 02 03 04 05 06 07 08"), false)); // a row: 8-byte lenenc
    BOOST_TEST(is_eof_or_ok_fe(from_hex("fe 01 02 03 04 05 06 07 08"), true));
    BOOST_TEST(!is_eof_or_ok_fe({}, true));
}

BOOST_AUTO_TEST_CASE(wrong_headers)
{
    ok_packet ok;
    err_packet err;
    BOOST_TEST(parse_ok(from_hex("ff 00 00 02 00 00 00"), ok) == make_error_code(errc::unexpected_packet));
    BOOST_TEST(parse_err(from_hex("00 00 00 02 00 00 00"), err) == make_error_code(errc::unexpected_packet));
    // 0xff is not a valid lenenc prefix.
    BOOST_TEST(parse_ok(from_hex("00 ff 00 02 00 00 00"), ok) == make_error_code(errc::malformed_packet));
}

BOOST_AUTO_TEST_SUITE_END()
