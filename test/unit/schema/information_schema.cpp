// information_schema reads (lib/schema/information_schema.hpp): the resultset parse and the merge
// with a TABLE_MAP. The rows below are what MariaDB 10.11's information_schema returns for
//   CREATE TABLE s.t (id INT UNSIGNED NOT NULL PRIMARY KEY, e ENUM('a','it''s','x,y','b\\c'),
//                     v VARCHAR(10) CHARACTER SET latin1, d DECIMAL(5,2), tx TEXT CHARACTER SET utf8mb4,
//                     b BIT(5), p POINT)
// and the TABLE_MAP is what the server writes for it (types and metadata per column), as the codec
// decodes it with binlog_row_metadata=NO_LOG (no optional metadata).

#include "schema/information_schema.hpp"

#include <boost/test/unit_test.hpp>

namespace bls = binlogstream;
namespace bs = binlogstream::schema;

namespace {

using cell = std::optional<std::string>;
const cell null = std::nullopt;

bls::resultset metadata_rows()
{
    bls::resultset rs;
    rs.columns.resize(13);
    // clang-format off
    rs.rows = {
        {"C", "s", "t", "1", "id", "int", "int(10) unsigned", "NO", "10", "0", null, null, null},
        {"C", "s", "t", "2", "e", "enum", "enum('a','it''s','x,y','b\\\\c')", "YES", null, null, null, "4", "8"},
        {"C", "s", "t", "3", "v", "varchar", "varchar(10)", "YES", null, null, null, "10", "8"},
        {"C", "s", "t", "4", "d", "decimal", "decimal(5,2)", "YES", "5", "2", null, null, null},
        {"C", "s", "t", "5", "tx", "text", "text", "YES", null, null, null, "65535", "45"},
        {"C", "s", "t", "6", "b", "bit", "bit(5)", "YES", "5", null, null, null, null},
        {"C", "s", "t", "7", "p", "point", "point", "YES", null, null, null, null, null},
        {"K", "s", "t", "1", "id", null, null, null, null, null, null, null, null},
    };
    // clang-format on
    return rs;
}

bls::column_info column(bls::column_type wire, bls::column_type type, std::uint16_t meta)
{
    bls::column_info c;
    c.wire_type = wire;
    c.type = type;
    c.meta = meta;
    return c;
}

bls::table_info mapped_table()
{
    using ct = bls::column_type;
    bls::table_info t;
    t.table_id = 42;
    t.schema = "s";
    t.table = "t";
    t.columns = {
        column(ct::long_, ct::long_, 0),
        column(ct::string, ct::enum_, (247 << 8) | 1),
        column(ct::varchar, ct::varchar, 10),
        column(ct::newdecimal, ct::newdecimal, (5 << 8) | 2),
        column(ct::blob, ct::blob, 2),
        column(ct::bit, ct::bit, 5),
        column(ct::geometry, ct::geometry, 4),
    };
    t.columns[0].nullable = false;
    return t;
}

bs::fetched_table fetched()
{
    bs::fetched_table f;
    auto ec = bs::parse_metadata(metadata_rows(), "s", "t", f);
    BOOST_REQUIRE(!ec);
    return f;
}

} // namespace

BOOST_AUTO_TEST_SUITE(schema_information_schema)

BOOST_AUTO_TEST_CASE(query_names_travel_as_hex)
{
    auto sql = bs::metadata_query("sh'op", "t`1");
    BOOST_TEST(sql.find("CONVERT(X'7368276F70' USING utf8mb4)") != std::string::npos);
    BOOST_TEST(sql.find("CONVERT(X'746031' USING utf8mb4)") != std::string::npos);
    BOOST_TEST(sql.find("sh'op") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(enum_and_set_literals)
{
    using v = std::vector<std::string>;
    BOOST_TEST((bs::parse_literals("enum('a','it''s','x,y','b\\\\c')") == v{"a", "it's", "x,y", "b\\c"}));
    BOOST_TEST((bs::parse_literals("set('')") == v{""}));
    BOOST_TEST((bs::parse_literals("enum('\\'q')") == v{"'q"}));
    BOOST_TEST(bs::parse_literals("enum('open").empty());
    BOOST_TEST(bs::parse_literals("int(11)").empty());
}

BOOST_AUTO_TEST_CASE(resultset_to_columns_and_key)
{
    auto f = fetched();
    BOOST_REQUIRE_EQUAL(f.columns.size(), 7u);
    BOOST_TEST(f.columns[0].name == "id");
    BOOST_TEST(f.columns[0].is_unsigned);
    BOOST_TEST(!f.columns[0].nullable);
    BOOST_TEST((f.columns[1].literals == std::vector<std::string>{"a", "it's", "x,y", "b\\c"}));
    BOOST_TEST(f.columns[1].charset == 8);
    BOOST_TEST(f.columns[3].numeric_precision.value() == 5u);
    BOOST_TEST(f.columns[3].numeric_scale.value() == 2u);
    BOOST_TEST(!f.columns[3].is_unsigned);
    BOOST_TEST(f.columns[4].octet_length.value() == 65535u);
    BOOST_REQUIRE_EQUAL(f.primary_key.size(), 1u);
    BOOST_TEST(f.primary_key[0].column == 0u);
    BOOST_TEST(f.primary_key[0].prefix == 0u);
}

BOOST_AUTO_TEST_CASE(prefix_key_and_a_missing_table)
{
    bls::resultset rs;
    rs.columns.resize(13);
    // clang-format off
    rs.rows = {
        {"C", "s", "k", "1", "a", "varchar", "varchar(5)", "NO", null, null, null, "20", null},
        {"C", "s", "k", "2", "b", "int", "int(11)", "NO", "10", "0", null, null, null},
        {"K", "s", "k", "1", "b", null, null, null, null, null, null, null, null},
        {"K", "s", "k", "2", "a", null, null, null, "3", null, null, null, null},
    };
    // clang-format on
    bs::fetched_table f;
    BOOST_REQUIRE(!bs::parse_metadata(rs, "s", "k", f));
    BOOST_REQUIRE_EQUAL(f.primary_key.size(), 2u);
    BOOST_TEST((f.primary_key[0] == bls::key_part{1, 0}));
    BOOST_TEST((f.primary_key[1] == bls::key_part{0, 3}));

    bls::resultset empty;
    empty.columns.resize(13);
    BOOST_REQUIRE(!bs::parse_metadata(empty, "s", "gone", f));
    BOOST_TEST(f.columns.empty());
}

BOOST_AUTO_TEST_CASE(resultsets_of_another_shape_are_errors)
{
    auto rs = metadata_rows();
    rs.rows[2][3] = "9"; // ordinal gap
    bs::fetched_table f;
    BOOST_TEST(bs::parse_metadata(rs, "s", "t", f) == bls::errc::bad_value);
    rs = metadata_rows();
    rs.rows.back()[4] = "nope"; // key column that does not exist
    BOOST_TEST(bs::parse_metadata(rs, "s", "t", f) == bls::errc::bad_value);
    rs = metadata_rows();
    rs.columns.resize(3);
    BOOST_TEST(bs::parse_metadata(rs, "s", "t", f) == bls::errc::bad_value);
    rs = metadata_rows();
    rs.rows[0].pop_back();
    BOOST_TEST(bs::parse_metadata(rs, "s", "t", f) == bls::errc::bad_value);
}

BOOST_AUTO_TEST_CASE(other_tables_of_a_case_insensitive_match_are_dropped)
{
    auto rs = metadata_rows();
    auto extra = rs.rows[0];
    extra[2] = "T"; // the same name in another case: another table on a case-sensitive server
    rs.rows.insert(rs.rows.begin(), extra);
    bs::fetched_table f;
    BOOST_REQUIRE(!bs::parse_metadata(rs, "s", "t", f));
    BOOST_TEST(f.columns.size() == 7u);
}

BOOST_AUTO_TEST_CASE(merge_fills_what_the_table_map_lacks)
{
    auto f = fetched();
    auto t = bs::merge_metadata(mapped_table(), {}, &f, {});
    BOOST_TEST((t->metadata == bls::table_metadata::cache));
    std::vector<std::string> names;
    for (const auto& c : t->columns)
        names.push_back(c.name);
    BOOST_TEST((names == std::vector<std::string>{"id", "e", "v", "d", "tx", "b", "p"}));
    BOOST_TEST(t->columns[0].is_unsigned);
    BOOST_TEST((t->columns[1].enum_values == std::vector<std::string>{"a", "it's", "x,y", "b\\c"}));
    BOOST_TEST(t->columns[2].charset == 8);
    BOOST_TEST(t->columns[4].charset == 45);
    BOOST_TEST(t->columns[6].geometry_type == 1u); // POINT
    BOOST_REQUIRE_EQUAL(t->primary_key.size(), 1u);
    BOOST_TEST(t->table_id == 42u);
}

BOOST_AUTO_TEST_CASE(what_the_binlog_says_wins)
{
    auto f = fetched();
    auto mapped = mapped_table();
    mapped.columns[2].charset = 33;         // from DEFAULT_CHARSET metadata
    const std::uint8_t optional[] = {1, 2}; // SIGNEDNESS, DEFAULT_CHARSET (MINIMAL)
    auto t = bs::merge_metadata(mapped, optional, &f, {});
    BOOST_TEST(!t->columns[0].is_unsigned); // SIGNEDNESS said signed
    BOOST_TEST(t->columns[2].charset == 33);
    BOOST_TEST(t->columns[4].charset == 0); // charset metadata present: not mixed with the cache's
    BOOST_TEST(t->columns[0].name == "id");
}

BOOST_AUTO_TEST_CASE(a_changed_table_is_a_mismatch_never_a_relabel)
{
    struct variant
    {
        std::string_view what;
        void (*change)(bs::fetched_table&);
        std::string_view note;
    };
    const variant variants[] = {
        {"a column dropped",
         [](bs::fetched_table& f) { f.columns.erase(f.columns.begin() + 2); },
         "the event has 7 columns, the table now has 6"},
        {"a column added after id",
         [](bs::fetched_table& f) {
             auto c = f.columns[2];
             c.name = "added";
             f.columns.insert(f.columns.begin() + 1, c);
         },
         "the event has 7 columns, the table now has 8"},
        {"a type changed",
         [](bs::fetched_table& f) {
             f.columns[2].data_type = "int";
             f.columns[2].column_type = "int(11)";
         },
         "column @3: the event has VARCHAR and the table now has int(11) (type differs)"},
        {"a precision changed",
         [](bs::fetched_table& f) {
             f.columns[3].numeric_precision = 8;
             f.columns[3].column_type = "decimal(8,2)";
         },
         "column @4: the event has DECIMAL and the table now has decimal(8,2) (precision or scale differs)"},
        {"a length changed",
         [](bs::fetched_table& f) { f.columns[2].octet_length = 20; },
         "column @3: the event has VARCHAR and the table now has varchar(10) (length differs)"},
        {"a text size changed",
         [](bs::fetched_table& f) { f.columns[4].octet_length = 16777215; },
         "column @5: the event has BLOB and the table now has text (size differs)"},
    };
    for (const auto& v : variants)
    {
        BOOST_TEST_CONTEXT(v.what)
        {
            auto f = fetched();
            v.change(f);
            auto t = bs::merge_metadata(mapped_table(), {}, &f, {});
            BOOST_TEST((t->metadata == bls::table_metadata::mismatch));
            BOOST_TEST(t->metadata_note == v.note);
            for (const auto& c : t->columns)
                BOOST_TEST(c.name.empty());
            BOOST_TEST(t->primary_key.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(no_table_is_unavailable)
{
    bs::fetched_table none;
    auto t = bs::merge_metadata(mapped_table(), {}, &none, {});
    BOOST_TEST((t->metadata == bls::table_metadata::unavailable));
    BOOST_TEST(!t->metadata_note.empty());
    auto u = bs::merge_metadata(mapped_table(), {}, nullptr, "the ctl connection failed: refused");
    BOOST_TEST((u->metadata == bls::table_metadata::unavailable));
    BOOST_TEST(u->metadata_note == "the ctl connection failed: refused");
    BOOST_TEST(u->columns[0].name.empty());
}

BOOST_AUTO_TEST_SUITE_END()
