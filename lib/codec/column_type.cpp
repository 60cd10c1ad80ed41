// Names of the column type codes: MySQL's enum_field_types (include/field_types.h) without the
// MYSQL_TYPE_ prefix, as mysqlbinlog and the server's error messages spell them.

#include <binlogstream/table.hpp>

namespace binlogstream {

std::string_view to_string(column_type t) noexcept
{
    switch (t)
    {
        case column_type::decimal:
            return "DECIMAL";
        case column_type::tiny:
            return "TINY";
        case column_type::short_:
            return "SHORT";
        case column_type::long_:
            return "LONG";
        case column_type::float_:
            return "FLOAT";
        case column_type::double_:
            return "DOUBLE";
        case column_type::null:
            return "NULL";
        case column_type::timestamp:
            return "TIMESTAMP";
        case column_type::longlong:
            return "LONGLONG";
        case column_type::int24:
            return "INT24";
        case column_type::date:
            return "DATE";
        case column_type::time:
            return "TIME";
        case column_type::datetime:
            return "DATETIME";
        case column_type::year:
            return "YEAR";
        case column_type::newdate:
            return "NEWDATE";
        case column_type::varchar:
            return "VARCHAR";
        case column_type::bit:
            return "BIT";
        case column_type::timestamp2:
            return "TIMESTAMP2";
        case column_type::datetime2:
            return "DATETIME2";
        case column_type::time2:
            return "TIME2";
        case column_type::typed_array:
            return "TYPED_ARRAY";
        case column_type::vector:
            return "VECTOR";
        case column_type::invalid:
            return "INVALID";
        case column_type::bool_:
            return "BOOL";
        case column_type::json:
            return "JSON";
        case column_type::newdecimal:
            return "NEWDECIMAL";
        case column_type::enum_:
            return "ENUM";
        case column_type::set:
            return "SET";
        case column_type::tiny_blob:
            return "TINY_BLOB";
        case column_type::medium_blob:
            return "MEDIUM_BLOB";
        case column_type::long_blob:
            return "LONG_BLOB";
        case column_type::blob:
            return "BLOB";
        case column_type::var_string:
            return "VAR_STRING";
        case column_type::string:
            return "STRING";
        case column_type::geometry:
            return "GEOMETRY";
    }
    return "UNKNOWN";
}

} // namespace binlogstream
