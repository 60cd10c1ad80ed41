// Differential test of the cell decoders against a third-party decoder: `mariadb-binlog -vv
// --base64-output=decode-rows` (MariaDB's mysqlbinlog, installed on the machine) prints every cell of
// every row image of the shared binlogs ("###   @N=value /* type meta=... */"). Each decoded value,
// printed the way log_event_print_value (MariaDB client/log_event_client.cc) prints it, must match.
// Skipped (with a message) when mariadb-binlog is not installed.

#include "unit/codec/mariadb_binlog_text.hpp"
#include "unit/codec/value_binlog_walk.hpp"

#include <boost/test/unit_test.hpp>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

using namespace binlogstream;

using namespace value_test;

BOOST_AUTO_TEST_SUITE(value_vs_mariadb_binlog)

BOOST_AUTO_TEST_CASE(every_cell_matches_mariadb_binlog)
{
    if (std::system("mariadb-binlog --version > /dev/null 2>&1") != 0)
    {
        BOOST_TEST_MESSAGE("mariadb-binlog is not installed: skipped");
        return;
    }
    namespace fs = std::filesystem;
    std::size_t files = 0;
    std::size_t compared = 0;
    std::map<int, std::size_t> per_kind;
    std::vector<fs::directory_entry> entries;
    // The shared third-party binlogs, and our own MariaDB capture (test/data/values).
    for (const char* root : {BINLOGSTREAM_TESTDATA_DIR, BINLOGSTREAM_TEST_DATA_DIR "/values"})
        if (fs::is_directory(root))
            for (const auto& e : fs::recursive_directory_iterator(root))
                entries.push_back(e);
    for (const auto& entry : entries)
    {
        if (!entry.is_regular_file())
            continue;
        auto ext = entry.path().extension().string();
        if (ext == ".md" || ext == ".sql" || ext == ".txt" || ext == ".tsv")
            continue;
        std::optional<gunzipped_file> gunzipped;
        std::string path = entry.path().string();
        if (ext == ".gz")
        {
            gunzipped.emplace(path);
            path = gunzipped->path();
            if (path.empty())
                continue;
        }
        auto name = entry.path().filename().string();
        if ((name == "mysql-bin.000001" && entry.path().parent_path().filename() == "tiflow") ||
            name == "ver_5_1-wl2325_r.001")
            continue; // see value_binlogs.cpp
        std::map<std::size_t, printed_images> printed;
        if (!run_mariadb_binlog(path, printed))
            continue;
        value_test::binlog_walk walk(path);
        if (!walk.loaded())
            continue;
        ++files;
        struct decoded_image
        {
            const table_info* table;
            value_test::row_image image;
        };
        std::vector<decoded_image> images;
        auto ec = walk.run([&](const table_info& t, const value_test::row_image& img) {
            images.push_back({&t, img});
        });
        BOOST_TEST(!ec, name << ": " << ec.message());
        printed_matcher match(printed, walk.rows_events());
        for (const auto& [table, img] : images)
        {
            std::size_t idx = 0;
            const auto* found = match.next(img.event_pos, idx);
            if (!found)
                continue;
            const auto& texts = *found;
            BOOST_TEST_CONTEXT(name << " at " << img.event_pos << " image " << idx)
            {
                BOOST_TEST_REQUIRE(texts.size() == img.cells.size());
                for (std::size_t i = 0; i < texts.size(); ++i)
                {
                    if (texts[i].rfind("!!", 0) == 0)
                        break; // mariadb-binlog could not print this type (MySQL JSON...)
                    auto mine = as_mariadb_prints(img.cells[i].v, table->columns[img.cells[i].column]);
                    if (mine.empty())
                        continue;
                    BOOST_TEST_CONTEXT("@" << img.cells[i].column + 1)
                    {
                        BOOST_TEST(mine == texts[i]);
                    }
                    ++compared;
                    ++per_kind[static_cast<int>(img.cells[i].v.kind())];
                }
            }
        }
    }
    BOOST_TEST_MESSAGE("mariadb-binlog comparison: " << files << " files, " << compared << " cells");
    for (const auto& [kind, n] : per_kind)
        BOOST_TEST_MESSAGE("  value_kind " << kind << ": " << n);
    BOOST_TEST(files > 30u);
    BOOST_TEST(compared > 1000u);
}

BOOST_AUTO_TEST_SUITE_END()
