// The statistics behind compare's verdicts: rank tests for "is there a
// difference" and bootstrap intervals for "how large is it".
//
// The unit of every test is the process (one fresh worker: a --rounds
// round), never the sample: samples from one process share that process's
// luck and are not independent. Small counts use exact distributions, since
// the normal approximation is poorest exactly where gating decisions are made
// (3 to 20 processes a side).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace costops::host {

// Counts up to this many a side get the exact permutation distribution of
// the rank sum (ties handled with mid-ranks); larger ones the normal
// approximation with tie and continuity correction.
inline constexpr std::size_t kExactRankTestLimit = 20;

// Two-sided p-value of the Mann-Whitney U test of independent values `a`
// against `b`. 1 when either side has no values or all values tie.
double mann_whitney_p_value(std::span<const double> a, std::span<const double> b);

// The smallest p-value mann_whitney_p_value can give for these sizes (two
// fully separated groups): at or above alpha, no difference can be
// significant, whatever the data.
double smallest_p_value(std::size_t base_count, std::size_t new_count);

// Fewest values a side (the same on both) for which smallest_p_value is
// below alpha.
std::size_t processes_needed(double alpha);

// Up to this many non-zero paired differences the signed-rank test uses its
// exact distribution.
inline constexpr std::size_t kExactSignedRankLimit = 30;

// Two-sided p-value of the Wilcoxon signed-rank test that `differences`
// (paired, e.g. log ratios of A/B rounds) are centred on zero. Zeros are
// dropped (Wilcoxon's method). Exact up to kExactSignedRankLimit differences,
// normal approximation above. 1 when no difference is non-zero.
double wilcoxon_signed_rank_p_value(std::span<const double> differences);

// Smallest p-value of the signed-rank test with n pairs: 2 / 2^n.
double smallest_paired_p_value(std::size_t pairs);

// Fewest pairs for which smallest_paired_p_value is below alpha.
std::size_t pairs_needed(double alpha);

// A 95% interval of the relative change new/base - 1.
struct ChangeInterval {
  double low = 0;
  double high = 0;
};

// The samples of one side, grouped by process, each group sorted ascending.
using ProcessSamples = std::vector<std::vector<double>>;

// The median of each process's (sorted) samples, in process order.
std::vector<double> process_medians(const ProcessSamples& processes);

// Two-level (hierarchical) percentile bootstrap of the change of the median
// of process medians: each resample draws processes with replacement, then
// samples with replacement within each drawn process. Within-process
// resampling draws the median's rank from its order-statistic (beta)
// distribution instead of materialising the resample, so a resample costs
// O(processes), and the whole interval O(n log n) for the one sort the caller
// made. Fixed seed: the same inputs always give the same interval. Both ends
// at the point change when a side is empty.
ChangeInterval hierarchical_bootstrap_change(const ProcessSamples& base,
                                             const ProcessSamples& current,
                                             std::uint32_t resamples);

// Percentile bootstrap over rounds of the median per-round ratio, from the
// rounds' log ratios: exp(median) - 1 at both ends. Fixed seed.
ChangeInterval paired_bootstrap_change(std::span<const double> log_ratios, std::uint32_t resamples);

}  // namespace costops::host
