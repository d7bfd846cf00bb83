#include <algorithm>

#include "costops/host/measurement.hpp"

namespace costops::host {

MeasurementTotals totals_of(const TargetMeasurement& measurement) {
  MeasurementTotals totals;
  for (const Sample& s : measurement.samples) {
    totals.iterations += s.iterations;
    totals.nanoseconds += s.elapsed_ns;
  }
  return totals;
}

double overhead_per_iteration(const TargetMeasurement& measurement) {
  return measurement.batch_iterations
             ? measurement.empty_batch_ns / static_cast<double>(measurement.batch_iterations)
             : 0;
}

std::uint32_t repetition_count(const TargetMeasurement& measurement) {
  std::uint32_t count = 0;
  for (const Sample& s : measurement.samples) count = std::max(count, s.repetition + 1);
  return count;
}

void merge_round(TargetMeasurement& merged, TargetMeasurement&& round) {
  const std::uint32_t next_repetition = repetition_count(merged);
  for (Sample s : round.samples) {
    s.repetition += next_repetition;
    merged.samples.push_back(s);
  }
  merged.warmup_iterations += round.warmup_iterations;
  merged.warmup_ns += round.warmup_ns;
  merged.peak_rss_bytes = std::max(merged.peak_rss_bytes, round.peak_rss_bytes);
  merged.leaked_file_descriptors =
      std::max(merged.leaked_file_descriptors, round.leaked_file_descriptors);
  merged.heap_growth_bytes = std::max(merged.heap_growth_bytes, round.heap_growth_bytes);
  for (auto& line : round.plugin_log) merged.plugin_log.push_back(std::move(line));
}

}  // namespace costops::host
