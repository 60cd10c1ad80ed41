#pragma once

/// \file rows.hpp
/// TABLE_MAP and the rows events (WRITE/UPDATE/DELETE in every version, PARTIAL_UPDATE, MariaDB's
/// compressed forms), with lazy row iteration.

#include <binlogstream/event_header.hpp>
#include <binlogstream/table.hpp>
#include <binlogstream/value.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

namespace binlogstream {

namespace codec {
struct cell_layout; // lib/codec/cell.hpp (internal)
} // namespace codec

/// TABLE_MAP_EVENT (19): maps a table id to a table description for the rows events that follow.
struct table_map_event
{
    /// The event's header.
    event_header header;
    /// The server's number for the table, which the rows events that follow refer to (the server
    /// may give the same table another number later, after DDL or a table cache eviction).
    std::uint64_t table_id = 0;
    /// The TABLE_MAP flags (also in `table->flags`).
    std::uint16_t flags = 0;
    /// Names, column types, metadata and the optional metadata applied (shared with the rows events).
    std::shared_ptr<const table_info> table;
    /// Optional metadata field types in the order they appeared (unknown ones included).
    std::vector<std::uint8_t> optional_metadata_types;
};

/// One decoded cell of a row image.
struct row_cell
{
    /// Column index in the table (0-based).
    std::size_t index = 0;
    /// The column (never null while the event lives).
    const column_info* column = nullptr;
    /// The cell's value, NULL included. String, blob, decimal and JSON values view the rows event's
    /// buffer: valid as long as the event lives.
    value data;
    /// A PARTIAL_UPDATE_ROWS after-image JSON column given as diffs against the before image.
    bool partial_json = false;
};

/// One image (before or after) of a row: the present columns, each NULL or a value.
class row_image
{
public:
    /// An image that does not exist.
    row_image() = default;

    /// Whether this image exists (a WRITE row has no before image, a DELETE row no after image).
    [[nodiscard]] bool exists() const noexcept { return table_ != nullptr; }
    /// The image's raw bytes (null bitmap and cells).
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return data_; }

    /// Where `next` is in the image; start with a default-constructed cursor.
    struct cursor
    {
        std::size_t column = 0;  ///< next column index to look at
        std::size_t present = 0; ///< present columns seen (index into the null bitmap)
        std::size_t offset = 0;  ///< byte offset into the cells
        std::size_t json = 0;    ///< JSON columns seen (index into the partial bits)
    };

    /// Number of columns present in this image.
    [[nodiscard]] std::size_t present_count() const noexcept;

    /// Decodes the next present column. Returns false at the end of the image; errors (truncated or
    /// malformed cells) go to `ec`.
    bool next(cursor& at, row_cell& out, std::error_code& ec) const noexcept;

    /// Decodes every present column into `out` (cleared first).
    [[nodiscard]] std::error_code cells(std::vector<row_cell>& out) const;

    /// Whether every column of the table is present in this image (the usual FULL row image): then
    /// the k-th value of `values` is column k's.
    [[nodiscard]] bool all_present() const noexcept;

    /// The batch form of `next`, and the fastest way to read a row: decodes every present column
    /// of the image in one pass into `out`, in column order, NULLs included (`value::is_null`).
    /// `out` is resized to `present_count()` and otherwise reused, so a vector kept across rows
    /// allocates only for the first row of the widest table. `out[k]` is the k-th present column,
    /// which is column k when `all_present()`, else see `present_columns`. A PARTIAL_UPDATE_ROWS
    /// after-image column given as JSON diffs is a json_cell with format json_format::mysql_diff.
    ///
    /// The values are the same as `next` gives, and view the rows event's buffer (valid while the
    /// event lives). Errors: a malformed cell (errc::bad_value, errc::truncated_event) is returned
    /// and `out`'s values are then unspecified. Not thread-safe on the same `out`; the image itself
    /// may be read from several threads.
    [[nodiscard]] std::error_code values(std::vector<value>& out) const;

    /// The table column index of each value `values` gives (`out[k]` for its k-th value), for
    /// images where not every column is present (MINIMAL and NOBLOB images).
    void present_columns(std::vector<std::size_t>& out) const;

private:
    friend struct rows_event;
    friend class row_image_parser;

    const table_info* table_ = nullptr;
    const codec::cell_layout* plan_ = nullptr; // the table's column plan, one layout per column
    std::span<const std::byte> present_;       // bitmap over all columns
    std::span<const std::byte> nulls_;         // bitmap over present columns
    std::span<const std::byte> cells_;         // the non-NULL cells, back to back
    std::span<const std::byte> data_;          // nulls_ + cells_ (+ value options)
    std::span<const std::byte> partial_;       // PARTIAL_JSON bits over the table's JSON columns
    std::uint64_t column_count_ = 0;
    bool dense_ = false; // every column present, none NULL, no partial JSON: no bitmap look-ups
};

/// One row: before and/or after image. The images view the rows event's buffer and point to its
/// table: valid as long as the event lives.
struct row
{
    /// The image before the change (update, delete); `exists()` is false for a write.
    row_image before;
    /// The image after the change (write, update); `exists()` is false for a delete.
    row_image after;
};

/// What the rows of a rows event hold.
enum class rows_kind : std::uint8_t
{
    /// Inserted rows: after images only.
    write,
    /// Updated rows: before and after images.
    update,
    /// Deleted rows: before images only.
    remove,
};

/// The common part of every rows event. Rows are decoded only when iterated. The spans view
/// `buffer` (or `decompressed`): valid as long as the event lives, moves included.
struct rows_event
{
    /// The event's header.
    event_header header;
    /// Which images the rows hold.
    rows_kind kind = rows_kind::write;
    /// 0 = pre-GA (types 20-22), 1 = v1 (23-25, MariaDB 166-168), 2 = v2 (30-32, 39, MariaDB 169-171).
    std::uint8_t version = 2;
    /// MariaDB *_ROWS_COMPRESSED events: `rows_data` views the decompressed rows.
    bool compressed = false;
    /// PARTIAL_UPDATE_ROWS_EVENT (39): after images start with value options.
    bool partial = false;
    /// The table id of the TABLE_MAP that describes the rows.
    std::uint64_t table_id = 0;
    /// STMT_END_F 1, NO_FOREIGN_KEY_CHECKS_F 2, RELAXED_UNIQUE_CHECKS_F 4, COMPLETE_ROWS_F 8.
    std::uint16_t flags = 0;
    /// v2 extra row info (without its 2-byte length), empty when absent.
    std::span<const std::byte> extra_data;
    /// From extra_data: NDB info payload, partition ids.
    std::span<const std::byte> ndb_info;
    /// From extra_data (MySQL 8.0 partition info): the partition the rows are in.
    std::optional<std::uint16_t> partition_id;
    /// Updates only: the partition the rows were in before the update.
    std::optional<std::uint16_t> source_partition_id;
    /// The number of columns of the table, as the rows event states it.
    std::uint64_t column_count = 0;
    /// Columns present in the before image (delete, update) or the only image (write).
    std::span<const std::byte> columns_present;
    /// Columns present in the after image of an update.
    std::span<const std::byte> columns_after;
    /// The rows, back to back.
    std::span<const std::byte> rows_data;
    /// The table from the TABLE_MAP for `table_id`; null when none was seen (rows cannot be decoded).
    std::shared_ptr<const table_info> table;
    /// The event's bytes.
    event_buffer buffer;
    /// MariaDB compressed rows events: the decompressed rows (empty otherwise).
    event_buffer decompressed;

    /// Decodes the row that starts at `offset` in rows_data and advances offset past it. Returns false
    /// at the end of the rows; errors go to `ec` (errc::missing_table_map without a table).
    bool next_row(std::size_t& offset, row& out, std::error_code& ec) const noexcept;

    /// Counts the rows, checking that they consume rows_data exactly.
    [[nodiscard]] std::error_code count_rows(std::size_t& count) const noexcept;

    class row_iterator;
    class row_range;
    /// The rows, decoded lazily on iteration. Iteration throws binlogstream::error on malformed data;
    /// use next_row for the error_code form. The range and its rows are valid while the event lives
    /// (hence no call on a temporary event).
    [[nodiscard]] row_range rows() const&;
    /// Deleted: the rows would outlive the temporary event they view.
    row_range rows() && = delete;
};

/// Input iterator over the rows of a rows event.
class rows_event::row_iterator
{
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = row;
    using difference_type = std::ptrdiff_t;
    using pointer = const row*;
    using reference = const row&;

    /// The end iterator.
    row_iterator() = default;
    /// The first row of `ev` (decodes it; throws `binlogstream::error` if malformed).
    explicit row_iterator(const rows_event* ev)
        : ev_(ev)
    {
        advance();
    }

    /// The current row; the reference is overwritten by the next increment (copy the `row` to keep
    /// it; its views stay tied to the event).
    reference operator*() const noexcept { return current_; }
    /// As `operator*`.
    pointer operator->() const noexcept { return &current_; }
    /// Decodes the next row; throws `binlogstream::error` if it is malformed.
    row_iterator& operator++()
    {
        advance();
        return *this;
    }
    /// As the prefix form (returns nothing: this is an input iterator).
    void operator++(int) { advance(); }
    /// Equal when both are at the end or both iterate the same event.
    friend bool operator==(const row_iterator& a, const row_iterator& b) noexcept { return a.ev_ == b.ev_; }

private:
    void advance();
    const rows_event* ev_ = nullptr;
    std::size_t offset_ = 0;
    row current_;
};

/// The rows of one rows event, for range-for; see `rows_event::rows()`.
class rows_event::row_range
{
public:
    /// The rows of `ev`, which must outlive the range.
    explicit row_range(const rows_event* ev) noexcept
        : ev_(ev)
    {}
    /// Decodes the first row (throws `binlogstream::error` if malformed).
    [[nodiscard]] row_iterator begin() const { return row_iterator(ev_); }
    /// The end iterator.
    [[nodiscard]] row_iterator end() const noexcept { return {}; }

private:
    const rows_event* ev_;
};

inline rows_event::row_range rows_event::rows() const&
{
    return row_range(this);
}

/// WRITE_ROWS (v0 20, v1 23, v2 30; MariaDB compressed 166, 169): rows with an after image.
struct write_rows_event : rows_event
{};
/// UPDATE_ROWS (21, 24, 31; 167, 170): rows with before and after images.
struct update_rows_event : rows_event
{};
/// DELETE_ROWS (22, 25, 32; 168, 171): rows with a before image.
struct delete_rows_event : rows_event
{};
/// PARTIAL_UPDATE_ROWS_EVENT (39): updates whose after-image JSON columns may be diffs.
struct partial_update_rows_event : rows_event
{};

} // namespace binlogstream
