// Partial JSON updates (PARTIAL_UPDATE_ROWS_EVENT, binlog_row_value_options=PARTIAL_JSON).
// Each diff of a column (Json_diff_vector::read_binary, sql/json_diff.cc) is
//   operation(1: 0 replace, 1 insert, 2 remove) path(lenenc string) [value(lenenc length + binary JSON)]
// with no value for remove; a column's diffs follow each other until its byte count is used up.

#include <binlogstream/json.hpp>

#include "codec/byte_reader.hpp"
#include "codec/json_binary.hpp"

#include <string>
#include <utility>
#include <vector>

namespace binlogstream {
namespace {

std::error_code invalid() noexcept
{
    return make_error_code(errc::invalid_json);
}

// A small mutable document for applying diffs: scalars keep their rendered text.
struct node
{
    enum class kind : std::uint8_t
    {
        scalar,
        object,
        array,
    };
    kind k = kind::scalar;
    std::string text;
    // Objects: names[i] is the key of children[i]; arrays: names is empty. (Parallel vectors rather
    // than pairs: a vector may hold the incomplete `node`, a pair may not.)
    std::vector<std::string> names;
    std::vector<node> children;
};

std::error_code build(const json_binary_view& v, node& out, unsigned depth)
{
    if (depth > codec::json_max_depth)
        return invalid();
    if (v.type() == json_type::object || v.type() == json_type::array)
    {
        bool object = v.type() == json_type::object;
        out.k = object ? node::kind::object : node::kind::array;
        for (std::size_t i = 0; i < v.size(); ++i)
        {
            json_binary_view child;
            if (auto ec = v.element(i, child))
                return ec;
            node n;
            if (auto ec = build(child, n, depth + 1))
                return ec;
            if (object)
            {
                std::string_view key;
                if (auto ec = v.key(i, key))
                    return ec;
                out.names.emplace_back(key);
            }
            out.children.push_back(std::move(n));
        }
        return {};
    }
    out.k = node::kind::scalar;
    return v.to_text(out.text);
}

std::error_code build(std::span<const std::byte> doc, node& out)
{
    json_binary_view root;
    if (auto ec = json_binary_view::parse(doc, root))
        return ec;
    return build(root, out, 0);
}

void render(std::string& out, const node& n)
{
    switch (n.k)
    {
        case node::kind::scalar:
            out += n.text;
            return;
        case node::kind::object:
            out.push_back('{');
            for (std::size_t i = 0; i < n.children.size(); ++i)
            {
                if (i > 0)
                    out += ", ";
                codec::append_mysql_json_string(out, n.names[i]);
                out += ": ";
                render(out, n.children[i]);
            }
            out.push_back('}');
            return;
        case node::kind::array:
            out.push_back('[');
            for (std::size_t i = 0; i < n.children.size(); ++i)
            {
                if (i > 0)
                    out += ", ";
                render(out, n.children[i]);
            }
            out.push_back(']');
            return;
    }
}

// One leg of a JSON path: a member name or an array index (last = the last element).
struct leg
{
    bool is_member = false;
    std::string name;
    std::size_t index = 0;
    bool last = false;
};

std::error_code parse_path(std::string_view path, std::vector<leg>& legs)
{
    std::size_t i = 0;
    auto skip_spaces = [&] {
        while (i < path.size() && path[i] == ' ')
            ++i;
    };
    skip_spaces();
    if (i >= path.size() || path[i] != '$')
        return invalid();
    ++i;
    for (;;)
    {
        skip_spaces();
        if (i == path.size())
            return {};
        leg l;
        if (path[i] == '.')
        {
            ++i;
            skip_spaces();
            l.is_member = true;
            if (i < path.size() && path[i] == '"')
            {
                ++i;
                bool closed = false;
                while (i < path.size())
                {
                    char c = path[i++];
                    if (c == '"')
                    {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && i < path.size())
                        c = path[i++];
                    l.name.push_back(c);
                }
                if (!closed)
                    return invalid();
            }
            else
            {
                while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ' ')
                    l.name.push_back(path[i++]);
                if (l.name.empty())
                    return invalid();
            }
        }
        else if (path[i] == '[')
        {
            ++i;
            skip_spaces();
            if (path.substr(i, 4) == "last")
            {
                l.last = true;
                i += 4;
            }
            else
            {
                bool any = false;
                while (i < path.size() && path[i] >= '0' && path[i] <= '9')
                {
                    if (l.index > 100000000)
                        return invalid();
                    l.index = l.index * 10 + std::size_t(path[i++] - '0');
                    any = true;
                }
                if (!any)
                    return invalid();
            }
            skip_spaces();
            if (i >= path.size() || path[i] != ']')
                return invalid();
            ++i;
        }
        else
        {
            return invalid();
        }
        legs.push_back(std::move(l));
    }
}

node* child(node& parent, const leg& l)
{
    if (l.is_member)
    {
        if (parent.k != node::kind::object)
            return nullptr;
        for (std::size_t i = 0; i < parent.names.size(); ++i)
            if (parent.names[i] == l.name)
                return &parent.children[i];
        return nullptr;
    }
    if (parent.k != node::kind::array || parent.children.empty())
        return nullptr;
    auto idx = l.last ? parent.children.size() - 1 : l.index;
    return idx < parent.children.size() ? &parent.children[idx] : nullptr;
}

std::error_code apply_one(node& root, const json_diff& d)
{
    std::vector<leg> legs;
    if (auto ec = parse_path(d.path, legs))
        return ec;
    node value;
    if (d.operation != json_diff_operation::remove)
    {
        if (auto ec = build(d.value, value))
            return ec;
    }
    if (legs.empty())
    {
        if (d.operation != json_diff_operation::replace)
            return invalid();
        root = std::move(value);
        return {};
    }
    node* parent = &root;
    for (std::size_t i = 0; i + 1 < legs.size(); ++i)
    {
        parent = child(*parent, legs[i]);
        if (parent == nullptr)
            return invalid();
    }
    const leg& l = legs.back();
    switch (d.operation)
    {
        case json_diff_operation::replace:
        {
            node* target = child(*parent, l);
            if (target == nullptr)
                return invalid();
            *target = std::move(value);
            return {};
        }
        case json_diff_operation::insert:
            if (l.is_member)
            {
                if (parent->k != node::kind::object)
                    return invalid();
                if (node* existing = child(*parent, l))
                    *existing = std::move(value);
                else
                {
                    parent->names.push_back(l.name);
                    parent->children.push_back(std::move(value));
                }
                return {};
            }
            if (parent->k != node::kind::array)
                return invalid();
            {
                auto idx = l.last ? parent->children.size() : std::min(l.index, parent->children.size());
                parent->children.insert(parent->children.begin() + std::ptrdiff_t(idx), std::move(value));
            }
            return {};
        case json_diff_operation::remove:
            if (l.is_member)
            {
                if (parent->k != node::kind::object)
                    return invalid();
                for (std::size_t i = 0; i < parent->names.size(); ++i)
                {
                    if (parent->names[i] == l.name)
                    {
                        parent->names.erase(parent->names.begin() + std::ptrdiff_t(i));
                        parent->children.erase(parent->children.begin() + std::ptrdiff_t(i));
                        return {};
                    }
                }
                return invalid();
            }
            if (parent->k != node::kind::array || parent->children.empty())
                return invalid();
            {
                auto idx = l.last ? parent->children.size() - 1 : l.index;
                if (idx >= parent->children.size())
                    return invalid();
                parent->children.erase(parent->children.begin() + std::ptrdiff_t(idx));
            }
            return {};
    }
    return invalid();
}

} // namespace

std::error_code decode_json_diffs(std::span<const std::byte> diffs, std::vector<json_diff>& out)
{
    codec::byte_reader r(diffs);
    while (!r.empty())
    {
        json_diff d;
        auto op = r.u8();
        if (!r.ok())
            return r.error();
        if (op > 2)
            return invalid();
        d.operation = static_cast<json_diff_operation>(op);
        d.path = r.lenenc_string();
        if (!r.ok())
            return r.error() == errc::malformed_packet ? invalid() : r.error();
        if (d.operation != json_diff_operation::remove)
        {
            auto len = r.lenenc();
            if (!r.ok())
                return r.error() == errc::malformed_packet ? invalid() : r.error();
            d.value = r.bytes(std::size_t(len));
            if (!r.ok())
                return r.error();
            if (d.value.empty())
                return invalid();
        }
        out.push_back(d);
    }
    return {};
}

std::error_code
apply_json_diffs(std::span<const std::byte> before, std::span<const json_diff> diffs, std::string& out)
{
    node root;
    if (auto ec = build(before, root))
        return ec;
    for (const auto& d : diffs)
    {
        if (auto ec = apply_one(root, d))
            return ec;
    }
    render(out, root);
    return {};
}

} // namespace binlogstream
