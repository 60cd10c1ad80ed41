// libFuzzer target: the server's HandshakeV10, then what the client builds from it (capabilities,
// HandshakeResponse41, the first auth response).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>
#include <wire/auth.hpp>
#include <wire/handshake.hpp>

using namespace binlogstream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    wire::handshake_v10 hs;
    if (wire::parse_handshake(input, hs))
        return 0;
    (void)wire::detect_flavor(hs.server_version);
    std::uint32_t caps = 0;
    if (wire::negotiate_capabilities(hs.capabilities, (hs.capabilities & 0x800) != 0, true, caps))
        return 0;
    wire::authenticator auth(
        {.password = "fuzz-password",
         .secure_transport = false,
         .server_public_key = {},
         .allow_public_key_request = true}
    );
    diagnostics diag;
    if (auth.start(hs.auth_plugin, hs.scramble, diag))
        return 0;
    std::vector<std::byte> out;
    wire::serialize_handshake_response(
        {.capabilities = caps,
         .max_packet_size = 1u << 30,
         .charset = wire::client_charset,
         .user = "fuzz",
         .auth_response = auth.response(),
         .database = "db",
         .auth_plugin = wire::plugin_name(auth.plugin())},
        out
    );
    return 0;
}
