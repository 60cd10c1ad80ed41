// The seed's "invalid text under both policies", against the sandbox MariaDB.
//
// MariaDB 10.11 checks text on INSERT, so invalid bytes reach a rows event another way: the
// server's own rows event of an INSERT, with the value's bytes replaced by invalid UTF-8 of the same
// length (and its CRC32 recomputed), is applied by the server through a BINLOG statement. Row
// application copies the bytes as they are, and the server logs them in a rows event of its own,
// which is what the stream reads. The server confirms what it stored (HEX()); the expected texts
// derive from those bytes. Query text needs no trick: the server logs a DDL's comment bytes verbatim.

#include <binlogstream/dispatcher.hpp>

#include "common/bytes.hpp"
#include "integration/tail_test_support.hpp"
#include "stream_test_support.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>
#include <zlib.h>

#include <fstream>
#include <iterator>

namespace bt = binlogstream::test;
namespace bls = binlogstream;
using binlogstream::test::operator+;

namespace {

constexpr auto tuple_token = asio::experimental::as_tuple(asio::use_awaitable);

const std::string template_text = "aXXXXb";
// 0xFF never occurs in UTF-8; 0xC3 starts a 2-byte sequence and 'b' is no continuation byte.
const std::string invalid_text = "a\xFF"
                                 "ok\xC3"
                                 "b";
// Each invalid sequence replaced by U+FFFD (EF BF BD).
const std::string replaced_text = "a\xEF\xBF\xBD"
                                  "ok\xEF\xBF\xBD"
                                  "b";

struct raw_event
{
    std::uint64_t offset = 0;
    std::vector<std::byte> bytes;
    [[nodiscard]] int type() const { return std::to_integer<int>(bytes[4]); }
};

std::uint32_t load_u32(const std::byte* p)
{
    return std::to_integer<std::uint32_t>(p[0]) | std::to_integer<std::uint32_t>(p[1]) << 8 |
           std::to_integer<std::uint32_t>(p[2]) << 16 | std::to_integer<std::uint32_t>(p[3]) << 24;
}

// Every event of a binlog file (v4 headers: the size is at offset 9).
std::vector<raw_event> events_of(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<raw_event> out;
    std::size_t at = 4;
    while (at + 19 <= data.size())
    {
        auto size = load_u32(reinterpret_cast<const std::byte*>(data.data() + at + 9));
        BOOST_REQUIRE(size >= 19 && at + size <= data.size());
        raw_event ev{at, {}};
        for (std::size_t i = 0; i < size; ++i)
            ev.bytes.push_back(static_cast<std::byte>(data[at + i]));
        out.push_back(std::move(ev));
        at += size;
    }
    return out;
}

struct invalid_text_binlog
{
    bls::file_position start; // the BINLOG statement's transaction starts here
    std::string path;         // the binlog file
};

// Writes the binlog once per run: a fresh file, a template row, the patched copy applied by BINLOG.
const invalid_text_binlog& binlog_with_invalid_text()
{
    static const invalid_text_binlog made = [] {
        bt::admin_sql("FLUSH BINARY LOGS; CREATE DATABASE IF NOT EXISTS bls_text;"
                      "DROP TABLE IF EXISTS bls_text.t;"
                      "CREATE TABLE bls_text.t (id INT, s VARCHAR(20) CHARACTER SET utf8mb4)");
        auto before = bt::current_binlog_position();
        bt::admin_sql("INSERT INTO bls_text.t VALUES (1, '" + template_text + "')");
        auto start = bt::current_binlog_position();
        invalid_text_binlog b{start, bt::sandbox().datadir + "/" + before.file};

        std::vector<std::byte> fde, rows;
        for (auto& ev : events_of(b.path))
        {
            if (ev.type() == 15) // FORMAT_DESCRIPTION
                fde = ev.bytes;
            if (ev.offset < before.offset || ev.offset >= start.offset)
                continue;
            if (ev.type() == 19 || ev.type() == 23 || ev.type() == 30) // TABLE_MAP, WRITE_ROWS v1/v2
            {
                if (ev.type() != 19)
                {
                    // Same length, so every length field stays right; then the event's CRC32.
                    std::string_view body(reinterpret_cast<const char*>(ev.bytes.data()), ev.bytes.size());
                    auto at = body.find(template_text);
                    BOOST_REQUIRE(at != std::string_view::npos);
                    for (std::size_t i = 0; i < invalid_text.size(); ++i)
                        ev.bytes[at + i] = static_cast<std::byte>(invalid_text[i]);
                    auto n = ev.bytes.size() - 4;
                    auto crc = static_cast<std::uint32_t>(
                        ::crc32(0, reinterpret_cast<const Bytef*>(ev.bytes.data()), static_cast<uInt>(n))
                    );
                    for (int i = 0; i < 4; ++i)
                        ev.bytes[n + i] = static_cast<std::byte>((crc >> (8 * i)) & 0xff);
                }
                rows.insert(rows.end(), ev.bytes.begin(), ev.bytes.end());
            }
        }
        BOOST_REQUIRE(!fde.empty() && !rows.empty());
        b.start = bt::current_binlog_position();
        bt::admin_sql("BINLOG '" + bt::to_base64(fde) + "'; BINLOG '" + bt::to_base64(rows) + "'");
        // What the server stored: the template row and the row with the invalid bytes.
        auto stored = bt::admin_sql("SELECT HEX(s) FROM bls_text.t ORDER BY id, HEX(s)");
        BOOST_REQUIRE_EQUAL(stored, "615858585862\n61FF6F6BC362\n");
        return b;
    }();
    return made;
}

// Streams the BINLOG statement's transaction (non-blocking) and calls `check` on its rows event,
// while the event and the stream are alive.
void with_rows_event(
    bls::text_errors policy,
    const std::function<void(bls::binlog_stream&, const bls::write_rows_event&, const bls::row_cell&)>& check
)
{
    const auto& b = binlog_with_invalid_text();
    bls::stream_options opts;
    opts.server_id = 7311;
    opts.start = b.start;
    opts.blocking = false;
    opts.reconnect.enabled = false;
    opts.on_bad_text = policy;
    int seen = 0;
    bt::run_coroutine([&]() -> asio::awaitable<void> {
        bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
        for (;;)
        {
            auto [ec, ev] = co_await stream.async_next(tuple_token);
            if (ec)
            {
                BOOST_TEST(ec == bls::errc::end_of_stream);
                break;
            }
            auto* w = std::get_if<bls::write_rows_event>(&ev);
            if (!w || !w->table || w->table->table != "t")
                continue;
            for (const auto& r : w->rows())
            {
                std::vector<bls::row_cell> cells;
                BOOST_REQUIRE(!r.after.cells(cells));
                BOOST_REQUIRE_EQUAL(cells.size(), 2u);
                BOOST_TEST(cells[1].data.as_string().bytes == invalid_text); // the raw bytes, untouched
                check(stream, *w, cells[1]);
                ++seen;
            }
        }
    });
    BOOST_TEST(seen == 1);
}

// Runs SQL through the mariadb client with --comments, so that the comment reaches the server.
void sql_with_comments(const std::string& sql)
{
    const auto& s = bt::sandbox();
    bt::run_command(
        "MYSQL_PWD='" + s.admin_password +
        "' mariadb --no-defaults --comments --default-character-set=utf8mb4 -h " + s.host + " -P " +
        std::to_string(s.port) + " -u " + s.admin_user + " -e '" + sql + "'"
    );
}

} // namespace

BOOST_AUTO_TEST_SUITE(stream_invalid_text)

BOOST_AUTO_TEST_CASE(strict_fails_the_conversion_naming_table_column_and_position)
{
    const auto& b = binlog_with_invalid_text();
    with_rows_event(bls::text_errors::strict, [&](auto& stream, const auto& w, const auto& cell) {
        std::string out = "kept:";
        bls::diagnostics diag;
        auto ec = stream.to_utf8(w, cell, out, diag);
        BOOST_TEST(ec == bls::errc::invalid_text);
        BOOST_TEST(out == "kept:"); // nothing half-converted
        const auto& m = diag.client_message();
        BOOST_TEST_MESSAGE("strict: " << m);
        BOOST_TEST(m.find("`bls_text`.`t`") != std::string::npos);
        BOOST_TEST(m.find("column `s`") != std::string::npos);
        auto start = w.header.log_pos - w.header.event_size;
        BOOST_TEST(m.find(b.start.file + ":" + std::to_string(start)) != std::string::npos);
        BOOST_TEST(m.find("collation 45") != std::string::npos); // utf8mb4_general_ci
        try
        {
            (void)stream.text(w, cell);
            BOOST_ERROR("text() did not throw");
        }
        catch (const bls::error& e)
        {
            BOOST_TEST(e.code() == bls::errc::invalid_text);
            BOOST_TEST(std::string(e.what()).find("column `s`") != std::string::npos);
        }
    });
}

BOOST_AUTO_TEST_CASE(replace_substitutes_u_fffd)
{
    with_rows_event(bls::text_errors::replace, [&](auto& stream, const auto& w, const auto& cell) {
        BOOST_TEST(stream.text(w, cell) == replaced_text);
    });
}

BOOST_AUTO_TEST_CASE(a_dispatcher_handler_lets_the_error_out)
{
    const auto& b = binlog_with_invalid_text();
    for (auto policy : {bls::text_errors::strict, bls::text_errors::replace})
    {
        bls::stream_options opts;
        opts.server_id = 7312;
        opts.start = b.start;
        opts.blocking = false;
        opts.reconnect.enabled = false;
        opts.on_bad_text = policy;
        std::vector<std::string> texts;
        std::error_code failed;
        bt::run_coroutine([&]() -> asio::awaitable<void> {
            bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
            bls::dispatcher d;
            d.on<bls::write_rows_event>([&](const bls::write_rows_event& w) {
                for (const auto& r : w.rows())
                {
                    std::vector<bls::row_cell> cells;
                    BOOST_REQUIRE(!r.after.cells(cells));
                    for (const auto& c : cells)
                        if (c.data.kind() == bls::value_kind::string)
                            texts.push_back(stream.text(w, c));
                }
            });
            try
            {
                co_await d.run(stream);
            }
            catch (const bls::error& e)
            {
                failed = e.code();
                BOOST_TEST(std::string(e.what()).find("`bls_text`.`t`") != std::string::npos);
            }
        });
        if (policy == bls::text_errors::strict)
        {
            BOOST_TEST(failed == bls::errc::invalid_text);
            BOOST_TEST(texts.empty());
        }
        else
        {
            BOOST_TEST(!failed);
            BOOST_TEST(texts == std::vector<std::string>{replaced_text}, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(query_text_is_converted_from_its_charset_under_the_policy)
{
    // A DDL whose comment holds bytes invalid in the session's utf8mb4, logged verbatim; and one in
    // latin1, valid there, whose é (E9) becomes C3 A9.
    // In a file of its own, so that dump's strict run over the rows test's file meets only the rows.
    bt::admin_sql(
        "FLUSH BINARY LOGS; CREATE DATABASE IF NOT EXISTS bls_text; DROP TABLE IF EXISTS bls_text.q1;"
        "DROP TABLE IF EXISTS bls_text.q2"
    );
    auto start = bt::current_binlog_position();
    sql_with_comments("CREATE TABLE bls_text.q1 (id INT) /* \xFF bad */");
    sql_with_comments("SET NAMES latin1; CREATE TABLE bls_text.q2 (id INT) /* caf\xE9 */");
    for (auto policy : {bls::text_errors::strict, bls::text_errors::replace})
    {
        bls::stream_options opts;
        opts.server_id = 7313;
        opts.start = start;
        opts.blocking = false;
        opts.reconnect.enabled = false;
        opts.on_bad_text = policy;
        std::vector<std::string> texts;
        bt::run_coroutine([&]() -> asio::awaitable<void> {
            bls::binlog_stream stream(co_await asio::this_coro::executor, bt::sandbox_connection(), opts);
            for (;;)
            {
                auto [ec, ev] = co_await stream.async_next(tuple_token);
                if (ec)
                    break;
                auto* q = std::get_if<bls::query_event>(&ev);
                if (!q || q->query.find("CREATE TABLE") == std::string_view::npos)
                    continue;
                std::string out;
                bls::diagnostics diag;
                if (auto cec = stream.to_utf8(*q, out, diag))
                {
                    BOOST_TEST(cec == bls::errc::invalid_text);
                    BOOST_TEST_MESSAGE("strict query: " << diag.client_message());
                    BOOST_TEST(diag.client_message().find(start.file + ":") != std::string::npos);
                    out = "<invalid>";
                }
                texts.push_back(out);
            }
        });
        const std::string q1 = policy == bls::text_errors::strict
                                   ? "<invalid>"
                                   : "CREATE TABLE bls_text.q1 (id INT) /* \xEF\xBF\xBD bad */";
        BOOST_TEST(
            texts == (std::vector<std::string>{q1, "CREATE TABLE bls_text.q2 (id INT) /* caf\xC3\xA9 */"}),
            boost::test_tools::per_element()
        );
    }
}

BOOST_AUTO_TEST_SUITE_END()

// The tools, in a suite of their own: the sanitizer build runs the library's suites only (it does not
// build the tool).
BOOST_AUTO_TEST_SUITE(tool_invalid_text)

BOOST_AUTO_TEST_CASE(dump_and_tail_under_both_policies)
{
    const auto& b = binlog_with_invalid_text();
    auto dir = bt::tail_scratch("invalid-text");

    // dump: replace (the default) prints U+FFFD; strict stops at the event with a message.
    auto dumped = bt::run_tail({"dump", b.path}, dir);
    BOOST_TEST(dumped.status == 0);
    std::vector<std::string> values;
    for (auto line : bt::json_lines(dumped.out).lines)
        if (bt::member_text(line, "type") == "\"write_rows\"" && bt::member_text(line, "table") == "\"t\"" &&
            std::stoull(bt::member_text(line, "pos")) >= b.start.offset)
            values.push_back(bt::member_text(line["rows"].at(0)["after"], "s"));
    BOOST_TEST(
        values == std::vector<std::string>{"\"" + replaced_text + "\""}, boost::test_tools::per_element()
    );

    auto strict = bt::run_tail({"dump", "--bad-text=strict", b.path}, dir);
    BOOST_TEST(strict.status == 1);
    BOOST_TEST_MESSAGE("dump strict: " << strict.err);
    BOOST_TEST(strict.err.find("`bls_text`.`t` column `s`") != std::string::npos);

    // tail: the same two policies over the stream.
    auto args =
        bt::tail_connection_args(7314) +
        std::vector<std::string>{
            "--start-file", b.start.file, "--start-pos", std::to_string(b.start.offset), "--non-blocking"};
    auto tailed = bt::run_tail(args, dir);
    BOOST_TEST(tailed.status == 0);
    std::vector<std::string> tail_values;
    for (auto line : bt::json_lines(tailed.out).lines)
        if (bt::member_text(line, "table") == "\"t\"")
            tail_values.push_back(bt::member_text(line["data"], "s"));
    BOOST_TEST(
        tail_values == std::vector<std::string>{"\"" + replaced_text + "\""}, boost::test_tools::per_element()
    );

    auto tail_strict = bt::run_tail(args + std::vector<std::string>{"--bad-text", "strict"}, dir);
    BOOST_TEST(tail_strict.status == 4);
    BOOST_TEST(tail_strict.out.empty());
    BOOST_TEST_MESSAGE("tail strict: " << tail_strict.err);
    BOOST_TEST(tail_strict.err.find("`bls_text`.`t` column `s`") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
