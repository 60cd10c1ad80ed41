// MariaDB 5.3 fractional temporal cells (codec/temporal_hires.hpp): malformed input is an error,
// never a crash. Real values are checked against the sandbox in
// integration/schema_hires_temporal.cpp (they need the table cache's precision).

#include <binlogstream/error.hpp>

#include "codec/temporal_hires.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

namespace bls = binlogstream;
namespace codec = binlogstream::codec;

BOOST_AUTO_TEST_SUITE(temporal_hires_bounds)

BOOST_AUTO_TEST_CASE(sizes_follow_mariadb_tables)
{
    // MariaDB sql/field.cc: sec_part_bytes, datetime_hires_bytes, time_hires_bytes.
    BOOST_TEST(codec::hires_cell_size(bls::column_type::timestamp, 3) == 6u);
    BOOST_TEST(codec::hires_cell_size(bls::column_type::datetime, 6) == 8u);
    BOOST_TEST(codec::hires_cell_size(bls::column_type::time, 2) == 4u);
    BOOST_TEST(codec::hires_cell_size(bls::column_type::time, 7) == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_cells_are_errors)
{
    std::vector<std::byte> ff(8, std::byte{0xff});
    bls::value v;
    for (auto t : {bls::column_type::time, bls::column_type::datetime, bls::column_type::timestamp})
    {
        // Precision out of range, too few bytes, all bits set (out of each type's range).
        BOOST_TEST(codec::decode_hires(t, ff, 7, v) == bls::errc::bad_value);
        BOOST_TEST(codec::decode_hires(t, codec::bytes_view(ff).first(2), 6, v) == bls::errc::bad_value);
        BOOST_TEST(codec::decode_hires(t, ff, 6, v) == bls::errc::bad_value);
    }
}

BOOST_AUTO_TEST_SUITE_END()
