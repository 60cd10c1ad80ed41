// MariaDB GTIDs ("domain-server-sequence") and GTID positions ("0-1-100,1-2-5").
//
// Reference: MariaDB KB "Global Transaction ID": a GTID is three unsigned numbers, the domain id and
// server id 32-bit, the sequence number 64-bit; a position (@@gtid_slave_pos, @slave_connect_state)
// is a comma-separated list with at most one GTID per domain, and the server rejects a list naming
// one domain twice.

#include <binlogstream/position.hpp>

#include "replication/text_scan.hpp"

#include <algorithm>
#include <limits>

namespace binlogstream {
namespace {

using replication::text_scan;

bool read_mariadb_gtid(text_scan& s, mariadb_gtid& g) noexcept
{
    std::uint64_t domain = 0;
    std::uint64_t server = 0;
    constexpr auto max32 = std::numeric_limits<std::uint32_t>::max();
    if (!s.unsigned_number(max32, domain) || !s.accept('-') || !s.unsigned_number(max32, server) ||
        !s.accept('-') || !s.unsigned_number(std::numeric_limits<std::uint64_t>::max(), g.seq_no))
        return false;
    g.domain_id = std::uint32_t(domain);
    g.server_id = std::uint32_t(server);
    return true;
}

} // namespace

mariadb_gtid mariadb_gtid::parse(std::string_view text, std::error_code& ec) noexcept
{
    ec.clear();
    text_scan s(text);
    s.skip_space();
    mariadb_gtid g;
    bool ok = read_mariadb_gtid(s, g);
    s.skip_space();
    if (!ok || !s.at_end())
    {
        ec = make_error_code(errc::invalid_gtid);
        return {};
    }
    return g;
}

mariadb_gtid mariadb_gtid::parse(std::string_view text)
{
    std::error_code ec;
    auto g = parse(text, ec);
    if (ec)
        throw error(ec);
    return g;
}

std::string mariadb_gtid::to_string() const
{
    return std::to_string(domain_id) + '-' + std::to_string(server_id) + '-' + std::to_string(seq_no);
}

mariadb_gtid_list mariadb_gtid_list::parse(std::string_view text, std::error_code& ec)
{
    ec.clear();
    mariadb_gtid_list list;
    text_scan s(text);
    s.skip_space();
    if (s.at_end())
        return list;
    for (;;)
    {
        s.skip_space();
        mariadb_gtid g;
        if (!read_mariadb_gtid(s, g) || list.find(g.domain_id))
        {
            ec = make_error_code(errc::invalid_gtid);
            return {};
        }
        list.update(g);
        s.skip_space();
        if (s.at_end())
            return list;
        if (!s.accept(','))
        {
            ec = make_error_code(errc::invalid_gtid);
            return {};
        }
    }
}

mariadb_gtid_list mariadb_gtid_list::parse(std::string_view text)
{
    std::error_code ec;
    auto list = parse(text, ec);
    if (ec)
        throw error(ec);
    return list;
}

void mariadb_gtid_list::update(const mariadb_gtid& g)
{
    auto it = std::lower_bound(
        gtids_.begin(),
        gtids_.end(),
        g.domain_id,
        [](const mariadb_gtid& e, std::uint32_t d) { return e.domain_id < d; }
    );
    if (it != gtids_.end() && it->domain_id == g.domain_id)
        *it = g;
    else
        gtids_.insert(it, g);
}

std::optional<mariadb_gtid> mariadb_gtid_list::find(std::uint32_t domain_id) const noexcept
{
    auto it =
        std::lower_bound(gtids_.begin(), gtids_.end(), domain_id, [](const mariadb_gtid& e, std::uint32_t d) {
            return e.domain_id < d;
        });
    if (it != gtids_.end() && it->domain_id == domain_id)
        return *it;
    return std::nullopt;
}

std::string mariadb_gtid_list::to_string() const
{
    std::string s;
    for (const auto& g : gtids_)
    {
        if (!s.empty())
            s += ',';
        s += g.to_string();
    }
    return s;
}

} // namespace binlogstream
