// Differential test against a third-party decoder: `mariadb-binlog -vv --base64-output=decode-rows`
// (MariaDB's mysqlbinlog, installed on the machine) prints, for every event of a shared binlog, its
// start offset ("# at N") and end_log_pos; for TABLE_MAP the table and its number; for every rows event
// each row ("### INSERT INTO" / "### UPDATE" / "### DELETE FROM") with, per present column, its index,
// the TABLE_MAP metadata value, nullability and whether the cell is NULL. The file_reader must agree on
// all of it. Skipped (with a message) when mariadb-binlog is not installed.

#include <binlogstream/file_reader.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace bls = binlogstream;

namespace {

struct cell_info
{
    std::size_t column = 0; // 1-based, as printed (@N)
    std::uint32_t meta = 0;
    bool nullable = false;
    bool is_null = false;
    friend bool operator==(const cell_info&, const cell_info&) = default;
};

struct row_info
{
    std::vector<cell_info> before, after;
    friend bool operator==(const row_info&, const row_info&) = default;
};

struct event_info
{
    std::uint64_t pos = 0;
    std::uint64_t end_log_pos = 0;
    std::string table; // "schema.table" for TABLE_MAP
    std::uint64_t table_id = 0;
    bool is_rows = false;
    std::vector<row_info> rows;
};

std::ostream& operator<<(std::ostream& os, const cell_info& c)
{
    return os << "@" << c.column << " meta=" << c.meta << " nullable=" << c.nullable << " null=" << c.is_null;
}

bool run_mariadb_binlog(const std::string& file, std::vector<event_info>& out)
{
    std::string cmd = "mariadb-binlog -vv --base64-output=decode-rows '" + file + "' 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p)
        return false;
    static const std::regex at_re(R"(^# at (\d+)$)");
    static const std::regex end_re(R"(end_log_pos (\d+))");
    static const std::regex map_re(R"(Table_map: `([^`]*)`\.`([^`]*)` mapped to number (\d+))");
    static const std::regex rows_re(R"(\t(Write|Update|Delete)_rows(_v1)?(_compressed)?: table id (\d+))");
    static const std::regex cell_re(R"(^###   @(\d+)=.*/\* .* meta=(\d+) nullable=(\d) is_null=(\d) \*/$)");
    char line[1 << 16];
    std::vector<cell_info>* image = nullptr;
    bool saw_any = false;
    while (std::fgets(line, sizeof line, p.get()))
    {
        std::string s(line);
        if (!s.empty() && s.back() == '\n')
            s.pop_back();
        std::smatch m;
        if (std::regex_match(s, m, at_re))
        {
            out.push_back({});
            out.back().pos = std::stoull(m[1]);
            image = nullptr;
            saw_any = true;
            continue;
        }
        if (out.empty())
            continue;
        auto& ev = out.back();
        // The last header line before the next "# at" is the event's own (mariadb-binlog prints a
        // pending ANNOTATE_ROWS after the following "# at").
        if (s.rfind("#", 0) == 0 && s.rfind("###", 0) != 0 && std::regex_search(s, m, end_re))
            ev.end_log_pos = std::stoull(m[1]);
        if (std::regex_search(s, m, map_re))
        {
            ev.table = m[1].str() + "." + m[2].str();
            ev.table_id = std::stoull(m[3]);
        }
        else if (s.rfind("#", 0) == 0 && std::regex_search(s, m, rows_re))
            ev.is_rows = true;
        else if (s.rfind("### INSERT INTO", 0) == 0 || s.rfind("### UPDATE", 0) == 0 || s.rfind("### DELETE FROM", 0) == 0)
        {
            ev.rows.push_back({});
            image = s.rfind("### INSERT", 0) == 0 ? &ev.rows.back().after : &ev.rows.back().before;
        }
        else if (s == "### WHERE" && !ev.rows.empty())
            image = &ev.rows.back().before;
        else if (s == "### SET" && !ev.rows.empty())
            image = &ev.rows.back().after;
        else if (image && std::regex_match(s, m, cell_re))
            image->push_back(
                {std::stoul(m[1]), static_cast<std::uint32_t>(std::stoul(m[2])), m[3] == "1", m[4] == "1"}
            );
    }
    return saw_any;
}

std::vector<cell_info> ours(const bls::row_image& img)
{
    std::vector<cell_info> out;
    bls::row_image::cursor at;
    bls::row_cell c;
    std::error_code ec;
    while (img.next(at, c, ec))
        out.push_back({c.index + 1, c.column->meta, c.column->nullable, c.data.is_null()});
    BOOST_TEST(!ec, ec.message());
    return out;
}

// Files mariadb-binlog decodes fully (MariaDB files, and MySQL files without TRANSACTION_PAYLOAD, whose
// inner events it cannot see). Not tiflow/mysql-bin.000001: mariadb-binlog stops at its first rows event
// (the MariaDB 10.0 TIMESTAMP(n) columns the MANIFEST describes).
const char* const files[] = {
    "rust_mysql_common/test-data/binlogs/mariadb-bin.000001",
    "mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000010",
    "mariadb-poc/mariadb-binlog/binlogs/domain_id_1/mariadb-repl-bin.000002",
    "mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-crc32",
    "mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-none",
    "mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000080",
    "rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001",
    "rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001",
    "rust_mysql_common/test-data/binlogs/mysql_type_bit.000001",
    "rust_mysql_common/test-data/binlogs/minimal_row_metadata.000001",
    "rust_mysql_common/test-data/binlogs/time_issue.000001",
    "rust_mysql_common/test-data/binlogs/update-partial-row.binlog",
    "rust_mysql_common/test-data/binlogs/write-partial-row.binlog",
    "rust_mysql_common/test-data/binlogs/update-full-row.binlog",
    "rust_mysql_common/test-data/binlogs/ver_5_1_23.001",
    "rust_mysql_common/test-data/binlogs/ver_trunk_row_v2.001",
    "rust_mysql_common/test-data/binlogs/bug33029-slave-relay-bin.000001",
    "rust_mysql_common/test-data/binlogs/rpl_unfiltered_hidden_gcol.000001",
    "go-mysql/replication/t/tcb-eval002c-bin.003320",
    "percona-toolkit/t/lib/samples/relay-binlog001",
    "ybinlogp/testing/data/mysql-bin.default-path",
};

} // namespace

BOOST_AUTO_TEST_SUITE(binlog_files_vs_mariadb_binlog)

BOOST_AUTO_TEST_CASE(positions_tables_and_rows_agree)
{
    if (std::system("mariadb-binlog --version > /dev/null 2>&1") != 0)
    {
        BOOST_TEST_MESSAGE("mariadb-binlog not installed: differential test skipped");
        return;
    }
    std::size_t rows_compared = 0, cells_compared = 0;
    for (const char* rel : files)
    {
        std::string file = std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + rel;
        BOOST_TEST_CONTEXT(rel)
        {
            std::vector<event_info> theirs;
            BOOST_REQUIRE(run_mariadb_binlog(file, theirs));
            bls::file_reader reader;
            reader.open({file});
            bls::event ev;
            std::error_code ec;
            std::size_t i = 0;
            // mariadb-binlog prints the rows of a statement's rows events together after the event
            // with STMT_END_F: compare the rows of the whole file, in order.
            std::vector<row_info> our_rows, their_rows;
            for (const auto& t : theirs)
                their_rows.insert(their_rows.end(), t.rows.begin(), t.rows.end());
            while (reader.next(ev, ec))
            {
                if (reader.position().in_payload)
                    continue;
                BOOST_REQUIRE(i < theirs.size());
                const auto& t = theirs[i++];
                const auto& h = bls::header_of(ev);
                BOOST_TEST_CONTEXT("event at " << reader.position().offset)
                {
                    BOOST_TEST(reader.position().offset == t.pos);
                    if (t.end_log_pos)
                        BOOST_TEST(h.log_pos == t.end_log_pos);
                    if (auto* tm = std::get_if<bls::table_map_event>(&ev))
                    {
                        BOOST_TEST(tm->table->schema + "." + tm->table->table == t.table);
                        BOOST_TEST(tm->table_id == t.table_id);
                    }
                    std::visit(
                        [&](const auto& e) {
                            if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
                            {
                                if (!e.table)
                                    return;
                                std::size_t offset = 0;
                                bls::row r;
                                std::error_code rec;
                                while (e.next_row(offset, r, rec))
                                {
                                    row_info info;
                                    if (r.before.exists())
                                        info.before = ours(r.before);
                                    if (r.after.exists())
                                        info.after = ours(r.after);
                                    our_rows.push_back(std::move(info));
                                }
                                BOOST_TEST(!rec, rec.message());
                            }
                        },
                        ev
                    );
                }
            }
            BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
            BOOST_TEST(i == theirs.size());
            BOOST_TEST(our_rows.size() == their_rows.size());
            rows_compared += their_rows.size();
            for (const auto& r : their_rows)
                cells_compared += r.before.size() + r.after.size();
            for (std::size_t k = 0; k < std::min(our_rows.size(), their_rows.size()); ++k)
            {
                BOOST_TEST_CONTEXT("row " << k)
                {
                    BOOST_TEST(our_rows[k].before == their_rows[k].before, boost::test_tools::per_element());
                    BOOST_TEST(our_rows[k].after == their_rows[k].after, boost::test_tools::per_element());
                }
            }
        }
    }
    BOOST_TEST_MESSAGE("rows compared: " << rows_compared << ", cells: " << cells_compared);
    BOOST_TEST(rows_compared > 100u);
}

BOOST_AUTO_TEST_SUITE_END()
