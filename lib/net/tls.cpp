#include <asio/ssl/host_name_verification.hpp>

#include <net/tls.hpp>

namespace binlogstream::net {

std::error_code configure_tls(const connection_options& opts, asio::ssl::context& ctx, diagnostics& diag)
{
    std::error_code ec;
    ctx.set_options(
        asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
        ec
    );
    if (ec)
        return ec;
    if (opts.ssl == ssl_mode::verify_ca || opts.ssl == ssl_mode::verify_identity)
    {
        ctx.set_verify_mode(asio::ssl::verify_peer, ec);
        if (ec)
            return ec;
        if (!opts.ssl_ca.empty())
            ctx.load_verify_file(opts.ssl_ca, ec);
        else
            ctx.set_default_verify_paths(ec);
        if (ec)
        {
            diag.set_client("cannot load the CA file '" + opts.ssl_ca + "'");
            return ec;
        }
        if (opts.ssl == ssl_mode::verify_identity)
        {
            ctx.set_verify_callback(asio::ssl::host_name_verification(opts.host), ec);
            if (ec)
                return ec;
        }
    }
    else
    {
        // preferred and required encrypt without authenticating the server, as the MySQL client does.
        ctx.set_verify_mode(asio::ssl::verify_none, ec);
        if (ec)
            return ec;
    }
    if (!opts.ssl_cert.empty())
    {
        ctx.use_certificate_chain_file(opts.ssl_cert, ec);
        if (ec)
        {
            diag.set_client("cannot load the client certificate '" + opts.ssl_cert + "'");
            return ec;
        }
    }
    if (!opts.ssl_key.empty())
    {
        ctx.use_private_key_file(opts.ssl_key, asio::ssl::context::pem, ec);
        if (ec)
        {
            diag.set_client("cannot load the client key '" + opts.ssl_key + "'");
            return ec;
        }
    }
    return {};
}

} // namespace binlogstream::net
