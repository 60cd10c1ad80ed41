// libFuzzer target: packet framing (split/join, sequence, size limit) and the generic packets that
// follow it (OK, ERR, EOF), plus the authentication state machine fed whatever comes out.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>
#include <wire/auth.hpp>
#include <wire/ok_err.hpp>
#include <wire/packet.hpp>

using namespace binlogstream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    if (input.empty())
        return 0;
    // The first byte picks the starting sequence id, so mismatches and wrap-around are reached.
    std::uint8_t sequence = std::to_integer<std::uint8_t>(input[0]);
    input = input.subspan(1);

    wire::authenticator auth(
        {.password = "fuzz-password",
         .secure_transport = (sequence & 1) != 0,
         .server_public_key = {},
         .allow_public_key_request = (sequence & 2) != 0}
    );
    diagnostics diag;
    const std::byte scramble[20] = {};
    (void)auth.start("caching_sha2_password", scramble, diag);

    std::vector<std::byte> packet;
    while (!input.empty())
    {
        std::size_t consumed = 0;
        if (wire::read_packet(input, sequence, 1u << 20, packet, consumed))
            break;
        input = input.subspan(consumed);

        wire::ok_packet ok;
        wire::err_packet err;
        wire::eof_packet eof;
        (void)wire::parse_ok(packet, ok);
        (void)wire::parse_err(packet, err);
        (void)wire::parse_eof(packet, eof);
        (void)wire::server_error(packet, diag);
        (void)wire::is_eof_or_ok_fe(packet, true);

        wire::auth_action next = wire::auth_action::read;
        (void)auth.on_packet(packet, next, diag);

        // Round trip: what we frame, we read back identically.
        std::vector<std::byte> framed;
        std::uint8_t wseq = 0, rseq = 0;
        wire::write_frames(packet, wseq, framed);
        std::vector<std::byte> back;
        std::size_t used = 0;
        if (wire::read_packet(framed, rseq, 1u << 20, back, used) || back != packet || used != framed.size())
            __builtin_trap();
    }
    return 0;
}
