#include "costops/host/result_plausibility.hpp"

#include <cmath>

#include "costops/host/human_units.hpp"

namespace costops::host {

namespace {

// A sample is a calibrated batch: far longer than a nanosecond. Below that
// the time was not measured, it was made up.
constexpr double kShortestPlausibleSampleNs = 1.0;

}  // namespace

std::string implausibility(const TargetMeasurement& m, double worker_lifetime_ns) {
  if (!m.succeeded) return {};  // a failure carries no numbers to believe
  if (m.samples.empty()) return "it reported success without a single sample";
  double sampled_ns = 0;
  for (std::size_t i = 0; i < m.samples.size(); ++i) {
    const Sample& s = m.samples[i];
    if (!std::isfinite(s.elapsed_ns) || s.elapsed_ns < kShortestPlausibleSampleNs)
      return "sample " + std::to_string(i) + " took " + format_double("%g", s.elapsed_ns) +
             " ns, not a measured time";
    if (s.iterations == 0 || (m.batch_iterations != 0 && s.iterations != m.batch_iterations))
      return "sample " + std::to_string(i) + " has " + std::to_string(s.iterations) +
             " iterations, not the batch size " + std::to_string(m.batch_iterations);
    sampled_ns += s.elapsed_ns;
  }
  // The clocks differ a little (the parent's includes fork and exec); 1% and
  // a millisecond of slack cannot hide a forged minute.
  if (worker_lifetime_ns > 0 && sampled_ns > worker_lifetime_ns * 1.01 + 1e6)
    return "its samples add up to " + human_duration(sampled_ns) + " but the worker lived " +
           human_duration(worker_lifetime_ns);
  return {};
}

}  // namespace costops::host
