// What a paired A/B worker (`__run-paired`, worker/paired_measurement.hpp)
// sends back: one target of two builds measured batch by batch in one
// process. Like worker_protocol.hpp, the parser never trusts the child: a
// malformed message is a MessageError, never a crash.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "costops/host/paired_statistics.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host {

// Which side of a paired worker failed, as the message spells it.
inline constexpr const char* kBaselineSide = "baseline";
inline constexpr const char* kNewSide = "new";
// Threads or processes left behind: one process ran both sides.
inline constexpr const char* kEitherSide = "baseline or new";

// What one side's plugin declared and reported, as a process-path
// measurement carries it: its threads, work per operation, its metrics and
// its counters
// (1.4, turned into "<key>_per_second" / "<key>_per_op" over that side's
// own run() totals once its teardown returned).
struct PairedSideReport {
  std::uint32_t threads = 1;  // run_thread()'s threads (1.4); 1 when unthreaded
  std::uint64_t bytes_per_operation = 0;
  std::uint64_t items_per_operation = 0;
  PluginMetrics plugin_metrics;
};

struct PairedMeasurement {
  bool succeeded = false;
  std::string failure_side;   // kBaselineSide, kNewSide or kEitherSide when !succeeded
  std::string failure_phase;  // "load", "setup", "run", "teardown"
  std::string failure_message;
  std::int32_t failure_status = 0;
  std::uint64_t batch_iterations = 0;  // the same for both sides
  double warmup_ns = 0;
  std::vector<TimedPair> pairs;
  std::vector<std::string> plugin_log;               // each line prefixed with its side
  PairedSideReport baseline_reported, new_reported;  // when succeeded
};

boost::json::value paired_to_json(const PairedMeasurement& measurement);
// Throws MessageError (worker_protocol.hpp) naming the malformed field.
PairedMeasurement paired_from_json(const boost::json::value& json);

}  // namespace costops::host
