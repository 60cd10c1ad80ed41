#pragma once

/// \file binlogstream.hpp
/// The umbrella header: everything a user of binlogstream needs.

#include <binlogstream/async_file_reader.hpp>
#include <binlogstream/connection.hpp>
#include <binlogstream/dispatcher.hpp>
#include <binlogstream/error.hpp>
#include <binlogstream/event.hpp>
#include <binlogstream/event_header.hpp>
#include <binlogstream/file_reader.hpp>
#include <binlogstream/json.hpp>
#include <binlogstream/options.hpp>
#include <binlogstream/position.hpp>
#include <binlogstream/resultset.hpp>
#include <binlogstream/rows.hpp>
#include <binlogstream/stream.hpp>
#include <binlogstream/stream_options.hpp>
#include <binlogstream/table.hpp>
#include <binlogstream/text.hpp>
#include <binlogstream/value.hpp>
