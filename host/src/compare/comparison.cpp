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

namespace {

// How each basis is named: in JSON, the test it uses, its unit.
struct BasisNames {
  std::string_view key, test, unit;
};

BasisNames basis_names(ComparisonBasis basis) {
  switch (basis) {
    case ComparisonBasis::paired_rounds:
      return {"paired_rounds", "Wilcoxon signed-rank", "paired rounds"};
    case ComparisonBasis::instructions:
      return {"instructions", "instruction count threshold", "instruction counts"};
    case ComparisonBasis::summary_values:
      return {"summary_values", "summary statistics threshold", "summary statistics"};
    case ComparisonBasis::processes:
      break;
  }
  return {"processes", "Mann-Whitney U", "process medians"};
}

}  // namespace

std::string_view basis_key(ComparisonBasis basis) {
  return basis_names(basis).key;
}

std::string_view basis_test_name(ComparisonBasis basis) {
  return basis_names(basis).test;
}

std::string_view basis_unit_name(ComparisonBasis basis) {
  return basis_names(basis).unit;
}

ProcessSamples samples_by_process(const StoredTarget& target) {
  std::map<std::uint32_t, std::vector<double>> groups;
  for (std::size_t i = 0; i < target.ns_per_operation.size(); ++i)
    groups[i < target.process.size() ? target.process[i] : 0].push_back(target.ns_per_operation[i]);
  ProcessSamples processes;
  processes.reserve(groups.size());
  for (auto& [process, values] : groups) {
    std::sort(values.begin(), values.end());
    processes.push_back(std::move(values));
  }
  return processes;
}

namespace {

void decide(TargetComparison& c, const ComparisonSettings& settings) {
  const bool significant = c.p_value < settings.alpha;
  const bool large = std::abs(c.change) >= settings.threshold;
  if (significant && large)
    c.verdict = c.change > 0 ? Verdict::slower : Verdict::faster;
  else if (!significant && large)
    c.verdict = Verdict::noisy;  // looks like a change that matters, but could be noise
  else
    c.verdict = Verdict::no_change;
}

TargetComparison compare_processes(const std::string& target_id, const ProcessSamples& base,
                                   const ProcessSamples& current,
                                   const ComparisonSettings& settings) {
  TargetComparison c;
  c.target_id = target_id;
  c.base_count = base.size();
  c.new_count = current.size();
  const std::vector<double> base_medians = process_medians(base);
  const std::vector<double> new_medians = process_medians(current);
  c.base_median = median_of(base_medians);
  c.new_median = median_of(new_medians);
  c.change = c.base_median > 0 ? c.new_median / c.base_median - 1 : 0;
  c.p_value = mann_whitney_p_value(base_medians, new_medians);
  c.smallest_p = smallest_p_value(c.base_count, c.new_count);
  const ChangeInterval interval =
      hierarchical_bootstrap_change(base, current, settings.bootstrap_resamples);
  c.change_ci_low = interval.low;
  c.change_ci_high = interval.high;
  decide(c, settings);
  return c;
}

}  // namespace

TargetComparison compare_samples(const std::string& target_id, const std::vector<double>& base,
                                 const std::vector<double>& current,
                                 const ComparisonSettings& settings) {
  const auto one_per_process = [](const std::vector<double>& values) {
    ProcessSamples processes;
    for (double v : values) processes.push_back({v});
    return processes;
  };
  return compare_processes(target_id, one_per_process(base), one_per_process(current), settings);
}

TargetComparison compare_targets(const StoredTarget& base, const StoredTarget& current,
                                 const ComparisonSettings& settings) {
  return compare_processes(base.target_id, samples_by_process(base), samples_by_process(current),
                           settings);
}

namespace {

std::map<std::uint32_t, double> median_by_process(const StoredTarget& target) {
  std::map<std::uint32_t, std::vector<double>> groups;
  for (std::size_t i = 0; i < target.ns_per_operation.size(); ++i)
    groups[i < target.process.size() ? target.process[i] : 0].push_back(target.ns_per_operation[i]);
  std::map<std::uint32_t, double> medians;
  for (auto& [process, values] : groups) medians[process] = median_of(std::move(values));
  return medians;
}

}  // namespace

TargetComparison compare_paired_targets(const StoredTarget& base, const StoredTarget& current,
                                        const ComparisonSettings& settings) {
  const auto base_medians = median_by_process(base);
  const auto new_medians = median_by_process(current);
  std::vector<double> log_ratios, base_paired, new_paired;
  for (const auto& [round, b] : base_medians) {
    const auto it = new_medians.find(round);
    if (it == new_medians.end() || !(b > 0) || !(it->second > 0)) continue;
    log_ratios.push_back(std::log(it->second / b));
    base_paired.push_back(b);
    new_paired.push_back(it->second);
  }
  TargetComparison c;
  c.target_id = base.target_id;
  c.basis = ComparisonBasis::paired_rounds;
  c.base_count = c.new_count = log_ratios.size();
  c.base_median = median_of(base_paired);
  c.new_median = median_of(new_paired);
  c.change = log_ratios.empty() ? 0 : std::expm1(median_of(log_ratios));
  c.p_value = wilcoxon_signed_rank_p_value(log_ratios);
  c.smallest_p = smallest_paired_p_value(log_ratios.size());
  const ChangeInterval interval = paired_bootstrap_change(log_ratios, settings.bootstrap_resamples);
  c.change_ci_low = interval.low;
  c.change_ci_high = interval.high;
  decide(c, settings);
  return c;
}

TargetComparison compare_instruction_counts(const StoredTarget& base, const StoredTarget& current,
                                            const ComparisonSettings& settings) {
  TargetComparison c;
  c.target_id = base.target_id;
  c.basis = ComparisonBasis::instructions;
  c.base_count = c.new_count = 1;
  c.base_median = base.instructions_per_operation;
  c.new_median = current.instructions_per_operation;
  c.change = c.base_median > 0 ? c.new_median / c.base_median - 1 : 0;
  c.change_ci_low = c.change_ci_high = c.change;
  c.p_value = 0;
  c.smallest_p = 0;
  c.verdict = std::abs(c.change) < settings.threshold ? Verdict::no_change
              : c.change > 0                          ? Verdict::slower
                                                      : Verdict::faster;
  return c;
}

TargetComparison compare_summary_values(const StoredTarget& base, const StoredTarget& current,
                                        const ComparisonSettings& settings) {
  TargetComparison c;
  c.target_id = base.target_id;
  c.basis = ComparisonBasis::summary_values;
  c.base_count = c.new_count = 1;
  c.base_median = median_of(base.ns_per_operation);
  c.new_median = median_of(current.ns_per_operation);
  c.change = c.base_median > 0 ? c.new_median / c.base_median - 1 : 0;
  c.change_ci_low = c.change_ci_high = c.change;
  c.p_value = c.smallest_p = 1;
  c.verdict = std::abs(c.change) < settings.threshold ? Verdict::no_change : Verdict::noisy;
  return c;
}

namespace {

TargetComparison compare_stored_times(const StoredRun& base_run, const StoredTarget& base,
                                      const StoredRun& current_run, const StoredTarget& current,
                                      const ComparisonSettings& settings) {
  if (base.summary_only || current.summary_only)
    return compare_summary_values(base, current, settings);
  if (base.instructions_per_operation > 0 && current.instructions_per_operation > 0)
    return compare_instruction_counts(base, current, settings);
  if (!base_run.ab_pairing.empty() && base_run.ab_pairing == current_run.ab_pairing)
    return compare_paired_targets(base, current, settings);
  return compare_targets(base, current, settings);
}

}  // namespace

TargetComparison compare_stored_targets(const StoredRun& base_run, const StoredTarget& base,
                                        const StoredRun& current_run, const StoredTarget& current,
                                        const ComparisonSettings& settings) {
  TargetComparison c = compare_stored_times(base_run, base, current_run, current, settings);
  c.base_allocations_per_op = base.allocations_per_op;
  c.new_allocations_per_op = current.allocations_per_op;
  if (base.allocations_per_op >= 0 && current.allocations_per_op >= 0)
    c.allocates_more = current.allocations_per_op - base.allocations_per_op >
                       settings.threshold * std::max(base.allocations_per_op, 1.0);
  return c;
}

std::string insufficient_data_line(const RunComparison& comparison) {
  const double alpha = comparison.settings.alpha;
  std::vector<const TargetComparison*> short_of_data;
  for (const TargetComparison& t : comparison.targets)
    if (!t.can_be_significant(alpha) && t.basis != ComparisonBasis::summary_values)
      short_of_data.push_back(&t);
  if (short_of_data.empty()) return {};
  const TargetComparison& first = *short_of_data.front();
  const bool paired = first.basis == ComparisonBasis::paired_rounds;
  const std::string alpha_text = format_double("%g", alpha);
  std::string line =
      paired ? std::to_string(first.base_count) + " paired rounds cannot show p < " + alpha_text +
                   "; use --rounds >= " + std::to_string(pairs_needed(alpha))
             : std::to_string(first.base_count) + " vs " + std::to_string(first.new_count) +
                   " processes cannot show p < " + alpha_text +
                   "; use --rounds >= " + std::to_string(processes_needed(alpha)) +
                   " on both sides (better: the A/B mode, docs/comparison.md; for an imported "
                   "run, import that many invocations of the tool, docs/import.md)";
  line += short_of_data.size() == 1 ? " (target " + first.target_id + ")"
                                    : " (" + std::to_string(short_of_data.size()) +
                                          " targets, e.g. " + first.target_id + ")";
  return line + ". Such targets are never `slower`: this comparison does not gate them.";
}

bool RunComparison::has_regression() const {
  return std::any_of(
             targets.begin(), targets.end(),
             [](const auto& t) { return t.verdict == Verdict::slower || t.allocates_more; }) ||
         std::any_of(status_changes.begin(), status_changes.end(),
                     [](const StatusChange& c) { return c.is_regression(); });
}

std::vector<std::string> RunComparison::regression_lines() const {
  std::vector<std::string> lines;
  for (const auto& t : targets)
    if (t.verdict == Verdict::slower)
      lines.push_back(t.target_id + ": slower " + format_double("%+.1f%%", 100 * t.change) +
                      " (p " + format_double("%.2g", t.p_value) + ")");
  for (const auto& t : targets)
    if (t.allocates_more)
      lines.push_back(t.target_id + ": more allocations, " +
                      format_double("%.4g", t.base_allocations_per_op) + " → " +
                      format_double("%.4g", t.new_allocations_per_op) + " per operation");
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
      result.targets.push_back(compare_stored_targets(base, *it->second, current, *t, settings));
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
