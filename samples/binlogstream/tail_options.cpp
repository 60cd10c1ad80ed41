// `binlogstream tail` flags. A password is only read from a file or the environment: a command line
// is visible to every user of the machine (ps, /proc/PID/cmdline).

#include "tail_options.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace binlogstream::tool {
namespace {

constexpr std::string_view help_text = R"(usage: binlogstream tail [OPTIONS]

Follows a MySQL or MariaDB server's binlog and prints one JSON line per row change on stdout.
Lines of a transaction are written together when it commits (stdout is flushed at each commit).

Connection:
  --host NAME             server host (default 127.0.0.1)
  --port N                TCP port (default 3306)
  --socket PATH           unix socket instead of TCP
  --user NAME             account name
  --password-file FILE    read the password from FILE (first line); otherwise the environment
                          variable BINLOGSTREAM_PASSWORD. A password is never taken on the command line.
  --ssl-mode MODE         disabled | preferred (default) | required | verify_ca | verify_identity
  --ssl-ca FILE           CA certificates (PEM) to verify the server with
  --ssl-cert FILE         client certificate (PEM)
  --ssl-key FILE          client private key (PEM)

Where to start (at most one; default --from-end). With --checkpoint, used only while the checkpoint
file does not exist yet; afterwards the checkpoint decides:
  --start-file NAME       binlog file to start in ...
  --start-pos N           ... at this offset (default 4)
  --gtid SET              MySQL GTID auto-position: every transaction not in SET
  --mariadb-gtid POS      MariaDB GTID position (domain-server-seq,...)
  --from-end              the server's current end of the binlog
  --checkpoint FILE       resume from FILE and store the position there after each transaction
  --checkpoint-every MS   store it at most once per MS milliseconds while transactions keep coming
                          (and within a second when the stream is idle); default 0: every one

Where to end:
  --stop-at FILE:POS      end after the transaction that reaches this position
  --non-blocking          end at the current end of the binlog instead of waiting

Stream:
  --server-id N           replica id, unique among the server's replicas (default: from the pid)
  --heartbeat SECONDS     heartbeat period; the link is declared dead after 2x + 2 s of silence
                          (default 5; 0 disables)
  --only-schemas LIST     comma list of schema names or patterns (* and ?)
  --ignore-schemas LIST
  --only-tables LIST      comma list of [schema.]table names or patterns
  --ignore-tables LIST

Output:
  --format FORMAT         maxwell (default) | debezium
  --ddl                   also print DDL statements
  --bad-text POLICY       text invalid in its charset (cells, DDL text): replace (default) prints
                          U+FFFD for each invalid sequence; strict stops with exit status 4 and a
                          message naming the table, column and binlog position
  --transactions          also print a line at the start and at the end of each transaction
  --progress              print events/s, rows/s, position and seconds behind the source on
                          stderr about once a second
  --help                  this text

Checkpoints: the file is written atomically (temporary file, fsync, rename, fsync of the directory)
after the transaction's lines were written to stdout. When stdout is a regular file, the checkpoint
also records its size, and a restart first cuts off any lines written after the last checkpoint:
no transaction is lost or repeated, whatever moment the tool is killed. When stdout is a pipe, a
kill -9 between the write and the checkpoint repeats that one transaction on restart (at-least-once;
with --checkpoint-every, the transactions written since the last checkpoint).

Exit status: 0 end of stream, --stop-at reached, SIGINT or SIGTERM; 1 other failure; 2 usage;
3 connection, TLS, authentication or server error; 4 malformed or undecodable data;
5 checkpoint file or stdout I/O error.
)";

std::vector<std::string> split_list(std::string_view s)
{
    std::vector<std::string> out;
    while (!s.empty())
    {
        auto comma = s.find(',');
        auto item = s.substr(0, comma);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (!item.empty())
            out.emplace_back(item);
        if (comma == std::string_view::npos)
            break;
        s.remove_prefix(comma + 1);
    }
    return out;
}

template <typename T>
bool parse_number(std::string_view s, T& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

bool parse_ssl_mode(std::string_view s, ssl_mode& out)
{
    std::string m;
    for (char c : s)
        m += c == '-' ? '_' : (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    if (m == "disabled")
        out = ssl_mode::disabled;
    else if (m == "preferred")
        out = ssl_mode::preferred;
    else if (m == "required")
        out = ssl_mode::required;
    else if (m == "verify_ca")
        out = ssl_mode::verify_ca;
    else if (m == "verify_identity")
        out = ssl_mode::verify_identity;
    else
        return false;
    return true;
}

bool read_password_file(const std::string& path, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto nl = text.find_first_of("\r\n");
    out = text.substr(0, nl);
    return true;
}

} // namespace

std::string_view tail_help()
{
    return help_text;
}

std::optional<tail_options> parse_tail_options(std::span<const std::string_view> args, std::string& error)
{
    tail_options o;
    o.stream.server_id = 1000000u + static_cast<std::uint32_t>(::getpid() % 1000000);
    o.stream.on_bad_text = text_errors::replace;   // the output is always printed; --bad-text strict
    o.stream.events.insert(event_type::heartbeat); // seconds behind source is 0 when idle
    o.stream.events.insert(event_type::heartbeat_v2);
    std::optional<std::string> password_file;
    std::optional<std::string> start_file;
    std::optional<std::uint64_t> start_pos;
    int starts = 0;

    for (std::size_t i = 0; i < args.size(); ++i)
    {
        std::string_view flag = args[i];
        std::optional<std::string_view> inline_value;
        if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos)
        {
            inline_value = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        auto value = [&]() -> std::optional<std::string_view> {
            if (inline_value)
                return inline_value;
            if (i + 1 < args.size())
                return args[++i];
            error = std::string(flag) + " needs a value";
            return std::nullopt;
        };
        auto flag_only = [&] {
            if (inline_value)
            {
                error = std::string(flag) + " takes no value";
                return false;
            }
            return true;
        };
        auto bad = [&](std::string_view what) {
            error = "invalid value for " + std::string(flag) + ": " + std::string(what);
            return std::nullopt;
        };

        if (flag == "--help" || flag == "-h")
        {
            o.help = true;
            return o;
        }
        if (flag == "--password" || flag == "-p" || flag.starts_with("-p") || flag == "--pass")
        {
            error = "a password is never taken on the command line: use --password-file FILE or the "
                    "BINLOGSTREAM_PASSWORD environment variable";
            return std::nullopt;
        }
        // Flags without a value.
        if (flag == "--from-end" || flag == "--non-blocking" || flag == "--progress" || flag == "--ddl" ||
            flag == "--transactions")
        {
            if (!flag_only())
                return std::nullopt;
            if (flag == "--from-end")
            {
                o.stream.start = start_at_current{};
                ++starts;
            }
            else if (flag == "--non-blocking")
                o.stream.blocking = false;
            else if (flag == "--progress")
                o.progress = true;
            else if (flag == "--ddl")
                o.ddl = true;
            else
                o.transactions = true;
            continue;
        }
        if (!flag.starts_with("--"))
        {
            error = "unexpected argument '" + std::string(flag) + "'";
            return std::nullopt;
        }
        auto v = value();
        if (!v)
            return std::nullopt;
        if (flag == "--host")
            o.conn.host = *v;
        else if (flag == "--port")
        {
            if (!parse_number(*v, o.conn.port) || o.conn.port == 0)
                return bad(*v);
        }
        else if (flag == "--socket")
            o.conn.unix_socket = *v;
        else if (flag == "--user")
            o.conn.user = *v;
        else if (flag == "--password-file")
            password_file = std::string(*v);
        else if (flag == "--ssl-mode")
        {
            if (!parse_ssl_mode(*v, o.conn.ssl))
                return bad(*v);
        }
        else if (flag == "--ssl-ca")
            o.conn.ssl_ca = *v;
        else if (flag == "--ssl-cert")
            o.conn.ssl_cert = *v;
        else if (flag == "--ssl-key")
            o.conn.ssl_key = *v;
        else if (flag == "--server-id")
        {
            if (!parse_number(*v, o.stream.server_id) || o.stream.server_id == 0)
                return bad(*v);
        }
        else if (flag == "--start-file")
            start_file = std::string(*v);
        else if (flag == "--start-pos")
        {
            std::uint64_t p = 0;
            if (!parse_number(*v, p) || p < 4)
                return bad(*v);
            start_pos = p;
        }
        else if (flag == "--gtid")
        {
            std::error_code ec;
            auto set = gtid_set::parse(*v, ec);
            if (ec)
                return bad(*v);
            o.stream.start = std::move(set);
            ++starts;
        }
        else if (flag == "--mariadb-gtid")
        {
            std::error_code ec;
            auto list = mariadb_gtid_list::parse(*v, ec);
            if (ec)
                return bad(*v);
            o.stream.start = std::move(list);
            ++starts;
        }
        else if (flag == "--checkpoint")
            o.checkpoint_file = *v;
        else if (flag == "--checkpoint-every")
        {
            std::uint32_t ms = 0;
            if (!parse_number(*v, ms))
                return bad(*v);
            o.checkpoint_every = std::chrono::milliseconds(ms);
        }
        else if (flag == "--stop-at")
        {
            auto colon = v->rfind(':');
            std::uint64_t p = 0;
            if (colon == std::string_view::npos || colon == 0 || !parse_number(v->substr(colon + 1), p))
                return bad(*v);
            o.stream.stop_at = file_position{std::string(v->substr(0, colon)), p};
        }
        else if (flag == "--heartbeat")
        {
            double seconds = 0;
            auto text = std::string(*v);
            char* end = nullptr;
            seconds = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !(seconds >= 0) || seconds > 4294967)
                return bad(*v);
            o.stream.heartbeat = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
        }
        else if (flag == "--only-schemas")
            o.stream.only_schemas = split_list(*v);
        else if (flag == "--ignore-schemas")
            o.stream.ignored_schemas = split_list(*v);
        else if (flag == "--only-tables" || flag == "--ignore-tables")
        {
            auto& target = flag == "--only-tables" ? o.stream.only_tables : o.stream.ignored_tables;
            target.clear();
            for (const auto& t : split_list(*v))
                target.push_back(table_name::parse(t));
        }
        else if (flag == "--bad-text")
        {
            if (*v == "replace")
                o.stream.on_bad_text = text_errors::replace;
            else if (*v == "strict")
                o.stream.on_bad_text = text_errors::strict;
            else
                return bad(*v);
        }
        else if (flag == "--format")
        {
            if (*v == "maxwell")
                o.format = output_format::maxwell;
            else if (*v == "debezium")
                o.format = output_format::debezium;
            else
                return bad(*v);
        }
        else
        {
            error = "unknown option " + std::string(flag);
            return std::nullopt;
        }
    }

    if (start_pos && !start_file)
    {
        error = "--start-pos needs --start-file";
        return std::nullopt;
    }
    if (start_file)
    {
        o.stream.start = file_position{*start_file, start_pos.value_or(4)};
        ++starts;
    }
    if (starts > 1)
    {
        error = "give at most one of --start-file, --gtid, --mariadb-gtid and --from-end";
        return std::nullopt;
    }
    o.explicit_start = starts == 1;

    if (password_file)
    {
        if (!read_password_file(*password_file, o.conn.password))
        {
            error = "cannot read the password file " + *password_file;
            return std::nullopt;
        }
    }
    else if (const char* env = std::getenv("BINLOGSTREAM_PASSWORD"))
        o.conn.password = env;
    return o;
}

} // namespace binlogstream::tool
