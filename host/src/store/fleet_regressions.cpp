#include "costops/host/store/fleet_regressions.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

bool same_series(const SeriesPoint& a, const SeriesPoint& b) {
  return a.repository == b.repository && a.branch == b.branch && a.machine == b.machine &&
         a.target_id == b.target_id;
}

// One series' ok runs (the store returns them oldest first).
void test_series(const std::vector<const SeriesPoint*>& points, const HistoryFilter& filter,
                 const SeriesStepSettings& settings, std::vector<SeriesRegression>& out) {
  std::vector<double> medians;
  medians.reserve(points.size());
  for (const SeriesPoint* p : points) medians.push_back(p->median_ns);
  const auto step = detect_series_step(medians, settings);
  if (!step || !step->slower()) return;
  const SeriesPoint& first = *points[step->first_after];
  if (!filter.since.empty() && first.timestamp < filter.since) return;
  out.push_back({first.repository, first.branch, first.machine, first.target_id, *step, first,
                 points.size()});
}

std::string or_unknown(const std::string& text) {
  return text.empty() ? "unknown" : text;
}

// Names come from the store (another host's outbox): no control sequence
// reaches the terminal, and a long name is never cut inside a character or
// before its line's end (no fixed buffer).
std::string regressions_text(const std::vector<SeriesRegression>& found) {
  if (found.empty()) return "no series got slower\n";
  const auto line = [](const std::vector<std::string>& cells) {
    static constexpr int kWidths[] = {-28, -14, -22, -28, 8, 12, 12};
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string cell = for_terminal(cells[i], false);
      const auto width =
          i < std::size(kWidths) ? static_cast<std::size_t>(std::abs(kWidths[i])) : 0;
      const std::size_t pad = cell.size() < width ? width - cell.size() : 0;
      if (i) out += i + 1 == cells.size() ? "  " : " ";
      if (i < std::size(kWidths) && kWidths[i] > 0) out.append(pad, ' ');
      out += cell;
      if (i < std::size(kWidths) && kWidths[i] < 0 && i + 1 < cells.size()) out.append(pad, ' ');
    }
    return out + "\n";
  };
  std::string out = line(
      {"repository", "branch", "machine", "target", "change", "before", "after", "first slow run"});
  for (const SeriesRegression& r : found) {
    const std::string first = "run " + std::to_string(r.first_slow.run_id) + " " +
                              r.first_slow.timestamp + " " +
                              or_unknown(r.first_slow.commit.substr(0, 12));
    out += line({or_unknown(r.repository), or_unknown(r.branch), or_unknown(r.machine), r.target_id,
                 format_double("%+.1f%%", 100 * r.step.change),
                 human_duration(r.step.before_median), human_duration(r.step.after_median), first});
  }
  return out;
}

std::string regressions_markdown(const std::vector<SeriesRegression>& found) {
  std::string md =
      "## Series that got slower\n\n| Repository | Branch | Machine | Target | Change | Before | "
      "After | First slow run | Commit |\n|---|---|---|---|---:|---:|---:|---|---|\n";
  for (const SeriesRegression& r : found)
    md +=
        "| " + markdown_cell(or_unknown(r.repository)) + " | " +
        markdown_cell(or_unknown(r.branch)) + " | " + markdown_cell(or_unknown(r.machine)) + " | " +
        markdown_cell(r.target_id) + " | " + format_double("%+.1f%%", 100 * r.step.change) + " | " +
        human_duration(r.step.before_median) + " | " + human_duration(r.step.after_median) + " | " +
        std::to_string(r.first_slow.run_id) + " (" + markdown_cell(r.first_slow.timestamp) +
        ") | " + markdown_cell(or_unknown(r.first_slow.commit.substr(0, 12))) + " |\n";
  if (found.empty()) md += "\nNo series got slower.\n";
  return md;
}

std::string regressions_json(const std::vector<SeriesRegression>& found,
                             const SeriesStepSettings& settings) {
  json::array items;
  for (const SeriesRegression& r : found)
    items.push_back(json::object{{"repository", r.repository},
                                 {"branch", r.branch},
                                 {"machine", r.machine},
                                 {"target_id", r.target_id},
                                 {"change", finite_or_null(r.step.change)},
                                 {"before_median_ns", finite_or_null(r.step.before_median)},
                                 {"after_median_ns", finite_or_null(r.step.after_median)},
                                 {"p_value", finite_or_null(r.step.p_value)},
                                 {"runs_examined", r.runs},
                                 {"first_slow_run",
                                  {{"run_id", r.first_slow.run_id},
                                   {"timestamp", r.first_slow.timestamp},
                                   {"commit", r.first_slow.commit}}}});
  return to_pretty_json(json::object{{"settings",
                                      {{"threshold", settings.threshold},
                                       {"alpha", settings.alpha},
                                       {"min_runs", settings.min_runs}}},
                                     {"regressions", std::move(items)}});
}

}  // namespace

std::vector<SeriesRegression> find_regressions(ResultStore& store, const HistoryFilter& filter,
                                               int last_runs, const SeriesStepSettings& settings) {
  HistoryFilter runs = filter;
  runs.since.clear();  // the old level may predate --since
  const std::vector<SeriesPoint> points = store.series_points(runs, last_runs);
  std::vector<SeriesRegression> out;
  std::vector<const SeriesPoint*> series;
  for (std::size_t i = 0; i <= points.size(); ++i) {
    if (i == points.size() || (!series.empty() && !same_series(*series.front(), points[i]))) {
      test_series(series, filter, settings, out);
      series.clear();
    }
    if (i < points.size() && points[i].status == "ok") series.push_back(&points[i]);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.step.change > b.step.change; });
  return out;
}

std::string render_regressions(const std::vector<SeriesRegression>& regressions,
                               const SeriesStepSettings& settings, HistoryFormat format) {
  switch (format) {
    case HistoryFormat::json:
      return regressions_json(regressions, settings);
    case HistoryFormat::markdown:
      return regressions_markdown(regressions);
    case HistoryFormat::text:
      break;
  }
  return regressions_text(regressions);
}

}  // namespace costops::host
