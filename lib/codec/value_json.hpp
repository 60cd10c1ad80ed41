#pragma once

// The JSON text form of cell values (the `binlogstream dump` contract): see append_json.

#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include <string>
#include <string_view>

namespace binlogstream::codec {

/// Appends the value as JSON text: null; integers exact; FLOAT/DOUBLE shortest round-trip; DECIMAL as a
/// string with its declared scale; DATE "YYYY-MM-DD"; DATETIME and TIMESTAMP (UTC)
/// "YYYY-MM-DD hh:mm:ss[.f…]" with fsp fraction digits; TIME "[-]hh:mm:ss[.f…]"; YEAR and BIT numbers;
/// text as a UTF-8 string converted from its charset (invalid bytes replaced by U+FFFD); binary
/// strings (collation 63), BLOB and GEOMETRY (SRID + WKB) as {"base64":"…"}; a string whose collation
/// is unknown (0, no charset metadata) as text when it is valid UTF-8, else as {"base64":"…"};
/// JSON that does not parse as {"base64":"…"} of its bytes; ENUM as its literal (else its index); SET as an
/// array of literals (else its bitmask); JSON embedded; VECTOR an array of numbers. `col` gives enum/set
/// literals and the charset.
void append_json(std::string& out, const value& v, const column_info& col);

/// Appends a JSON string literal with correct escaping (also used for names). Invalid UTF-8 bytes are
/// replaced by U+FFFD so that the output is always valid JSON.
void append_json_string(std::string& out, std::string_view utf8);

/// Appends `s` as a quoted JSON string: \" \\ \b \f \n \r \t, other bytes below 0x20 (and 0x7f with
/// `escape_del`, as MySQL's JSON printer does) as \u00xx, everything else verbatim. No UTF-8 check:
/// the one escaper behind append_json_string, MySQL JSON rendering and checkpoint text.
void append_escaped_json_string(std::string& out, std::string_view s, bool escape_del = false);

} // namespace binlogstream::codec
