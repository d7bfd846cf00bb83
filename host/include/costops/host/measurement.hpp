// What measuring one target produces, and the settings it takes: plain data
// shared by the worker that measures (worker/target_measurement.hpp) and the
// parent that merges rounds, checks and writes the results.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace costops::host {

struct MeasurementSettings {
  double warmup_seconds = 0.1;
  double min_time_seconds = 0.5;  // per repetition
  std::uint32_t min_samples = 10;
  std::uint32_t repetitions = 1;
  // One batch is calibrated to last about this long: far above the clock's
  // cost (~25 ns), short enough to give many samples.
  double target_sample_seconds = 0.002;
  std::uint32_t max_samples = 100000;
  // > 0: skip calibration and use this batch size (later --rounds reuse the
  // first round's, so every sample of a target has the same batch size).
  std::uint64_t fixed_batch_iterations = 0;
};

struct Sample {
  std::uint64_t iterations = 0;
  double elapsed_ns = 0;
  std::uint32_t repetition = 0;
  double ns_per_operation() const {
    return iterations ? elapsed_ns / static_cast<double>(iterations) : 0;
  }
};

using MetricValue = std::variant<double, std::string>;

struct TargetMeasurement {
  bool succeeded = false;
  std::string failure_phase;  // "setup", "run" or "teardown" when !succeeded
  std::string failure_message;
  std::int32_t failure_status = 0;

  std::vector<Sample> samples;
  std::uint64_t batch_iterations = 0;
  std::uint64_t warmup_iterations = 0;
  double warmup_ns = 0;
  double clock_overhead_ns = 0;  // median cost of one steady_clock::now() pair
  double empty_batch_ns = 0;     // median time of a timed run(state, 0)

  std::uint64_t bytes_per_operation = 0;  // 0 = not declared
  std::uint64_t items_per_operation = 0;
  std::vector<std::pair<std::string, MetricValue>> plugin_metrics;  // in report order
  std::vector<std::string> plugin_log;
  std::uint64_t peak_rss_bytes = 0;  // 0 = unknown
  // Between just before setup and just after teardown: what the target did
  // not give back (open descriptors; heap bytes in use, which unlike resident
  // memory excludes what the allocator caches). Negative values mean it
  // released more than it took.
  std::int64_t leaked_file_descriptors = 0;
  std::int64_t heap_growth_bytes = 0;
};

// Sums over every sample of a measurement.
struct MeasurementTotals {
  std::uint64_t iterations = 0;
  double nanoseconds = 0;
};
MeasurementTotals totals_of(const TargetMeasurement& measurement);

// The empty-batch time spread over one batch's iterations: what the harness
// adds to each operation (reported, never subtracted).
double overhead_per_iteration(const TargetMeasurement& measurement);

// Number of distinct repetitions (highest repetition index + 1).
std::uint32_t repetition_count(const TargetMeasurement& measurement);

// Adds a later round's measurement of the same target (made with the first
// round's batch size) to `merged`: its samples, relabelled as repetitions
// after the ones already there, and the worst of its resource figures.
void merge_round(TargetMeasurement& merged, TargetMeasurement&& round);

}  // namespace costops::host
