// file_reader's two ways to read plain files: through mappings (events view the file, the default)
// and through read() with a copy per event (map_files = false). Both must give the same events from
// the shared binlogs, and events must stay usable after the reader (and its mappings) are gone:
// each event keeps the window it views alive.

#include <binlogstream/file_reader.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace bls = binlogstream;

namespace {

const char* const files[] = {
    "rust_mysql_common/test-data/binlogs/mariadb-bin.000001",
    "rust_mysql_common/test-data/binlogs/json.binlog.000001",
    "rust_mysql_common/test-data/binlogs/transaction_compression.000001",
    "mysql-binlog-connector-java/src/test/resources/mysql-bin.checksum-crc32",
    "mysql-binlog-connector-java/src/test/resources/mysql-bin.sakila.gz",
};

std::string path_of(const char* rel)
{
    return std::string(BINLOGSTREAM_TESTDATA_DIR) + "/" + rel;
}

struct summary
{
    std::vector<std::string> events; // type@offset+size per event
    std::size_t cells = 0;
    std::error_code end;
};

std::size_t count_cells(const bls::event& ev)
{
    std::size_t n = 0;
    std::visit(
        [&](const auto& e) {
            if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
            {
                if (!e.table)
                    return;
                for (const auto& r : e.rows())
                    for (const auto* img : {&r.before, &r.after})
                    {
                        std::vector<bls::row_cell> cells;
                        if (img->exists() && !img->cells(cells))
                            n += cells.size();
                    }
            }
        },
        ev
    );
    return n;
}

summary read(const char* rel, bool map, std::vector<bls::event>* keep = nullptr)
{
    bls::file_reader_options opts;
    opts.map_files = map;
    bls::file_reader reader(opts);
    reader.open({path_of(rel)});
    summary s;
    bls::event ev;
    while (reader.next(ev, s.end))
    {
        const auto& h = bls::header_of(ev);
        s.events.push_back(
            std::to_string(int(h.type)) + "@" + std::to_string(reader.position().offset) + "+" +
            std::to_string(h.event_size)
        );
        s.cells += count_cells(ev);
        if (keep)
            keep->push_back(std::move(ev));
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(file_reader_mapping)

BOOST_AUTO_TEST_CASE(mapped_and_copied_reads_agree)
{
    for (const char* f : files)
    {
        BOOST_TEST_CONTEXT(f)
        {
            auto mapped = read(f, true);
            auto copied = read(f, false);
            BOOST_TEST((mapped.end == bls::errc::end_of_stream), mapped.end.message());
            BOOST_TEST((copied.end == bls::errc::end_of_stream), copied.end.message());
            BOOST_TEST(!mapped.events.empty());
            BOOST_TEST(mapped.events == copied.events, boost::test_tools::per_element());
            BOOST_TEST(mapped.cells == copied.cells);
        }
    }
}

BOOST_AUTO_TEST_CASE(events_outlive_the_reader)
{
    for (const char* f : files)
    {
        BOOST_TEST_CONTEXT(f)
        {
            std::vector<bls::event> kept;
            auto s = read(f, true, &kept); // the reader and its current window are gone after this
            std::size_t cells = 0;
            for (const auto& ev : kept)
                cells += count_cells(ev);
            BOOST_TEST(cells == s.cells);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
