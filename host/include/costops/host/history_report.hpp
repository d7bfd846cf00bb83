// `cost-ops history TARGET`: one target's trend over the stored runs, with
// the change from the previous run of the same series (repository x branch
// x machine) and a step marker where that change is significant
// (Mann-Whitney U over worker processes, on compare's basis) and at least
// the threshold, or where the series' run medians change level
// (series_steps.hpp: works for one-process runs). Runs of different series
// are never compared: machines differ in speed, branches in code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "costops/host/comparison.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/store/series_steps.hpp"

namespace costops::host {

enum class HistoryFormat { text, json, markdown };
std::optional<HistoryFormat> parse_history_format(const std::string& text);

// The median a history shows for one recorded run: the median of its
// process medians, the statistic its change from the run before is
// computed on (so a change column agrees with the medians beside it); the
// stored pooled median for rows recorded without samples.
double shown_history_median(const HistoryEntry& entry);

// The series a run belongs to (repository, branch, machine; a run from
// before machine names: "host:NAME"), as HistoryRow::series spells it.
std::string history_series_key(const RunProvenance& run);

// One entry with its comparison to the previous ok entry of its series.
struct HistoryRow {
  const HistoryEntry* entry = nullptr;
  std::string series;                      // repository, branch and machine (or "host:NAME")
  const HistoryEntry* previous = nullptr;  // the series' previous ok run, if any
  std::optional<TargetComparison> change;  // with `previous`, when this run is ok
  std::optional<SeriesStep> level_change;  // set on the first run of a new level of the series
  // The series is long enough for the level test (2 x min_runs ok runs).
  // Then it alone decides: it weighs the run-to-run variation the series
  // shows, which the per-run test (processes of two runs) cannot see, so
  // over many runs the per-run test alone raises false alarms.
  bool level_tested = false;
  bool step() const {
    return level_change ||
           (!level_tested && change &&
            (change->verdict == Verdict::slower || change->verdict == Verdict::faster));
  }
};

// Text for one cell of a Markdown table: `|` escaped, line breaks as spaces.
std::string markdown_cell(const std::string& text);

// A run's result for a target against an earlier one (both ok): the step
// test of `cost-ops history` and of the report's trend charts, with the
// worker process as the unit, like compare; when either side was imported
// as summary only (HistoryEntry::summary_only), the summary-values basis
// (compare_summary_values: no test, never a step).
TargetComparison compare_history_entries(const std::string& target_id, const HistoryEntry& before,
                                         const HistoryEntry& after,
                                         const ComparisonSettings& settings);

// How many of a series' newest runs the level test looks at (the default
// of `history --regressions --last`).
inline constexpr std::size_t kLevelWindowRuns = 50;

// The rows of `entries` (oldest first), each compared within its series.
std::vector<HistoryRow> history_rows(const std::string& target_id,
                                     const std::vector<HistoryEntry>& entries,
                                     const ComparisonSettings& settings);

// The trend as a terminal table, a JSON document or a Markdown table.
std::string render_history(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                           const ComparisonSettings& settings, HistoryFormat format);

}  // namespace costops::host
