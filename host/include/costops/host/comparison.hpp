// Statistically honest comparison of two runs: per target, the change of the
// median with a bootstrap confidence interval, a rank test, and a verdict
// that needs both significance and a minimum effect.
//
// The unit of the test is the process (one fresh worker, i.e. one --rounds
// round): samples inside one process share that process's luck (code and
// data placement, CPU, neighbours) and are not independent, and neither are
// --repetitions made inside one process. Unpaired runs: Mann-Whitney on
// per-process medians (exact for small counts), hierarchical bootstrap for
// the interval. A/B runs (both sides made by one `run --ab-baseline-plugin-dir`
// invocation, round by round): Wilcoxon signed-rank on per-round log ratios,
// bootstrap of rounds for the interval, so drift common to a round cancels.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/host/comparison_statistics.hpp"
#include "costops/host/results_file.hpp"

namespace costops::host {

// The samples of each process (StoredTarget::process), each sorted, in
// process order.
ProcessSamples samples_by_process(const StoredTarget& target);

struct ComparisonSettings {
  double threshold = 0.05;  // minimum relative change that counts
  double alpha = 0.05;      // significance level of the Mann-Whitney U test
  std::uint32_t bootstrap_resamples = 2000;
};

// faster/slower: significant (p < alpha) and at least the threshold.
// noisy: the medians differ by at least the threshold but the test cannot
// tell it from noise. no change: everything else.
enum class Verdict { faster, slower, no_change, noisy };
std::string_view verdict_name(Verdict verdict);

// What the test and the bootstrap were run on: per-process medians of two
// independent runs, or per-round ratios of an A/B run.
// instructions: both sides counted instructions (--measure instructions):
// deterministic, so a plain threshold decides and there is no p-value.
// summary_values: a side is an import of a tool that kept only a summary
// (StoredTarget::summary_only): one value a side, no test is possible.
enum class ComparisonBasis { processes, paired_rounds, instructions, summary_values };
std::string_view basis_key(ComparisonBasis basis);  // as in compare --format json
// The test the verdict of `basis` rests on, as readers see it named:
// "Mann-Whitney U", "Wilcoxon signed-rank", "instruction count threshold".
std::string_view basis_test_name(ComparisonBasis basis);
// What the basis's unit is, for labels: "process medians", "paired rounds",
// "instruction counts".
std::string_view basis_unit_name(ComparisonBasis basis);

struct TargetComparison {
  std::string target_id;
  ComparisonBasis basis = ComparisonBasis::processes;
  std::size_t base_count = 0, new_count = 0;     // processes (paired: rounds) a side
  double base_median = 0, new_median = 0;        // median of process medians, ns/op
  double change = 0;                             // new/base - 1
  double change_ci_low = 0, change_ci_high = 0;  // 95% bootstrap CI of the change
  double p_value = 1;                            // two-sided, of the basis's test
  // The smallest p-value the test can give with these counts: at or above
  // alpha, no verdict but `no change` or `noisy` is possible.
  double smallest_p = 0;
  Verdict verdict = Verdict::no_change;
  // Allocations per operation of each side (< 0: not counted). Counted
  // exactly, so a plain threshold gates them, apart from the time verdict:
  // more allocations by more than the threshold (relative to the base, a
  // base below one counting as one) is a regression.
  double base_allocations_per_op = -1, new_allocations_per_op = -1;
  bool allocates_more = false;
  bool can_be_significant(double alpha) const { return smallest_p < alpha; }
  // The change of the two medians shown beside it (new_median/base_median - 1).
  // Equal to `change` except for paired rounds, whose `change` is the median
  // of per-round ratios: every renderer shows this one in its change column
  // and names the paired estimate separately, so the column agrees with the
  // values beside it.
  double change_of_medians() const { return base_median > 0 ? new_median / base_median - 1 : 0; }
};

// A target in both runs that is not measured in at least one of them.
struct StatusChange {
  std::string target_id;
  TargetStatus base_status = TargetStatus::ok;
  TargetStatus new_status = TargetStatus::ok;
  std::string new_reason;  // why the new run's target is not ok
  // ok (or skipped) before, broken now (failed, crashed, timed out, ...):
  // a regression as much as a slowdown is.
  bool is_regression() const {
    return counts_as_success(base_status) && !counts_as_success(new_status);
  }
};

struct RunComparison {
  ComparisonSettings settings;
  std::vector<TargetComparison> targets;     // ok on both sides, ordered by id
  std::vector<StatusChange> status_changes;  // in both, not ok in at least one
  std::vector<std::string> added;            // only in the new run
  std::vector<std::string> removed;          // only in the base run
  bool has_regression() const;
  // One line per regression ("storage: slower +12.3% (p 0.001)",
  // "export: ok → crashed: killed by SIGSEGV"), for `compare -q` and logs.
  std::vector<std::string> regression_lines() const;
};

// Thrown by compare_runs when the two runs share no target: nothing was
// compared, so no verdict, green or red, would be true.
class ComparisonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Independent values a side, each counted as one process (e.g. process
// medians, or values in tests).
TargetComparison compare_samples(const std::string& target_id, const std::vector<double>& base,
                                 const std::vector<double>& current,
                                 const ComparisonSettings& settings);

// Unpaired: Mann-Whitney on per-process medians, hierarchical bootstrap.
TargetComparison compare_targets(const StoredTarget& base, const StoredTarget& current,
                                 const ComparisonSettings& settings);

// Paired by process index (round): Wilcoxon signed-rank on the rounds' log
// ratios of process medians; only rounds present on both sides count.
TargetComparison compare_paired_targets(const StoredTarget& base, const StoredTarget& current,
                                        const ComparisonSettings& settings);

// Instruction counts per operation: `slower`/`faster` when the change is at
// least the threshold, else `no change`; p-value 0 (there is no chance in it).
TargetComparison compare_instruction_counts(const StoredTarget& base, const StoredTarget& current,
                                            const ComparisonSettings& settings);

// One summary value a side (an imported tool kept no samples): p is 1, so
// the verdict is `no change`, or `noisy` when the values differ by at least
// the threshold; never `slower`, since nothing can tell the change from noise.
TargetComparison compare_summary_values(const StoredTarget& base, const StoredTarget& current,
                                        const ComparisonSettings& settings);

// compare_summary_values when either side is summary only, else
// compare_instruction_counts when both sides counted instructions, else
// compare_paired_targets when both runs come from one A/B invocation (same
// StoredRun::ab_pairing), else compare_targets.
TargetComparison compare_stored_targets(const StoredRun& base_run, const StoredTarget& base,
                                        const StoredRun& current_run, const StoredTarget& current,
                                        const ComparisonSettings& settings);

// The one line saying which targets cannot reach significance with the
// processes they have and what to change; empty when all can.
std::string insufficient_data_line(const RunComparison& comparison);

RunComparison compare_runs(const StoredRun& base, const StoredRun& current,
                           const ComparisonSettings& settings);

}  // namespace costops::host
