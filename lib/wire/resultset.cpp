#include <algorithm>
#include <wire/ok_err.hpp>
#include <wire/resultset.hpp>

namespace binlogstream::wire {

std::error_code parse_column_definition(bytes_view payload, column_definition& out)
{
    out = column_definition{};
    codec::byte_reader r(payload);
    auto catalog = r.lenenc_string();
    out.schema.assign(r.lenenc_string());
    out.table.assign(r.lenenc_string());
    (void)r.lenenc_string(); // org_table
    out.name.assign(r.lenenc_string());
    out.org_name.assign(r.lenenc_string());
    auto fixed_length = r.lenenc();
    if (!r.ok())
        return r.error();
    if (catalog != "def")
        return errc::malformed_packet;
    // The fixed-length block is 12 bytes (charset, length, type, flags, decimals, 2 filler).
    if (fixed_length < 12)
        return errc::malformed_packet;
    if (!r.has(fixed_length))
        return errc::truncated_event;
    out.charset = r.u16_unchecked();
    out.length = r.u32_unchecked();
    out.type = r.u8_unchecked();
    out.flags = r.u16_unchecked();
    out.decimals = r.u8_unchecked();
    r.skip(fixed_length - 10);
    // COM_FIELD_LIST would append default values; a COM_QUERY result never does.
    if (!r.empty())
        return errc::extra_bytes;
    return {};
}

std::error_code
parse_text_row(bytes_view payload, std::size_t columns, std::vector<std::optional<std::string>>& out)
{
    out.clear();
    out.reserve(std::min<std::size_t>(columns, payload.size()));
    codec::byte_reader r(payload);
    for (std::size_t i = 0; i < columns; ++i)
    {
        if (r.empty())
            return errc::truncated_event;
        if (r.current()[0] == std::byte{0xfb})
        {
            r.skip(1);
            out.emplace_back(std::nullopt);
            continue;
        }
        auto cell = r.lenenc_string();
        if (!r.ok())
            return r.error();
        out.emplace_back(std::string(cell));
    }
    if (!r.empty())
        return errc::extra_bytes;
    return {};
}

std::error_code text_resultset_parser::finish_with_ok(bytes_view packet)
{
    ok_packet ok;
    if (auto ec = parse_ok(packet, ok))
        return ec;
    out_.affected_rows = ok.affected_rows;
    out_.last_insert_id = ok.last_insert_id;
    out_.warnings = ok.warnings;
    out_.status = ok.status;
    out_.info.assign(ok.info);
    state_ = state::done;
    return {};
}

std::error_code text_resultset_parser::account(std::size_t size) noexcept
{
    bytes_ += size;
    if (limits_.max_bytes != 0 && bytes_ > limits_.max_bytes)
        return errc::resultset_too_large;
    if (limits_.max_rows != 0 && state_ == state::rows && out_.rows.size() >= limits_.max_rows)
        return errc::resultset_too_large;
    return {};
}

std::error_code text_resultset_parser::on_packet(bytes_view packet, bool& done, diagnostics& diag)
{
    done = false;
    if (packet.empty())
        return errc::malformed_packet;
    auto header = packet[0];
    if (header == err_header && state_ != state::done)
    {
        state_ = state::done;
        return server_error(packet, diag);
    }
    switch (state_)
    {
        case state::first:
        {
            if (header == ok_header)
            {
                auto ec = finish_with_ok(packet);
                done = !ec;
                return ec;
            }
            if (header == std::byte{0xfb}) // LOCAL INFILE request: never enabled by us
                return errc::unexpected_packet;
            codec::byte_reader r(packet);
            column_count_ = r.lenenc();
            if (!r.ok())
                return r.error();
            if (!r.empty())
                return errc::extra_bytes;
            if (column_count_ == 0)
                return errc::malformed_packet;
            out_.columns.reserve(std::min<std::uint64_t>(column_count_, 1024));
            state_ = state::columns;
            return {};
        }
        case state::columns:
        {
            if (auto ec = account(packet.size() + sizeof(column_definition)))
                return ec;
            column_definition col;
            if (auto ec = parse_column_definition(packet, col))
                return ec;
            out_.columns.push_back(std::move(col));
            if (out_.columns.size() == column_count_)
                state_ = deprecate_eof_ ? state::rows : state::columns_eof;
            return {};
        }
        case state::columns_eof:
        {
            eof_packet eof;
            if (!is_eof_or_ok_fe(packet, false))
                return errc::unexpected_packet;
            if (auto ec = parse_eof(packet, eof))
                return ec;
            state_ = state::rows;
            return {};
        }
        case state::rows:
        {
            if (is_eof_or_ok_fe(packet, deprecate_eof_))
            {
                if (deprecate_eof_)
                {
                    if (auto ec = finish_with_ok(packet))
                        return ec;
                }
                else
                {
                    eof_packet eof;
                    if (auto ec = parse_eof(packet, eof))
                        return ec;
                    out_.warnings = eof.warnings;
                    out_.status = eof.status;
                    state_ = state::done;
                }
                done = true;
                return {};
            }
            // A NULL is one byte on the wire and a whole cell in memory: count what is kept.
            if (auto ec = account(packet.size() + sizeof(text_row) + out_.columns.size() * sizeof(text_cell)))
                return ec;
            std::vector<std::optional<std::string>> row;
            if (auto ec = parse_text_row(packet, out_.columns.size(), row))
                return ec;
            out_.rows.push_back(std::move(row));
            return {};
        }
        case state::done:
            return errc::unexpected_packet;
    }
    return errc::unexpected_packet;
}

} // namespace binlogstream::wire
