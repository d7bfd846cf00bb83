#include <algorithm>

#include "costops/host/measurement.hpp"

#include "costops/host/sample_stats.hpp"

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

double cpu_ns_per_operation(const TargetMeasurement& measurement) {
  std::vector<double> values;
  for (const Sample& s : measurement.samples)
    if (s.cpu_ns >= 0 && s.iterations > 0)
      values.push_back(s.cpu_ns / static_cast<double>(s.iterations));
  return values.empty() ? -1 : median_of(std::move(values));
}

std::uint32_t repetition_count(const TargetMeasurement& measurement) {
  std::uint32_t count = 0;
  for (const Sample& s : measurement.samples) count = std::max(count, s.repetition + 1);
  return count;
}

std::uint32_t process_count(const TargetMeasurement& measurement) {
  std::uint32_t count = 0;
  for (const Sample& s : measurement.samples) count = std::max(count, s.process + 1);
  return count;
}

namespace {

// Counts from every round, or the first reason one round could not count.
void add_hardware_counts(HardwareCounts& merged, const HardwareCounts& round) {
  if (!merged.unavailable.empty()) return;
  if (!round.unavailable.empty()) {
    merged = HardwareCounts{round.unavailable};
    return;
  }
  merged.iterations += round.iterations;
  merged.instructions += round.instructions;
  merged.cycles += round.cycles;
  merged.branch_misses += round.branch_misses;
}

// Counts from every round (each counted its own pass), the highest peak, or
// the first reason one round could not count.
void add_allocation_counts(AllocationCounts& merged, const AllocationCounts& round) {
  if (!merged.unavailable.empty()) return;
  if (!round.unavailable.empty()) {
    merged = AllocationCounts{round.unavailable};
    return;
  }
  merged.iterations += round.iterations;
  merged.allocations += round.allocations;
  merged.frees += round.frees;
  merged.bytes_allocated += round.bytes_allocated;
  merged.peak_live_bytes = std::max(merged.peak_live_bytes, round.peak_live_bytes);
  merged.live_bytes_after_teardown += round.live_bytes_after_teardown;
}

}  // namespace

void merge_round(TargetMeasurement& merged, TargetMeasurement&& round) {
  const std::uint32_t next_repetition = repetition_count(merged);
  const std::uint32_t next_process = process_count(merged);
  for (Sample s : round.samples) {
    s.repetition += next_repetition;
    s.process += next_process;
    merged.samples.push_back(s);
  }
  merged.warmup_iterations += round.warmup_iterations;
  merged.warmup_ns += round.warmup_ns;
  merged.peak_rss_bytes = std::max(merged.peak_rss_bytes, round.peak_rss_bytes);
  merged.leaked_file_descriptors =
      std::max(merged.leaked_file_descriptors, round.leaked_file_descriptors);
  merged.heap_growth_bytes = std::max(merged.heap_growth_bytes, round.heap_growth_bytes);
  merged.threads = round.threads;  // the same target: the same count
  add_hardware_counts(merged.hardware, round.hardware);
  add_allocation_counts(merged.allocations, round.allocations);
  for (auto& line : round.plugin_log) merged.plugin_log.push_back(std::move(line));
}

}  // namespace costops::host
