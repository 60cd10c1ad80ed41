// Position tracking (see position_tracker.hpp for the transaction-boundary rules).

#include "replication/position_tracker.hpp"

namespace binlogstream::replication {

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
    if (e.log_pos != 0)
        committed_.file = file_position{file_, e.log_pos};
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
