// DDL classification of Query event text for the table cache (see ddl.hpp). A small tokenizer, not
// a parser: it reads keywords and table names at the head of the statement and nothing else.

#include "schema/ddl.hpp"

#include <cctype>
#include <optional>

namespace binlogstream::schema {
namespace {

struct token
{
    enum class kind
    {
        end,
        word,   // unquoted identifier or keyword
        quoted, // `identifier` or "identifier"
        string, // 'literal'
        punct,
    };
    kind type = kind::end;
    std::string text; // unquoted text of identifiers; the character of punctuation
};

bool is_word_char(char c) noexcept
{
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

class tokenizer
{
public:
    explicit tokenizer(std::string_view sql) noexcept
        : s_(sql)
    {}

    token next()
    {
        skip_space_and_comments();
        token t;
        if (p_ >= s_.size())
            return t;
        char c = s_[p_];
        if (c == '`' || c == '"' || c == '\'')
        {
            t.type = c == '\'' ? token::kind::string : token::kind::quoted;
            ++p_;
            while (p_ < s_.size())
            {
                if (s_[p_] == c)
                {
                    if (p_ + 1 < s_.size() && s_[p_ + 1] == c) // doubled quote: one literal quote
                    {
                        t.text += c;
                        p_ += 2;
                        continue;
                    }
                    ++p_;
                    return t;
                }
                if (s_[p_] == '\\' && c != '`' && p_ + 1 < s_.size()) // backslash escape in strings
                {
                    t.text += s_[p_ + 1];
                    p_ += 2;
                    continue;
                }
                t.text += s_[p_++];
            }
            return t; // unterminated: what was read
        }
        if (is_word_char(c))
        {
            t.type = token::kind::word;
            while (p_ < s_.size() && is_word_char(s_[p_]))
                t.text += s_[p_++];
            return t;
        }
        t.type = token::kind::punct;
        t.text = std::string(1, c);
        ++p_;
        return t;
    }

private:
    void skip_space_and_comments() noexcept
    {
        while (p_ < s_.size())
        {
            char c = s_[p_];
            if (std::isspace(static_cast<unsigned char>(c)))
                ++p_;
            else if (c == '#')
                skip_line();
            else if (c == '-' && s_.substr(p_, 2) == "--" && (p_ + 2 == s_.size() || std::isspace(static_cast<unsigned char>(s_[p_ + 2]))))
                skip_line();
            else if (s_.substr(p_, 3) == "/*!" || s_.substr(p_, 4) == "/*M!")
            {
                // Executable comment: its content is code; drop the marker and the version.
                p_ += s_[p_ + 2] == '!' ? 3 : 4;
                while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_])))
                    ++p_;
                ++open_executable_;
            }
            else if (s_.substr(p_, 2) == "/*")
            {
                auto end = s_.find("*/", p_ + 2);
                p_ = end == std::string_view::npos ? s_.size() : end + 2;
            }
            else if (open_executable_ > 0 && s_.substr(p_, 2) == "*/")
            {
                --open_executable_;
                p_ += 2;
            }
            else
                return;
        }
    }

    void skip_line() noexcept
    {
        while (p_ < s_.size() && s_[p_] != '\n')
            ++p_;
    }

    std::string_view s_;
    std::size_t p_ = 0;
    int open_executable_ = 0;
};

bool iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

class reader
{
public:
    reader(std::string_view sql, std::string_view default_schema)
        : tok_(sql)
        , default_schema_(default_schema)
    {
        cur_ = tok_.next();
    }

    bool is_keyword(std::string_view k) const noexcept
    {
        return cur_.type == token::kind::word && iequals(cur_.text, k);
    }
    bool accept(std::string_view k)
    {
        if (!is_keyword(k))
            return false;
        advance();
        return true;
    }
    bool accept_punct(char c)
    {
        if (cur_.type != token::kind::punct || cur_.text[0] != c)
            return false;
        advance();
        return true;
    }
    void advance() { cur_ = tok_.next(); }
    bool at_end() const noexcept { return cur_.type == token::kind::end; }

    // [IF EXISTS] / [IF NOT EXISTS]
    void skip_if_exists()
    {
        if (accept("if"))
        {
            (void)accept("not");
            (void)accept("exists");
        }
    }

    // schema.table or table.
    std::optional<qualified_name> name()
    {
        auto first = identifier();
        if (!first)
            return std::nullopt;
        if (accept_punct('.'))
        {
            auto second = identifier();
            if (!second)
                return std::nullopt;
            return qualified_name{std::move(*first), std::move(*second)};
        }
        return qualified_name{default_schema_, std::move(*first)};
    }

    std::optional<std::string> identifier()
    {
        if (cur_.type != token::kind::word && cur_.type != token::kind::quoted)
            return std::nullopt;
        auto text = std::move(cur_.text);
        advance();
        return text;
    }

    // Skips tokens up to `ON` at the top level (CREATE/DROP INDEX name [USING x] ON table).
    bool skip_to_on()
    {
        while (!at_end())
        {
            if (accept("on"))
                return true;
            advance();
        }
        return false;
    }

    // ALTER TABLE t ... RENAME [TO|AS] u: the new name, when the statement renames the table.
    void collect_alter_rename(std::vector<qualified_name>& out)
    {
        while (!at_end())
        {
            if (accept("rename"))
            {
                if (is_keyword("column") || is_keyword("index") || is_keyword("key") ||
                    is_keyword("constraint"))
                    continue;
                if (!accept("to"))
                    (void)accept("as");
                if (auto n = name())
                    out.push_back(std::move(*n));
                continue;
            }
            advance();
        }
    }

private:
    tokenizer tok_;
    token cur_;
    std::string default_schema_;
};

ddl_effect tables(std::vector<qualified_name> names)
{
    ddl_effect e;
    e.kind = names.empty() ? ddl_effect::scope::everything : ddl_effect::scope::tables;
    e.tables = std::move(names);
    return e;
}

ddl_effect everything()
{
    ddl_effect e;
    e.kind = ddl_effect::scope::everything;
    return e;
}

// A list of names separated by commas (DROP TABLE a, b); RENAME's "a TO b, c TO d" when `pairs`.
ddl_effect name_list(reader& r, bool pairs)
{
    std::vector<qualified_name> names;
    for (;;)
    {
        auto n = r.name();
        if (!n)
            return everything();
        names.push_back(std::move(*n));
        if (pairs)
        {
            if (!r.accept("to"))
                return everything();
            auto m = r.name();
            if (!m)
                return everything();
            names.push_back(std::move(*m));
        }
        if (!r.accept_punct(','))
            break;
    }
    return tables(std::move(names));
}

ddl_effect index_statement(reader& r)
{
    if (!r.skip_to_on())
        return everything();
    auto n = r.name();
    return n ? tables({std::move(*n)}) : everything();
}

} // namespace

ddl_effect classify_ddl(std::string_view sql, std::string_view default_schema)
{
    reader r(sql, default_schema);
    if (r.accept("create"))
    {
        if (r.accept("or"))
            (void)r.accept("replace");
        (void)r.accept("temporary");
        if (r.accept("table"))
        {
            r.skip_if_exists();
            auto n = r.name();
            return n ? tables({std::move(*n)}) : everything();
        }
        (void)r.accept("online");
        if (r.accept("unique") || r.accept("fulltext") || r.accept("spatial") || r.is_keyword("index"))
            return r.accept("index") ? index_statement(r) : everything();
        return {};
    }
    if (r.accept("alter"))
    {
        (void)r.accept("online");
        (void)r.accept("ignore");
        if (!r.accept("table"))
            return {};
        r.skip_if_exists();
        auto n = r.name();
        if (!n)
            return everything();
        std::vector<qualified_name> names{std::move(*n)};
        r.collect_alter_rename(names);
        return tables(std::move(names));
    }
    if (r.accept("drop"))
    {
        (void)r.accept("temporary");
        if (r.accept("table") || r.accept("tables"))
        {
            r.skip_if_exists();
            return name_list(r, false);
        }
        if (r.accept("database") || r.accept("schema"))
        {
            r.skip_if_exists();
            auto s = r.identifier();
            if (!s)
                return everything();
            ddl_effect e;
            e.kind = ddl_effect::scope::schema;
            e.schema = std::move(*s);
            return e;
        }
        (void)r.accept("online");
        if (r.accept("index"))
            return index_statement(r);
        return {};
    }
    if (r.accept("truncate"))
    {
        (void)r.accept("table");
        auto n = r.name();
        return n ? tables({std::move(*n)}) : everything();
    }
    if (r.accept("rename"))
    {
        if (r.accept("table") || r.accept("tables"))
            return name_list(r, true);
        return {};
    }
    return {};
}

} // namespace binlogstream::schema
