// `cost-ops history --regressions`: what got slower, across every series of
// the store the filters select ("on main since last week, on which
// machine"). A series is repository x branch x machine x target; each is
// tested for a step over its newest runs (series_steps.hpp), and a slower
// step whose first slow run started within --since/--until is listed with
// that run.
#pragma once

#include <string>
#include <vector>

#include "costops/host/history_report.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/store/series_steps.hpp"

namespace costops::host {

struct SeriesRegression {
  std::string repository, branch, machine, target_id;
  SeriesStep step;
  SeriesPoint first_slow;  // the first run at the slower level
  std::size_t runs = 0;    // runs of the series examined
};

inline constexpr int kDefaultRegressionRuns = static_cast<int>(kLevelWindowRuns);

// The slower steps in the newest `last_runs` runs of each series `filter`
// selects; `filter.since`/`until` select the first slow run (the runs before
// it are the series' old level, whenever they ran). Largest change first.
std::vector<SeriesRegression> find_regressions(ResultStore& store, const HistoryFilter& filter,
                                               int last_runs, const SeriesStepSettings& settings);

// As a terminal table, a JSON document or a Markdown table.
std::string render_regressions(const std::vector<SeriesRegression>& regressions,
                               const SeriesStepSettings& settings, HistoryFormat format);

}  // namespace costops::host
