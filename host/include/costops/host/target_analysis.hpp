// What the host concludes from one finished target's samples: its
// statistics and the warnings that say when a figure should not be trusted.
// Every limit is a named constant with the reason for its value.
#pragma once

#include <cstdint>

#include "costops/host/suite_report.hpp"

namespace costops::host {

// Sample-to-sample coefficient of variation above which a target is "noisy":
// at 5% the 95% interval of a 20-sample median is already about ±2%, the size
// of changes people try to see. Settable per run by the caller.
inline constexpr double kNoisyCoefficientOfVariation = 0.05;

// A median below a quarter of a nanosecond is about one cycle of a 4 GHz CPU:
// nothing but an empty loop runs that fast, so the work was optimised away.
inline constexpr double kOptimisedAwayNanoseconds = 0.25;

// Resident memory that grows by more than this between setup and teardown
// is reported: well above allocator noise (a few arenas of 64 KiB..1 MiB),
// well below what a real per-iteration leak reaches in half a second.
inline constexpr std::int64_t kResidentGrowthWarningBytes = std::int64_t{16} << 20;

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

// Computes `result.stats` and `result.warnings` from its measurement. Safe to
// call again after merging rounds: warnings are recomputed from scratch.
void finalize_target_result(TargetResult& result,
                            double noisy_cv_limit = kNoisyCoefficientOfVariation);

}  // namespace costops::host
