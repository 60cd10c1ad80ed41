// libFuzzer target: the replication session (lib/replication/session.cpp) driven by what a server
// sends: its handshake version string, the current-position row, the answer to COM_REGISTER_SLAVE
// and the dump stream's packets (0x00 + event, EOF, ERR).
//
// Input: the version string up to a '\n'; one byte of flags (bit 0: start at the current position,
// bit 1: blocking, bit 2: heartbeats); when starting at the current position, the row
// "file\tposition\tgtids" up to a '\n'; then packets, each a little-endian u16 length and its bytes.
// Never crashes, and an event handed out lies inside the packet it came from.

#include "replication/session.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace bls = binlogstream;
namespace br = binlogstream::replication;

namespace {

std::string_view take_line(std::string_view& in)
{
    auto eol = in.find('\n');
    auto line = in.substr(0, eol);
    in = eol == std::string_view::npos ? std::string_view{} : in.substr(eol + 1);
    return line;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto version = take_line(in);
    if (in.empty())
        return 0;
    auto flags = static_cast<std::uint8_t>(in[0]);
    in.remove_prefix(1);
    std::string_view row;
    if (flags & 1)
        row = take_line(in);

    br::session_config cfg;
    cfg.kind = br::detect_server_kind(version);
    cfg.version = br::parse_server_version(version);
    cfg.server_id = 4242;
    cfg.blocking = (flags & 2) != 0;
    if (flags & 4)
        cfg.heartbeat_period = std::chrono::seconds(1);
    if (!(flags & 1))
        cfg.start = bls::file_position{"binlog.000001", 4};
    br::session s(cfg);
    auto action = s.start();
    for (int steps = 0; steps < 10000; ++steps)
    {
        if (auto* q = std::get_if<br::run_query>(&action))
        {
            if (q->kind == br::run_query::purpose::current_position)
            {
                auto file = row.substr(0, row.find('\t'));
                auto rest = row.size() > file.size() ? row.substr(file.size() + 1) : std::string_view{};
                auto pos_text = std::string(rest.substr(0, rest.find('\t')));
                auto gtids =
                    rest.size() > pos_text.size() ? rest.substr(pos_text.size() + 1) : std::string_view{};
                action = s.on_current_position(file, std::strtoull(pos_text.c_str(), nullptr, 10), gtids);
            }
            else
                action = s.on_query_done({});
            continue;
        }
        if (!std::holds_alternative<br::send_command>(action) &&
            !std::holds_alternative<br::deliver_event>(action))
            break; // stream_end or session_error
        if (in.size() < 2)
            break;
        std::size_t n =
            static_cast<std::uint8_t>(in[0]) | (std::size_t(static_cast<std::uint8_t>(in[1])) << 8);
        in.remove_prefix(2);
        n = std::min(n, in.size());
        auto packet = std::as_bytes(std::span(in.data(), n));
        in.remove_prefix(n);
        action = s.on_packet(packet);
        if (auto* d = std::get_if<br::deliver_event>(&action))
        {
            if (d->event.data() < packet.data() ||
                d->event.data() + d->event.size() > packet.data() + packet.size())
                __builtin_trap();
        }
    }
    return 0;
}
