#include "costops/host/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "costops/host/comparison_statistics.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::faster:
      return "faster";
    case Verdict::slower:
      return "slower";
    case Verdict::no_change:
      return "no change";
    case Verdict::noisy:
      return "noisy";
  }
  return "no change";
}

std::vector<double> repetition_medians(const StoredTarget& target) {
  std::map<std::uint32_t, std::vector<double>> groups;
  for (std::size_t i = 0; i < target.ns_per_operation.size(); ++i)
    groups[i < target.repetition.size() ? target.repetition[i] : 0].push_back(
        target.ns_per_operation[i]);
  std::vector<double> medians;
  for (auto& [repetition, values] : groups) medians.push_back(median_of(std::move(values)));
  return medians;
}

TargetComparison compare_targets(const StoredTarget& base, const StoredTarget& current,
                                 const ComparisonSettings& settings) {
  std::vector<double> base_medians = repetition_medians(base);
  std::vector<double> new_medians = repetition_medians(current);
  TargetComparison c;
  if (base_medians.size() >= 2 && new_medians.size() >= 2) {
    c = compare_samples(base.target_id, base_medians, new_medians, settings);
    c.basis = ComparisonBasis::repetition_medians;
  } else {
    c = compare_samples(base.target_id, base.ns_per_operation, current.ns_per_operation, settings);
  }
  return c;
}

TargetComparison compare_samples(const std::string& target_id, const std::vector<double>& base,
                                 const std::vector<double>& current,
                                 const ComparisonSettings& settings) {
  TargetComparison c;
  c.target_id = target_id;
  c.base_count = base.size();
  c.new_count = current.size();
  c.base_median = median_of(base);
  c.new_median = median_of(current);
  c.change = c.base_median > 0 ? c.new_median / c.base_median - 1 : 0;
  c.p_value = mann_whitney_p_value(base, current);

  const ChangeInterval interval =
      bootstrap_change_of_median(base, current, settings.bootstrap_resamples);
  c.change_ci_low = interval.low;
  c.change_ci_high = interval.high;
  const bool significant = c.p_value < settings.alpha;
  const bool large = std::abs(c.change) >= settings.threshold;
  if (significant && large)
    c.verdict = c.change > 0 ? Verdict::slower : Verdict::faster;
  else if (!significant && large)
    c.verdict = Verdict::noisy;  // looks like a change that matters, but could be noise
  else
    c.verdict = Verdict::no_change;
  return c;
}

bool RunComparison::has_regression() const {
  return std::any_of(targets.begin(), targets.end(),
                     [](const auto& t) { return t.verdict == Verdict::slower; }) ||
         std::any_of(status_changes.begin(), status_changes.end(),
                     [](const StatusChange& c) { return c.is_regression(); });
}

std::vector<std::string> RunComparison::regression_lines() const {
  std::vector<std::string> lines;
  for (const auto& t : targets)
    if (t.verdict == Verdict::slower)
      lines.push_back(t.target_id + ": slower " + format_double("%+.1f%%", 100 * t.change) +
                      " (p " + format_double("%.2g", t.p_value) + ")");
  for (const auto& c : status_changes)
    if (c.is_regression())
      lines.push_back(c.target_id + ": " + std::string(to_string(c.base_status)) + " → " +
                      std::string(to_string(c.new_status)) +
                      (c.new_reason.empty() ? "" : ": " + c.new_reason));
  return lines;
}

RunComparison compare_runs(const StoredRun& base, const StoredRun& current,
                           const ComparisonSettings& settings) {
  RunComparison result;
  result.settings = settings;
  std::map<std::string, const StoredTarget*> base_targets, new_targets;
  for (const auto& t : base.targets) base_targets[t.target_id] = &t;
  for (const auto& t : current.targets) new_targets[t.target_id] = &t;
  for (const auto& [id, t] : new_targets) {
    const auto it = base_targets.find(id);
    if (it == base_targets.end()) {
      result.added.push_back(id);
    } else if (it->second->status == TargetStatus::ok && t->status == TargetStatus::ok) {
      result.targets.push_back(compare_targets(*it->second, *t, settings));
    } else {
      result.status_changes.push_back({id, it->second->status, t->status, t->reason});
    }
  }
  for (const auto& [id, t] : base_targets)
    if (!new_targets.count(id)) result.removed.push_back(id);
  if (result.targets.empty() && result.status_changes.empty())
    throw ComparisonError("the runs have no target in common (base " + base.file.string() +
                          ", new " + current.file.string() +
                          "); compare runs of the same targets, or check the paths");
  return result;
}

}  // namespace costops::host
