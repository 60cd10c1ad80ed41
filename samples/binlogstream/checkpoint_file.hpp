#pragma once

// The checkpoint file of `binlogstream tail`: the stream position after the last transaction whose
// lines were written to stdout, plus (when stdout is a regular file) that file's identity and size
// at that moment, so that a restart can cut off lines written after the checkpoint.

#include <binlogstream/position.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace binlogstream::tool {

/// Where stdout stood when the checkpoint was taken (regular files only).
struct output_mark
{
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;
};

struct checkpoint
{
    stream_position position;
    std::optional<output_mark> output;
    std::uint64_t transactions = 0; // written by this file's writers, for people reading the file
};

/// Reads the checkpoint at `path` (JSON, parsed with simdjson). Returns false with an empty `error`
/// when the file does not exist; false with a reason when it exists but cannot be used.
bool read_checkpoint(const std::string& path, checkpoint& out, std::string& error);

/// Parses a checkpoint file's content (what `read_checkpoint` does once the file is read; `path`
/// only names it in `error`). Returns false with a reason when it is not a usable checkpoint.
bool parse_checkpoint(std::string_view text, const std::string& path, checkpoint& out, std::string& error);

/// Replaces the checkpoint at `path` atomically: writes `path.tmp`, fsyncs it, renames it over
/// `path` and fsyncs the directory, so that after a crash the file holds either the old or the new
/// checkpoint, whole. Returns false with a reason on failure.
bool write_checkpoint(const std::string& path, const checkpoint& cp, std::string& error);

/// Where stdout (fd 1) stands now, if it is a regular file.
std::optional<output_mark> current_output_mark();

/// When stdout is the regular file the checkpoint recorded and it is longer than recorded, cuts it
/// back to the recorded size (the lines of transactions after the checkpoint, which the stream will
/// deliver again). Returns the number of bytes removed, or -1 with a reason in `error`.
std::int64_t repair_output(const checkpoint& cp, std::string& error);

} // namespace binlogstream::tool
