// information_schema reads for the table cache: the query, the parse of its rows, the comparison
// with a TABLE_MAP and the merge (see information_schema.hpp).

#include "schema/information_schema.hpp"

#include "codec/column_plan.hpp"
#include "codec/temporal_hires.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace binlogstream::schema {
namespace {

constexpr std::size_t query_columns = 13;

std::string hex_literal(std::string_view text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    // An empty X'' is a valid (empty) literal.
    std::string out = "CONVERT(X'";
    for (unsigned char c : text)
    {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    out += "' USING utf8mb4)";
    return out;
}

std::optional<std::uint64_t> number(const std::optional<std::string>& cell)
{
    if (!cell || cell->empty())
        return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), v);
    if (ec != std::errc{} || p != cell->data() + cell->size())
        return std::nullopt;
    return v;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool iequals(std::string_view a, std::string_view b)
{
    return lower(a) == lower(b);
}

// The binlog type families a DATA_TYPE may appear as. Unknown DATA_TYPEs (plugin types such as
// MariaDB's INET6 or UUID) are not compared: they cannot be told apart from a renamed type.
enum class family
{
    unknown,
    integer_tiny,
    integer_short,
    integer_medium,
    integer_long,
    integer_longlong,
    float_,
    double_,
    decimal,
    date,
    time,
    datetime,
    timestamp,
    year,
    fixed_string, // CHAR, BINARY
    var_string,   // VARCHAR, VARBINARY
    blob,         // TEXT and BLOB of every size (and MariaDB's JSON, a LONGTEXT)
    json,
    enum_,
    set,
    bit,
    geometry,
    vector,
};

family family_of_data_type(std::string_view t)
{
    struct entry
    {
        std::string_view name;
        family f;
    };
    static constexpr entry table[] = {
        {"tinyint", family::integer_tiny},
        {"smallint", family::integer_short},
        {"mediumint", family::integer_medium},
        {"int", family::integer_long},
        {"integer", family::integer_long},
        {"bigint", family::integer_longlong},
        {"float", family::float_},
        {"double", family::double_},
        {"real", family::double_},
        {"decimal", family::decimal},
        {"numeric", family::decimal},
        {"date", family::date},
        {"time", family::time},
        {"datetime", family::datetime},
        {"timestamp", family::timestamp},
        {"year", family::year},
        {"char", family::fixed_string},
        {"binary", family::fixed_string},
        {"varchar", family::var_string},
        {"varbinary", family::var_string},
        {"tinytext", family::blob},
        {"text", family::blob},
        {"mediumtext", family::blob},
        {"longtext", family::blob},
        {"tinyblob", family::blob},
        {"blob", family::blob},
        {"mediumblob", family::blob},
        {"longblob", family::blob},
        {"json", family::json},
        {"enum", family::enum_},
        {"set", family::set},
        {"bit", family::bit},
        {"geometry", family::geometry},
        {"point", family::geometry},
        {"linestring", family::geometry},
        {"polygon", family::geometry},
        {"multipoint", family::geometry},
        {"multilinestring", family::geometry},
        {"multipolygon", family::geometry},
        {"geometrycollection", family::geometry},
        {"geomcollection", family::geometry},
        {"vector", family::vector},
    };
    for (const auto& e : table)
        if (e.name == t)
            return e.f;
    return family::unknown;
}

bool type_in_family(column_type t, family f)
{
    switch (f)
    {
        case family::unknown:
            return true;
        case family::integer_tiny:
            return t == column_type::tiny;
        case family::integer_short:
            return t == column_type::short_;
        case family::integer_medium:
            return t == column_type::int24;
        case family::integer_long:
            return t == column_type::long_;
        case family::integer_longlong:
            return t == column_type::longlong;
        case family::float_:
            return t == column_type::float_;
        case family::double_:
            return t == column_type::double_;
        case family::decimal:
            return t == column_type::newdecimal || t == column_type::decimal;
        case family::date:
            return t == column_type::date || t == column_type::newdate;
        case family::time:
            return t == column_type::time || t == column_type::time2;
        case family::datetime:
            return t == column_type::datetime || t == column_type::datetime2;
        case family::timestamp:
            return t == column_type::timestamp || t == column_type::timestamp2;
        case family::year:
            return t == column_type::year;
        case family::fixed_string:
            return t == column_type::string;
        case family::var_string:
            return t == column_type::varchar || t == column_type::var_string;
        case family::blob:
            return t == column_type::blob || t == column_type::tiny_blob || t == column_type::medium_blob ||
                   t == column_type::long_blob;
        case family::json:
            return t == column_type::json || t == column_type::blob;
        case family::enum_:
            return t == column_type::enum_;
        case family::set:
            return t == column_type::set;
        case family::bit:
            return t == column_type::bit;
        case family::geometry:
            return t == column_type::geometry;
        case family::vector:
            return t == column_type::vector || t == column_type::varchar || t == column_type::string;
    }
    return true;
}

// The details the TABLE_MAP metadata pins down, compared where information_schema states them.
std::string detail_mismatch(const column_info& c, const fetched_column& f, family fam)
{
    auto differs = [](std::uint64_t binlog, std::optional<std::uint64_t> is) { return is && *is != binlog; };
    switch (fam)
    {
        case family::decimal:
            if (c.type == column_type::newdecimal &&
                (differs(c.meta >> 8, f.numeric_precision) || differs(c.meta & 0xff, f.numeric_scale)))
                return "precision or scale";
            break;
        case family::time:
        case family::datetime:
        case family::timestamp:
            if ((c.type == column_type::time2 || c.type == column_type::datetime2 ||
                 c.type == column_type::timestamp2) &&
                differs(c.meta, f.datetime_precision))
                return "fractional seconds";
            break;
        case family::var_string:
            if (differs(c.meta, f.octet_length))
                return "length";
            break;
        case family::bit:
            if (differs((c.meta >> 8) * 8 + (c.meta & 0xff), f.numeric_precision))
                return "width";
            break;
        case family::blob:
        {
            // The TABLE_MAP says how many bytes hold the length: 1 TINY, 2 plain, 3 MEDIUM, 4 LONG.
            std::uint64_t bytes = 0;
            if (f.octet_length)
                bytes = *f.octet_length < (1u << 8)    ? 1
                        : *f.octet_length < (1u << 16) ? 2
                        : *f.octet_length < (1u << 24) ? 3
                                                       : 4;
            if (bytes != 0 && c.type == column_type::blob && bytes != c.meta)
                return "size";
            break;
        }
        default:
            break;
    }
    return {};
}

// The binlog type in words, for mismatch notes. (table.hpp declares to_string(column_type), but no
// layer defines it yet.)
std::string_view type_name(column_type t) noexcept
{
    switch (t)
    {
        case column_type::decimal:
        case column_type::newdecimal:
            return "DECIMAL";
        case column_type::tiny:
            return "TINYINT";
        case column_type::short_:
            return "SMALLINT";
        case column_type::int24:
            return "MEDIUMINT";
        case column_type::long_:
            return "INT";
        case column_type::longlong:
            return "BIGINT";
        case column_type::float_:
            return "FLOAT";
        case column_type::double_:
            return "DOUBLE";
        case column_type::timestamp:
        case column_type::timestamp2:
            return "TIMESTAMP";
        case column_type::date:
        case column_type::newdate:
            return "DATE";
        case column_type::time:
        case column_type::time2:
            return "TIME";
        case column_type::datetime:
        case column_type::datetime2:
            return "DATETIME";
        case column_type::year:
            return "YEAR";
        case column_type::varchar:
        case column_type::var_string:
            return "VARCHAR";
        case column_type::string:
            return "CHAR";
        case column_type::bit:
            return "BIT";
        case column_type::json:
            return "JSON";
        case column_type::enum_:
            return "ENUM";
        case column_type::set:
            return "SET";
        case column_type::tiny_blob:
        case column_type::medium_blob:
        case column_type::long_blob:
        case column_type::blob:
            return "BLOB";
        case column_type::geometry:
            return "GEOMETRY";
        case column_type::vector:
            return "VECTOR";
        default:
            return "OTHER";
    }
}

bool has_optional(std::span<const std::uint8_t> types, std::uint8_t t)
{
    return std::find(types.begin(), types.end(), t) != types.end();
}

std::uint32_t geometry_code(std::string_view data_type)
{
    static constexpr std::string_view names[] = {
        "geometry",
        "point",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
        "multipolygon",
        "geometrycollection"};
    for (std::uint32_t i = 0; i < std::size(names); ++i)
        if (names[i] == data_type)
            return i;
    return data_type == "geomcollection" ? 7 : 0;
}

} // namespace

std::string metadata_query(std::string_view schema, std::string_view table)
{
    auto s = hex_literal(schema);
    auto t = hex_literal(table);
    // COLUMNS and STATISTICS both answer `TABLE_SCHEMA = const AND TABLE_NAME = const` by opening that
    // one table (MariaDB and MySQL alike), so the cost does not grow with the number of tables.
    return "SELECT 'C', c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION, c.COLUMN_NAME, c.DATA_TYPE, "
           "c.COLUMN_TYPE, c.IS_NULLABLE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION, "
           "c.CHARACTER_OCTET_LENGTH, co.ID "
           "FROM information_schema.COLUMNS c "
           "LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME "
           "WHERE c.TABLE_SCHEMA = " +
           s + " AND c.TABLE_NAME = " + t +
           " UNION ALL "
           "SELECT 'K', s.TABLE_SCHEMA, s.TABLE_NAME, s.SEQ_IN_INDEX, s.COLUMN_NAME, NULL, NULL, NULL, "
           "s.SUB_PART, NULL, NULL, NULL, NULL "
           "FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = " +
           s + " AND s.TABLE_NAME = " + t + " AND s.INDEX_NAME = 'PRIMARY' ORDER BY 1, 4";
}

std::vector<std::string> parse_literals(std::string_view column_type)
{
    std::vector<std::string> out;
    auto open = column_type.find('(');
    if (open == std::string_view::npos)
        return out;
    std::size_t p = open + 1;
    while (p < column_type.size() && column_type[p] == '\'')
    {
        ++p;
        std::string lit;
        bool closed = false;
        while (p < column_type.size())
        {
            char c = column_type[p];
            if (c == '\'' && p + 1 < column_type.size() && column_type[p + 1] == '\'')
            {
                lit += '\'';
                p += 2;
            }
            else if (c == '\'')
            {
                ++p;
                closed = true;
                break;
            }
            else if (c == '\\' && p + 1 < column_type.size())
            {
                // The server prints literals with append_unescaped: \\ \0 \n \r \Z and \' escapes.
                char e = column_type[p + 1];
                lit += e == '0' ? '\0' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 'Z' ? '\x1a' : e;
                p += 2;
            }
            else
            {
                lit += c;
                ++p;
            }
        }
        if (!closed)
            return {};
        out.push_back(std::move(lit));
        if (p < column_type.size() && column_type[p] == ',')
            ++p;
    }
    return out;
}

std::error_code
parse_metadata(const resultset& rs, std::string_view schema, std::string_view table, fetched_table& out)
{
    out = {};
    if (!rs.columns.empty() && rs.columns.size() != query_columns)
        return make_error_code(errc::bad_value);
    // information_schema compares names with the system collation (case-insensitive on some
    // servers); keep the rows of the exact name when there are any.
    bool exact_exists = std::any_of(rs.rows.begin(), rs.rows.end(), [&](const auto& r) {
        return r.size() == query_columns && r[1] && r[2] && *r[1] == schema && *r[2] == table;
    });
    std::vector<std::pair<std::string, std::optional<std::uint64_t>>> key;
    for (const auto& r : rs.rows)
    {
        if (r.size() != query_columns || !r[0] || !r[1] || !r[2] || !r[4])
            return make_error_code(errc::bad_value);
        if (exact_exists && (*r[1] != schema || *r[2] != table))
            continue;
        if (!exact_exists && (!iequals(*r[1], schema) || !iequals(*r[2], table)))
            continue;
        auto ordinal = number(r[3]);
        if (*r[0] == "K")
        {
            key.emplace_back(*r[4], number(r[8]));
            continue;
        }
        if (*r[0] != "C" || !ordinal)
            return make_error_code(errc::bad_value);
        if (*ordinal != out.columns.size() + 1)
        {
            if (*ordinal <= out.columns.size())
                continue; // a duplicate row (a collation listed twice): the first one stands
            return make_error_code(errc::bad_value);
        }
        fetched_column c;
        c.name = *r[4];
        c.data_type = lower(r[5].value_or(""));
        c.column_type = r[6].value_or("");
        c.nullable = r[7].value_or("YES") != "NO";
        c.is_unsigned = lower(c.column_type).find("unsigned") != std::string::npos;
        c.numeric_precision = number(r[8]);
        c.numeric_scale = number(r[9]);
        c.datetime_precision = number(r[10]);
        c.octet_length = number(r[11]);
        c.charset = static_cast<std::uint16_t>(number(r[12]).value_or(0));
        if (c.data_type == "enum" || c.data_type == "set")
            c.literals = parse_literals(c.column_type);
        out.columns.push_back(std::move(c));
    }
    for (const auto& [key_name, prefix] : key)
    {
        const auto& name = key_name; // clang 14 (the fuzz build) cannot capture a structured binding
        auto it = std::find_if(out.columns.begin(), out.columns.end(), [&](const auto& c) {
            return c.name == name;
        });
        if (it == out.columns.end())
            return make_error_code(errc::bad_value);
        out.primary_key.push_back(
            {static_cast<std::uint32_t>(it - out.columns.begin()),
             static_cast<std::uint32_t>(prefix.value_or(0))}
        );
    }
    return {};
}

std::string find_mismatch(const table_info& mapped, const fetched_table& fetched)
{
    if (mapped.columns.size() != fetched.columns.size())
        return "the event has " + std::to_string(mapped.columns.size()) + " columns, the table now has " +
               std::to_string(fetched.columns.size());
    for (std::size_t i = 0; i < mapped.columns.size(); ++i)
    {
        const auto& c = mapped.columns[i];
        const auto& f = fetched.columns[i];
        auto fam = family_of_data_type(f.data_type);
        std::string what;
        if (!type_in_family(c.type, fam))
            what = "type";
        else
            what = detail_mismatch(c, f, fam);
        if (!what.empty())
            return "column @" + std::to_string(i + 1) + ": the event has " + std::string(type_name(c.type)) +
                   " and the table now has " + f.column_type + " (" + what + " differs)";
    }
    return {};
}

std::shared_ptr<const table_info> merge_metadata(
    const table_info& mapped,
    std::span<const std::uint8_t> optional_types,
    const fetched_table* fetched,
    std::string_view reason
)
{
    auto t = std::make_shared<table_info>(mapped);
    if (mapped.names_from_binlog)
    {
        // Only the precision of old TIME/DATETIME/TIMESTAMP columns was wanted (needs_lookup): when
        // it cannot be had, the binlog's own description stands, as it did before the read.
        std::string problem = !fetched || fetched->columns.empty()
                                  ? std::string(reason.empty() ? "the table does not exist now" : reason)
                                  : find_mismatch(mapped, *fetched);
        if (!problem.empty())
        {
            t->metadata_note =
                "the fractional precision of old TIME/DATETIME/TIMESTAMP columns is unknown: " + problem;
            return t;
        }
    }
    if (!fetched || fetched->columns.empty())
    {
        t->metadata = table_metadata::unavailable;
        t->metadata_note = reason.empty() ? "the table does not exist now (or the ctl account cannot see it)"
                                          : std::string(reason);
        return t;
    }
    if (auto problem = find_mismatch(mapped, *fetched); !problem.empty())
    {
        t->metadata = table_metadata::mismatch;
        t->metadata_note = std::move(problem);
        return t;
    }
    // Optional metadata field numbers (MySQL rows_event.h Optional_metadata_field_type).
    constexpr std::uint8_t signedness = 1, default_charset = 2, column_charset = 3, set_str = 5, enum_str = 6,
                           geometry_type = 7, simple_pk = 8, pk_with_prefix = 9;
    bool has_sign = has_optional(optional_types, signedness);
    bool has_charset =
        has_optional(optional_types, default_charset) || has_optional(optional_types, column_charset);
    for (std::size_t i = 0; i < t->columns.size(); ++i)
    {
        auto& c = t->columns[i];
        const auto& f = fetched->columns[i];
        c.name = f.name;
        if (!has_sign)
            c.is_unsigned = f.is_unsigned;
        if (!has_charset && c.charset == 0)
            c.charset = f.charset;
        if (c.type == column_type::enum_ && !has_optional(optional_types, enum_str))
            c.enum_values = f.literals;
        if (c.type == column_type::set && !has_optional(optional_types, set_str))
            c.set_values = f.literals;
        if (c.type == column_type::geometry && !has_optional(optional_types, geometry_type))
            c.geometry_type = geometry_code(f.data_type);
    }
    bool sized = false;
    for (std::size_t i = 0; i < t->columns.size(); ++i)
    {
        // A MariaDB 5.3 fractional TIME/DATETIME/TIMESTAMP: the TABLE_MAP cannot say its size, the
        // precision does (temporal_hires.hpp). MySQL's old types have precision 0 and stay as they are.
        auto& c = t->columns[i];
        const auto& p = fetched->columns[i].datetime_precision;
        if (codec::is_old_temporal(c.type) && c.meta == 0 && p && *p > 0 && *p <= 6)
        {
            c.meta = std::uint16_t(*p);
            sized = true;
        }
    }
    if (sized)
        t->plan = codec::make_column_plan(*t); // the TABLE_MAP's plan sized them as plain old types
    if (!has_optional(optional_types, simple_pk) && !has_optional(optional_types, pk_with_prefix))
        t->primary_key = fetched->primary_key;
    t->metadata = table_metadata::cache;
    return t;
}

} // namespace binlogstream::schema
