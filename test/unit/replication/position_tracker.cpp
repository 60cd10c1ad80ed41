// Position tracking: checkpoints at transaction boundaries and replay-safe reconnects.
//
// Third-party expectations: the mariadb-poc README (LastGTID and LogPos = size of each file written
// by MariaDB 11.8.5), MANIFEST.md event counts and file sizes, and the layout of a MySQL 8.0 binlog
// as mysqlbinlog prints it ("# at 157 ... end_log_pos 236 Anonymous_GTID", "# at 236 ... end_log_pos
// 307 Query").

#include "replication/position_tracker.hpp"

#include <boost/test/unit_test.hpp>
#include <zstd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace binlogstream;
using namespace binlogstream::replication;

namespace {

const std::string u1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

tracked_event ev(event_role role, std::uint32_t log_pos, std::uint32_t size)
{
    tracked_event e;
    e.role = role;
    e.log_pos = log_pos;
    e.event_size = size;
    return e;
}

tracked_event mysql_gtid_event(std::uint64_t gno, std::uint32_t log_pos, std::uint32_t size)
{
    auto e = ev(event_role::mysql_gtid, log_pos, size);
    e.mysql = gtid::parse(u1 + ":" + std::to_string(gno));
    return e;
}

tracked_event mariadb_gtid_event(mariadb_gtid g, bool standalone, std::uint32_t log_pos, std::uint32_t size)
{
    auto e = ev(event_role::mariadb_gtid, log_pos, size);
    e.mariadb = g;
    e.mariadb_standalone = standalone;
    return e;
}

// ---- a minimal walk over a real binlog file, classifying events for the tracker -----------------

struct walk_result
{
    position_tracker tracker;
    std::size_t transactions = 0;
};

std::uint64_t le(const unsigned char* p, std::size_t n)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v |= std::uint64_t(p[i]) << (8 * i);
    return v;
}

walk_result walk(const std::string& relative, std::string_view file_name, stream_position start)
{
    std::ifstream in(std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + relative, std::ios::binary);
    std::vector<unsigned char> d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_REQUIRE(d.size() > 4);
    start.file.file = std::string(file_name);
    walk_result w{position_tracker(start), 0};
    std::size_t checksum = 0;
    for (std::size_t p = 4; p + 19 <= d.size();)
    {
        const unsigned char* h = d.data() + p;
        auto type = h[4];
        auto size = std::uint32_t(le(h + 9, 4));
        auto log_pos = std::uint32_t(le(h + 13, 4));
        BOOST_REQUIRE(size >= 19);
        BOOST_REQUIRE(p + size <= d.size());
        const unsigned char* body = h + 19;
        std::size_t body_size = size - 19;
        tracked_event e = ev(role_of_event_type(type), log_pos, size);
        switch (type)
        {
            case 15: // FORMAT_DESCRIPTION: the checksum algorithm byte precedes the FDE's own CRC
                checksum = body[body_size - 5] == 1 ? 4 : 0;
                break;
            case 4: // ROTATE: u64 position, then the next file's name
                w.tracker.on_rotate(
                    std::string_view(reinterpret_cast<const char*>(body + 8), body_size - 8 - checksum),
                    le(body, 8)
                );
                p += size;
                continue;
            case 2: // QUERY: 13-byte post-header, status vars, db + NUL, query text
            {
                auto db_len = body[8];
                auto status_len = le(body + 11, 2);
                std::size_t q = 13 + status_len + db_len + 1;
                e.role = role_of_query(
                    std::string_view(reinterpret_cast<const char*>(body + q), body_size - q - checksum)
                );
                break;
            }
            case 33: // MySQL GTID: flags, 16-byte uuid, gno
            {
                gtid g;
                std::memcpy(g.source.bytes.data(), body + 1, 16);
                g.gno = le(body + 17, 8);
                e.mysql = g;
                break;
            }
            case 162: // MariaDB GTID: u64 sequence, u32 domain, u8 flags (FL_STANDALONE = 1)
                e.mariadb =
                    mariadb_gtid{std::uint32_t(le(body + 8, 4)), std::uint32_t(le(h + 5, 4)), le(body, 8)};
                e.mariadb_standalone = (body[12] & 1) != 0;
                break;
            case 40: // TRANSACTION_PAYLOAD: feed it, then the inner events (log_pos 0) it carries
            {
                BOOST_TEST(w.tracker.on_event(e));
                // Header fields: type, length, value (1-byte lengths here) up to the end mark 0.
                std::size_t f = 0, payload_size = 0, uncompressed = 0;
                while (body[f] != 0)
                {
                    auto field = body[f], len = body[f + 1];
                    auto value = le(body + f + 2, len);
                    if (field == 1)
                        payload_size = value;
                    if (field == 3)
                        uncompressed = value;
                    f += 2 + len;
                }
                ++f;
                std::vector<unsigned char> inner(uncompressed);
                auto n = ZSTD_decompress(inner.data(), inner.size(), body + f, payload_size);
                BOOST_REQUIRE(n == uncompressed);
                for (std::size_t q = 0; q + 19 <= inner.size();)
                {
                    const unsigned char* ih = inner.data() + q;
                    auto isize = std::uint32_t(le(ih + 9, 4));
                    auto ie = ev(role_of_event_type(ih[4]), std::uint32_t(le(ih + 13, 4)), isize);
                    if (ih[4] == 2)
                    {
                        std::size_t iq = 19 + 13 + le(ih + 19 + 11, 2) + ih[19 + 8] + 1;
                        ie.role =
                            role_of_query(std::string_view(reinterpret_cast<const char*>(ih + iq), isize - iq)
                            );
                    }
                    const bool open = w.tracker.in_transaction();
                    BOOST_TEST(w.tracker.on_event(ie));
                    if (open && !w.tracker.in_transaction())
                        ++w.transactions;
                    q += isize;
                }
                p += size;
                continue;
            }
            default:
                break;
        }
        const bool was_open = w.tracker.in_transaction();
        BOOST_TEST(w.tracker.on_event(e));
        if (was_open && !w.tracker.in_transaction())
            ++w.transactions;
        else if (!was_open && !w.tracker.in_transaction() && e.role != event_role::other)
            ++w.transactions; // a single-event transaction
        p += size;
    }
    return w;
}

} // namespace

BOOST_AUTO_TEST_SUITE(position_tracking)

BOOST_AUTO_TEST_CASE(mysql_row_transaction_file_positions)
{
    position_tracker t(stream_position{{"binlog.000001", 4}, std::nullopt, std::nullopt});
    t.on_rotate("binlog.000001", 4);                       // artificial rotate at dump start
    BOOST_TEST(t.on_event(ev(event_role::other, 0, 126))); // artificial FDE: log_pos 0, no move
    BOOST_TEST(t.committed().file.offset == 4u);
    BOOST_TEST(t.on_event(ev(event_role::other, 126, 122))); // FDE
    BOOST_TEST(t.on_event(ev(event_role::other, 157, 31)));  // PREVIOUS_GTIDS
    BOOST_TEST(t.committed().file.offset == 157u);
    BOOST_TEST(t.on_event(ev(event_role::anonymous_gtid, 236, 79)));
    BOOST_TEST(t.in_transaction());
    BOOST_TEST(t.on_event(ev(event_role::begin, 307, 71)));
    BOOST_TEST(t.on_event(ev(event_role::data, 370, 63)));
    BOOST_TEST(t.on_event(ev(event_role::data, 420, 50)));
    BOOST_TEST(t.committed().file.offset == 157u); // nothing committed mid-transaction
    BOOST_TEST(t.delivered_in_transaction() == 4u);
    BOOST_TEST(t.on_event(ev(event_role::commit, 451, 31))); // XID
    BOOST_TEST(!t.in_transaction());
    const file_position after{"binlog.000001", 451};
    BOOST_TEST((t.committed().file == after));
    BOOST_TEST(!t.committed().gtids);
    BOOST_TEST(t.on_event(ev(event_role::heartbeat, 0, 40)));
    BOOST_TEST((t.committed().file == after));
}

BOOST_AUTO_TEST_CASE(mysql_gtids_ddl_and_dml)
{
    position_tracker t(stream_position{{"", 4}, gtid_set::parse(u1 + ":1-5"), std::nullopt});
    t.on_rotate("binlog.000003", 4);
    BOOST_TEST(t.committed().file.to_string() == "binlog.000003:4");
    (void)t.on_event(ev(event_role::other, 126, 122));
    (void)t.on_event(mysql_gtid_event(6, 205, 79));
    (void)t.on_event(ev(event_role::statement, 320, 115)); // DDL: a transaction of its own
    BOOST_TEST(!t.in_transaction());
    BOOST_TEST(t.committed().gtids->to_string() == u1 + ":1-6");
    BOOST_TEST(t.committed().file.offset == 320u);
    (void)t.on_event(mysql_gtid_event(7, 399, 79));
    (void)t.on_event(ev(event_role::begin, 470, 71));
    (void)t.on_event(ev(event_role::statement, 560, 90)); // statement DML inside BEGIN
    BOOST_TEST(t.in_transaction());
    BOOST_TEST(t.committed().gtids->to_string() == u1 + ":1-6");
    (void)t.on_event(ev(event_role::commit, 591, 31));
    BOOST_TEST(t.committed().gtids->to_string() == u1 + ":1-7");
    BOOST_TEST(t.committed().file.offset == 591u);
    BOOST_TEST(std::holds_alternative<gtid_set>(t.committed().resume()));
}

BOOST_AUTO_TEST_CASE(gtids_are_not_tracked_from_a_file_start)
{
    position_tracker t(stream_position{{"binlog.000003", 4}, std::nullopt, std::nullopt});
    (void)t.on_event(mysql_gtid_event(6, 205, 79));
    (void)t.on_event(ev(event_role::statement, 320, 115));
    BOOST_TEST(!t.committed().gtids);
    BOOST_TEST(t.committed().file.to_string() == "binlog.000003:320");
}

BOOST_AUTO_TEST_CASE(mariadb_groups)
{
    position_tracker t(stream_position{{"", 4}, std::nullopt, mariadb_gtid_list::parse("0-1-100,1-2-5")});
    t.on_rotate("mariadb-bin.000002", 4);
    // Non-standalone GTID: BEGIN implied, the group ends at XID; the queries inside do not end it.
    (void)t.on_event(mariadb_gtid_event({0, 1, 101}, false, 400, 38));
    (void)t.on_event(ev(event_role::statement, 500, 100));
    BOOST_TEST(t.in_transaction());
    (void)t.on_event(ev(event_role::commit, 531, 31));
    BOOST_TEST(t.committed().mariadb_gtids->to_string() == "0-1-101,1-2-5");
    // Standalone GTID (DDL): the group is its one statement.
    (void)t.on_event(mariadb_gtid_event({1, 2, 6}, true, 569, 38));
    (void)t.on_event(ev(event_role::statement, 650, 81));
    BOOST_TEST(!t.in_transaction());
    BOOST_TEST(t.committed().mariadb_gtids->to_string() == "0-1-101,1-2-6");
    // A non-transactional group ends with a COMMIT query.
    (void)t.on_event(mariadb_gtid_event({0, 1, 102}, false, 688, 38));
    (void)t.on_event(ev(event_role::data, 750, 62));
    (void)t.on_event(ev(event_role::data, 800, 50));
    (void)t.on_event(ev(event_role::commit, 870, 70));
    BOOST_TEST(t.committed().mariadb_gtids->to_string() == "0-1-102,1-2-6");
    BOOST_TEST(t.committed().file.to_string() == "mariadb-bin.000002:870");
    BOOST_TEST(std::get<mariadb_gtid_list>(t.committed().resume()).to_string() == "0-1-102,1-2-6");
}

BOOST_AUTO_TEST_CASE(reconnect_between_transactions)
{
    position_tracker t(stream_position{{"binlog.000001", 4}, std::nullopt, std::nullopt});
    (void)t.on_event(ev(event_role::anonymous_gtid, 236, 79));
    (void)t.on_event(ev(event_role::begin, 307, 71));
    (void)t.on_event(ev(event_role::commit, 338, 31));
    auto r = t.reconnect();
    BOOST_TEST(r.skip_events == 0u);
    const file_position expected{"binlog.000001", 338};
    BOOST_TEST((std::get<file_position>(r.start) == expected));
}

BOOST_AUTO_TEST_CASE(reconnect_mid_transaction_replays_without_duplicates)
{
    position_tracker t(stream_position{{"binlog.000001", 4}, std::nullopt, std::nullopt});
    (void)t.on_event(ev(event_role::other, 157, 31));
    (void)t.on_event(ev(event_role::anonymous_gtid, 236, 79));
    (void)t.on_event(ev(event_role::begin, 307, 71));
    (void)t.on_event(ev(event_role::data, 370, 63));
    auto r = t.reconnect();
    BOOST_TEST(r.skip_events == 3u);
    const file_position start{"binlog.000001", 157};
    BOOST_TEST((std::get<file_position>(r.start) == start));
    BOOST_TEST(!t.in_transaction());

    // The new dump: artificial rotate and FDE, then the transaction again from its first event.
    t.on_rotate("binlog.000001", 157);
    BOOST_TEST(t.on_event(ev(event_role::other, 0, 122)));
    BOOST_TEST(!t.on_event(ev(event_role::anonymous_gtid, 236, 79)));
    BOOST_TEST(!t.on_event(ev(event_role::begin, 307, 71)));
    BOOST_TEST(!t.on_event(ev(event_role::data, 370, 63)));
    BOOST_TEST(t.on_event(ev(event_role::data, 420, 50))); // new to the user
    BOOST_TEST(t.on_event(ev(event_role::commit, 451, 31)));
    BOOST_TEST(t.committed().file.to_string() == "binlog.000001:451");
    BOOST_TEST(t.on_event(ev(event_role::anonymous_gtid, 530, 79))); // the next transaction flows
}

BOOST_AUTO_TEST_CASE(second_reconnect_during_the_replay)
{
    position_tracker t(stream_position{{"binlog.000001", 4}, std::nullopt, std::nullopt});
    (void)t.on_event(ev(event_role::anonymous_gtid, 236, 79));
    (void)t.on_event(ev(event_role::begin, 307, 71));
    (void)t.on_event(ev(event_role::data, 370, 63));
    BOOST_TEST(t.reconnect().skip_events == 3u);
    BOOST_TEST(!t.on_event(ev(event_role::anonymous_gtid, 236, 79)));
    auto r = t.reconnect(); // the user still has 3 events of it
    BOOST_TEST(r.skip_events == 3u);
    BOOST_TEST(std::get<file_position>(r.start).to_string() == "binlog.000001:157");
    BOOST_TEST(!t.on_event(ev(event_role::anonymous_gtid, 236, 79)));
    BOOST_TEST(!t.on_event(ev(event_role::begin, 307, 71)));
    BOOST_TEST(!t.on_event(ev(event_role::data, 370, 63)));
    BOOST_TEST(t.on_event(ev(event_role::commit, 401, 31)));
    BOOST_TEST(t.reconnect().skip_events == 0u);
}

BOOST_AUTO_TEST_CASE(reconnect_with_gtids_resumes_from_the_set)
{
    position_tracker t(stream_position{{"", 4}, gtid_set::parse(u1 + ":1-5"), std::nullopt});
    (void)t.on_event(mysql_gtid_event(6, 205, 79));
    (void)t.on_event(ev(event_role::begin, 276, 71));
    auto r = t.reconnect();
    BOOST_TEST(std::get<gtid_set>(r.start).to_string() == u1 + ":1-5");
    BOOST_TEST(r.skip_events == 2u);
}

BOOST_AUTO_TEST_CASE(real_mariadb_binlog)
{
    // mariadb-repl-bin.000004 (MariaDB 11.8.5): README: FirstGTID 0-10-262176, LastGTID 0-10-262580,
    // LogPos 343488, RotateEvent true; MANIFEST: 405 GTID events, 405 XIDs, 1620 queries.
    auto w = walk(
        "mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000004",
        "mariadb-repl-bin.000004",
        stream_position{{"", 4}, std::nullopt, mariadb_gtid_list::parse("0-10-262175")}
    );
    BOOST_TEST(w.transactions == 405u);
    BOOST_TEST(!w.tracker.in_transaction());
    BOOST_TEST(w.tracker.committed().mariadb_gtids->to_string() == "0-10-262580");
    // The file ends with the ROTATE to the next file, so the checkpoint moved there.
    BOOST_TEST(w.tracker.committed().file.to_string() == "mariadb-repl-bin.000005:4");
}

BOOST_AUTO_TEST_CASE(real_mysql_binlog)
{
    // mysql-enum-string-set.000001 (MySQL 8.0.28, 3331 bytes, still open: no ROTATE/STOP at the end):
    // 5 GTID transactions (2 DDL + 3 with XID). The checkpoint ends at the end of the file.
    auto w = walk(
        "rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001",
        "binlog.000001",
        stream_position{{"", 4}, gtid_set{}, std::nullopt}
    );
    BOOST_TEST(w.transactions == 5u);
    BOOST_TEST(!w.tracker.in_transaction());
    BOOST_TEST(w.tracker.committed().file.offset == 3331u);
    const auto& sources = w.tracker.committed().gtids->sources();
    BOOST_REQUIRE(sources.size() == 1u);
    std::uint64_t count = 0;
    for (const auto& range : sources.begin()->second)
        count += range.last - range.first + 1;
    BOOST_TEST(count == 5u);
}

BOOST_AUTO_TEST_CASE(real_compressed_transaction)
{
    // transaction_compression.000001 (MySQL 8.0.32, 475 bytes): FDE, PREVIOUS_GTIDS, ANONYMOUS_GTID,
    // TRANSACTION_PAYLOAD at 274 (157 bytes, log_pos 431) holding QUERY, TABLE_MAP, WRITE_ROWS and
    // XID with log_pos 0, then ROTATE (44 bytes) at 431. The transaction ends at the payload's end.
    auto w = walk(
        "rust_mysql_common/test-data/binlogs/transaction_compression.000001",
        "binlog.000042",
        stream_position{{"", 4}, std::nullopt, std::nullopt}
    );
    BOOST_TEST(w.transactions == 1u);
    BOOST_TEST(!w.tracker.in_transaction());
    // The closing ROTATE names binlog.000043: the checkpoint moved there.
    BOOST_TEST(w.tracker.committed().file.to_string() == "binlog.000043:4");
}

BOOST_AUTO_TEST_CASE(payload_inner_events_commit_at_the_payload_end)
{
    position_tracker t(stream_position{{"binlog.000001", 4}, std::nullopt, std::nullopt});
    (void)t.on_event(ev(event_role::anonymous_gtid, 274, 77));
    (void)t.on_event(ev(event_role::data, 431, 157)); // TRANSACTION_PAYLOAD
    (void)t.on_event(ev(event_role::begin, 0, 71));
    (void)t.on_event(ev(event_role::data, 0, 45));
    (void)t.on_event(ev(event_role::data, 0, 36));
    (void)t.on_event(ev(event_role::commit, 0, 27));
    BOOST_TEST(t.committed().file.to_string() == "binlog.000001:431");
}

BOOST_AUTO_TEST_CASE(query_roles)
{
    struct row
    {
        const char* sql;
        event_role role;
    };
    const row rows[] = {
        {"BEGIN", event_role::begin},
        {"begin", event_role::begin},
        {" BEGIN ", event_role::begin},
        {"XA START X'78',X'',1", event_role::begin},
        {"COMMIT", event_role::commit},
        {"COMMIT;", event_role::commit},
        {"ROLLBACK", event_role::commit},
        {"ROLLBACK TO SAVEPOINT `s1`", event_role::statement},
        {"SAVEPOINT `s1`", event_role::statement},
        {"XA END X'78',X'',1", event_role::statement},
        {"XA COMMIT X'78',X'',1", event_role::statement},
        {"BEGINNING", event_role::statement},
        {"XA STARTED", event_role::statement},
        {"create table t (a int)", event_role::statement},
        {"", event_role::statement},
    };
    for (const auto& r : rows)
        BOOST_TEST((role_of_query(r.sql) == r.role), r.sql);
    BOOST_TEST((role_of_event_type(16) == event_role::commit));
    BOOST_TEST((role_of_event_type(42) == event_role::mysql_gtid));
    BOOST_TEST((role_of_event_type(40) == event_role::data));
    BOOST_TEST((role_of_event_type(27) == event_role::heartbeat));
    BOOST_TEST((role_of_event_type(15) == event_role::other));
    BOOST_TEST((role_of_event_type(255) == event_role::other));
}

BOOST_AUTO_TEST_SUITE_END()
