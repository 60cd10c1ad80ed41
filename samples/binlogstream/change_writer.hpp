#pragma once

// Renders row changes as Maxwell JSON lines or Debezium change envelopes, one transaction at a
// time: lines are held until the transaction commits, because Maxwell's "xid" (on every row) and
// "commit":true (on the last row) are only known at the commit, and because a transaction's lines
// must reach stdout together with its checkpoint, never half of them.

#include <binlogstream/event.hpp>

#include "tail_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace binlogstream::tool {

/// Where an event is: its binlog file and start offset, the server that wrote it, its timestamp and
/// the GTID of its transaction (empty without GTIDs).
struct event_place
{
    std::string_view file;
    std::uint64_t pos = 0;
    std::uint32_t server_id = 0;
    std::uint32_t timestamp = 0;
    std::string_view gtid;
};

/// The end of a transaction.
struct commit_info
{
    std::optional<std::uint64_t> xid;
    std::string_view gtid;
    std::uint32_t timestamp = 0;
    std::string_view file; // where the next transaction starts
    std::uint64_t pos = 0;
};

class change_writer
{
public:
    change_writer(output_format format, bool transactions)
        : format_(format)
        , transactions_(transactions)
    {}

    /// Renders every row of `e` into the open transaction; adds the number of rows to `rows`.
    /// Errors: a row that does not decode (nothing of the event is kept then).
    std::error_code add_rows(const rows_event& e, const event_place& at, std::uint64_t& rows);

    /// Renders a DDL statement (`sql`: its text as UTF-8) into the open transaction.
    void add_ddl(const query_event& q, std::string_view sql, const event_place& at);

    /// Appends the open transaction's lines, each ending in '\n', to `out` and starts a new one.
    void commit(const commit_info& c, std::string& out);

    /// Drops the open transaction's lines (the stream stopped inside it).
    void discard();

    /// Whether the open transaction has lines.
    [[nodiscard]] bool empty() const noexcept { return lines_.empty(); }

private:
    struct line
    {
        std::size_t begin = 0;
        std::size_t split = 0; // Maxwell rows: where "xid"/"commit"/"xoffset" go; else == end
        std::size_t end = 0;
        bool row = false;
    };

    std::error_code add_maxwell_row(const rows_event& e, const row& r, const event_place& at);
    std::error_code add_debezium_row(const rows_event& e, const row& r, const event_place& at, std::size_t n);
    void transaction_line(bool begin, const commit_info& c, std::size_t rows, std::string& out) const;

    output_format format_;
    bool transactions_;
    std::string pending_;
    std::vector<line> lines_;
    // Scratch for Maxwell's "old": the before image's cells as JSON text.
    std::vector<std::string> before_text_;
    std::vector<bool> before_present_;
    std::vector<std::size_t> changed_;
};

} // namespace binlogstream::tool
