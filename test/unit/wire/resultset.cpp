#include "test_bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/resultset.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::from_hex;
using binlogstream::test::load_capture;
using binlogstream::test::split_frames;

namespace {

std::error_code feed_all(
    const std::vector<std::vector<std::byte>>& packets,
    bool deprecate_eof,
    text_result& out,
    diagnostics& diag
)
{
    text_resultset_parser parser(out, deprecate_eof);
    bool done = false;
    for (std::size_t i = 0; i < packets.size(); ++i)
    {
        if (auto ec = parser.on_packet(packets[i], done, diag))
            return ec;
        if (done != (i + 1 == packets.size()))
            return errc::unexpected_packet;
    }
    return done ? std::error_code{} : make_error_code(errc::truncated_event);
}

// Both captures hold SELECT 1 AS a, NULL AS b, 'xyz' AS c UNION ALL SELECT 2, 'n', NULL.
void check_select(const text_result& r)
{
    BOOST_TEST_REQUIRE(r.columns.size() == 3u);
    BOOST_TEST(r.columns[0].name == "a");
    BOOST_TEST(r.columns[1].name == "b");
    BOOST_TEST(r.columns[2].name == "c");
    BOOST_TEST(r.columns[0].type == 3u);     // LONG
    BOOST_TEST(r.columns[2].type == 253u);   // VAR_STRING
    BOOST_TEST(r.columns[0].charset == 63u); // binary
    BOOST_TEST(r.columns[0].flags == 0x81u); // NOT_NULL | BINARY
    BOOST_TEST_REQUIRE(r.rows.size() == 2u);
    BOOST_TEST((r.rows[0][0] == std::optional<std::string>("1")));
    BOOST_TEST(!r.rows[0][1].has_value());
    BOOST_TEST((r.rows[0][2] == std::optional<std::string>("xyz")));
    BOOST_TEST((r.rows[1][0] == std::optional<std::string>("2")));
    BOOST_TEST((r.rows[1][1] == std::optional<std::string>("n")));
    BOOST_TEST(!r.rows[1][2].has_value());
    BOOST_TEST(r.status == 2u);
}

} // namespace

BOOST_AUTO_TEST_SUITE(wire_resultset)

BOOST_AUTO_TEST_CASE(with_eof_packets)
{
    auto packets = split_frames(load_capture("query_eof.hex"));
    BOOST_TEST(packets.size() == 8u); // count, 3 columns, EOF, 2 rows, EOF
    text_result r;
    diagnostics diag;
    BOOST_TEST_REQUIRE(!feed_all(packets, false, r, diag));
    check_select(r);
}

BOOST_AUTO_TEST_CASE(with_deprecate_eof)
{
    auto packets = split_frames(load_capture("query_deprecate_eof.hex"));
    BOOST_TEST(packets.size() == 7u); // count, 3 columns, 2 rows, OK (0xfe)
    text_result r;
    diagnostics diag;
    BOOST_TEST_REQUIRE(!feed_all(packets, true, r, diag));
    check_select(r);
}

BOOST_AUTO_TEST_CASE(ok_only)
{
    auto packets = split_frames(load_capture("query_ok.hex"));
    text_result r;
    diagnostics diag;
    BOOST_TEST_REQUIRE(!feed_all(packets, true, r, diag));
    BOOST_TEST(r.columns.empty());
    BOOST_TEST(r.rows.empty());
    BOOST_TEST(r.status == 2u);
}

BOOST_AUTO_TEST_CASE(server_error)
{
    auto packets = split_frames(load_capture("query_err.hex"));
    text_result r;
    diagnostics diag;
    BOOST_TEST(feed_all(packets, true, r, diag) == make_server_error(1054));
    BOOST_TEST(diag.sql_state() == "42S22");
    BOOST_TEST(diag.server_message() == "Unknown column 'nosuch' in 'SELECT'");
}

BOOST_AUTO_TEST_CASE(error_after_rows)
{
    // A query killed while rows stream: ERR replaces the terminator (1317, 70100).
    auto packets = split_frames(load_capture("query_deprecate_eof.hex"));
    packets.back() = from_hex("ff 25 05 23 37 30 31 30 30 51 75 65 72 79 20 65 78 65 63 75 74 69 6f 6e");
    text_result r;
    diagnostics diag;
    BOOST_TEST(feed_all(packets, true, r, diag) == make_server_error(1317));
    BOOST_TEST(diag.sql_state() == "70100");
}

BOOST_AUTO_TEST_CASE(wrong_mode_is_detected)
{
    // Reading a DEPRECATE_EOF result as if EOF packets came: the first row is not an EOF.
    auto packets = split_frames(load_capture("query_deprecate_eof.hex"));
    text_result r;
    diagnostics diag;
    BOOST_TEST(feed_all(packets, false, r, diag) == make_error_code(errc::unexpected_packet));
}

BOOST_AUTO_TEST_CASE(column_definition_truncation_sweep)
{
    auto packets = split_frames(load_capture("query_eof.hex"));
    const auto& def = packets.at(1);
    column_definition col;
    BOOST_TEST_REQUIRE(!parse_column_definition(def, col));
    BOOST_TEST(col.name == "a");
    for (std::size_t n = 0; n < def.size(); ++n)
    {
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            BOOST_TEST(parse_column_definition(std::span(def).first(n), col));
        }
    }
    auto longer = def;
    longer.push_back(std::byte{0});
    BOOST_TEST(parse_column_definition(longer, col) == make_error_code(errc::extra_bytes));
}

BOOST_AUTO_TEST_CASE(row_truncation_sweep)
{
    auto packets = split_frames(load_capture("query_eof.hex"));
    const auto& row = packets.at(5); // 01 31 fb 03 78 79 7a
    std::vector<std::optional<std::string>> cells;
    BOOST_TEST_REQUIRE(!parse_text_row(row, 3, cells));
    for (std::size_t n = 0; n < row.size(); ++n)
    {
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            BOOST_TEST(parse_text_row(std::span(row).first(n), 3, cells));
        }
    }
    BOOST_TEST(parse_text_row(row, 2, cells) == make_error_code(errc::extra_bytes));
    BOOST_TEST(parse_text_row(row, 4, cells) == make_error_code(errc::truncated_event));
}

BOOST_AUTO_TEST_CASE(stream_truncation_sweep)
{
    // Every prefix of the packet sequence leaves the parser not done; every prefix of any packet
    // fails or leaves it not done, never crashes.
    auto packets = split_frames(load_capture("query_eof.hex"));
    for (std::size_t k = 0; k < packets.size(); ++k)
    {
        for (std::size_t n = 0; n < packets[k].size(); ++n)
        {
            BOOST_TEST_CONTEXT("packet " << k << " prefix " << n)
            {
                text_result r;
                diagnostics diag;
                text_resultset_parser parser(r, false);
                bool done = false;
                std::error_code ec;
                for (std::size_t i = 0; i < k && !ec; ++i)
                    ec = parser.on_packet(packets[i], done, diag);
                BOOST_TEST_REQUIRE(!ec);
                ec = parser.on_packet(std::span(packets[k]).first(n), done, diag);
                BOOST_TEST(!done);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(unexpected_packets)
{
    text_result r;
    diagnostics diag;
    bool done = false;
    {
        text_resultset_parser p(r, true);
        BOOST_TEST(
            p.on_packet(from_hex("fb 66 69 6c 65"), done, diag) == make_error_code(errc::unexpected_packet)
        );
    }
    {
        text_resultset_parser p(r, true);
        BOOST_TEST(p.on_packet(from_hex("00"), done, diag)
        ); // column count 0 is impossible... and a truncated OK
    }
    {
        text_resultset_parser p(r, true);
        BOOST_TEST(p.on_packet(from_hex("01 02"), done, diag) == make_error_code(errc::extra_bytes));
    }
    {
        text_resultset_parser p(r, true);
        BOOST_TEST(p.on_packet({}, done, diag) == make_error_code(errc::malformed_packet));
    }
    {
        text_resultset_parser p(r, true);
        BOOST_TEST_REQUIRE(!p.on_packet(from_hex("00 00 00 02 00 00 00"), done, diag));
        BOOST_TEST(done);
        BOOST_TEST(
            p.on_packet(from_hex("00 00 00 02 00 00 00"), done, diag) ==
            make_error_code(errc::unexpected_packet)
        );
    }
}

BOOST_AUTO_TEST_SUITE_END()

// A server may send rows without end: the limits stop the parser at the first row or byte past
// them, with resultset_too_large. The rows are the capture's (SELECT 1, NULL, 'xyz' ...), repeated.
BOOST_AUTO_TEST_CASE(row_and_byte_limits)
{
    auto packets = split_frames(load_capture("query_deprecate_eof.hex")); // count, 3 columns, 2 rows, OK
    auto feed_rows = [&](resultset_limits limits, std::size_t rows, std::size_t& kept) {
        text_result r;
        diagnostics diag;
        text_resultset_parser parser(r, true, limits);
        bool done = false;
        std::error_code ec;
        for (std::size_t i = 0; i < 4 && !ec; ++i)
            ec = parser.on_packet(packets[i], done, diag);
        for (std::size_t i = 0; i < rows && !ec; ++i)
            ec = parser.on_packet(packets[4 + i % 2], done, diag);
        if (!ec)
            ec = parser.on_packet(packets[6], done, diag);
        kept = r.rows.size();
        return ec;
    };
    std::size_t kept = 0;
    BOOST_TEST(!feed_rows({.max_rows = 10, .max_bytes = 0}, 10, kept));
    BOOST_TEST(kept == 10u);
    BOOST_TEST(feed_rows({.max_rows = 10, .max_bytes = 0}, 11, kept) == errc::resultset_too_large);
    BOOST_TEST(kept == 10u); // stopped at the row past the limit, before keeping it

    // Bytes: the three column definitions and the rows count, with the memory their kept form
    // adds (a NULL takes a byte on the wire, a whole cell in memory); an exact fit passes.
    std::size_t header =
        packets[1].size() + packets[2].size() + packets[3].size() + 3 * sizeof(column_definition);
    std::size_t two_rows =
        packets[4].size() + packets[5].size() + 2 * (sizeof(text_row) + 3 * sizeof(text_cell));
    BOOST_TEST(!feed_rows({.max_rows = 0, .max_bytes = header + 5 * two_rows}, 10, kept));
    BOOST_TEST(
        feed_rows({.max_rows = 0, .max_bytes = header + 5 * two_rows - 1}, 10, kept) ==
        errc::resultset_too_large
    );
    BOOST_TEST(feed_rows({.max_rows = 0, .max_bytes = header - 1}, 0, kept) == errc::resultset_too_large);

    // No limits: everything is kept.
    BOOST_TEST(!feed_rows({}, 100000, kept));
    BOOST_TEST(kept == 100000u);
}
