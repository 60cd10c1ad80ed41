// The batch decode of row images (row_image::values) against the lazy per-cell form
// (row_image::next) and against a third-party decoder, on every binlog of the shared test data
// (BINLOGSTREAM_TESTDATA_DIR, MANIFEST.md): real server-written files with FULL, NDB partial and
// PARTIAL_JSON images, NULLs, and every column type the files hold.

#include <binlogstream/file_reader.hpp>
#include <binlogstream/rows.hpp>

#include "unit/codec/mariadb_binlog_text.hpp"
#include "unit/codec/value_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bls = binlogstream;

namespace {

template <class T>
bool same_view(const T& a, const T& b)
{
    return a.data() == b.data() && a.size() == b.size();
}

// Identical values: same kind, same fields, and views of the very same bytes.
bool identical(const bls::value& a, const bls::value& b)
{
    using bls::value_kind;
    if (a.kind() != b.kind())
        return false;
    switch (a.kind())
    {
        case value_kind::null:
            return true;
        case value_kind::int64:
            return a.as_int64() == b.as_int64();
        case value_kind::uint64:
            return a.as_uint64() == b.as_uint64();
        case value_kind::float_:
            return std::bit_cast<std::uint32_t>(a.as_float()) == std::bit_cast<std::uint32_t>(b.as_float());
        case value_kind::double_:
            return std::bit_cast<std::uint64_t>(a.as_double()) == std::bit_cast<std::uint64_t>(b.as_double());
        case value_kind::decimal:
            return same_view(a.as_decimal().packed(), b.as_decimal().packed()) &&
                   a.as_decimal().precision() == b.as_decimal().precision() &&
                   a.as_decimal().scale() == b.as_decimal().scale();
        case value_kind::date:
            return a.as_date() == b.as_date();
        case value_kind::datetime:
            return a.as_datetime() == b.as_datetime();
        case value_kind::timestamp:
            return a.as_timestamp() == b.as_timestamp();
        case value_kind::time:
            return a.as_time() == b.as_time();
        case value_kind::year:
            return a.as_year() == b.as_year();
        case value_kind::bit:
            return a.as_bit() == b.as_bit();
        case value_kind::enum_:
            return a.as_enum() == b.as_enum();
        case value_kind::set:
            return a.as_set() == b.as_set();
        case value_kind::string:
            return same_view(a.as_string().bytes, b.as_string().bytes) &&
                   a.as_string().collation == b.as_string().collation &&
                   a.as_string().is_blob == b.as_string().is_blob;
        case value_kind::json:
            return same_view(a.as_json().data, b.as_json().data) &&
                   a.as_json().format == b.as_json().format && a.as_json().padded == b.as_json().padded;
        case value_kind::geometry:
            return a.as_geometry().srid == b.as_geometry().srid &&
                   same_view(a.as_geometry().wkb, b.as_geometry().wkb);
        case value_kind::vector:
            return same_view(a.as_vector().raw, b.as_vector().raw);
    }
    return false;
}

// The shared binlogs (recursively), without the MANIFEST and the SQL/text files beside them.
std::vector<std::filesystem::path> shared_binlogs()
{
    namespace fs = std::filesystem;
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(BINLOGSTREAM_TESTDATA_DIR))
    {
        auto ext = e.path().extension().string();
        if (e.is_regular_file() && ext != ".md" && ext != ".sql" && ext != ".txt" && ext != ".tsv")
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct tally
{
    std::size_t files = 0; // with rows to decode
    std::size_t images = 0;
    std::size_t sparse_images = 0; // not every column present
    std::size_t cells = 0;
    std::size_t nulls = 0;
    std::size_t json_diffs = 0;
    std::size_t scaled_decimals = 0; // decimals whose to_scaled_int64 was checked
    std::size_t errors = 0;          // images both forms reject
    std::map<bls::value_kind, std::size_t> kinds;
};

// to_scaled_int64 (a fast path up to precision 18, a checked one above) against the decimal's text
// (another walk of the digit groups): the text without its point is the scaled integer.
void check_scaled(const bls::decimal_value& d, tally& t)
{
    std::string digits;
    for (char c : d.to_string())
        if (c != '.')
            digits.push_back(c);
    std::int64_t scaled = 0;
    bool fits = d.to_scaled_int64(scaled);
    BOOST_TEST_CONTEXT("DECIMAL(" << int(d.precision()) << "," << int(d.scale()) << ") " << d.to_string())
    {
        if (d.precision() <= 18)
            BOOST_TEST(fits);
        if (fits)
        {
            BOOST_TEST(scaled == std::stoll(digits)); // "0.01" -> "001" -> 1
            ++t.scaled_decimals;
        }
    }
}

// Decodes `img` both ways and checks that they agree.
void compare_image(const bls::row_image& img, std::vector<bls::value>& batch, tally& t)
{
    std::vector<bls::row_cell> lazy;
    bls::row_image::cursor at;
    bls::row_cell cell;
    std::error_code lazy_ec;
    while (img.next(at, cell, lazy_ec))
        lazy.push_back(cell);
    auto batch_ec = img.values(batch);
    ++t.images;
    BOOST_TEST(batch_ec == lazy_ec, batch_ec.message() << " vs " << lazy_ec.message());
    if (lazy_ec)
    {
        ++t.errors;
        return;
    }
    BOOST_TEST_REQUIRE(batch.size() == lazy.size());
    BOOST_TEST(img.present_count() == lazy.size());
    std::vector<std::size_t> columns;
    img.present_columns(columns);
    BOOST_TEST_REQUIRE(columns.size() == lazy.size());
    t.sparse_images += !img.all_present();
    for (std::size_t k = 0; k < lazy.size(); ++k)
    {
        BOOST_TEST_CONTEXT("value " << k << ", column " << lazy[k].index)
        {
            BOOST_TEST(columns[k] == lazy[k].index);
            if (img.all_present())
                BOOST_TEST(lazy[k].index == k);
            BOOST_TEST(identical(batch[k], lazy[k].data));
            if (lazy[k].partial_json)
                BOOST_TEST((batch[k].as_json().format == bls::json_format::mysql_diff));
        }
        if (batch[k].is<bls::decimal_value>())
            check_scaled(batch[k].as_decimal(), t);
        ++t.cells;
        ++t.kinds[batch[k].kind()];
        t.nulls += batch[k].is_null();
        t.json_diffs +=
            batch[k].is<bls::json_cell>() && batch[k].as_json().format == bls::json_format::mysql_diff;
    }
}

// The same rows event with a table that has no column plan (a table_info built by hand): values()
// then takes the per-cell path.
bls::rows_event without_plan(const bls::rows_event& e)
{
    bls::rows_event copy;
    copy.header = e.header;
    copy.kind = e.kind;
    copy.version = e.version;
    copy.partial = e.partial;
    copy.table_id = e.table_id;
    copy.column_count = e.column_count;
    copy.columns_present = e.columns_present;
    copy.columns_after = e.columns_after;
    copy.rows_data = e.rows_data;
    auto table = std::make_shared<bls::table_info>(*e.table);
    table->plan.reset();
    copy.table = table;
    return copy;
}

} // namespace

BOOST_AUTO_TEST_SUITE(row_values)

// Every image of every shared binlog: values() gives exactly what next() gives, value by value
// (kind, fields, and views of the same bytes), with and without the table's column plan.
BOOST_AUTO_TEST_CASE(batch_equals_per_cell_on_every_shared_binlog)
{
    tally t;
    std::vector<bls::value> batch; // reused across rows, as a user would
    for (const auto& path : shared_binlogs())
    {
        BOOST_TEST_CONTEXT(path.string())
        {
            bls::file_reader reader;
            reader.open({path.string()});
            bls::event ev;
            std::error_code ec;
            bool any = false;
            while (reader.next(ev, ec))
            {
                std::visit(
                    [&](const auto& e) {
                        if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
                        {
                            if (!e.table)
                                return;
                            any = true;
                            const auto planless = without_plan(e);
                            const bls::rows_event* both[] = {&e, &planless};
                            for (const bls::rows_event* x : both)
                            {
                                std::size_t offset = 0;
                                bls::row r;
                                std::error_code rec;
                                while (x->next_row(offset, r, rec))
                                {
                                    BOOST_TEST_CONTEXT(
                                        "event at " << reader.position().offset << ", row at " << offset
                                                    << (x == &planless ? ", no plan" : "")
                                    )
                                    {
                                        if (r.before.exists())
                                            compare_image(r.before, batch, t);
                                        if (r.after.exists())
                                            compare_image(r.after, batch, t);
                                    }
                                }
                            }
                        }
                    },
                    ev
                );
            }
            t.files += any;
        }
    }
    BOOST_TEST_MESSAGE(
        "batch vs per cell: " << t.files << " files with rows, " << t.images << " images (" << t.sparse_images
                              << " sparse, " << t.errors << " rejected by both), " << t.cells << " values ("
                              << t.nulls << " NULL, " << t.json_diffs << " JSON diffs, " << t.scaled_decimals
                              << " decimals as scaled integers), " << t.kinds.size() << " value kinds"
    );
    // What the shared files are known to hold (MANIFEST.md): NDB partial images, PARTIAL_JSON diffs,
    // NULLs and nearly every kind of value.
    BOOST_TEST(t.files > 20u);
    BOOST_TEST(t.cells > 100000u);
    BOOST_TEST(t.sparse_images > 0u);
    BOOST_TEST(t.nulls > 0u);
    BOOST_TEST(t.json_diffs > 0u);
    BOOST_TEST(t.kinds.size() >= 15u);
    BOOST_TEST(t.scaled_decimals > 1000u);
}

// Every value values() gives, printed the way MariaDB's log_event_print_value prints it, equals what
// `mariadb-binlog -vv --base64-output=decode-rows` printed for the same cell.
BOOST_AUTO_TEST_CASE(batch_matches_mariadb_binlog)
{
    if (std::system("mariadb-binlog --version > /dev/null 2>&1") != 0)
    {
        BOOST_TEST_MESSAGE("mariadb-binlog is not installed: skipped");
        return;
    }
    std::size_t files = 0;
    std::size_t compared = 0;
    std::vector<bls::value> batch;
    std::vector<std::size_t> columns;
    for (const auto& path : shared_binlogs())
    {
        auto name = path.filename().string();
        if ((name == "mysql-bin.000001" && path.parent_path().filename() == "tiflow") ||
            name == "ver_5_1-wl2325_r.001")
            continue; // mariadb-binlog stops early on these (see value_binlogs.cpp)
        std::optional<value_test::gunzipped_file> gunzipped;
        std::string file = path.string();
        if (path.extension() == ".gz")
        {
            gunzipped.emplace(file);
            file = gunzipped->path();
            if (file.empty())
                continue;
        }
        std::map<std::size_t, value_test::printed_images> printed;
        if (!value_test::run_mariadb_binlog(file, printed))
            continue;
        ++files;
        // Our images as text, with the rows event they came from and its STMT_END_F flag.
        struct image_text
        {
            std::size_t event_pos = 0;
            std::vector<std::string> cells;
        };
        std::vector<image_text> ours;
        std::vector<std::pair<std::size_t, std::uint16_t>> rows_events;
        bls::file_reader reader;
        reader.open({file});
        bls::event ev;
        std::error_code ec;
        while (reader.next(ev, ec))
        {
            if (reader.position().in_payload)
                continue; // mariadb-binlog does not open TRANSACTION_PAYLOAD
            std::visit(
                [&](const auto& e) {
                    if constexpr (std::is_base_of_v<bls::rows_event, std::decay_t<decltype(e)>>)
                    {
                        auto pos = reader.position().offset;
                        rows_events.emplace_back(pos, e.flags);
                        if (!e.table)
                            return;
                        std::size_t offset = 0;
                        bls::row r;
                        std::error_code rec;
                        auto take = [&](const bls::row_image& img) {
                            auto vec = img.values(batch);
                            BOOST_TEST(!vec, name << " at " << pos << ": " << vec.message());
                            img.present_columns(columns);
                            image_text text{pos, {}};
                            for (std::size_t k = 0; k < batch.size() && !vec; ++k)
                                text.cells.push_back(
                                    value_test::as_mariadb_prints(batch[k], e.table->columns[columns[k]])
                                );
                            ours.push_back(std::move(text));
                        };
                        while (e.next_row(offset, r, rec))
                        {
                            if (r.before.exists())
                                take(r.before);
                            if (r.after.exists())
                                take(r.after);
                        }
                    }
                },
                ev
            );
        }
        value_test::printed_matcher match(printed, rows_events);
        for (const auto& img : ours)
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
                    if (img.cells[i].empty())
                        continue; // JSON, GEOMETRY, VECTOR: not compared
                    BOOST_TEST_CONTEXT("value " << i)
                    {
                        BOOST_TEST(img.cells[i] == texts[i]);
                    }
                    ++compared;
                }
            }
        }
    }
    BOOST_TEST_MESSAGE("batch vs mariadb-binlog: " << files << " files, " << compared << " values");
    BOOST_TEST(files > 30u);
    BOOST_TEST(compared > 1000u);
}

// The vector is resized to each image's present columns and reused: no reallocation once it has
// held the widest image, and an image that does not exist gives no values.
BOOST_AUTO_TEST_CASE(values_reuses_the_vector)
{
    std::vector<bls::value> out(3, bls::value(std::int64_t{7}));
    bls::row_image none;
    BOOST_TEST(!none.values(out));
    BOOST_TEST(out.empty());
    BOOST_TEST(!none.all_present());
    std::vector<std::size_t> columns{1, 2};
    none.present_columns(columns);
    BOOST_TEST(columns.empty());

    auto file = std::string(BINLOGSTREAM_TESTDATA_DIR) + "/go-mysql/replication/t/tcb-eval002c-bin.003320";
    bls::file_reader reader;
    reader.open({file});
    bls::event ev;
    std::error_code ec;
    std::size_t rows = 0;
    const bls::value* storage = nullptr;
    while (reader.next(ev, ec))
    {
        if (auto* w = std::get_if<bls::write_rows_event>(&ev))
        {
            for (const auto& r : w->rows())
            {
                BOOST_TEST_REQUIRE(!r.after.values(out));
                BOOST_TEST(out.size() == w->table->columns.size());
                BOOST_TEST(r.after.all_present());
                if (storage == nullptr)
                    storage = out.data();
                BOOST_TEST(out.data() == storage); // same width every row: never reallocated
                // ddsql.sql: the first column is the row number, 1-based; the decimals are those
                // go-mysql's row_event_test.go recorded from MySQL (see value_binlogs.cpp).
                BOOST_TEST(out[0].as_int64() == std::int64_t(++rows));
                if (rows == 1)
                {
                    BOOST_TEST(out[1].as_decimal().to_string() == "-10.55");
                    BOOST_TEST(out[7].as_decimal().to_string() == "-9.99999999999999");
                }
                if (rows == 17)
                    BOOST_TEST(out[11].as_decimal().to_string() == "-1948.1400000000000000000000000");
            }
        }
    }
    BOOST_TEST(rows == 17u);
}

BOOST_AUTO_TEST_SUITE_END()
