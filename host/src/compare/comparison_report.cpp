#include "costops/host/comparison_report.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <sstream>

#include "costops/host/comparison_statistics.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

std::string percent(double fraction) {
  return format_double("%+.1f%%", 100 * fraction);
}

// "export: ok → crashed (regression): killed by SIGSEGV".
std::string status_change_text(const StatusChange& change) {
  return change.target_id + ": " + std::string(to_string(change.base_status)) + " → " +
         std::string(to_string(change.new_status)) +
         (change.is_regression() ? " (regression)" : "") +
         (change.new_reason.empty() ? "" : ": " + change.new_reason);
}

std::string escape_cell(const std::string& text) {
  std::string out;
  for (char ch : text)
    out += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
  return out;
}

std::string basis_name(const TargetComparison& t) {
  return (t.basis == ComparisonBasis::repetition_medians ? "reps " : "samples ") +
         std::to_string(t.base_count) + "/" + std::to_string(t.new_count);
}

std::string method_line(const RunComparison& c) {
  std::string line =
      "Verdicts: two-sided Mann-Whitney U test (alpha " + format_double("%g", c.settings.alpha) +
      ") and a minimum change of " + format_double("%g%%", 100 * c.settings.threshold) +
      "; 95% confidence intervals of the change of the median by bootstrap (" +
      std::to_string(c.settings.bootstrap_resamples) +
      " resamples). Basis: per-repetition medians (\"reps\") where both runs have two or "
      "more repetitions, else per-sample times (\"samples\").";
  if (std::any_of(c.targets.begin(), c.targets.end(),
                  [](const TargetComparison& t) { return t.basis == ComparisonBasis::samples; }))
    line +=
        " Samples from one process share that process's luck, so a \"samples\" verdict does "
        "not include process-to-process variation: run with --rounds 5 or more for verdicts "
        "that gate anything.";
  std::string too_few;
  for (const TargetComparison& t : c.targets)
    if (smallest_p_value(t.base_count, t.new_count) >= c.settings.alpha)
      too_few += (too_few.empty() ? "" : ", ") + t.target_id;
  if (!too_few.empty())
    line += " Too few values for any verdict but no change or noisy at this alpha: " + too_few +
            " (record more repetitions, e.g. --rounds 5).";
  return line;
}

}  // namespace

std::string comparison_text(const RunComparison& c) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-36s %14s %14s %9s %21s %9s %15s  %s\n", "target",
                "base median", "new median", "change", "95% CI", "p", "basis", "verdict");
  out << line;
  for (const auto& t : c.targets) {
    std::snprintf(line, sizeof line, "%-36s %14s %14s %9s %21s %9.3g %15s  %s\n",
                  t.target_id.c_str(), human_duration(t.base_median).c_str(),
                  human_duration(t.new_median).c_str(), percent(t.change).c_str(),
                  (percent(t.change_ci_low) + " .. " + percent(t.change_ci_high)).c_str(),
                  t.p_value, basis_name(t).c_str(), std::string(verdict_name(t.verdict)).c_str());
    out << line;
  }
  for (const auto& change : c.status_changes) out << status_change_text(change) << "\n";
  for (const auto& id : c.added) out << id << ": added (only in the new run)\n";
  for (const auto& id : c.removed) out << id << ": removed (only in the base run)\n";
  out << method_line(c) << "\n";
  return out.str();
}

std::string comparison_markdown(const RunComparison& c) {
  std::string md =
      "| Target | Base median | New median | Change | 95% CI | p | Basis | Verdict |\n";
  md += "|--------|------------:|-----------:|-------:|-------:|--:|-------|---------|\n";
  for (const auto& t : c.targets) {
    const std::string verdict = t.verdict == Verdict::slower ? "🔴 slower"
                                : t.verdict == Verdict::faster
                                    ? "🟢 faster"
                                    : std::string(verdict_name(t.verdict));
    md += "| " + t.target_id + " | " + human_duration(t.base_median) + " | " +
          human_duration(t.new_median) + " | " + percent(t.change) + " | " +
          percent(t.change_ci_low) + " .. " + percent(t.change_ci_high) + " | " +
          format_double("%.3g", t.p_value) + " | " + basis_name(t) + " | " + verdict + " |\n";
  }
  for (const auto& change : c.status_changes)
    md += "| " + change.target_id + " | | | | | | | " + (change.is_regression() ? "🔴 " : "") +
          std::string(to_string(change.base_status)) + " → " +
          std::string(to_string(change.new_status)) +
          (change.new_reason.empty() ? "" : ": " + escape_cell(change.new_reason)) + " |\n";
  for (const auto& id : c.added) md += "| " + id + " | – | | | | | | added |\n";
  for (const auto& id : c.removed) md += "| " + id + " | | – | | | | | removed |\n";
  md += "\n" + method_line(c) + "\n";
  return md;
}

std::string comparison_json(const RunComparison& c) {
  json::array targets;
  for (const auto& t : c.targets)
    targets.push_back(
        json::object{{"target_id", t.target_id},
                     {"base_median_ns", finite_or_null(t.base_median)},
                     {"new_median_ns", finite_or_null(t.new_median)},
                     {"change", finite_or_null(t.change)},
                     {"change_ci95_low", finite_or_null(t.change_ci_low)},
                     {"change_ci95_high", finite_or_null(t.change_ci_high)},
                     {"p_value", finite_or_null(t.p_value)},
                     {"basis", t.basis == ComparisonBasis::repetition_medians ? "repetition_medians"
                                                                              : "samples"},
                     {"base_count", t.base_count},
                     {"new_count", t.new_count},
                     {"verdict", verdict_name(t.verdict)}});
  json::array changes;
  for (const auto& change : c.status_changes)
    changes.push_back(json::object{{"target_id", change.target_id},
                                   {"base_status", to_string(change.base_status)},
                                   {"new_status", to_string(change.new_status)},
                                   {"new_reason", change.new_reason},
                                   {"regression", change.is_regression()}});
  json::array added, removed;
  for (const auto& id : c.added) added.emplace_back(id);
  for (const auto& id : c.removed) removed.emplace_back(id);
  return to_pretty_json(json::object{
      {"method", json::object{{"test", "mann_whitney_u_two_sided"},
                              {"alpha", c.settings.alpha},
                              {"threshold", c.settings.threshold},
                              {"confidence_interval", "bootstrap_percentile_95_of_median_ratio"},
                              {"bootstrap_resamples", c.settings.bootstrap_resamples}}},
      {"targets", std::move(targets)},
      {"status_changes", std::move(changes)},
      {"added", std::move(added)},
      {"removed", std::move(removed)},
      {"regression", c.has_regression()}});
}

}  // namespace costops::host
