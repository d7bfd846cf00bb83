// Step detection over a series of runs, for fleets of default one-process
// runs: each run's median is one observation of the series (repository x
// branch x machine x target, oldest first), and a series has a step when
// its newest runs split best into two levels that differ significantly and
// by at least the threshold. This is what `history --regressions` and the
// series marker of `history` report; the per-run comparison of `history`
// (worker processes as the unit, like `compare`) cannot reach significance
// with one process per run.
//
// The method: the split point is the one that minimises the total absolute
// deviation from each side's median (a piecewise-constant fit with one
// break, as asv's step detection fits levels), each side at least
// `min_runs` long; the two sides are then compared with a two-sided
// Mann-Whitney U test, Bonferroni-corrected for the number of split points
// tried, and the step counts when that p is below alpha and the medians
// differ by at least the threshold. Its false-alarm rate on A/A series is
// measured by benchmarks/series_step_false_alarms.cpp (docs/fleet.md).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace costops::host {

struct SeriesStepSettings {
  double threshold = 0.05;   // smallest relative change of the level that counts
  double alpha = 0.05;       // significance after the correction for the splits tried
  std::size_t min_runs = 5;  // runs on each side of a step, at least
};

struct SeriesStep {
  std::size_t first_after = 0;  // index of the first run at the new level
  double before_median = 0, after_median = 0;
  double change = 0;   // after / before - 1
  double p_value = 1;  // corrected
  bool slower() const { return change > 0; }
};

// The step in `medians` (oldest first, all positive), if any.
std::optional<SeriesStep> detect_series_step(const std::vector<double>& medians,
                                             const SeriesStepSettings& settings);

}  // namespace costops::host
