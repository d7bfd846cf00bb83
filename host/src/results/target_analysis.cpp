#include "costops/host/target_analysis.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "costops/host/human_units.hpp"

namespace costops::host {

namespace {

std::vector<double> ns_per_operation_of(const TargetMeasurement& m) {
  std::vector<double> values;
  values.reserve(m.samples.size());
  for (const Sample& s : m.samples) values.push_back(s.ns_per_operation());
  return values;
}

void warn_about_noise(TargetResult& result, double noisy_relative_mad) {
  const SampleStats& s = result.stats;
  const double spread = s.median > 0 ? s.median_absolute_deviation / s.median : 0;
  if (spread > noisy_relative_mad)
    result.warnings.push_back(
        "noisy: samples vary by " + format_double("%.1f%%", 100 * spread) +
        " (median absolute deviation), above " + format_double("%g%%", 100 * noisy_relative_mad) +
        "; quiet the machine, raise --min-time, or compare with --rounds 5 or more");
}

void warn_about_resources(TargetResult& result) {
  const TargetMeasurement& m = *result.measurement;
  if (m.leaked_file_descriptors > 0)
    result.warnings.push_back(
        "leaked " + std::to_string(m.leaked_file_descriptors) +
        " file descriptor(s): open after teardown, not before setup; close them in teardown");
  if (m.allocations.counted()) {
    // Exact and deterministic: blocks the counted run() allocated that
    // reset() and teardown() never freed, whatever the load or batch size.
    if (m.allocations.live_bytes_after_teardown > 0)
      result.warnings.push_back(
          "leak: " +
          format_double("%.1f",
                        m.allocations.per_operation(m.allocations.live_bytes_after_teardown)) +
          " bytes per operation allocated by run() are still live after teardown (counted over " +
          std::to_string(m.allocations.iterations) +
          " operations): memory the target never frees; free it in run(), reset() or teardown(), "
          "or find it with valgrind --leak-check=full");
  } else if (m.heap_growth_bytes > kHeapGrowthWarningBytes)
    result.warnings.push_back(
        "heap memory in use grew by " +
        format_double("%.1f MiB", static_cast<double>(m.heap_growth_bytes) / 1048576.0) +
        " from before setup to after teardown: memory the target did not free; check "
        "teardown, or run the plugin under valgrind --leak-check=full");
}

void warn_about_optimised_away(TargetResult& result) {
  if (result.stats.median < kOptimisedAwayNanoseconds)
    result.warnings.push_back(
        "median below 0.25 ns per operation: the work was probably optimised away; pass "
        "results through bench_do_not_optimize");
}

// Plugins built with costops_add_bench_plugin, the C++ helper, the C macro
// or the Rust kit say "unoptimized" in their build info when built at -O0.
void warn_about_unoptimized_build(TargetResult& result) {
  const std::string& info = result.plugin.build_info;
  if (info.find("unoptimized") == std::string::npos) return;
  // The Rust kit's build info names Cargo: its fix is Cargo's, not CMake's.
  const bool cargo = info.find("cargo") != std::string::npos;
  result.warnings.push_back(
      "the plugin was built without optimisation (" + info +
      "): its timings say little; build it with " +
      (cargo ? "`cargo build --release`" : "-O2 or CMAKE_BUILD_TYPE=Release"));
}

void warn_about_harness_overhead(TargetResult& result) {
  const double overhead = overhead_per_iteration(*result.measurement);
  if (result.stats.median > 0 && overhead / result.stats.median > kHarnessOverheadWarningShare)
    result.warnings.push_back(
        "harness overhead is " + format_double("%.1f%%", 100 * overhead / result.stats.median) +
        " of the time per operation (not subtracted); do more work per iteration");
}

}  // namespace

std::string cpu_and_allocations_text(const TargetMeasurement& m) {
  std::string text;
  if (const double cpu = cpu_ns_per_operation(m); cpu >= 0)
    text = "cpu " + human_duration(cpu) + "/op";
  if (const AllocationCounts& a = m.allocations; a.counted())
    text += (text.empty() ? "" : " · ") +
            format_double("%.4g allocs ", a.per_operation(a.allocations)) +
            format_double("%.4g B/op", a.per_operation(a.bytes_allocated));
  return text;
}

ProcessSpread process_spread(const TargetMeasurement& measurement) {
  std::vector<std::vector<double>> by_process(process_count(measurement));
  for (const Sample& s : measurement.samples) by_process[s.process].push_back(s.ns_per_operation());
  std::vector<double> medians;
  for (auto& values : by_process)
    if (!values.empty()) medians.push_back(median_of(std::move(values)));
  std::sort(medians.begin(), medians.end());
  ProcessSpread spread;
  spread.processes = static_cast<std::uint32_t>(medians.size());
  spread.p10_ns = quantile_of_sorted(medians, 0.10);
  spread.p90_ns = quantile_of_sorted(medians, 0.90);
  if (medians.size() >= 2 && spread.p10_ns > 0) spread.p90_over_p10 = spread.p90_ns / spread.p10_ns;
  return spread;
}

void finalize_target_result(TargetResult& result, double noisy_relative_mad) {
  result.warnings.clear();
  if (!result.measurement || result.measurement->samples.empty()) return;
  result.stats = compute_sample_stats(ns_per_operation_of(*result.measurement));
  warn_about_noise(result, noisy_relative_mad);
  warn_about_optimised_away(result);
  warn_about_resources(result);
  warn_about_harness_overhead(result);
  warn_about_unoptimized_build(result);
}

}  // namespace costops::host
