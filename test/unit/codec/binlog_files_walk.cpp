// Walks every binlog in the shared test data (BINLOGSTREAM_TESTDATA_DIR) with file_reader in strict
// mode: every file decodes to its end (or to the error the MANIFEST describes), checksums verify, no
// event leaves bytes unparsed, every rows event's rows consume its row data exactly, and the per-file
// event type histogram (top level and inside TRANSACTION_PAYLOAD) equals the MANIFEST's.
//
// The table below is transcribed from /work/shared/testdata/binlogs/MANIFEST.md ("events (N): ..."
// and "payload events (ZSTD): ..." lines, checksum state, "(k/n events OK)"); nothing in it comes from
// this library's output.

#include <binlogstream/file_reader.hpp>

#include "codec/event_decoder.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace bls = binlogstream;
namespace fs = std::filesystem;

namespace {

enum class expect_checksum
{
    crc32,
    off,
    none,
};

struct manifest_entry
{
    const char* path;
    std::size_t total;
    std::vector<std::pair<int, std::size_t>> histogram;
    std::vector<std::pair<int, std::size_t>> payload_histogram;
    expect_checksum checksum;
    std::size_t crc_ok;
};

// clang-format off
const std::vector<manifest_entry> manifest = {
    {"rust_mysql_common/test-data/binlogs/binlog-invisible-columns.000001", 22, {{2, 5}, {3, 1}, {15, 1}, {16, 3}, {19, 3}, {30, 2}, {31, 1}, {33, 5}, {35, 1}}, {}, expect_checksum::crc32, 21},
    {"rust_mysql_common/test-data/binlogs/binlog_56_gtid_reserved_word.000001", 20, {{2, 9}, {3, 1}, {15, 1}, {19, 1}, {30, 1}, {33, 6}, {35, 1}}, {}, expect_checksum::crc32, 19},
    {"rust_mysql_common/test-data/binlogs/binlog_savepoint.000001", 12, {{2, 8}, {4, 1}, {15, 2}, {16, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/binlog_transaction.000001", 20, {{2, 17}, {4, 1}, {15, 1}, {16, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/binlog_transaction_previous_GTID_no_tag.000001", 3, {{4, 1}, {15, 1}, {35, 1}}, {}, expect_checksum::crc32, 2},
    {"rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID.000001", 11, {{2, 5}, {3, 1}, {15, 1}, {33, 3}, {35, 1}}, {}, expect_checksum::crc32, 10},
    {"rust_mysql_common/test-data/binlogs/binlog_transaction_with_GTID_TAG.000001", 8, {{2, 1}, {4, 1}, {15, 1}, {16, 1}, {19, 1}, {30, 1}, {35, 1}, {42, 1}}, {}, expect_checksum::crc32, 7},
    {"rust_mysql_common/test-data/binlogs/binlog_transaction_with_anonymous_GTID.000001", 9, {{2, 3}, {4, 1}, {15, 1}, {16, 1}, {34, 2}, {35, 1}}, {}, expect_checksum::crc32, 8},
    {"rust_mysql_common/test-data/binlogs/binlog_truncated_event.000001", 0, {}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/binlog_truncated_prev_gtid_event.000001", 1, {{15, 1}}, {}, expect_checksum::crc32, 0},
    {"rust_mysql_common/test-data/binlogs/bug11747887-bin.000003", 9, {{2, 5}, {3, 1}, {14, 1}, {15, 1}, {16, 1}}, {}, expect_checksum::off, 0},
    {"rust_mysql_common/test-data/binlogs/bug16266.000001", 6, {{2, 4}, {3, 1}, {15, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/bug27213339-bin.000001", 95, {{2, 46}, {3, 1}, {15, 1}, {34, 46}, {35, 1}}, {}, expect_checksum::crc32, 94},
    {"rust_mysql_common/test-data/binlogs/bug32407.001", 7, {{2, 3}, {4, 1}, {15, 1}, {19, 1}, {30, 1}}, {}, expect_checksum::crc32, 6},
    {"rust_mysql_common/test-data/binlogs/bug33029-slave-relay-bin.000001", 43, {{2, 28}, {3, 1}, {4, 1}, {5, 11}, {15, 2}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/bug40482-bin.000001", 3, {{4, 1}, {15, 1}, {26, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/corrupt-relay-bin.000624", 874, {{2, 454}, {4, 2}, {5, 233}, {15, 2}, {16, 183}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/json-opaque.binlog", 25, {{2, 3}, {15, 1}, {16, 1}, {19, 8}, {30, 8}, {34, 3}, {35, 1}}, {}, expect_checksum::crc32, 24},
    {"rust_mysql_common/test-data/binlogs/json.binlog.000001", 36, {{2, 8}, {15, 1}, {16, 6}, {19, 6}, {30, 4}, {31, 1}, {34, 8}, {35, 1}, {39, 1}}, {}, expect_checksum::crc32, 35},
    {"rust_mysql_common/test-data/binlogs/mariadb-bin.000001", 13, {{15, 1}, {16, 2}, {19, 2}, {23, 2}, {160, 2}, {161, 1}, {162, 2}, {163, 1}}, {}, expect_checksum::crc32, 12},
    {"rust_mysql_common/test-data/binlogs/master-bin.000001", 3, {{3, 1}, {15, 1}, {35, 1}}, {}, expect_checksum::crc32, 2},
    {"rust_mysql_common/test-data/binlogs/minimal_row_metadata.000001", 8, {{2, 1}, {4, 1}, {15, 1}, {16, 1}, {19, 1}, {30, 1}, {34, 1}, {35, 1}}, {}, expect_checksum::crc32, 7},
    {"rust_mysql_common/test-data/binlogs/mysql-enum-string-set.000001", 21, {{2, 5}, {15, 1}, {16, 3}, {19, 3}, {30, 1}, {31, 1}, {32, 1}, {33, 5}, {35, 1}}, {}, expect_checksum::crc32, 20},
    {"rust_mysql_common/test-data/binlogs/mysql_type_bit.000001", 11, {{2, 3}, {15, 1}, {16, 1}, {19, 1}, {30, 1}, {33, 3}, {35, 1}}, {}, expect_checksum::crc32, 10},
    {"rust_mysql_common/test-data/binlogs/rpl_atomic_ddl_rollback_full.000001", 11, {{2, 4}, {3, 1}, {15, 1}, {33, 4}, {35, 1}}, {}, expect_checksum::crc32, 10},
    {"rust_mysql_common/test-data/binlogs/rpl_atomic_ddl_rollback_table.000001", 7, {{2, 2}, {3, 1}, {15, 1}, {33, 2}, {35, 1}}, {}, expect_checksum::crc32, 6},
    {"rust_mysql_common/test-data/binlogs/rpl_atomic_ddl_rollback_view.000001", 7, {{2, 2}, {3, 1}, {15, 1}, {33, 2}, {35, 1}}, {}, expect_checksum::crc32, 6},
    {"rust_mysql_common/test-data/binlogs/rpl_cross_version_default_utf8mb4_collation.000001", 19, {{2, 7}, {3, 1}, {5, 2}, {15, 1}, {16, 2}, {34, 5}, {35, 1}}, {}, expect_checksum::crc32, 18},
    {"rust_mysql_common/test-data/binlogs/rpl_unfiltered_hidden_gcol.000001", 15, {{2, 3}, {3, 1}, {4, 2}, {15, 2}, {16, 1}, {19, 1}, {30, 1}, {34, 3}, {35, 1}}, {}, expect_checksum::crc32, 13},
    {"rust_mysql_common/test-data/binlogs/slave-relay-bin.000001", 6, {{2, 2}, {15, 1}, {34, 2}, {35, 1}}, {}, expect_checksum::crc32, 5},
    {"rust_mysql_common/test-data/binlogs/time_issue.000001", 8, {{2, 1}, {4, 1}, {15, 1}, {16, 1}, {19, 1}, {30, 1}, {34, 1}, {35, 1}}, {}, expect_checksum::crc32, 7},
    {"rust_mysql_common/test-data/binlogs/transaction_compression.000001", 5, {{4, 1}, {15, 1}, {34, 1}, {35, 1}, {40, 1}}, {{2, 1}, {16, 1}, {19, 1}, {30, 1}}, expect_checksum::crc32, 4},
    {"rust_mysql_common/test-data/binlogs/update-full-row.binlog", 10, {{2, 2}, {4, 1}, {15, 1}, {19, 2}, {23, 2}, {24, 1}, {25, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/update-partial-row.binlog", 10, {{2, 2}, {4, 1}, {15, 1}, {19, 2}, {23, 2}, {24, 1}, {25, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/vector.binlog", 38, {{2, 10}, {3, 1}, {15, 1}, {16, 3}, {19, 6}, {30, 5}, {32, 1}, {34, 10}, {35, 1}}, {}, expect_checksum::crc32, 37},
    {"rust_mysql_common/test-data/binlogs/ver_5_1-wl2325_r.001", 11, {{2, 3}, {3, 1}, {15, 1}, {16, 3}, {17, 1}, {18, 1}, {19, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/ver_5_1-wl2325_s.001", 15, {{2, 6}, {3, 1}, {5, 1}, {9, 1}, {13, 1}, {14, 1}, {15, 1}, {20, 1}, {21, 1}, {22, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/ver_5_1_23.001", 24, {{2, 9}, {3, 1}, {5, 1}, {9, 1}, {13, 1}, {14, 1}, {15, 1}, {16, 1}, {17, 1}, {18, 1}, {19, 3}, {23, 1}, {24, 1}, {25, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/ver_trunk_row_v2.001", 40, {{2, 24}, {4, 1}, {5, 1}, {9, 1}, {13, 1}, {14, 1}, {15, 1}, {16, 2}, {17, 1}, {18, 1}, {19, 3}, {30, 1}, {31, 1}, {32, 1}}, {}, expect_checksum::off, 0},
    {"rust_mysql_common/test-data/binlogs/write-full-row.binlog", 9, {{2, 2}, {4, 1}, {15, 1}, {19, 2}, {23, 2}, {25, 1}}, {}, expect_checksum::none, 0},
    {"rust_mysql_common/test-data/binlogs/write-partial-row.binlog", 10, {{2, 2}, {4, 1}, {15, 1}, {19, 2}, {23, 3}, {25, 1}}, {}, expect_checksum::none, 0},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.aurora-padding", 5, {{2, 1}, {15, 1}, {34, 1}, {35, 1}, {100, 1}}, {}, expect_checksum::crc32, 4},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-crc32", 303, {{2, 60}, {4, 1}, {15, 1}, {16, 60}, {19, 60}, {30, 34}, {31, 20}, {32, 6}, {34, 60}, {35, 1}}, {}, expect_checksum::crc32, 302},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-none", 191, {{2, 40}, {3, 1}, {15, 1}, {16, 36}, {19, 36}, {30, 34}, {31, 2}, {34, 40}, {35, 1}}, {}, expect_checksum::off, 0},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.compressed", 5, {{4, 1}, {15, 1}, {34, 1}, {35, 1}, {40, 1}}, {{2, 1}, {16, 1}, {19, 1}, {31, 1}}, expect_checksum::crc32, 4},
    {"mysql-binlog-connector-java/src/test/resources/mysql-bin.sakila.gz", 1462, {{2, 54}, {15, 1}, {16, 15}, {19, 18}, {23, 1374}}, {}, expect_checksum::none, 0},
    {"mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000057", 8, {{2, 1}, {15, 1}, {33, 3}, {35, 1}, {40, 2}}, {{2, 2}, {16, 2}, {19, 3}, {29, 3}, {30, 2}, {31, 1}}, expect_checksum::crc32, 7},
    {"mysql-binlog-connector-rust/tests/parse_file_tests/mysql-bin.000080", 37, {{2, 10}, {15, 1}, {16, 5}, {19, 5}, {30, 3}, {32, 2}, {33, 10}, {35, 1}}, {}, expect_checksum::crc32, 36},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000001", 4, {{3, 1}, {15, 1}, {161, 1}, {163, 1}}, {}, expect_checksum::crc32, 3},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000002", 26594, {{2, 17726}, {4, 1}, {15, 1}, {16, 4431}, {161, 1}, {162, 4433}, {163, 1}}, {}, expect_checksum::crc32, 26593},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000004", 2435, {{2, 1620}, {4, 1}, {15, 1}, {16, 405}, {161, 2}, {162, 405}, {163, 1}}, {}, expect_checksum::crc32, 2434},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000005", 527, {{2, 348}, {4, 1}, {15, 1}, {16, 87}, {161, 2}, {162, 87}, {163, 1}}, {}, expect_checksum::crc32, 526},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000006", 401, {{2, 264}, {4, 1}, {15, 1}, {16, 66}, {161, 2}, {162, 66}, {163, 1}}, {}, expect_checksum::crc32, 400},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000007", 383, {{2, 252}, {4, 1}, {15, 1}, {16, 63}, {161, 2}, {162, 63}, {163, 1}}, {}, expect_checksum::crc32, 382},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000009", 10, {{2, 3}, {3, 1}, {15, 1}, {161, 1}, {162, 3}, {163, 1}}, {}, expect_checksum::crc32, 9},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_0/mariadb-repl-bin.000010", 24, {{2, 10}, {3, 1}, {15, 1}, {161, 1}, {162, 10}, {163, 1}}, {}, expect_checksum::crc32, 23},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_1/mariadb-repl-bin.000001", 4, {{3, 1}, {15, 1}, {161, 1}, {163, 1}}, {}, expect_checksum::crc32, 3},
    {"mariadb-poc/mariadb-binlog/binlogs/domain_id_1/mariadb-repl-bin.000002", 28, {{2, 12}, {4, 1}, {15, 1}, {161, 1}, {162, 12}, {163, 1}}, {}, expect_checksum::crc32, 27},
    {"go-mysql/replication/t/tcb-eval002c-bin.003320", 6, {{2, 1}, {4, 1}, {15, 1}, {16, 1}, {19, 1}, {30, 1}}, {}, expect_checksum::crc32, 5},
    {"percona-toolkit/t/lib/samples/binlogs/raw_binlog.log", 40, {{2, 26}, {15, 1}, {16, 13}}, {}, expect_checksum::none, 0},
    {"percona-toolkit/t/lib/samples/relay-binlog001", 15, {{2, 10}, {4, 1}, {15, 2}, {16, 2}}, {}, expect_checksum::none, 0},
    {"ybinlogp/testing/data/mysql-bin.default-path", 39, {{2, 24}, {4, 1}, {5, 3}, {15, 1}, {16, 10}}, {}, expect_checksum::none, 0},
    {"ybinlogp/testing/data/mysql-bin.delayed-event", 39, {{2, 24}, {4, 1}, {5, 3}, {15, 1}, {16, 10}}, {}, expect_checksum::none, 0},
    {"tiflow/mysql-bin.000001", 59, {{2, 13}, {15, 1}, {16, 7}, {19, 8}, {23, 7}, {25, 1}, {161, 1}, {162, 20}, {163, 1}}, {}, expect_checksum::off, 0},
    {"go-mysql-server/enginetest/testdata/binlog_delete.txt", 3, {{15, 1}, {19, 1}, {25, 1}}, {}, expect_checksum::crc32, 2},
    {"go-mysql-server/enginetest/testdata/binlog_format_desc.txt", 1, {{15, 1}}, {}, expect_checksum::crc32, 0},
    {"go-mysql-server/enginetest/testdata/binlog_insert.txt", 5, {{15, 1}, {19, 2}, {23, 2}}, {}, expect_checksum::crc32, 4},
    {"go-mysql-server/enginetest/testdata/binlog_no_format_desc.txt", 2, {{19, 1}, {23, 1}}, {}, expect_checksum::none, 0},
    {"go-mysql-server/enginetest/testdata/binlog_transaction_multi_ops.txt", 11, {{15, 1}, {19, 5}, {23, 3}, {24, 1}, {25, 1}}, {}, expect_checksum::crc32, 10},
    {"go-mysql-server/enginetest/testdata/binlog_update.txt", 3, {{15, 1}, {19, 1}, {24, 1}}, {}, expect_checksum::crc32, 2},
};
// clang-format on

std::string data_dir()
{
    return BINLOGSTREAM_TESTDATA_DIR;
}

// MySQL sql/log_event.cc, Format_description_log_event: the 5.1 "alcatel" trees (server versions
// 5.1.x-a_drop5p, 5.2.x-a_drop6p) number these types differently; the MANIFEST lists raw numbers.
int standard_type(std::string_view path, int raw)
{
    if (path.find("ver_5_1-wl2325") == std::string_view::npos)
        return raw;
    switch (raw)
    {
        case 16:
            return 19; // TABLE_MAP
        case 17:
            return 20; // PRE_GA_WRITE_ROWS
        case 18:
            return 21; // PRE_GA_UPDATE_ROWS
        case 19:
            return 22; // PRE_GA_DELETE_ROWS
        case 20:
            return 16; // XID
        case 21:
            return 17; // BEGIN_LOAD_QUERY
        case 22:
            return 18; // EXECUTE_LOAD_QUERY
        default:
            return raw;
    }
}

// The go-mysql-server .txt files hold `BINLOG '<base64>'` statements cut from mariadb-binlog output:
// decode them and write a binlog (magic + events) to a temporary file.
std::string base64_decode(const std::string& in)
{
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned val = 0;
    int bits = -8;
    for (char c : in)
    {
        if (c == '=')
        {
            // Padding ends a chunk; mariadb-binlog concatenates one chunk per event.
            val = 0;
            bits = -8;
            continue;
        }
        auto p = chars.find(c);
        if (p == std::string::npos)
            continue;
        val = (val << 6) | static_cast<unsigned>(p);
        bits += 6;
        if (bits >= 0)
        {
            out += static_cast<char>((val >> bits) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::string binlog_from_text(const std::string& path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    auto text = ss.str();
    std::string bin = "\xfe"
                      "bin";
    std::size_t pos = 0;
    while ((pos = text.find("BINLOG '", pos)) != std::string::npos)
    {
        pos += 8;
        auto end = text.find('\'', pos);
        bin += base64_decode(text.substr(pos, end - pos));
        pos = end + 1;
    }
    auto out =
        (fs::temp_directory_path() / ("bls_walk_" + fs::path(path).filename().string() + ".bin")).string();
    std::ofstream o(out, std::ios::binary);
    o << bin;
    return out;
}

std::string file_for(const manifest_entry& e)
{
    auto p = data_dir() + "/" + e.path;
    if (fs::path(p).extension() == ".txt")
        return binlog_from_text(p);
    return p;
}

struct walk_result
{
    std::map<int, std::size_t> histogram;
    std::map<int, std::size_t> payload_histogram;
    std::size_t total = 0;
    std::size_t rows = 0;
    std::size_t rows_without_table = 0;
    std::size_t rows_undecodable = 0;
    std::error_code ec;
    std::uint64_t error_offset = 0;
    bls::checksum_algorithm checksum = bls::checksum_algorithm::undefined;
};

// Rows the binlog alone cannot size, as the MANIFEST documents:
// * tiflow/mysql-bin.000001 (MariaDB 10.0): "columns declared timestamp(1)/(3)/(4) appear in TABLE_MAP as
//   type 7 TIMESTAMP with zero metadata bytes ... so the fractional width is not in the TABLE_MAP";
// * ver_5_1-wl2325_r.001 (5.1 alcatel tree): pre-GA TABLE_MAPs carry no column metadata at all, so CHAR
//   (STRING) columns have no length.
bool undecodable_rows(const std::string& file, const bls::table_info& t)
{
    bool old_temporal = file.find("tiflow/mysql-bin.000001") != std::string::npos;
    bool pre_ga = file.find("ver_5_1-wl2325") != std::string::npos;
    for (const auto& c : t.columns)
    {
        if (old_temporal && c.wire_type == bls::column_type::timestamp)
            return true;
        if (pre_ga && c.wire_type == bls::column_type::string)
            return true;
    }
    return false;
}

walk_result walk(const std::string& file, bls::file_reader_options opts = {})
{
    opts.strict = true;
    bls::file_reader reader(opts);
    reader.open({file});
    walk_result res;
    bls::event ev;
    std::error_code ec;
    while (reader.next(ev, ec))
    {
        const auto& h = bls::header_of(ev);
        auto type = static_cast<int>(h.type);
        if (reader.position().in_payload)
            ++res.payload_histogram[type];
        else
        {
            ++res.histogram[type];
            ++res.total;
        }
        std::visit(
            [&](const auto& e) {
                if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
                {
                    std::size_t n = 0;
                    auto rec = e.count_rows(n);
                    if (!e.table)
                    {
                        ++res.rows_without_table;
                        return;
                    }
                    if (rec && undecodable_rows(file, *e.table))
                    {
                        ++res.rows_undecodable;
                        return;
                    }
                    BOOST_TEST_CONTEXT("rows event at " << reader.position().offset)
                    {
                        BOOST_TEST(!rec, rec.message());
                        BOOST_TEST(n > 0u);
                    }
                    res.rows += n;
                }
            },
            ev
        );
    }
    res.ec = ec;
    res.error_offset = reader.position().offset;
    res.checksum = reader.format().checksum;
    return res;
}

// Files the MANIFEST marks as broken, with what it says about them.
bool is_negative(std::string_view path)
{
    return path.find("binlog_truncated_event") != std::string_view::npos ||
           path.find("binlog_truncated_prev_gtid_event") != std::string_view::npos ||
           path.find("corrupt-relay-bin") != std::string_view::npos ||
           path.find("binlog_no_format_desc") != std::string_view::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(binlog_files_walk)

BOOST_AUTO_TEST_CASE(every_shared_binlog_decodes_with_manifest_histogram)
{
    BOOST_TEST(manifest.size() == 70u);
    for (const auto& e : manifest)
    {
        if (is_negative(e.path))
            continue;
        BOOST_TEST_CONTEXT(e.path)
        {
            auto res = walk(file_for(e));
            BOOST_TEST((res.ec == bls::errc::end_of_stream), res.ec.message() << " at " << res.error_offset);
            BOOST_TEST(res.total == e.total);
            std::map<int, std::size_t> expected;
            for (auto [type, count] : e.histogram)
                expected[standard_type(e.path, type)] += count;
            std::map<int, std::size_t> expected_payload(
                e.payload_histogram.begin(), e.payload_histogram.end()
            );
            BOOST_TEST((res.histogram == expected));
            BOOST_TEST((res.payload_histogram == expected_payload));
            switch (e.checksum)
            {
                case expect_checksum::crc32:
                    BOOST_TEST((res.checksum == bls::checksum_algorithm::crc32));
                    break;
                case expect_checksum::off:
                    BOOST_TEST((res.checksum == bls::checksum_algorithm::off));
                    break;
                case expect_checksum::none:
                    BOOST_TEST((res.checksum == bls::checksum_algorithm::undefined));
                    break;
            }
            // Rows events can only be decoded after a TABLE_MAP (the pre-GA file has none).
            if (expected.count(19) || expected_payload.count(19))
                BOOST_TEST(res.rows_without_table == 0u);
        }
    }
}

// MANIFEST: "NEGATIVE vector: 14 bytes = magic + 10 bytes of a truncated event header."
BOOST_AUTO_TEST_CASE(truncated_header_fails_at_offset_4)
{
    auto res = walk(data_dir() + "/rust_mysql_common/test-data/binlogs/binlog_truncated_event.000001");
    BOOST_TEST((res.ec == bls::errc::truncated_event));
    BOOST_TEST(res.error_offset == 4u);
    BOOST_TEST(res.total == 0u);
}

// MANIFEST: "FDE followed by a truncated PREVIOUS_GTIDS event (9 trailing bytes)", "trailing 9 bytes at
// 120"; the FDE has LOG_EVENT_BINLOG_IN_USE_F set and its CRC must still verify.
BOOST_AUTO_TEST_CASE(truncated_previous_gtids_fails_at_offset_120)
{
    auto res =
        walk(data_dir() + "/rust_mysql_common/test-data/binlogs/binlog_truncated_prev_gtid_event.000001");
    BOOST_TEST((res.ec == bls::errc::truncated_event));
    BOOST_TEST(res.error_offset == 120u);
    BOOST_TEST(res.total == 1u);
    BOOST_TEST((res.checksum == bls::checksum_algorithm::crc32));
}

// MANIFEST: 874 events framed by event_size; "one QUERY_EVENT of event_size 171 is broken". The broken
// one is the QUERY at 91204, whose status-variable length (0x4235) runs past the event.
BOOST_AUTO_TEST_CASE(corrupt_relay_log_fails_at_the_broken_query)
{
    auto path = data_dir() + "/rust_mysql_common/test-data/binlogs/corrupt-relay-bin.000624";
    auto res = walk(path);
    BOOST_TEST((res.ec == bls::errc::truncated_event));
    BOOST_TEST(res.error_offset == 91204u);

    // Framing alone sees the MANIFEST's 874 events.
    std::ifstream f(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::size_t pos = 4, count = 0;
    while (pos + 19 <= bytes.size())
    {
        bls::event_header h;
        auto span = std::as_bytes(std::span<const char>(bytes.data() + pos, bytes.size() - pos));
        BOOST_REQUIRE(!bls::codec::decode_header(span, h));
        pos += h.event_size;
        ++count;
    }
    BOOST_TEST(count == 874u);
    BOOST_TEST(pos == bytes.size());
}

// MANIFEST: TABLE_MAP + WRITE_ROWS_V1 without their FDE; "Decoder must be told the checksum state out
// of band". Told CRC32 (the server, MariaDB 10.11, writes CRC32), it decodes and verifies.
BOOST_AUTO_TEST_CASE(fragment_without_fde_needs_checksum_out_of_band)
{
    auto file =
        binlog_from_text(data_dir() + "/go-mysql-server/enginetest/testdata/binlog_no_format_desc.txt");
    bls::file_reader_options opts;
    opts.assume_checksum = bls::checksum_algorithm::crc32;
    auto res = walk(file, opts);
    BOOST_TEST((res.ec == bls::errc::end_of_stream), res.ec.message());
    BOOST_TEST(res.total == 2u);
    BOOST_TEST(res.rows == 1u);

    // Without it, the 4 CRC bytes are taken for data: strict decoding refuses the events.
    auto bad = walk(file);
    BOOST_TEST((bad.ec != bls::errc::end_of_stream));
}

BOOST_AUTO_TEST_SUITE_END()
