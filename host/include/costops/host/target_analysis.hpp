// What the host concludes from one finished target's samples: its
// statistics and the warnings that say when a figure should not be trusted.
// Every limit is a named constant with the reason for its value.
#pragma once

#include <cstdint>
#include <string>

#include "costops/host/suite_report.hpp"

namespace costops::host {

// Noise is judged by the median absolute deviation relative to the median
// (as nanobench does), not by the coefficient of variation: one preempted
// batch inflates the standard deviation but barely moves the MAD. Above 5%
// the median of a typical 20-50-sample run is uncertain by about ±1-2%, the
// size of the changes people try to see. `run --noise-threshold` changes it.
inline constexpr double kNoisyRelativeMad = 0.05;

// A median below a quarter of a nanosecond is about one cycle of a 4 GHz CPU:
// nothing but an empty loop runs that fast, so the work was optimised away.
inline constexpr double kOptimisedAwayNanoseconds = 0.25;

// Only where allocations cannot be counted (AddressSanitizer builds; counted,
// any byte still live after teardown is a leak): heap memory still in use
// after teardown beyond what was in use before setup is reported above this:
// well above the host's own bookkeeping (samples, metrics) during a run, well
// below what a real per-iteration leak reaches in half a second.
inline constexpr std::int64_t kHeapGrowthWarningBytes = std::int64_t{16} << 20;

// The harness's own cost per iteration (timed empty batch) above this share
// of the time per operation is reported, since it is not subtracted.
inline constexpr double kHarnessOverheadWarningShare = 0.01;

// How much a target's figure moves from one worker process to the next: the
// spread of per-process medians (p10, p90 and their ratio; type-7
// quantiles). With one process nothing is known (count 1, ratio 0).
struct ProcessSpread {
  std::uint32_t processes = 0;
  double p10_ns = 0, p90_ns = 0;
  double p90_over_p10 = 0;  // 0 when fewer than two processes
};
ProcessSpread process_spread(const TargetMeasurement& measurement);

// The CPU time and the allocations per operation in a few words for the
// console and summary.md ("cpu 1.20 µs/op · 3 allocs 300 B/op"); the
// parts not measured are left out, "" when neither was.
std::string cpu_and_allocations_text(const TargetMeasurement& measurement);

// Computes `result.stats` and `result.warnings` from its measurement. Safe to
// call again after merging rounds: warnings are recomputed from scratch.
void finalize_target_result(TargetResult& result, double noisy_relative_mad = kNoisyRelativeMad);

}  // namespace costops::host
