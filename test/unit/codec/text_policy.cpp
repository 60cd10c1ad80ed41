// Query statement text to UTF-8 under the undecodable-text policy (text.hpp): the session's
// character_set_client decides the conversion, strict errors say where. Cells are tested against
// the sandbox (integration/stream_invalid_text.cpp), where a real server logged invalid bytes.

#include <binlogstream/text.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace bls = binlogstream;

namespace {

bls::query_event query(std::string_view sql, std::uint16_t client_collation)
{
    bls::query_event q;
    q.query = sql;
    q.schema = "shop";
    q.status.charset = bls::query_status_vars::charset_t{client_collation, client_collation, 8};
    q.header.log_pos = 1300;
    q.header.event_size = 100;
    return q;
}

} // namespace

BOOST_AUTO_TEST_SUITE(text_policy)

BOOST_AUTO_TEST_CASE(latin1_statement_text_is_converted)
{
    // 8 = latin1_swedish_ci; E9 is é there (and invalid as UTF-8).
    auto q = query("SELECT 'caf\xE9'", 8);
    std::string out;
    BOOST_TEST(!bls::to_utf8(q, out, bls::text_errors::strict));
    BOOST_TEST(out == "SELECT 'caf\xC3\xA9'");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_statement_text_under_both_policies)
{
    auto q = query("DROP TABLE t /* \xFF */", 45); // utf8mb4_general_ci
    std::string out = "kept";
    bls::diagnostics diag;
    BOOST_TEST(
        bls::to_utf8(q, out, bls::text_errors::strict, &diag, "mysql-bin.000007") == bls::errc::invalid_text
    );
    BOOST_TEST(out == "kept");
    BOOST_TEST(
        diag.client_message() ==
        "statement text invalid in its charset (character_set_client 45) in the query event on `shop`, the "
        "event at mysql-bin.000007:1200 (ending at 1300)"
    );
    out.clear();
    BOOST_TEST(!bls::to_utf8(q, out, bls::text_errors::replace));
    BOOST_TEST(out == "DROP TABLE t /* \xEF\xBF\xBD */");
}

BOOST_AUTO_TEST_SUITE_END()
