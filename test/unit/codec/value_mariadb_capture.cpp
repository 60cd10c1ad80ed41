// Every column type of a MariaDB 10.11 table, checked against the server itself: the binlog and the
// server's SELECT output were captured together (test/data/values/README.md).

#include "codec/charset.hpp"
#include "codec/value_json.hpp"
#include "unit/codec/value_binlog_walk.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace binlogstream;

namespace {

std::string data_path(const char* name)
{
    return std::string(BINLOGSTREAM_TEST_DATA_DIR) + "/values/" + name;
}

// id -> the tab-separated fields of the server's SELECT output.
std::map<std::int64_t, std::vector<std::string>> read_tsv(const std::string& path)
{
    std::map<std::int64_t, std::vector<std::string>> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
    {
        std::vector<std::string> fields;
        std::size_t start = 0;
        for (;;)
        {
            auto tab = line.find('\t', start);
            fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos)
                break;
            start = tab + 1;
        }
        rows[std::stoll(fields[0])] = fields;
    }
    return rows;
}

std::string upper_hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : bytes)
    {
        auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

std::string json_of(const value& v, const column_info& col)
{
    std::string out;
    codec::append_json(out, v, col);
    return out;
}

std::string unquoted(std::string s)
{
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
        return s.substr(1, s.size() - 2);
    return s;
}

// Compares one decoded cell with the server's text for the same column.
void check_cell(const value& v, const column_info& col, const std::string& expected)
{
    if (expected == "NULL")
    {
        BOOST_TEST(v.is_null());
        return;
    }
    BOOST_TEST_REQUIRE(!v.is_null());
    switch (v.kind())
    {
        case value_kind::float_:
            BOOST_TEST(v.as_float() == std::strtof(expected.c_str(), nullptr));
            break;
        case value_kind::double_:
            BOOST_TEST(v.as_double() == std::strtod(expected.c_str(), nullptr));
            break;
        case value_kind::year:
        {
            char buf[8];
            std::snprintf(buf, sizeof buf, "%04u", unsigned(v.as_year().year));
            BOOST_TEST(buf == expected);
            break;
        }
        case value_kind::set:
        {
            // ["a","c","d"] -> a,c,d
            std::string list;
            for (char c : json_of(v, col))
                if (c != '[' && c != ']' && c != '"')
                    list.push_back(c);
            BOOST_TEST(list == expected);
            break;
        }
        case value_kind::string:
        {
            const auto& s = v.as_string();
            if (s.is_binary())
            {
                // BINARY(n) values lose their trailing 0x00 padding in row images; the server pads
                // them back to the declared length.
                std::string bytes(s.bytes);
                if (col.type == column_type::string && bytes.size() < (col.meta & 0xff))
                    bytes.resize(col.meta & 0xff, '\0');
                BOOST_TEST(upper_hex(bytes) == expected);
            }
            else if (col.name == "j")
            {
                BOOST_TEST(std::string(s.bytes) == expected); // MariaDB JSON is LONGTEXT
            }
            else
            {
                std::string utf8;
                BOOST_TEST_REQUIRE(!s.to_utf8(utf8, text_errors::strict));
                BOOST_TEST(upper_hex(utf8) == expected);
            }
            break;
        }
        case value_kind::geometry:
        {
            const auto& g = v.as_geometry();
            std::string stored;
            for (int i = 0; i < 4; ++i)
                stored.push_back(char((g.srid >> (8 * i)) & 0xff));
            stored.append(codec::as_string(g.wkb));
            BOOST_TEST(upper_hex(stored) == expected);
            break;
        }
        default:
            // Integers, decimals, temporals, BIT, ENUM: the JSON form's text is the server's.
            BOOST_TEST(unquoted(json_of(v, col)) == expected);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(value_mariadb_capture)

BOOST_AUTO_TEST_CASE(all_types_match_the_server)
{
    auto inserted = read_tsv(data_path("all-types-after-part1.tsv"));
    auto final_rows = read_tsv(data_path("all-types-after-part2.tsv"));
    BOOST_TEST_REQUIRE(inserted.size() == 3u);
    BOOST_TEST_REQUIRE(final_rows.size() == 2u);
    value_test::binlog_walk walk(data_path("mariadb-10.11-all-types.000001"));
    BOOST_TEST_REQUIRE(walk.loaded());
    std::size_t checked = 0;
    std::size_t images = 0;
    auto ec = walk.run([&](const table_info& t, const value_test::row_image& img) {
        ++images;
        BOOST_TEST_REQUIRE(img.cells.size() == 51u);
        auto id = img.cells[0].v.as_int64();
        const std::map<std::int64_t, std::vector<std::string>>* expected = nullptr;
        if (img.event_type == 23 || img.event_type == 30)
            expected = &inserted; // WRITE_ROWS: the rows as inserted
        else if ((img.event_type == 24 || img.event_type == 31) && img.after)
            expected = &final_rows; // UPDATE_ROWS after image
        else if (img.event_type == 25 || img.event_type == 32 || img.event_type == 24 || img.event_type == 31)
            expected = &inserted; // DELETE and UPDATE before images: the inserted rows
        BOOST_TEST_REQUIRE(expected != nullptr);
        const auto& row = expected->at(id);
        BOOST_TEST_REQUIRE(row.size() == 51u);
        for (std::size_t c = 0; c < 51; ++c)
        {
            BOOST_TEST_CONTEXT("id " << id << " event " << img.event_type << " column " << t.columns[c].name)
            {
                check_cell(img.cells[c].v, t.columns[c], row[c]);
            }
            ++checked;
        }
    });
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(images == 6u); // 3 inserts, update before + after, delete
    BOOST_TEST(checked == 6u * 51u);
}

BOOST_AUTO_TEST_SUITE_END()
