// The worker protocol: everything that crosses the process boundary between
// the host and a worker child (the host binary re-executed with a hidden
// subcommand). Parent to child: the subcommand and its arguments, encoded
// here and decoded here, so no setting can be dropped on the way. Child to
// parent: one JSON message on the result pipe (fd 3). Parsing is strict and
// never trusts the child: a malformed message is an error, not a crash.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "costops/host/json_fields.hpp"
#include "costops/host/measurement.hpp"
#include "costops/host/plugin_probe.hpp"

namespace costops::host {

// A malformed message or argument: the field helpers' error, so a message
// that does not decode is reported the same way wherever it fails.
using MessageError = JsonFieldError;

// What a worker child is asked to do.
enum class WorkerTask { probe, run_target, run_paired };

// The hidden subcommands, argv[1] of a worker child.
inline constexpr std::string_view kProbeSubcommand = "__probe";
inline constexpr std::string_view kRunTargetSubcommand = "__run-target";
// The paired A/B worker (worker/paired_measurement.hpp): both builds in one.
inline constexpr std::string_view kRunPairedSubcommand = "__run-paired";
// The init of a sandboxed worker's PID namespace, followed by the worker's
// own subcommand (sandbox/namespace_init.hpp).
inline constexpr std::string_view kSandboxInitSubcommand = "__sandbox-init";

struct WorkerRequest {
  WorkerTask task = WorkerTask::probe;
  std::string plugin;                // absolute path of the library
  std::string target;                // run_target and run_paired
  MeasurementSettings settings;      // run_target and run_paired: every field travels
  std::string baseline_plugin = {};  // run_paired only: the old build's library
};

// argv[1..] of the child: the subcommand, then `--name value` pairs. Doubles
// are written with 17 significant digits so they come back bit for bit.
std::vector<std::string> encode_worker_arguments(const WorkerRequest& request);

// The inverse of encode_worker_arguments (args = argv[1..]). Throws
// MessageError naming an unknown subcommand or option, a missing value or one
// that is not a number.
WorkerRequest decode_worker_arguments(const std::vector<std::string>& args);

// True when argv[1] names a hidden worker subcommand.
bool is_worker_subcommand(std::string_view first_argument);

boost::json::value probe_to_json(const PluginProbe& probe);
PluginProbe probe_from_json(const boost::json::value& json);  // throws MessageError

// The fields every result message of a measuring worker starts with.
struct WorkerResultHeader {
  bool succeeded = false;
  std::string failure_phase;
  std::string failure_message;
  std::int32_t failure_status = 0;
};
// Throws MessageError naming a missing or malformed field.
WorkerResultHeader read_result_header(const boost::json::object& message);

boost::json::value measurement_to_json(const TargetMeasurement& measurement);
TargetMeasurement measurement_from_json(const boost::json::value& json);  // throws MessageError

// A measurement's plugin metrics as [key, number or string] pairs: shared by
// the target and the paired messages. The reader throws MessageError.
using PluginMetrics = std::vector<std::pair<std::string, MetricValue>>;
boost::json::array plugin_metrics_to_json(const PluginMetrics& metrics);
PluginMetrics plugin_metrics_from_json(const boost::json::array& metrics);

// Parses text as one JSON document; throws MessageError naming the problem.
boost::json::value parse_message(const std::string& text);

}  // namespace costops::host
