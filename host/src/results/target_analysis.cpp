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

void warn_about_noise(TargetResult& result, double noisy_cv_limit) {
  const double cv = result.stats.coefficient_of_variation;
  if (cv > noisy_cv_limit)
    result.warnings.push_back("noisy: coefficient of variation " +
                              format_double("%.1f%%", 100 * cv) + " is above " +
                              format_double("%.0f%%", 100 * noisy_cv_limit));
}

void warn_about_resources(TargetResult& result) {
  const TargetMeasurement& m = *result.measurement;
  if (m.leaked_file_descriptors > 0)
    result.warnings.push_back("leaked " + std::to_string(m.leaked_file_descriptors) +
                              " file descriptor(s): open after teardown, not before setup");
  if (m.rss_growth_bytes > kResidentGrowthWarningBytes)
    result.warnings.push_back(
        "resident memory grew by " +
        format_double("%.1f MiB", static_cast<double>(m.rss_growth_bytes) / 1048576.0) +
        " between setup and teardown: a memory leak?");
}

void warn_about_optimised_away(TargetResult& result) {
  if (result.stats.median < kOptimisedAwayNanoseconds)
    result.warnings.push_back(
        "median below 0.25 ns per operation: was the work optimised away? "
        "Use bench_do_not_optimize on results");
}

void warn_about_harness_overhead(TargetResult& result) {
  const double overhead = overhead_per_iteration(*result.measurement);
  if (result.stats.median > 0 && overhead / result.stats.median > kHarnessOverheadWarningShare)
    result.warnings.push_back("harness overhead is " +
                              format_double("%.1f%%", 100 * overhead / result.stats.median) +
                              " of the time per operation (not subtracted)");
}

}  // namespace

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

void finalize_target_result(TargetResult& result, double noisy_cv_limit) {
  result.warnings.clear();
  if (!result.measurement || result.measurement->samples.empty()) return;
  result.stats = compute_sample_stats(ns_per_operation_of(*result.measurement));
  warn_about_noise(result, noisy_cv_limit);
  warn_about_optimised_away(result);
  warn_about_resources(result);
  warn_about_harness_overhead(result);
}

}  // namespace costops::host
