// Paired A/B mode of `cost-ops run` (--ab-baseline-plugin-dir OLD
// --ab-paired): for each target, worker processes one after another, each
// loading both builds and measuring them batch by batch in random order
// within each pair (worker/paired_measurement.hpp); after each process the
// evidence is evaluated (paired_statistics.hpp) and the target stops as soon
// as its verdict is decided, at --ab-max-processes, or when --ab-max-time is
// spent. With --ab-self-check each target is first compared with a copy of
// its own new build (A vs A': the same code at other load addresses); the
// change that check cannot rule out is the target's layout sensitivity, and
// the gate's threshold for the target is raised to it.
//
// Both sides' timings become ordinary results (the new side in the run, the
// old one under <output>/ab-baseline/, each pair's process as the samples'
// process) and the verdicts the `ab_paired` block of results.json.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "costops/host/ab_rounds.hpp"
#include "costops/host/paired_statistics.hpp"

namespace costops::host {

struct PairedAbSettings {
  PairedTestSettings test;  // alpha, threshold, min and max processes
  // Per target and check, measurement wall time; the first min_processes
  // workers always run (a verdict needs them).
  double max_seconds = 2;
  bool self_check = false;  // --ab-self-check
  // The length of one batch in the paired loop: short, so that the two
  // sides alternate faster than the machine's state changes, and so that a
  // preemption (a scheduler time slice is milliseconds) lands in few batches,
  // which the trimmed mean then drops, instead of in most of them. On the
  // loaded development VM 0.5 ms batches gave a 10-40% spread between
  // processes where 30 us batches gave 0.1-0.3%.
  double batch_seconds = 30e-6;
};

// The settings the run's options ask for (--threshold, --alpha,
// --ab-max-time, --ab-max-processes, --ab-self-check).
PairedAbSettings paired_settings(const RunOptions& options);

// Why a target's comparison ended.
enum class PairedStop { decided, max_processes, max_time, interrupted, failed };
std::string_view to_string(PairedStop stop);

// One target's sequential comparison (or its self-check).
struct PairedComparison {
  std::string target_id;
  PairedEvidence evidence;
  std::vector<double> process_log_ratios;
  std::size_t pairs = 0;
  std::uint64_t batch_iterations = 0;
  double seconds = 0;  // wall time of its workers
  PairedStop stop = PairedStop::failed;
  std::string failure;  // when stop == failed
};

struct PairedTargetReport {
  PairedComparison comparison;
  std::optional<PairedComparison> self_check;
  // The larger |end| of the self-check's interval (relative), when run.
  std::optional<double> layout_sensitivity;
  double threshold = 0;  // the threshold the verdict used
};

struct PairedAbReport {
  std::vector<PairedTargetReport> targets;
  bool regression() const;  // any target `slower`
};

// Runs every target of `new_plan` against its twin in `baseline.plan`; fills
// `new_results` and baseline.report.targets (one entry per target, in order)
// and calls `save_new` after each new-side result. Ctrl-C stops between
// workers; what finished is kept and judged.
PairedAbReport run_paired_ab(const RunOptions& options, const PairedAbSettings& settings,
                             const TargetPlan& new_plan, std::vector<TargetResult>& new_results,
                             AbBaseline& baseline, TargetExecutor& executor,
                             ProgressReporter& progress,
                             const std::function<void(const TargetResult&)>& save_new);

// The `ab_paired` block of results.json: the test, its settings and each
// target's verdict, estimate, interval, processes and layout sensitivity.
boost::json::object paired_ab_json(const PairedAbReport& report, const PairedAbSettings& settings);

// The verdict table for the console and summary.md (Markdown).
std::string paired_ab_markdown(const PairedAbReport& report, const PairedAbSettings& settings);

// The same for the console: the settings, then one line per target.
std::string paired_ab_text(const PairedAbReport& report, const PairedAbSettings& settings);

// The regressions, one line each ("alu: slower +2.1% (p 0.0004, 5 processes)").
std::vector<std::string> paired_regression_lines(const PairedAbReport& report);

}  // namespace costops::host
