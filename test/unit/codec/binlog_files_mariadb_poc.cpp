// The MariaDB 11.8.5 binlogs of mariadb-operator/mariadb-poc against the expected output that ships with
// them (mariadb-poc/mariadb-binlog/README.md, printed by that repository's Go tool): per file the server
// id, server version, binlog version, end position, first and last event timestamps, the previous GTID
// list, the first and last GTID, and whether it ends with ROTATE or STOP. Also read as one sequence of
// files with a single file_reader: each file's GTID_LIST continues the previous file's last GTID.

#include <binlogstream/file_reader.hpp>

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bls = binlogstream;

namespace {

struct expected_file
{
    const char* name;
    std::uint64_t log_pos;
    std::uint32_t first_timestamp;
    std::uint32_t last_timestamp;
    const char* previous_gtids; // "" for <nil>
    const char* first_gtid;
    const char* last_gtid;
    bool rotate;
    bool stop;
};

// clang-format off
const expected_file expected[] = {
    {"mariadb-repl-bin.000001", 358,     1767101638, 1767127977, "",            "",            "",            false, true},
    {"mariadb-repl-bin.000002", 3753792, 1767127979, 1767128127, "",            "0-10-250080", "0-10-254512", true,  false},
    {"mariadb-repl-bin.000004", 343488,  1767128182, 1767128185, "0-10-262175", "0-10-262176", "0-10-262580", true,  false},
    {"mariadb-repl-bin.000005", 74142,   1767128185, 1767128186, "0-10-262580", "0-10-262581", "0-10-262667", true,  false},
    {"mariadb-repl-bin.000006", 56355,   1767128186, 1767128186, "0-10-262667", "0-10-262668", "0-10-262733", true,  false},
    {"mariadb-repl-bin.000007", 53814,   1767128186, 1767128187, "0-10-262733", "0-10-262734", "0-10-262796", true,  false},
    {"mariadb-repl-bin.000009", 935,     1767173589, 1767181052, "0-10-292193", "0-10-292194", "0-10-292196", false, true},
    {"mariadb-repl-bin.000010", 2210,    1767181182, 1767181241, "0-10-292196", "0-10-292197", "0-10-292206", false, true},
};
// clang-format on

std::string path_of(const char* name)
{
    return std::string(BINLOGSTREAM_TESTDATA_DIR) + "/mariadb-poc/mariadb-binlog/binlogs/domain_id_0/" + name;
}

struct summary
{
    std::uint32_t server_id = 0;
    std::string server_version;
    std::uint16_t binlog_version = 0;
    std::uint64_t log_pos = 0;
    std::optional<std::uint32_t> first_timestamp;
    std::uint32_t last_timestamp = 0;
    std::string previous_gtids, first_gtid, last_gtid;
    bool rotate = false, stop = false;
};

} // namespace

BOOST_AUTO_TEST_SUITE(binlog_files_mariadb_poc)

BOOST_AUTO_TEST_CASE(each_file_matches_the_readme)
{
    for (const auto& e : expected)
    {
        BOOST_TEST_CONTEXT(e.name)
        {
            bls::file_reader reader;
            reader.open({path_of(e.name)});
            summary s;
            bls::event ev;
            std::error_code ec;
            while (reader.next(ev, ec))
            {
                const auto& h = bls::header_of(ev);
                if (!s.first_timestamp)
                    s.first_timestamp = h.timestamp;
                s.last_timestamp = h.timestamp;
                s.log_pos = reader.position().next_position;
                if (auto* f = std::get_if<bls::format_description_event>(&ev))
                {
                    s.server_id = h.server_id;
                    s.server_version = f->server_version;
                    s.binlog_version = f->binlog_version;
                }
                else if (auto* l = std::get_if<bls::mariadb_gtid_list_event>(&ev))
                    s.previous_gtids = l->to_string();
                else if (auto* g = std::get_if<bls::mariadb_gtid_event>(&ev))
                {
                    if (s.first_gtid.empty())
                        s.first_gtid = g->to_string();
                    s.last_gtid = g->to_string();
                }
                else if (std::holds_alternative<bls::rotate_event>(ev))
                    s.rotate = true;
                else if (std::holds_alternative<bls::stop_event>(ev))
                    s.stop = true;
            }
            BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
            BOOST_TEST(s.server_id == 10u);
            BOOST_TEST(s.server_version == "11.8.5-MariaDB-ubu2404-log");
            BOOST_TEST(s.binlog_version == 4u);
            BOOST_TEST(s.log_pos == e.log_pos);
            BOOST_TEST(s.first_timestamp.value_or(0) == e.first_timestamp);
            BOOST_TEST(s.last_timestamp == e.last_timestamp);
            BOOST_TEST(s.previous_gtids == e.previous_gtids);
            BOOST_TEST(s.first_gtid == e.first_gtid);
            BOOST_TEST(s.last_gtid == e.last_gtid);
            BOOST_TEST(s.rotate == e.rotate);
            BOOST_TEST(s.stop == e.stop);
        }
    }
}

BOOST_AUTO_TEST_CASE(sequence_of_files_in_one_reader)
{
    // 000004 .. 000007 are consecutive (000003 and 000008 are absent from the repository).
    bls::file_reader reader;
    reader.open(
        {path_of("mariadb-repl-bin.000004"),
         path_of("mariadb-repl-bin.000005"),
         path_of("mariadb-repl-bin.000006"),
         path_of("mariadb-repl-bin.000007")}
    );
    bls::event ev;
    std::error_code ec;
    std::string last_gtid, current_file;
    std::size_t files = 0, lists = 0;
    while (reader.next(ev, ec))
    {
        if (reader.position().file != current_file)
        {
            current_file = reader.position().file;
            ++files;
            BOOST_TEST(reader.position().offset == 4u);
            BOOST_TEST(std::holds_alternative<bls::format_description_event>(ev));
        }
        if (auto* l = std::get_if<bls::mariadb_gtid_list_event>(&ev))
        {
            if (!last_gtid.empty())
                BOOST_TEST(l->to_string() == last_gtid);
            ++lists;
        }
        if (auto* g = std::get_if<bls::mariadb_gtid_event>(&ev))
            last_gtid = g->to_string();
        if (auto* r = std::get_if<bls::rotate_event>(&ev))
            BOOST_TEST(r->position == 4u);
    }
    BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
    BOOST_TEST(files == 4u);
    BOOST_TEST(lists == 4u);
    BOOST_TEST(last_gtid == "0-10-262796");
}

BOOST_AUTO_TEST_CASE(throwing_form_and_missing_file)
{
    bls::file_reader reader;
    reader.open({path_of("mariadb-repl-bin.000001"), path_of("mariadb-repl-bin.000003")});
    std::size_t n = 0;
    BOOST_CHECK_THROW(
        {
            while (auto ev = reader.next())
                ++n;
        },
        bls::error
    );
    BOOST_TEST(n == 4u); // MANIFEST: events (4) in 000001; 000003 is absent
}

BOOST_AUTO_TEST_SUITE_END()
