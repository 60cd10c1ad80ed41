#pragma once

/// \file text.hpp
/// Text of decoded events as UTF-8 under a policy for bytes that are invalid in their charset
/// (`stream_options::on_bad_text`), with errors that say where the text is. Rows are decoded lazily,
/// so text is checked when it is converted, never before: an event nobody converts costs nothing.
/// `binlog_stream::text` applies the stream's policy and position; these are the building blocks.

#include <binlogstream/error.hpp>
#include <binlogstream/event.hpp>
#include <binlogstream/rows.hpp>
#include <binlogstream/value.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace binlogstream {

/// Appends the string cell `cell` of `ev` converted to UTF-8 from its column's charset, as
/// `string_value::to_utf8(out, policy)` does. Under `text_errors::strict`, text invalid in its
/// charset returns `errc::invalid_text` (`out` is then left as it was) and, when `diag` is given,
/// sets its client message to name the table (`schema`.`table`), the column (its name, else `@N`),
/// the collation and the event's place (`file`:start, when `file` is not empty, and its end
/// position). A cell that is not a string (NULL included) returns `errc::invalid_argument`.
std::error_code to_utf8(
    const rows_event& ev,
    const row_cell& cell,
    std::string& out,
    text_errors policy,
    diagnostics* diag = nullptr,
    std::string_view file = {}
);

/// Appends the statement text of `q` converted to UTF-8 from the session's `character_set_client`
/// (the Q_CHARSET_CODE status variable; without one the text is taken as UTF-8). Under
/// `text_errors::strict` invalid text returns `errc::invalid_text` and, when `diag` is given, a
/// message naming the default schema and the event's place, as above.
std::error_code to_utf8(
    const query_event& q,
    std::string& out,
    text_errors policy,
    diagnostics* diag = nullptr,
    std::string_view file = {}
);

} // namespace binlogstream
