#pragma once

// MySQL binary JSON (sql-common/json_binary.cc; its header comment is the format's spec):
//   doc    ::= type value
//   object ::= count size key-entry* value-entry* key* value*     (count/size/offsets: 2 bytes when
//   array  ::= count size value-entry* value*                      small, 4 bytes when large)
//   key-entry   ::= key-offset key-length(2 bytes)
//   value-entry ::= type offset-or-inlined-value
//   string ::= varlen utf8-bytes;  opaque ::= field-type(1) varlen bytes
// Offsets count from the first byte of the object/array body (after its type byte). Literals and
// 16-bit integers are inlined in the value entry, and so are 32-bit integers in large containers.
// Rendering follows Json_wrapper::to_string (sql-common/json_dom.cc).

#include <binlogstream/json.hpp>

#include "codec/byte_reader.hpp"

#include <string>
#include <system_error>

namespace binlogstream::codec {

/// The maximum nesting depth MySQL accepts (JSON_DOCUMENT_MAX_DEPTH); deeper documents are invalid.
inline constexpr unsigned json_max_depth = 100;

/// Appends a double the way MySQL prints JSON doubles: my_gcvt with a 22-character field width, plus
/// ".0" when the result has neither a decimal point nor an exponent. errc::invalid_json for inf/nan.
std::error_code append_json_double(std::string& out, double d);

/// Appends a string literal quoted and escaped as MySQL's double_quote does (\" \\ \b \f \n \r \t,
/// other ASCII controls as \u00xx; everything else verbatim).
void append_mysql_json_string(std::string& out, std::string_view s);

/// Appends base64 (standard alphabet, padded) of `data`; with `mysql_line_breaks`, a newline after
/// every 76 output characters as MySQL's base64_encode writes.
void append_base64(std::string& out, bytes_view data, bool mysql_line_breaks);

/// Renders a binary JSON document (empty = null) as text.
std::error_code render_json_binary(std::string& out, bytes_view doc);

} // namespace binlogstream::codec
