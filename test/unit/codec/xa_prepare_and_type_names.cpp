// XA_PREPARE_LOG_EVENT (38) from a binlog a real MariaDB 10.11 wrote (test/data/values README: XA
// START 'gtrid-abc','bq',7 ... XA PREPARE; mariadb-binlog prints X'67747269642d616263',X'6271',7), and
// the column type names (MySQL include/field_types.h enum_field_types without MYSQL_TYPE_).

#include <binlogstream/file_reader.hpp>
#include <binlogstream/table.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace bls = binlogstream;

BOOST_AUTO_TEST_SUITE(xa_prepare_and_type_names)

BOOST_AUTO_TEST_CASE(xa_prepare_from_mariadb)
{
    bls::file_reader_options opts;
    opts.strict = true; // no leftover bytes after the XID
    bls::file_reader reader(opts);
    reader.open({std::string(BINLOGSTREAM_TEST_DATA_DIR) + "/values/mariadb-10.11-xa.000001"});
    bls::event ev;
    std::error_code ec;
    std::size_t found = 0;
    while (reader.next(ev, ec))
    {
        auto* xa = std::get_if<bls::xa_prepare_event>(&ev);
        if (!xa)
            continue;
        ++found;
        BOOST_TEST(reader.position().offset == 860u);
        BOOST_TEST(xa->header.event_size == 47u);
        BOOST_TEST(!xa->one_phase);
        BOOST_TEST(xa->format_id == 7);
        BOOST_TEST(xa->gtrid == "gtrid-abc");
        BOOST_TEST(xa->bqual == "bq");
    }
    BOOST_TEST((ec == bls::errc::end_of_stream), ec.message());
    BOOST_TEST(found == 1u);
}

BOOST_AUTO_TEST_CASE(column_type_names)
{
    using bls::column_type;
    BOOST_TEST(bls::to_string(column_type::decimal) == "DECIMAL");
    BOOST_TEST(bls::to_string(column_type::tiny) == "TINY");
    BOOST_TEST(bls::to_string(column_type::longlong) == "LONGLONG");
    BOOST_TEST(bls::to_string(column_type::varchar) == "VARCHAR");
    BOOST_TEST(bls::to_string(column_type::timestamp2) == "TIMESTAMP2");
    BOOST_TEST(bls::to_string(column_type::typed_array) == "TYPED_ARRAY");
    BOOST_TEST(bls::to_string(column_type::vector) == "VECTOR");
    BOOST_TEST(bls::to_string(column_type::json) == "JSON");
    BOOST_TEST(bls::to_string(column_type::newdecimal) == "NEWDECIMAL");
    BOOST_TEST(bls::to_string(column_type::var_string) == "VAR_STRING");
    BOOST_TEST(bls::to_string(column_type::geometry) == "GEOMETRY");
    BOOST_TEST(bls::to_string(static_cast<column_type>(100)) == "UNKNOWN");
    // Every known code has a name of its own.
    int named = 0;
    for (int i = 0; i < 256; ++i)
        named += bls::to_string(static_cast<column_type>(i)) != "UNKNOWN";
    BOOST_TEST(named == 35);
}

BOOST_AUTO_TEST_SUITE_END()
