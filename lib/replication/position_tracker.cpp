#include "replication/position_tracker.hpp"

#include <cctype>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace binlogstream::replication {
namespace {

// LOG_EVENT_ARTIFICIAL_F: the server made the event up for this dump (the fake ROTATE that starts
// every dump); it is not in the binlog and has no position of its own.
constexpr std::uint16_t artificial_flag = 0x20;

bool iequals_prefix(std::string_view text, std::string_view word)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t'))
        text.remove_prefix(1);
    if (text.size() < word.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
    {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        if (c != word[i])
            return false;
    }
    return text.size() == word.size() || !std::isalnum(static_cast<unsigned char>(text[word.size()]));
}

} // namespace

position_tracker::position_tracker(stream_position start) : committed_(std::move(start))
{
    file_ = committed_.file.file;
    next_offset_ = committed_.file.offset;
    offset_known_ = !file_.empty();
}

void position_tracker::advance(const event_header& h, bool in_payload)
{
    if (in_payload)
        return;
    if (h.log_pos != 0)
    {
        next_offset_ = h.log_pos;
        offset_known_ = true;
    }
    else if (offset_known_ && (h.flags & artificial_flag) == 0 && h.type != event_type::format_description)
    {
        // MariaDB 11.4+ writes end_log_pos 0 inside transactions: count the bytes ourselves.
        next_offset_ += h.event_size;
    }
}

void position_tracker::begin_transaction()
{
    in_txn_ = true;
    seen_in_txn_ = 0;
    delivered_in_txn_ = 0;
}

void position_tracker::commit()
{
    if (pending_gtid_)
    {
        if (!committed_.gtids)
            committed_.gtids.emplace();
        committed_.gtids->insert(*pending_gtid_);
    }
    if (pending_mariadb_gtid_)
    {
        if (!committed_.mariadb_gtids)
            committed_.mariadb_gtids.emplace();
        committed_.mariadb_gtids->update(*pending_mariadb_gtid_);
    }
    pending_gtid_.reset();
    pending_mariadb_gtid_.reset();
    in_txn_ = false;
    saw_begin_ = false;
    seen_in_txn_ = 0;
    delivered_in_txn_ = 0;
    committed_.file = {file_, next_offset_};
}

void position_tracker::on_reconnect() noexcept
{
    // The dump restarts at committed(): the interrupted transaction comes again from its first
    // event; what the user already has of it is skipped.
    skip_ = in_txn_ ? seen_in_txn_ : 0;
    in_txn_ = false;
    saw_begin_ = false;
    pending_gtid_.reset();
    pending_mariadb_gtid_.reset();
    seen_in_txn_ = 0;
    delivered_in_txn_ = 0;
    file_ = committed_.file.file;
    next_offset_ = committed_.file.offset;
    offset_known_ = !file_.empty();
}

bool position_tracker::on_event(const event& ev, bool in_payload)
{
    const event_header& h = header_of(ev);

    if (const auto* rotate = std::get_if<rotate_event>(&ev))
    {
        // A ROTATE (real at a file's end, or the artificial one at the start of a dump) names the
        // file and offset of the next event.
        file_ = rotate->next_file;
        next_offset_ = rotate->position;
        offset_known_ = true;
        if (!in_txn_)
            committed_.file = {file_, next_offset_};
        return true;
    }
    if (h.type == event_type::heartbeat || h.type == event_type::heartbeat_v2)
        return true;

    advance(h, in_payload);

    bool begins = false;
    bool ends = false;
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, gtid_event> || std::is_same_v<T, anonymous_gtid_event>)
            {
                begins = true;
                if constexpr (std::is_same_v<T, gtid_event>)
                {
                    gtid g;
                    std::memcpy(g.source.bytes.data(), e.sid.data(), 16);
                    g.tag = e.tag;
                    g.gno = static_cast<std::uint64_t>(e.gno);
                    pending_gtid_ = g;
                }
            }
            else if constexpr (std::is_same_v<T, mariadb_gtid_event>)
            {
                begins = true;
                pending_mariadb_gtid_ = mariadb_gtid{e.domain_id, e.header.server_id, e.seq_no};
            }
            else if constexpr (std::is_same_v<T, xid_event>)
            {
                ends = true;
            }
            else if constexpr (std::is_same_v<T, query_event>)
            {
                if (iequals_prefix(e.query, "BEGIN") || iequals_prefix(e.query, "XA START"))
                {
                    if (!in_txn_)
                        begins = true;
                    saw_begin_ = true;
                }
                else if (
                    iequals_prefix(e.query, "COMMIT") || iequals_prefix(e.query, "ROLLBACK") ||
                    iequals_prefix(e.query, "XA END") || iequals_prefix(e.query, "XA PREPARE") ||
                    iequals_prefix(e.query, "XA COMMIT") || iequals_prefix(e.query, "XA ROLLBACK")
                )
                {
                    ends = !iequals_prefix(e.query, "XA END");
                }
                else if (!saw_begin_)
                {
                    // A statement outside BEGIN (DDL, or after a standalone GTID) is its own transaction.
                    if (!in_txn_)
                        begins = true;
                    ends = true;
                }
            }
            else if constexpr (std::is_same_v<T, xa_prepare_event>)
            {
                ends = true;
            }
        },
        ev
    );

    if (begins && !in_txn_)
        begin_transaction();

    bool deliver = true;
    if (in_txn_)
    {
        ++seen_in_txn_;
        if (skip_ > 0)
        {
            --skip_;
            deliver = false;
            // What was delivered before the reconnect counts as delivered now.
            ++delivered_in_txn_;
        }
    }

    if (ends && in_txn_)
        commit();
    else if (!in_txn_ && !in_payload)
        committed_.file = {file_, next_offset_};
    return deliver;
}

} // namespace binlogstream::replication
