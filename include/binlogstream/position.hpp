#pragma once

/// \file position.hpp
/// Positions in the replication stream: binlog file coordinates, MySQL GTIDs and GTID sets (tagged
/// GTIDs included), MariaDB GTIDs and GTID lists, where a stream starts, and the checkpoint a user
/// persists to resume a stream without losing or repeating a transaction.
///
/// All types here are regular values: copyable, comparable and (where it makes sense) hashable.
/// Parsing comes in two forms, as everywhere in binlogstream: a throwing one (`binlogstream::error`)
/// and one that reports through a `std::error_code&` and never throws on bad text.
///
/// Thread safety: distinct objects are safe; a shared object is safe for concurrent const use only.

#include <binlogstream/error.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace binlogstream {

/// A position in a binlog file: the file name and the byte offset of an event in it. The default
/// offset 4 is the first event of a file (after the 4-byte magic).
struct file_position
{
    /// The binlog file name as the server names it ("mysql-bin.000003"), without a directory.
    std::string file;
    /// Byte offset inside the file.
    std::uint64_t offset = 4;

    /// The text form "file:offset".
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const file_position&, const file_position&) = default;
    friend auto operator<=>(const file_position&, const file_position&) = default;
};

/// A 16-byte UUID as MySQL uses it for a server's `server_uuid` (the source of a GTID).
struct uuid
{
    /// The bytes in text order: "3e11fa47-..." gives 0x3e, 0x11, 0xfa, 0x47, ...
    std::array<std::uint8_t, 16> bytes{};

    /// Parses the 36-character form "hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh" (either case).
    /// Errors: `errc::invalid_gtid`.
    [[nodiscard]] static uuid parse(std::string_view text);
    /// As above, reporting failures through `ec` (the result is then all zero).
    [[nodiscard]] static uuid parse(std::string_view text, std::error_code& ec) noexcept;
    /// The canonical lower-case text form.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const uuid&, const uuid&) = default;
    friend auto operator<=>(const uuid&, const uuid&) = default;
};

/// One MySQL GTID: source UUID, optional tag (MySQL >= 8.3) and transaction number.
/// Text form "uuid:gno" or "uuid:tag:gno".
struct gtid
{
    /// The source server's UUID.
    binlogstream::uuid source;
    /// The tag, lower case, empty for an untagged GTID. Valid tags match `[a-z_][a-z0-9_]{0,31}`.
    std::string tag;
    /// The transaction number, 1 <= gno <= `gtid::max_gno`.
    std::uint64_t gno = 0;

    /// The largest transaction number a GTID set can hold (2^63 - 2: the binary form stores the
    /// exclusive end of an interval as a signed 64-bit integer).
    static constexpr std::uint64_t max_gno = 0x7ffffffffffffffeULL;

    /// Parses "uuid:gno" or "uuid:tag:gno" (tags are case-insensitive and stored in lower case).
    /// Errors: `errc::invalid_gtid`.
    [[nodiscard]] static gtid parse(std::string_view text);
    /// As above, reporting failures through `ec`.
    [[nodiscard]] static gtid parse(std::string_view text, std::error_code& ec);
    /// The canonical text form, "uuid:gno" or "uuid:tag:gno".
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const gtid&, const gtid&) = default;
    friend auto operator<=>(const gtid&, const gtid&) = default;
};

/// Whether `tag` is a valid, already normalised (lower-case) GTID tag: `[a-z_][a-z0-9_]{0,31}`.
[[nodiscard]] bool is_valid_gtid_tag(std::string_view tag) noexcept;

/// A MySQL GTID set, such as `@@gtid_executed`: for each transaction source (UUID and tag), a set of
/// transaction-number intervals. Tagged GTIDs (MySQL >= 8.3) are supported.
///
/// Text form (MySQL manual, "GTID Format and Storage"):
/// `uuid:[tag:]interval[:interval]...[:tag:interval...][,uuid...]`, interval = `m` or `m-n`.
/// The canonical form (`to_string`) is what the server prints for `@@gtid_executed`, except that
/// sources are separated by "," without the server's newline: UUIDs in lower case and in ascending
/// order, the untagged intervals of a UUID first and then each tag in ascending order, intervals
/// merged and ascending. `parse(s.to_string()) == s` always holds.
class gtid_set
{
public:
    /// A closed interval of transaction numbers, first <= last.
    struct interval
    {
        /// The first transaction number of the interval.
        std::uint64_t first = 1;
        /// The last transaction number of the interval (inclusive).
        std::uint64_t last = 1;
        friend bool operator==(const interval&, const interval&) = default;
        friend auto operator<=>(const interval&, const interval&) = default;
    };
    /// A transaction source: UUID plus tag (empty when untagged).
    struct source_id
    {
        /// The source server's UUID.
        binlogstream::uuid uuid;
        /// The tag, lower case; empty for untagged GTIDs (sorts first).
        std::string tag;
        friend bool operator==(const source_id&, const source_id&) = default;
        friend auto operator<=>(const source_id&, const source_id&) = default;
    };
    /// Sources in canonical order, each with its sorted, disjoint, non-adjacent intervals.
    using source_map = std::map<source_id, std::vector<interval>>;

    /// The empty set.
    gtid_set() = default;

    /// Parses a GTID set text; the empty string (or only white space) is the empty set. White space
    /// around the elements is allowed (the server prints ",\n" between sources).
    /// Errors: `errc::invalid_gtid` (bad UUID, bad or over-long tag, missing or empty interval,
    /// m-n with n < m, 0, or a number above `gtid::max_gno`).
    [[nodiscard]] static gtid_set parse(std::string_view text);
    /// As above, reporting failures through `ec` (the result is then empty).
    [[nodiscard]] static gtid_set parse(std::string_view text, std::error_code& ec);

    /// Decodes the binary form used by PREVIOUS_GTIDS_LOG_EVENT and COM_BINLOG_DUMP_GTID (both the
    /// untagged format and the tagged format of MySQL >= 8.3). Errors: `errc::truncated_event`,
    /// `errc::extra_bytes`, `errc::invalid_gtid` (bad tag, empty or reversed interval).
    [[nodiscard]] static gtid_set decode(std::span<const std::byte> data, std::error_code& ec);

    /// Whether the set contains `g`.
    [[nodiscard]] bool contains(const gtid& g) const noexcept;
    /// Adds one GTID, merging it with adjacent intervals. Errors (thrown as `binlogstream::error`,
    /// `errc::invalid_gtid`): gno 0 or above `gtid::max_gno`, or an invalid tag.
    void insert(const gtid& g);
    /// Adds the closed interval [first, last] of `source`; same errors as `insert(gtid)`, and
    /// first > last.
    void insert(const source_id& source, interval range);
    /// Adds every GTID of `other` (set union).
    void insert(const gtid_set& other);

    /// Whether the set holds no GTID.
    [[nodiscard]] bool empty() const noexcept { return sources_.empty(); }
    /// Whether any source has a tag (the binary form then needs the tagged format).
    [[nodiscard]] bool has_tags() const noexcept;
    /// The sources and their intervals, in canonical order.
    [[nodiscard]] const source_map& sources() const noexcept { return sources_; }

    /// The canonical text form (see the class description).
    [[nodiscard]] std::string to_string() const;

    /// The binary form for COM_BINLOG_DUMP_GTID: untagged format (n_sids u64, per source: 16-byte
    /// UUID, n_intervals u64, [start, end+1) int64 pairs) when no source has a tag, else MySQL 8.3's
    /// tagged format (header 01 + 6-byte count + 01, and a varlen-length tag after each UUID).
    [[nodiscard]] std::vector<std::byte> encode() const;

    friend bool operator==(const gtid_set&, const gtid_set&) = default;

private:
    source_map sources_;
};

/// A MariaDB GTID: replication domain, originating server and sequence number, text "0-1-100".
struct mariadb_gtid
{
    /// The replication domain (gtid_domain_id).
    std::uint32_t domain_id = 0;
    /// The server that first wrote the transaction.
    std::uint32_t server_id = 0;
    /// The sequence number within the domain (MariaDB's own name for it, as in rpl_gtid).
    std::uint64_t seq_no = 0;

    /// Parses "domain-server-sequence" (decimal). Errors: `errc::invalid_gtid`.
    [[nodiscard]] static mariadb_gtid parse(std::string_view text);
    /// As above, reporting failures through `ec`.
    [[nodiscard]] static mariadb_gtid parse(std::string_view text, std::error_code& ec) noexcept;
    /// "domain-server-sequence".
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const mariadb_gtid&, const mariadb_gtid&) = default;
    friend auto operator<=>(const mariadb_gtid&, const mariadb_gtid&) = default;
};

/// A MariaDB GTID position such as `@@gtid_slave_pos`: at most one GTID per replication domain,
/// kept sorted by domain. Text form "0-1-100,1-2-5" (the empty string is the empty list).
class mariadb_gtid_list
{
public:
    /// The empty list.
    mariadb_gtid_list() = default;

    /// Parses a comma-separated list; white space around elements is allowed. Errors:
    /// `errc::invalid_gtid` (a malformed GTID, or two GTIDs of one domain, which MariaDB rejects too).
    [[nodiscard]] static mariadb_gtid_list parse(std::string_view text);
    /// As above, reporting failures through `ec` (the result is then empty).
    [[nodiscard]] static mariadb_gtid_list parse(std::string_view text, std::error_code& ec);

    /// Records `g` as the position of its domain, replacing that domain's previous GTID.
    void update(const mariadb_gtid& g);
    /// The GTID of `domain_id`, if any.
    [[nodiscard]] std::optional<mariadb_gtid> find(std::uint32_t domain_id) const noexcept;
    /// The GTIDs, sorted by domain.
    [[nodiscard]] const std::vector<mariadb_gtid>& gtids() const noexcept { return gtids_; }
    /// Whether the list holds no GTID.
    [[nodiscard]] bool empty() const noexcept { return gtids_.empty(); }

    /// "d-s-n,d-s-n", sorted by domain.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const mariadb_gtid_list&, const mariadb_gtid_list&) = default;

private:
    std::vector<mariadb_gtid> gtids_;
};

/// Start at the server's current end of the binlog (what `SHOW BINARY LOG STATUS` reports).
struct start_at_current
{
    friend bool operator==(const start_at_current&, const start_at_current&) = default;
};

/// Where a stream starts: the current end, a file position, a MySQL GTID set (auto-position: the
/// server sends every transaction not in the set) or a MariaDB GTID list (`@slave_connect_state`).
using start_position = std::variant<start_at_current, file_position, gtid_set, mariadb_gtid_list>;

/// The checkpoint to persist: the position right after the last transaction that was completely
/// delivered (where the next transaction starts), plus the GTID state covering every delivered
/// transaction when the server uses GTIDs.
///
/// Text form: a small JSON object with a stable layout, for example
/// `{"file":"mysql-bin.000003","pos":1234,"gtid_set":"3e11fa47-...:1-5","mariadb_gtid":"0-1-5"}`
/// ("gtid_set" and "mariadb_gtid" appear only when present). `parse` accepts the keys in any order,
/// white space between tokens, and ignores unknown keys whose values are strings or numbers.
struct stream_position
{
    /// Where the next transaction starts in the binlog.
    file_position file;
    /// MySQL: every GTID delivered (or the start set plus those delivered).
    std::optional<gtid_set> gtids;
    /// MariaDB: the GTID of the last delivered transaction of each domain.
    std::optional<mariadb_gtid_list> mariadb_gtids;

    /// Where to resume: the GTID state when present (MySQL set first, then MariaDB list), else the
    /// file position.
    [[nodiscard]] start_position resume() const;

    /// The JSON text form (see the struct description).
    [[nodiscard]] std::string to_string() const;
    /// Parses the JSON text form. Errors: `errc::invalid_position` (malformed JSON, missing "file"
    /// or "pos", a value of the wrong type, a duplicate key, a GTID text that does not parse).
    [[nodiscard]] static stream_position parse(std::string_view text);
    /// As above, reporting failures through `ec`; never throws on malformed text.
    [[nodiscard]] static stream_position parse(std::string_view text, std::error_code& ec);

    friend bool operator==(const stream_position&, const stream_position&) = default;
};

} // namespace binlogstream

/// Hashes, so that positions and GTIDs can key unordered containers.
template <>
struct std::hash<binlogstream::file_position>
{
    std::size_t operator()(const binlogstream::file_position& p) const noexcept
    {
        return std::hash<std::string>{}(p.file) ^ (std::hash<std::uint64_t>{}(p.offset) * 31u);
    }
};

/// Hash of a UUID's bytes.
template <>
struct std::hash<binlogstream::uuid>
{
    std::size_t operator()(const binlogstream::uuid& u) const noexcept
    {
        return std::hash<std::string_view>{}(
            std::string_view(reinterpret_cast<const char*>(u.bytes.data()), u.bytes.size())
        );
    }
};

/// Hash of a GTID (UUID, tag and number).
template <>
struct std::hash<binlogstream::gtid>
{
    std::size_t operator()(const binlogstream::gtid& g) const noexcept
    {
        return std::hash<binlogstream::uuid>{}(g.source) ^ (std::hash<std::string>{}(g.tag) * 31u) ^
               (std::hash<std::uint64_t>{}(g.gno) * 131u);
    }
};

/// Hash of a MariaDB GTID.
template <>
struct std::hash<binlogstream::mariadb_gtid>
{
    std::size_t operator()(const binlogstream::mariadb_gtid& g) const noexcept
    {
        return std::hash<std::uint64_t>{}((std::uint64_t(g.domain_id) << 32) | g.server_id) ^
               (std::hash<std::uint64_t>{}(g.seq_no) * 31u);
    }
};

/// Hash of a GTID set (of its canonical text; costs a `to_string`).
template <>
struct std::hash<binlogstream::gtid_set>
{
    std::size_t operator()(const binlogstream::gtid_set& s) const
    {
        return std::hash<std::string>{}(s.to_string());
    }
};
