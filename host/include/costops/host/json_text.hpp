// Human-readable JSON text: two-space indentation, shortest round-trip
// numbers. Non-finite doubles become null (JSON cannot spell them), so no
// file the host writes ever holds NaN or Infinity.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace costops::host {

std::string to_pretty_json(const boost::json::value& value);

// A double for a JSON document: the value itself if finite, null otherwise.
boost::json::value finite_or_null(double value);

}  // namespace costops::host
