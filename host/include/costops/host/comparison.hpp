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

struct RunComparison {
  ComparisonSettings settings;
  std::vector<TargetComparison> targets;  // present on both sides, ordered by id
  std::vector<std::string> added;         // only in the new run
  std::vector<std::string> removed;       // only in the base run
  bool has_regression() const;
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
