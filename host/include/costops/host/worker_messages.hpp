// The messages a worker child sends back to the host over its result pipe:
// one JSON document per child. Parsing is strict and never trusts the
// child: a malformed message is an error, not a crash.
#pragma once

#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>

#include "costops/host/plugin_probe.hpp"
#include "costops/host/target_measurement.hpp"

namespace costops::host {

class MessageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

boost::json::value probe_to_json(const PluginProbe& probe);
PluginProbe probe_from_json(const boost::json::value& json);  // throws MessageError

boost::json::value measurement_to_json(const TargetMeasurement& measurement);
TargetMeasurement measurement_from_json(const boost::json::value& json);  // throws MessageError

// Parses text as one JSON document; throws MessageError naming the problem.
boost::json::value parse_message(const std::string& text);

}  // namespace costops::host
