#pragma once

/// \file binlogstream.hpp
/// The umbrella header: everything a user of binlogstream needs.

#include <binlogstream/error.hpp>
#include <binlogstream/table.hpp>
