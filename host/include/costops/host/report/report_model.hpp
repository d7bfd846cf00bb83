// What the HTML report shows, read from a run's results.json (the file
// format is the interface, as for the exports), an optional comparison with
// a baseline and the recorded history of its targets. The page's data
// (report_page_data.hpp) and its HTML (report_html.hpp) are functions of
// this model only. Every string in it may come from a plugin: untrusted.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "costops/host/comparison.hpp"
#include "costops/host/complexity_fit.hpp"
#include "costops/host/exports_view.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/thread_scaling.hpp"

namespace costops::host {

// A target of the run with its samples in ns per operation (one per timed batch).
struct ReportTarget {
  ExportedTarget summary;  // id, status, plugin, median and its interval, ...
  std::vector<double> ns_per_operation;
  bool summary_only = false;  // results.json "summary_only": an imported tool's one value
};

struct ReportFamilyMember {
  std::string target_id;
  std::int64_t argument = 0;
  double median_ns = 0;
};

// A declared family and its recorded best fit (results.json "families").
struct ReportFamily {
  std::string name, variable;
  std::vector<ReportFamilyMember> members;  // measured members only
  std::optional<Complexity> complexity;     // absent when there was no fit
  std::string big_o;
  double coefficient_ns = 0, normalized_rms = 0;
  // The fit's confidence (complexity_fit.hpp): false when the next-best
  // order fits nearly as well; files from before it was recorded: true.
  bool determined = true;
  std::string next_best;
  double separation = 0;  // 0: not recorded or exact
  std::string no_fit_reason;
};

// One recorded run of a target, and the step from the ok run before it in
// its series.
struct ReportHistoryPoint {
  HistoryEntry entry;
  double change = 0;                  // relative to the previous ok entry of the series
  Verdict step = Verdict::no_change;  // slower/faster: a significant step
  double p_value = 1;
  std::size_t series = 0;  // index into ReportTrend::series
  // The run's spread around its median, drawn as an error bar: the range of
  // its process medians, or for a one-process run the distribution-free 95%
  // interval of its median; both 0 when the run has no samples (summary only).
  double low_ns = 0, high_ns = 0;
};

// A series of a trend (repository x branch x machine): the page draws one
// line per series, never one line through runs of different machines or
// branches.
struct ReportSeries {
  std::string name;       // "repository · branch · machine", "unknown" for what is not known
  bool this_run = false;  // the series of the report's own run
};

struct ReportTrend {
  std::string target_id;
  std::vector<ReportHistoryPoint> points;  // oldest first, all series
  std::vector<ReportSeries> series;        // this run's series first, then as they appear
};

// One target's verdict of a paired A/B run (results.json "ab_paired"):
// what the run's sequential test decided and gated on, shown as recorded.
struct ReportPairedTarget {
  std::string target_id, verdict, stopped;  // verdict: "slower", "faster", "no change", ...
  double change_percent = 0, ci_low_percent = 0, ci_high_percent = 0, p_value = 1;
  double threshold_percent = 0;  // this target's (its layout sensitivity when larger)
  std::int64_t processes = 0, pairs = 0;
};

struct ReportPaired {
  std::string test;  // the run's own description of its test
  double alpha = 0, threshold_percent = 0;
  std::vector<ReportPairedTarget> targets;
};

// Target id -> its recorded results, oldest first.
using HistoryByTarget = std::map<std::string, std::vector<HistoryEntry>>;

struct ReportModel {
  std::string timestamp, host_version, command_line;
  std::string source;  // "commit (branch), dirty"
  std::vector<std::pair<std::string, std::string>> environment, settings;
  std::vector<ReportTarget> targets;
  std::vector<ReportFamily> families;
  // Families over thread counts that ran (ABI 1.4), as in summary.md.
  std::vector<ThreadScaling> thread_scaling;
  std::string baseline_label;               // "" = no baseline
  std::optional<RunComparison> comparison;  // set with a baseline unless comparing failed
  std::string comparison_problem;           // why there is no comparison
  std::string history_label;                // "" = no history
  std::string history_problem;              // why the history could not be read
  std::vector<ReportTrend> trends;          // targets with two or more recorded runs
  std::optional<ReportPaired> paired;       // a paired A/B run's recorded verdicts
};

// One line of the verdict summary at the top of a page with a comparison.
struct ReportVerdictLine {
  std::string target_id;
  std::string verdict;  // "slower", "faster", "noisy", "no change", "ok → crashed"
  bool regression = false;
  std::string detail;  // "+12.3% (95% CI +8.1% .. +16.0%, p 0.002, Wilcoxon signed-rank, pairs 20)"
};

// The comparison's verdicts, regressions first (status regressions, then
// slower targets by size of the change), then faster, noisy, unchanged.
std::vector<ReportVerdictLine> verdict_summary(const RunComparison& comparison);
// The same for a paired A/B run's recorded verdicts.
std::vector<ReportVerdictLine> verdict_summary(const ReportPaired& paired);

// Numbers as the report writes them, never in scientific notation (no
// "1E-2", "1.2e+03"): `significant` digits in fixed notation, at most nine
// decimals, trailing zeros dropped ("0.01", "1234.5", "120").
std::string report_number(double value, int significant);
// A p-value: two significant digits, "< 0.0001" below that.
std::string report_p_value(double p);

struct ReportSources {
  boost::json::value results;    // the parsed results.json
  std::optional<StoredRun> run;  // the same file, read for comparing
  std::string run_problem;       // why `run` is absent
  std::optional<StoredRun> baseline;
  std::string baseline_label;
  HistoryByTarget history;
  std::string history_label;
  std::string history_problem;  // the store could not be read: a note, not an error
  ComparisonSettings comparison;
};

// Throws std::runtime_error naming what is missing when `results` is not a
// cost-ops results file. A failed comparison (no shared target) is not an
// error: the model says why.
ReportModel build_report_model(const ReportSources& sources);

}  // namespace costops::host
