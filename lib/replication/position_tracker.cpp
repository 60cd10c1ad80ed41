// Position tracking (see position_tracker.hpp for the transaction-boundary rules).

#include "replication/position_tracker.hpp"

namespace binlogstream::replication {
namespace {

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && (is_space(s.back()) || s.back() == ';'))
        s.remove_suffix(1);
    return s;
}

// Case-insensitive: `s` equals `word` (lower case).
bool equals_word(std::string_view s, std::string_view word) noexcept
{
    if (s.size() != word.size())
        return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (lower(s[i]) != word[i])
            return false;
    return true;
}

// Case-insensitive: `s` starts with the words of `prefix` (lower case, single spaces), followed by
// white space or the end.
bool starts_with_words(std::string_view s, std::string_view prefix) noexcept
{
    std::size_t i = 0;
    for (char p : prefix)
    {
        if (p == ' ')
        {
            if (i >= s.size() || !is_space(s[i]))
                return false;
            while (i < s.size() && is_space(s[i]))
                ++i;
            continue;
        }
        if (i >= s.size() || lower(s[i]) != p)
            return false;
        ++i;
    }
    return i == s.size() || is_space(s[i]);
}

} // namespace

event_role role_of_event_type(std::uint8_t type) noexcept
{
    switch (type)
    {
        case 2: // QUERY
            return event_role::statement;
        case 16: // XID
        case 38: // XA_PREPARE_LOG_EVENT
            return event_role::commit;
        case 33: // GTID_LOG_EVENT
        case 42: // GTID_TAGGED_LOG_EVENT
            return event_role::mysql_gtid;
        case 34: // ANONYMOUS_GTID_LOG_EVENT
            return event_role::anonymous_gtid;
        case 162: // MariaDB GTID_EVENT
            return event_role::mariadb_gtid;
        case 27: // HEARTBEAT_LOG_EVENT
        case 41: // HEARTBEAT_LOG_EVENT_V2
            return event_role::heartbeat;
        case 5:   // INTVAR
        case 6:   // LOAD (old)
        case 8:   // CREATE_FILE
        case 9:   // APPEND_BLOCK
        case 10:  // EXEC_LOAD
        case 11:  // DELETE_FILE
        case 12:  // NEW_LOAD
        case 13:  // RAND
        case 14:  // USER_VAR
        case 17:  // BEGIN_LOAD_QUERY
        case 18:  // EXECUTE_LOAD_QUERY
        case 19:  // TABLE_MAP
        case 20:  // PRE_GA_WRITE_ROWS
        case 21:  // PRE_GA_UPDATE_ROWS
        case 22:  // PRE_GA_DELETE_ROWS
        case 23:  // WRITE_ROWS_V1
        case 24:  // UPDATE_ROWS_V1
        case 25:  // DELETE_ROWS_V1
        case 29:  // ROWS_QUERY
        case 30:  // WRITE_ROWS
        case 31:  // UPDATE_ROWS
        case 32:  // DELETE_ROWS
        case 39:  // PARTIAL_UPDATE_ROWS
        case 40:  // TRANSACTION_PAYLOAD
        case 160: // MariaDB ANNOTATE_ROWS
        case 166: // MariaDB WRITE_ROWS_COMPRESSED
        case 167: // MariaDB UPDATE_ROWS_COMPRESSED
        case 168: // MariaDB DELETE_ROWS_COMPRESSED
        case 169: // MariaDB WRITE_ROWS_COMPRESSED_V1
        case 170: // MariaDB UPDATE_ROWS_COMPRESSED_V1
        case 171: // MariaDB DELETE_ROWS_COMPRESSED_V1
            return event_role::data;
        default:
            return event_role::other;
    }
}

event_role role_of_query(std::string_view sql) noexcept
{
    sql = trim(sql);
    if (equals_word(sql, "begin") || starts_with_words(sql, "xa start") || starts_with_words(sql, "xa begin"))
        return event_role::begin;
    if (equals_word(sql, "commit") || equals_word(sql, "rollback"))
        return event_role::commit;
    return event_role::statement;
}

position_tracker::position_tracker(stream_position start)
    : committed_(std::move(start))
    , file_(committed_.file.file)
{}

void position_tracker::on_rotate(std::string_view file, std::uint64_t position)
{
    file_.assign(file);
    if (!in_transaction_)
        committed_.file = file_position{file_, position};
}

void position_tracker::start_transaction(const tracked_event& e)
{
    in_transaction_ = true;
    explicit_begin_ = false;
    delivered_in_transaction_ = 0;
    last_log_pos_ = 0;
    pending_gtid_.reset();
    pending_mariadb_gtid_.reset();
    // Artificial events (log_pos 0) carry no position; keep the checkpoint's then.
    if (e.log_pos != 0 && e.event_size <= e.log_pos)
        transaction_start_ = file_position{file_, e.log_pos - e.event_size};
    else
        transaction_start_ = committed_.file;
}

void position_tracker::end_transaction(const tracked_event& e)
{
    const auto end = e.log_pos != 0 ? e.log_pos : last_log_pos_;
    if (end != 0)
        committed_.file = file_position{file_, end};
    if (pending_gtid_ && committed_.gtids)
        committed_.gtids->insert(*pending_gtid_);
    if (pending_mariadb_gtid_ && committed_.mariadb_gtids)
        committed_.mariadb_gtids->update(*pending_mariadb_gtid_);
    in_transaction_ = false;
    explicit_begin_ = false;
    delivered_in_transaction_ = 0;
    pending_gtid_.reset();
    pending_mariadb_gtid_.reset();
}

bool position_tracker::on_event(const tracked_event& e)
{
    switch (e.role)
    {
        case event_role::heartbeat:
            return true;
        case event_role::other:
            if (in_transaction_)
                break; // part of the transaction (counted below)
            if (e.log_pos != 0)
                committed_.file = file_position{file_, e.log_pos};
            return true;
        default:
            break;
    }

    const bool opens = e.role == event_role::mysql_gtid || e.role == event_role::anonymous_gtid ||
                       e.role == event_role::mariadb_gtid;
    if (!in_transaction_ || opens)
        start_transaction(e);

    bool deliver = true;
    if (skip_remaining_ > 0)
    {
        --skip_remaining_;
        deliver = false;
    }
    ++delivered_in_transaction_;
    if (e.log_pos != 0)
        last_log_pos_ = e.log_pos;

    switch (e.role)
    {
        case event_role::mysql_gtid:
            pending_gtid_ = e.mysql;
            break;
        case event_role::anonymous_gtid:
            break;
        case event_role::mariadb_gtid:
            pending_mariadb_gtid_ = e.mariadb;
            explicit_begin_ = !e.mariadb_standalone;
            break;
        case event_role::begin:
            explicit_begin_ = true;
            break;
        case event_role::statement:
            if (!explicit_begin_)
                end_transaction(e);
            break;
        case event_role::commit:
            end_transaction(e);
            break;
        case event_role::data:
        case event_role::other:
        case event_role::heartbeat:
            break;
    }
    return deliver;
}

position_tracker::restart_point position_tracker::reconnect()
{
    restart_point r;
    r.skip_events = in_transaction_ ? delivered_in_transaction_ : 0;
    if (committed_.gtids)
        r.start = *committed_.gtids;
    else if (committed_.mariadb_gtids)
        r.start = *committed_.mariadb_gtids;
    else if (in_transaction_)
        r.start = transaction_start_;
    else
        r.start = committed_.file;
    // The interrupted transaction will be replayed from its first event: forget it, and drop the
    // events the user already has (on top of any drop still pending from an earlier reconnect).
    skip_remaining_ += r.skip_events;
    r.skip_events = skip_remaining_;
    in_transaction_ = false;
    explicit_begin_ = false;
    delivered_in_transaction_ = 0;
    pending_gtid_.reset();
    pending_mariadb_gtid_.reset();
    return r;
}

} // namespace binlogstream::replication
