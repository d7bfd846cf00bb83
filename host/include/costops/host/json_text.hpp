// Human-readable JSON text: two-space indentation, shortest round-trip
// numbers. Non-finite doubles become null (JSON cannot spell them), so no
// file the host writes ever holds NaN or Infinity. Strings and keys are
// written as valid UTF-8 whatever they hold (invalid sequences become
// U+FFFD): this writer is the last check on plugin text, so no file the host
// writes through it can be anything but UTF-8.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace costops::host {

std::string to_pretty_json(const boost::json::value& value);

// The same, on one line with no spaces (journal lines, JSON Lines).
std::string to_compact_json(const boost::json::value& value);

// A double for a JSON document: the value itself if finite, null otherwise.
boost::json::value finite_or_null(double value);

}  // namespace costops::host
