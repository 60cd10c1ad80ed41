#pragma once

// A synthetic huge transaction for the replay server's memory test (issue 6, item 3): not an
// imitation of a server behaviour but a stand-in for a >= 1 GiB transaction that no shared binlog
// holds. It is built from binlog_transaction_with_GTID_TAG.000001 (MySQL 9.6.0: FDE,
// PREVIOUS_GTIDS, GTID_TAGGED, QUERY BEGIN, TABLE_MAP test.orders, WRITE_ROWS of one row, XID):
// the WRITE_ROWS row image is repeated 4096 times per event (about 57 KB) and such events are
// repeated until the requested size, then the XID closes the transaction. Events are made one at a
// time, so the server never holds the transaction.
//
// In payload mode the transaction's events (QUERY, TABLE_MAP, the rows events, XID; without
// checksums and with end_log_pos 0, as MySQL writes them inside a payload, see
// transaction_compression.000001) are compressed with zstd into one TRANSACTION_PAYLOAD_EVENT
// (fields 2 compression type, 3 uncompressed size, 1 payload size, 0 end mark, in the order MySQL
// 8.0.32 wrote them in that file; libs/mysql/binlog/event/compression/payload_event_buffer_istream
// and the Transaction_payload_event codec in the MySQL source). Only the compressed bytes are kept.

#include <codec/byte_reader.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace binlogstream::test::replay {

class synthetic_transaction
{
public:
    /// `file`: the bytes of binlog_transaction_with_GTID_TAG.000001 (throws std::runtime_error for
    /// another file). `size`: bytes of rows events to produce at least.
    synthetic_transaction(codec::bytes_view file, std::uint64_t size, bool in_payload);

    /// The next event, with its CRC32 and log_pos fixed; false after the last one.
    bool next(std::vector<std::byte>& event);

private:
    void make_payload();

    std::vector<std::vector<std::byte>> preamble_; // sent as they are
    std::vector<std::byte> begin_, table_map_, rows_, xid_;
    std::uint64_t size_ = 0;
    std::uint64_t produced_ = 0;
    bool in_payload_ = false;
    std::size_t step_ = 0;
    std::uint32_t log_pos_ = 0;
    std::vector<std::byte> payload_;
};

} // namespace binlogstream::test::replay
