// A/B mode of `cost-ops run` (--ab-baseline-plugin-dir OLD): the same
// targets from two builds, measured in one invocation, round by round in
// fresh worker processes, the two builds alternating (AB, BA, AB, ...) so
// that both see the same drift of a shared machine. Each round is a pair;
// compare tests the pairs' ratios (Wilcoxon signed-rank on log ratios), so
// what changes from one round to the next cancels.
//
// The baseline side is written as a complete results.json under
// <output>/ab-baseline/; both files carry the same settings.ab_pairing, so
// `cost-ops compare OUT/ab-baseline OUT` pairs them again later.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "costops/host/plugin_plan.hpp"
#include "costops/host/progress_reporter.hpp"
#include "costops/host/run_options.hpp"
#include "costops/host/suite_report.hpp"

namespace costops::host {

// The baseline build's side of an A/B run.
// Not copied once planned: plan points into report.plugin_files.
struct AbBaseline {
  SuiteReport report;  // plugin_files: the baseline directory's probes
  TargetPlan plan;     // one entry per target of the new side, same order
};

// Probes the baseline directory and plans, for every target the new side
// selected, the baseline build's target of the same id; tags both reports'
// settings with a fresh pairing id. Returns an error message (a target
// missing from the baseline build, an unusable directory) or "".
std::string plan_ab_baseline(const RunOptions& options,
                             const std::filesystem::path& host_executable,
                             const TargetPlan& new_plan, SuiteReport& new_report,
                             TargetExecutor& executor, AbBaseline& baseline);

// Runs options.rounds rounds; in each, every target of the new side and its
// baseline twin run back to back in fresh workers, the order alternating
// with the round and the target. `save_new` is called after each new-side
// result changes. A target whose either side stops being ok is not run again.
void run_ab_rounds(const RunOptions& options, const TargetPlan& new_plan,
                   std::vector<TargetResult>& new_results, AbBaseline& baseline,
                   TargetExecutor& executor, ProgressReporter& progress,
                   const std::function<void(const TargetResult&)>& save_new);

// The directory under the output directory holding the baseline side.
inline constexpr const char* kAbBaselineDirectory = "ab-baseline";

}  // namespace costops::host
