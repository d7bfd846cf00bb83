#include "costops/host/report/report_page_data.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "costops/host/json_text.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxBins = 40;
constexpr std::size_t kMinReadableBins = 10;  // fewer bins hide the shape
constexpr int kFitCurvePoints = 48;           // enough for a smooth line on log axes

json::object histogram_chart(std::size_t index, const ReportTarget& target) {
  json::array low, high, counts, beyond;
  for (const HistogramBin& bin : histogram(target.ns_per_operation)) {
    low.push_back(bin.low_ns);
    high.push_back(bin.high_ns);
    counts.push_back(bin.count);
    beyond.push_back(bin.beyond);
  }
  return {{"id", "distribution-" + std::to_string(index)},
          {"kind", "histogram"},
          {"title", target.summary.id},
          {"median_ns", finite_or_null(target.summary.median_ns)},
          {"bin_low_ns", std::move(low)},
          {"bin_high_ns", std::move(high)},
          {"counts", std::move(counts)},
          {"beyond", std::move(beyond)}};
}

// The recorded fit, c * f(n), sampled evenly in log n over the members' range.
json::array fit_curve(const ReportFamily& family) {
  json::array curve;
  if (!family.complexity || family.members.empty()) return curve;
  const auto [lo, hi] =
      std::minmax_element(family.members.begin(), family.members.end(),
                          [](const auto& a, const auto& b) { return a.argument < b.argument; });
  const double first = std::log(static_cast<double>(std::max<std::int64_t>(lo->argument, 1)));
  const double last = std::log(static_cast<double>(std::max<std::int64_t>(hi->argument, 1)));
  for (int i = 0; i < kFitCurvePoints; ++i) {
    const double n = std::exp(first + (last - first) * i / (kFitCurvePoints - 1));
    const double ns = family.coefficient_ns * complexity_curve(*family.complexity, n);
    if (ns > 0 && std::isfinite(ns)) curve.push_back({{"x", n}, {"y", ns}});
  }
  return curve;
}

json::object scaling_chart(std::size_t index, const ReportFamily& family) {
  json::array points;
  for (const ReportFamilyMember& m : family.members)
    if (m.median_ns > 0 && m.argument > 0)  // log axes: only positive values
      points.push_back({{"x", m.argument}, {"y", m.median_ns}, {"target_id", m.target_id}});
  return {{"id", "scaling-" + std::to_string(index)},
          {"kind", "scaling"},
          {"title", family.name},
          {"variable", family.variable},
          {"big_o", family.big_o},
          {"points", std::move(points)},
          {"fit", fit_curve(family)}};
}

json::object comparison_chart(const RunComparison& comparison) {
  json::array ids, change, low, high, verdicts;
  for (const TargetComparison& t : comparison.targets) {
    ids.push_back(json::string(t.target_id));
    change.push_back(finite_or_null(100 * t.change));
    low.push_back(finite_or_null(100 * t.change_ci_low));
    high.push_back(finite_or_null(100 * t.change_ci_high));
    verdicts.push_back(json::string(verdict_name(t.verdict)));
  }
  return {{"id", "comparison-chart"},
          {"kind", "comparison"},
          {"title", "estimated change"},
          {"threshold_percent", finite_or_null(100 * comparison.settings.threshold)},
          {"labels", std::move(ids)},
          {"change_percent", std::move(change)},
          {"ci_low_percent", std::move(low)},
          {"ci_high_percent", std::move(high)},
          {"verdicts", std::move(verdicts)}};
}

json::object paired_chart(const ReportPaired& paired) {
  json::array ids, change, low, high, verdicts;
  for (const ReportPairedTarget& t : paired.targets) {
    ids.push_back(json::string(t.target_id));
    change.push_back(finite_or_null(t.change_percent));
    low.push_back(finite_or_null(t.ci_low_percent));
    high.push_back(finite_or_null(t.ci_high_percent));
    verdicts.push_back(json::string(t.verdict));
  }
  return {{"id", "comparison-chart"},
          {"kind", "comparison"},
          {"title", "estimated change"},
          {"threshold_percent", finite_or_null(paired.threshold_percent)},
          {"labels", std::move(ids)},
          {"change_percent", std::move(change)},
          {"ci_low_percent", std::move(low)},
          {"ci_high_percent", std::move(high)},
          {"verdicts", std::move(verdicts)}};
}

// One line per series over the runs of all (labels: every run, oldest
// first): a series' medians and steps sit at its own runs, null elsewhere,
// so no line joins runs of different machines or branches.
json::object trend_chart(std::size_t index, const ReportTrend& trend) {
  json::array labels;
  std::vector<json::array> medians(trend.series.size()), steps(trend.series.size()),
      lows(trend.series.size()), highs(trend.series.size());
  for (const ReportHistoryPoint& p : trend.points) {
    labels.push_back(json::string("run " + std::to_string(p.entry.run_id)));
    for (std::size_t s = 0; s < trend.series.size(); ++s) {
      const bool own = s == p.series;
      const bool drawn = own && p.entry.status == "ok";
      const bool spread = drawn && p.high_ns > 0;
      medians[s].push_back(drawn ? finite_or_null(p.entry.median_ns) : nullptr);
      lows[s].push_back(spread ? finite_or_null(p.low_ns) : nullptr);
      highs[s].push_back(spread ? finite_or_null(p.high_ns) : nullptr);
      steps[s].push_back(json::string(!own                        ? ""
                                      : p.step == Verdict::slower ? "slower"
                                      : p.step == Verdict::faster ? "faster"
                                                                  : ""));
    }
  }
  json::array series;
  for (std::size_t s = 0; s < trend.series.size(); ++s)
    series.push_back(json::object{{"name", trend.series[s].name},
                                  {"this_run", trend.series[s].this_run},
                                  {"median_ns", std::move(medians[s])},
                                  {"low_ns", std::move(lows[s])},
                                  {"high_ns", std::move(highs[s])},
                                  {"steps", std::move(steps[s])}});
  return {{"id", "trend-" + std::to_string(index)},
          {"kind", "trend"},
          {"title", trend.target_id},
          {"labels", std::move(labels)},
          {"series", std::move(series)}};
}

}  // namespace

bool has_distribution_chart(const ReportTarget& target) {
  return target.summary.ok && !target.ns_per_operation.empty();
}

bool has_scaling_chart(const ReportFamily& family) {
  return std::any_of(family.members.begin(), family.members.end(),
                     [](const auto& m) { return m.median_ns > 0 && m.argument > 0; });
}

bool has_comparison_chart(const ReportModel& model) {
  return model.comparison && !model.comparison->targets.empty();
}

bool has_paired_chart(const ReportModel& model) {
  return !model.comparison && model.baseline_label.empty() && model.paired &&
         !model.paired->targets.empty();
}

std::vector<HistogramBin> histogram(const std::vector<double>& values) {
  std::vector<double> finite;
  std::copy_if(values.begin(), values.end(), std::back_inserter(finite),
               [](double v) { return std::isfinite(v); });
  if (finite.empty()) return {};
  std::sort(finite.begin(), finite.end());
  const double q1 = quantile_of_sorted(finite, 0.25), q3 = quantile_of_sorted(finite, 0.75);
  const double fence = q3 + 3 * (q3 - q1);
  const auto inside_end =
      q3 > q1 ? std::upper_bound(finite.begin(), finite.end(), fence) : finite.end();
  const std::vector<double> inside(finite.begin(), inside_end);
  const std::size_t beyond = static_cast<std::size_t>(finite.end() - inside_end);
  const double min = inside.front(), max = inside.back();
  const std::size_t wanted = std::max(static_cast<std::size_t>(std::ceil(std::sqrt(finite.size()))),
                                      std::min<std::size_t>(finite.size(), kMinReadableBins));
  const std::size_t count = max > min ? std::clamp<std::size_t>(wanted, 1, kMaxBins) : 1;
  const double width = (max - min) / static_cast<double>(count);
  std::vector<HistogramBin> bins(count);
  for (std::size_t i = 0; i < count; ++i)
    bins[i] = {min + width * static_cast<double>(i), min + width * static_cast<double>(i + 1), 0};
  bins.back().high_ns = max;
  for (const double v : inside) {
    const auto i = width > 0 ? static_cast<std::size_t>((v - min) / width) : 0;
    ++bins[std::min(i, count - 1)].count;
  }
  if (beyond > 0) bins.push_back({fence, finite.back(), beyond, true});
  return bins;
}

json::object report_page_data(const ReportModel& model) {
  json::array charts;
  for (std::size_t i = 0; i < model.targets.size(); ++i)
    if (has_distribution_chart(model.targets[i]))
      charts.push_back(histogram_chart(i, model.targets[i]));
  for (std::size_t i = 0; i < model.families.size(); ++i)
    if (has_scaling_chart(model.families[i])) charts.push_back(scaling_chart(i, model.families[i]));
  if (has_comparison_chart(model)) charts.push_back(comparison_chart(*model.comparison));
  if (has_paired_chart(model)) charts.push_back(paired_chart(*model.paired));
  for (std::size_t i = 0; i < model.trends.size(); ++i)
    charts.push_back(trend_chart(i, model.trends[i]));
  return {{"charts", std::move(charts)}};
}

}  // namespace costops::host
