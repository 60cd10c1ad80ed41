// The replication session: exact action sequences for MySQL and MariaDB starts, and the dump-stream
// packet classification.
//
// Third-party vectors: MariaDB KB "COM_REGISTER_SLAVE" (server-id 10101, report host slave_n_1, port
// 23241) and "5-Slave Registration" (the statements a MariaDB replica sends, in order); the MySQL
// protocol documentation's OK_Packet (00 00 00 02 00 00 00), EOF_Packet (fe 00 00 02 00) and
// ERR_Packet (ff 48 04 23 "HY000" "No tables used") examples; version strings from the FDEs of the
// shared test binlogs (MANIFEST.md).

#include "replication/session.hpp"

#include "common/bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace binlogstream;
using namespace binlogstream::replication;
using namespace std::chrono_literals;

namespace {

using test::bytes;
using test::with_text;

// clang-format off
const auto ok_packet = bytes(0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00);
const auto eof_packet = bytes(0xfe, 0x00, 0x00, 0x02, 0x00);
const auto err_packet = with_text(bytes(0xff, 0x48, 0x04, 0x23), "HY000No tables used");
// The KB's COM_REGISTER_SLAVE payload.
const auto kb_register = with_text(bytes(0x15, 0x75, 0x27, 0x00, 0x00, 0x09), "slave_n_1",
                                   bytes(0x00, 0x00, 0xc9, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
// clang-format on

session_config kb_replica(server_kind kind, server_version version, start_position start)
{
    session_config c;
    c.kind = kind;
    c.version = version;
    c.server_id = 10101;
    c.start = std::move(start);
    c.report_host = "slave_n_1";
    c.report_port = 23241;
    return c;
}

const std::string mysql_checksum = "SET @source_binlog_checksum = @@global.binlog_checksum, "
                                   "@master_binlog_checksum = @@global.binlog_checksum";

std::string query_of(const action& a)
{
    BOOST_REQUIRE(std::holds_alternative<run_query>(a));
    return std::get<run_query>(a).sql;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replication_session)

BOOST_AUTO_TEST_CASE(server_versions)
{
    struct row
    {
        const char* text;
        server_kind kind;
        server_version version;
    };
    const row rows[] = {
        {"8.0.40", server_kind::mysql, {8, 0, 40}},
        {"5.7.22-debug-log", server_kind::mysql, {5, 7, 22}},
        {"8.0.2-dmr-debug-log-asan", server_kind::mysql, {8, 0, 2}},
        {"9.6.0", server_kind::mysql, {9, 6, 0}},
        {"11.8.5-MariaDB-ubu2404-log", server_kind::mariadb, {11, 8, 5}},
        {"10.5.15-MariaDB-1:10.5.15+maria~focal-log", server_kind::mariadb, {10, 5, 15}},
        {"5.5.5-10.11.13-MariaDB-0ubuntu0.24.04.1-log", server_kind::mariadb, {10, 11, 13}},
        {"10.0.17-MariaDB-1~wheezy-log", server_kind::mariadb, {10, 0, 17}},
        {"", server_kind::mysql, {0, 0, 0}},
        {"8.", server_kind::mysql, {8, 0, 0}},
    };
    for (const auto& r : rows)
    {
        BOOST_TEST_CONTEXT(r.text)
        {
            BOOST_TEST((detect_server_kind(r.text) == r.kind));
            BOOST_TEST((parse_server_version(r.text) == r.version));
        }
    }
}

BOOST_AUTO_TEST_CASE(current_position_statement_by_version)
{
    BOOST_TEST(current_position_query(server_kind::mysql, {8, 4, 0}) == "SHOW BINARY LOG STATUS");
    BOOST_TEST(current_position_query(server_kind::mysql, {8, 2, 0}) == "SHOW BINARY LOG STATUS");
    BOOST_TEST(current_position_query(server_kind::mysql, {8, 1, 0}) == "SHOW MASTER STATUS");
    BOOST_TEST(current_position_query(server_kind::mysql, {5, 7, 44}) == "SHOW MASTER STATUS");
    BOOST_TEST(current_position_query(server_kind::mariadb, {10, 5, 2}) == "SHOW BINLOG STATUS");
    BOOST_TEST(current_position_query(server_kind::mariadb, {11, 8, 5}) == "SHOW BINLOG STATUS");
    BOOST_TEST(current_position_query(server_kind::mariadb, {10, 5, 1}) == "SHOW MASTER STATUS");
    BOOST_TEST(current_position_query(server_kind::mariadb, {10, 4, 30}) == "SHOW MASTER STATUS");
}

BOOST_AUTO_TEST_CASE(mysql_84_from_current_position)
{
    auto config = kb_replica(server_kind::mysql, {8, 4, 3}, start_at_current{});
    config.heartbeat_period = 5s;
    config.replica_uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
    session s(config);

    BOOST_TEST(query_of(s.start()) == mysql_checksum);
    BOOST_TEST(
        query_of(s.on_query_done({})) ==
        "SET @source_heartbeat_period = 5000000000, @master_heartbeat_period = 5000000000"
    );
    BOOST_TEST(
        query_of(s.on_query_done({})) == "SET @slave_uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562', "
                                         "@replica_uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562'"
    );
    auto status = s.on_query_done({});
    BOOST_TEST(query_of(status) == "SHOW BINARY LOG STATUS");
    BOOST_TEST((std::get<run_query>(status).kind == run_query::purpose::current_position));
    BOOST_TEST((s.current_state() == session::state::current_position));

    auto reg = s.on_current_position("binlog.000002", 1588, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
    BOOST_REQUIRE(std::holds_alternative<send_command>(reg));
    BOOST_TEST(std::get<send_command>(reg).expects_reply);
    BOOST_TEST((std::get<send_command>(reg).payload == kb_register));

    auto dump = s.on_packet(ok_packet);
    BOOST_REQUIRE(std::holds_alternative<send_command>(dump));
    BOOST_TEST(!std::get<send_command>(dump).expects_reply);
    // COM_BINLOG_DUMP, position 1588 (34 06 00 00), flags 2 (USE_HEARTBEAT_EVENT_V2, MySQL >=
    // 8.0.26), server id 10101, the file name.
    auto expected =
        with_text(bytes(0x12, 0x34, 0x06, 0x00, 0x00, 0x02, 0x00, 0x75, 0x27, 0x00, 0x00), "binlog.000002");
    BOOST_TEST((std::get<send_command>(dump).payload == expected));
    BOOST_TEST((s.current_state() == session::state::streaming));

    const file_position start{"binlog.000002", 1588};
    BOOST_TEST((s.initial_position().file == start));
    BOOST_REQUIRE(s.initial_position().gtids);
    BOOST_TEST(s.initial_position().gtids->to_string() == "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");

    auto event = bytes(0x00, 0xaa, 0xbb, 0xcc);
    auto delivered = s.on_packet(event);
    BOOST_REQUIRE(std::holds_alternative<deliver_event>(delivered));
    BOOST_TEST(std::get<deliver_event>(delivered).event.size() == 3u);
    BOOST_TEST((std::get<deliver_event>(delivered).event.data() == event.data() + 1));

    auto failed = s.on_packet(err_packet);
    BOOST_REQUIRE(std::holds_alternative<session_error>(failed));
    BOOST_TEST(std::get<session_error>(failed).ec == make_server_error(1096));
    BOOST_TEST(std::get<session_error>(failed).diag.sql_state() == "HY000");
    BOOST_TEST(std::get<session_error>(failed).diag.server_message() == "No tables used");
    BOOST_TEST((s.current_state() == session::state::done));
}

BOOST_AUTO_TEST_CASE(mysql_80_current_position_uses_show_master_status)
{
    session s(kb_replica(server_kind::mysql, {8, 0, 40}, start_at_current{}));
    BOOST_TEST(query_of(s.start()) == mysql_checksum);
    BOOST_TEST(query_of(s.on_query_done({})) == "SHOW MASTER STATUS");
    auto reg = s.on_current_position("mysql-bin.000001", 4, "");
    BOOST_TEST(std::holds_alternative<send_command>(reg));
    BOOST_TEST(!s.initial_position().gtids); // no GTIDs: file positions only
}

BOOST_AUTO_TEST_CASE(mysql_gtid_start_non_blocking)
{
    auto config = kb_replica(
        server_kind::mysql, {8, 0, 40}, gtid_set::parse("b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2")
    );
    config.blocking = false;
    session s(config);
    BOOST_TEST(query_of(s.start()) == mysql_checksum);
    auto reg = s.on_query_done({});
    BOOST_REQUIRE(std::holds_alternative<send_command>(reg));
    auto dump = s.on_packet(ok_packet);
    BOOST_REQUIRE(std::holds_alternative<send_command>(dump));
    // clang-format off
    auto expected = bytes(0x1e, 0x07, 0x00,              // NON_BLOCK | HEARTBEAT_V2 | THROUGH_GTID
                          0x75, 0x27, 0x00, 0x00,        // server id 10101
                          0x00, 0x00, 0x00, 0x00,        // no file name
                          0x04, 0, 0, 0, 0, 0, 0, 0,     // position 4
                          0x30, 0x00, 0x00, 0x00,        // 48 bytes of GTID data
                          0x01, 0, 0, 0, 0, 0, 0, 0,     // the MySQL 8.0.40 PREVIOUS_GTIDS body
                          0xb9, 0xb8, 0x8c, 0x66, 0x07, 0x55, 0x11, 0xf1,
                          0x98, 0x99, 0x4a, 0x9d, 0xa9, 0x4c, 0x4d, 0x71,
                          0x01, 0, 0, 0, 0, 0, 0, 0,
                          0x01, 0, 0, 0, 0, 0, 0, 0,
                          0x03, 0, 0, 0, 0, 0, 0, 0);
    // clang-format on
    BOOST_TEST((std::get<send_command>(dump).payload == expected));
    BOOST_TEST((std::holds_alternative<stream_end>(s.on_packet(eof_packet))));
    BOOST_TEST((s.current_state() == session::state::done));
}

BOOST_AUTO_TEST_CASE(mariadb_gtid_start_follows_the_kb_sequence)
{
    auto config = kb_replica(server_kind::mariadb, {10, 11, 6}, mariadb_gtid_list::parse("0-10201-9868"));
    config.heartbeat_period = 30000001024ns; // the value the KB shows a MariaDB replica sending
    config.replica_uuid = "not used by MariaDB";
    session s(config);
    std::vector<std::string> queries{query_of(s.start())};
    action a = s.on_query_done({});
    while (std::holds_alternative<run_query>(a))
    {
        queries.push_back(std::get<run_query>(a).sql);
        a = s.on_query_done({});
    }
    const std::vector<std::string> expected = {
        "SET @master_binlog_checksum = @@global.binlog_checksum",
        "SET @master_heartbeat_period = 30000001024",
        "SET @mariadb_slave_capability = 4",
        "SET @slave_connect_state = '0-10201-9868'",
        "SET @slave_gtid_strict_mode = 0",
        "SET @slave_gtid_ignore_duplicates = 0",
    };
    BOOST_TEST(queries == expected, boost::test_tools::per_element());
    BOOST_REQUIRE(std::holds_alternative<send_command>(a));
    BOOST_TEST((std::get<send_command>(a).payload == kb_register));
    auto dump = s.on_packet(ok_packet);
    BOOST_REQUIRE(std::holds_alternative<send_command>(dump));
    // COM_BINLOG_DUMP with position 4 and no file: the server starts from @slave_connect_state.
    BOOST_TEST((std::get<send_command>(dump).payload == bytes(0x12, 0x04, 0, 0, 0, 0, 0, 0x75, 0x27, 0, 0)));
    BOOST_REQUIRE(s.initial_position().mariadb_gtids);
    BOOST_TEST(s.initial_position().mariadb_gtids->to_string() == "0-10201-9868");
}

BOOST_AUTO_TEST_CASE(mariadb_file_start_with_annotate_rows)
{
    auto config = kb_replica(server_kind::mariadb, {10, 5, 15}, file_position{"mysql-bin.000034", 1588});
    config.mariadb_annotate_rows = true;
    session s(config);
    BOOST_TEST(query_of(s.start()) == "SET @master_binlog_checksum = @@global.binlog_checksum");
    BOOST_TEST(query_of(s.on_query_done({})) == "SET @mariadb_slave_capability = 4");
    auto reg = s.on_query_done({});
    BOOST_REQUIRE(std::holds_alternative<send_command>(reg));
    auto dump = s.on_packet(ok_packet);
    BOOST_REQUIRE(std::holds_alternative<send_command>(dump));
    // The KB's COM_BINLOG_DUMP example byte for byte (flags 2 = BINLOG_SEND_ANNOTATE_ROWS_EVENT).
    auto expected = with_text(
        bytes(0x12, 0x34, 0x06, 0x00, 0x00, 0x02, 0x00, 0x75, 0x27, 0x00, 0x00), "mysql-bin.000034"
    );
    BOOST_TEST((std::get<send_command>(dump).payload == expected));
}

// MariaDB sends an EOF packet to its blocking dump threads when it shuts down (seen against the
// sandbox: SIGTERM during a blocking dump). That is a lost connection to retry, never the end of the
// stream, which only a non-blocking dump has.
BOOST_AUTO_TEST_CASE(eof_in_a_blocking_dump_is_a_lost_connection)
{
    auto config = kb_replica(server_kind::mariadb, {10, 11, 6}, file_position{"mysql-bin.000034", 1588});
    session s(config);
    auto a = s.start();
    for (int i = 0; i < 10 && std::holds_alternative<run_query>(a); ++i)
        a = s.on_query_done({});
    BOOST_REQUIRE(std::holds_alternative<send_command>(a)); // COM_REGISTER_SLAVE
    BOOST_REQUIRE(std::holds_alternative<send_command>(s.on_packet(ok_packet)));
    auto end = s.on_packet(eof_packet);
    BOOST_REQUIRE(std::holds_alternative<session_error>(end));
    BOOST_TEST((std::get<session_error>(end).ec == errc::server_closed));
    BOOST_TEST(is_retryable(std::get<session_error>(end).ec));
    BOOST_TEST((s.current_state() == session::state::done));
}

BOOST_AUTO_TEST_CASE(mariadb_current_position_statement)
{
    session s(kb_replica(server_kind::mariadb, {11, 8, 5}, start_at_current{}));
    (void)s.start();
    (void)s.on_query_done({});
    BOOST_TEST(query_of(s.on_query_done({})) == "SHOW BINLOG STATUS");
}

BOOST_AUTO_TEST_CASE(checksum_statement_failure_is_tolerated)
{
    session s(kb_replica(server_kind::mysql, {5, 5, 62}, file_position{"mysql-bin.000001", 4}));
    (void)s.start();
    auto next = s.on_query_done(make_server_error(1193)); // ER_UNKNOWN_SYSTEM_VARIABLE
    BOOST_TEST(std::holds_alternative<send_command>(next));
}

BOOST_AUTO_TEST_CASE(checksum_statement_timeout_is_not_tolerated)
{
    // Only the server's refusal means "no checksums": a timeout has closed the connection.
    session s(kb_replica(server_kind::mysql, {8, 0, 40}, file_position{"mysql-bin.000001", 4}));
    (void)s.start();
    auto next = s.on_query_done(make_error_code(errc::read_timeout));
    BOOST_REQUIRE(std::holds_alternative<session_error>(next));
    BOOST_TEST(std::get<session_error>(next).ec == errc::read_timeout);
}

BOOST_AUTO_TEST_CASE(other_setup_failures_end_the_session)
{
    auto config = kb_replica(server_kind::mysql, {8, 0, 40}, file_position{"mysql-bin.000001", 4});
    config.heartbeat_period = 1s;
    session s(config);
    (void)s.start();
    (void)s.on_query_done({});
    diagnostics diag;
    diag.set_server("42000", "Access denied");
    auto failed = s.on_query_done(make_server_error(1227), diag);
    BOOST_REQUIRE(std::holds_alternative<session_error>(failed));
    BOOST_TEST(std::get<session_error>(failed).ec == make_server_error(1227));
    BOOST_TEST(std::get<session_error>(failed).diag.server_message() == "Access denied");
    BOOST_TEST((s.current_state() == session::state::done));
}

BOOST_AUTO_TEST_CASE(register_rejected)
{
    session s(kb_replica(server_kind::mysql, {8, 0, 40}, file_position{"mysql-bin.000001", 4}));
    (void)s.start();
    (void)s.on_query_done({});
    auto failed = s.on_packet(err_packet);
    BOOST_REQUIRE(std::holds_alternative<session_error>(failed));
    BOOST_TEST(std::get<session_error>(failed).ec == make_server_error(1096));

    session s2(kb_replica(server_kind::mysql, {8, 0, 40}, file_position{"mysql-bin.000001", 4}));
    (void)s2.start();
    (void)s2.on_query_done({});
    failed = s2.on_packet(eof_packet);
    BOOST_REQUIRE(std::holds_alternative<session_error>(failed));
    BOOST_TEST(std::get<session_error>(failed).ec == errc::unexpected_packet);
}

BOOST_AUTO_TEST_CASE(invalid_configurations)
{
    auto expect_invalid = [](session_config config) {
        session s(std::move(config));
        auto a = s.start();
        BOOST_REQUIRE(std::holds_alternative<session_error>(a));
        BOOST_TEST(std::get<session_error>(a).ec == errc::invalid_argument);
    };
    expect_invalid(kb_replica(server_kind::mariadb, {10, 11, 6}, gtid_set{}));
    expect_invalid(kb_replica(server_kind::mysql, {8, 0, 40}, mariadb_gtid_list{}));
    expect_invalid(kb_replica(server_kind::mysql, {8, 0, 40}, file_position{"big", 0x100000000ull}));
    auto bad_uuid = kb_replica(server_kind::mysql, {8, 0, 40}, start_at_current{});
    bad_uuid.replica_uuid = "x'; DROP TABLE t; --";
    expect_invalid(bad_uuid);
    auto long_host = kb_replica(server_kind::mysql, {8, 0, 40}, start_at_current{});
    long_host.report_host.assign(256, 'h');
    expect_invalid(long_host);
}

BOOST_AUTO_TEST_CASE(no_binlog_on_the_server)
{
    session s(kb_replica(server_kind::mysql, {8, 4, 0}, start_at_current{}));
    (void)s.start();
    (void)s.on_query_done({});
    auto a = s.on_current_position("", 0);
    BOOST_REQUIRE(std::holds_alternative<session_error>(a));
    BOOST_TEST(std::get<session_error>(a).ec == errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(calls_out_of_order)
{
    session s(kb_replica(server_kind::mysql, {8, 4, 0}, start_at_current{}));
    auto a = s.on_packet(ok_packet);
    BOOST_REQUIRE(std::holds_alternative<session_error>(a));
    BOOST_TEST(std::get<session_error>(a).ec == errc::unexpected_packet);
}

BOOST_AUTO_TEST_CASE(classify_packets)
{
    auto event = bytes(0x00, 0x01);
    auto p = classify_stream_packet(event);
    BOOST_TEST((p.type == stream_packet::kind::event));
    BOOST_TEST(p.event.size() == 1u);
    BOOST_TEST((classify_stream_packet(eof_packet).type == stream_packet::kind::end_of_stream));
    BOOST_TEST((classify_stream_packet(bytes(0xfe)).type == stream_packet::kind::end_of_stream));

    auto err = classify_stream_packet(err_packet);
    BOOST_TEST((err.type == stream_packet::kind::error));
    BOOST_TEST(err.ec == make_server_error(1096));
    BOOST_TEST(err.diag.sql_state() == "HY000");

    // An ERR without the SQLSTATE marker (pre-4.1 layout): the rest is the message.
    auto old =
        classify_stream_packet(with_text(bytes(0xff, 0xd4, 0x04), "Could not find first log file name"));
    BOOST_TEST(old.ec == make_server_error(1236));
    BOOST_TEST(old.diag.sql_state().empty());
    BOOST_TEST(old.diag.server_message() == "Could not find first log file name");

    BOOST_TEST(classify_stream_packet({}).ec == errc::malformed_packet);
    BOOST_TEST(classify_stream_packet(bytes(0x01)).ec == errc::unexpected_packet);
}

BOOST_AUTO_TEST_CASE(err_packet_truncation_sweep)
{
    // Prefixes shorter than header + errno are malformed; longer ones are server errors with
    // whatever text is there. Never a crash.
    for (std::size_t n = 1; n <= err_packet.size(); ++n)
    {
        auto p = classify_stream_packet(std::span(err_packet).first(n));
        BOOST_TEST((p.type == stream_packet::kind::error));
        if (n < 3)
            BOOST_TEST(p.ec == errc::malformed_packet, "prefix " << n);
        else
            BOOST_TEST(p.ec == make_server_error(1096), "prefix " << n);
    }
}

BOOST_AUTO_TEST_SUITE_END()
