// The dispatcher's registrations as an event filter: `event_index_of` (type code -> event alternative)
// must agree with what the decoders really produce, so that a registered handler never misses an
// event its filter let through or the reverse. Checked on every event of every shared binlog file
// (written by real MySQL and MariaDB servers), then `dispatcher::events()` on the codes themselves.

#include <binlogstream/dispatcher.hpp>
#include <binlogstream/file_reader.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>
#include <string>

namespace bls = binlogstream;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(dispatcher_filter)

BOOST_AUTO_TEST_CASE(event_index_of_matches_the_decoders_on_every_shared_binlog)
{
    std::size_t files = 0, events = 0;
    std::set<int> codes_seen;
    for (const auto& entry : fs::recursive_directory_iterator(BINLOGSTREAM_TESTDATA_DIR))
    {
        const auto ext = entry.path().extension().string();
        if (!entry.is_regular_file() || ext == ".md" || ext == ".txt" || ext == ".go" || ext == ".json")
            continue;
        bls::file_reader reader;
        reader.open({entry.path().string()});
        bls::event ev;
        std::error_code ec;
        std::size_t here = 0;
        while (reader.next(ev, ec)) // files that end in an error still check the events before it
        {
            const auto& h = bls::header_of(ev);
            BOOST_TEST_CONTEXT(
                entry.path().string() << " at " << reader.position().offset << " type " << int(h.type)
            )
            {
                BOOST_TEST(ev.index() == bls::event_index_of(h.type));
            }
            codes_seen.insert(int(h.type));
            ++here;
        }
        files += here > 0;
        events += here;
    }
    BOOST_TEST_MESSAGE(files << " files, " << events << " events, " << codes_seen.size() << " type codes");
    BOOST_TEST(files > 50u);
    BOOST_TEST(codes_seen.size() > 30u); // most of the codes, MariaDB's included
}

BOOST_AUTO_TEST_CASE(events_holds_every_code_of_the_registered_alternatives)
{
    bls::dispatcher d;
    BOOST_TEST((d.events() == bls::event_type_set{}));
    d.on<bls::write_rows_event>([](const bls::write_rows_event&) {});
    d.on<bls::query_event>([](const bls::query_event&) -> asio::awaitable<void> { co_return; });
    auto types = d.events();
    for (auto t :
         {bls::event_type::write_rows,
          bls::event_type::write_rows_v1,
          bls::event_type::pre_ga_write_rows,
          bls::event_type::mariadb_write_rows_compressed,
          bls::event_type::mariadb_write_rows_compressed_v1,
          bls::event_type::query,
          bls::event_type::mariadb_query_compressed})
        BOOST_TEST(types.contains(t), "missing " << int(t));
    for (auto t :
         {bls::event_type::update_rows,
          bls::event_type::delete_rows,
          bls::event_type::xid,
          bls::event_type::table_map,
          bls::event_type::mariadb_gtid,
          bls::event_type::ignorable,
          bls::event_type::unknown})
        BOOST_TEST(!types.contains(t), "unexpected " << int(t));
    BOOST_TEST(!types.contains(static_cast<bls::event_type>(200))); // unassigned codes: unknown_event

    // A handler for unknown_event takes every code without a decoder, and nothing else.
    bls::dispatcher u;
    u.on<bls::unknown_event>([](const bls::unknown_event&) {});
    auto unknown = u.events();
    BOOST_TEST(unknown.contains(bls::event_type::ignorable));
    BOOST_TEST(unknown.contains(static_cast<bls::event_type>(200)));
    BOOST_TEST(!unknown.contains(bls::event_type::write_rows));
    BOOST_TEST(!unknown.contains(bls::event_type::format_description));
}

BOOST_AUTO_TEST_CASE(of_names_every_version_of_an_alternative)
{
    auto rows = bls::event_type_set::of<bls::delete_rows_event, bls::xid_event>();
    for (auto t :
         {bls::event_type::delete_rows,
          bls::event_type::delete_rows_v1,
          bls::event_type::pre_ga_delete_rows,
          bls::event_type::mariadb_delete_rows_compressed,
          bls::event_type::mariadb_delete_rows_compressed_v1,
          bls::event_type::xid})
        BOOST_TEST(rows.contains(t), "missing " << int(t));
    BOOST_TEST(!rows.contains(bls::event_type::write_rows));
    BOOST_TEST(!rows.contains(bls::event_type::query));

    bls::dispatcher d;
    d.on<bls::delete_rows_event>([](const bls::delete_rows_event&) {});
    d.on<bls::xid_event>([](const bls::xid_event&) {});
    BOOST_TEST((d.events() == rows));
}

BOOST_AUTO_TEST_CASE(intersection_only_narrows)
{
    auto all = bls::event_type_set::all();
    bls::event_type_set some{bls::event_type::xid, bls::event_type::heartbeat};
    auto both = all & some;
    BOOST_TEST(both.contains(bls::event_type::xid));
    BOOST_TEST(!both.contains(bls::event_type::heartbeat)); // all() leaves heartbeats out
    BOOST_TEST(!both.contains(bls::event_type::query));
}

BOOST_AUTO_TEST_SUITE_END()
