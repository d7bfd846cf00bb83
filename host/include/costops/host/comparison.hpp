// Statistically honest comparison of two runs: per target, the change of the
// median with a bootstrap confidence interval, a Mann-Whitney U test, and a
// verdict that needs both significance and a minimum effect.
//
// What the test compares: when both sides have at least two repetitions
// (best: --rounds, a fresh process each), the per-repetition medians, since
// samples inside one process share that process's luck (code and data
// placement, CPU, neighbours) and are not independent of each other. With one
// repetition a side, the per-sample times, and the output says that
// process-to-process variation was not measured.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/host/results_file.hpp"

namespace costops::host {

// The median of each repetition's samples, in repetition order.
std::vector<double> repetition_medians(const StoredTarget& target);

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

// What the Mann-Whitney test and the bootstrap were run on.
enum class ComparisonBasis { samples, repetition_medians };

struct TargetComparison {
  std::string target_id;
  ComparisonBasis basis = ComparisonBasis::samples;
  std::size_t base_count = 0, new_count = 0;     // values compared on each side
  double base_median = 0, new_median = 0;        // ns per operation
  double change = 0;                             // new/base - 1
  double change_ci_low = 0, change_ci_high = 0;  // 95% bootstrap CI of the change
  double p_value = 1;                            // two-sided Mann-Whitney U
  Verdict verdict = Verdict::no_change;
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

TargetComparison compare_samples(const std::string& target_id, const std::vector<double>& base,
                                 const std::vector<double>& current,
                                 const ComparisonSettings& settings);

// Per-repetition medians when both sides have two or more repetitions, else
// per-sample times (see the top of this file).
TargetComparison compare_targets(const StoredTarget& base, const StoredTarget& current,
                                 const ComparisonSettings& settings);

RunComparison compare_runs(const StoredRun& base, const StoredRun& current,
                           const ComparisonSettings& settings);

}  // namespace costops::host
