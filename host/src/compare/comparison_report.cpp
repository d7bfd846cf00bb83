#include "costops/host/comparison_report.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <sstream>

#include "costops/host/comparison_statistics.hpp"
#include "costops/host/console/text_table.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/terminal_style.hpp"
#include "costops/host/untrusted_text.hpp"

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

// Target ids and reasons come from results files and plugins: one escaping
// per output, markdown_escaped for the table, for_terminal for the console.
std::string cell(const std::string& text) {
  return markdown_escaped(text);
}

std::string shown(const std::string& text) {
  return for_terminal(text, false);
}

// A median time, or an instruction count for the instructions basis.
std::string figure(const TargetComparison& t, double value) {
  return t.basis == ComparisonBasis::instructions ? format_double("%.1f instr", value)
                                                  : human_duration(value);
}

std::string basis_name(const TargetComparison& t) {
  if (t.basis == ComparisonBasis::instructions) return "instructions";
  if (t.basis == ComparisonBasis::summary_values) return "summary";
  return t.basis == ComparisonBasis::paired_rounds
             ? "pairs " + std::to_string(t.base_count)
             : "procs " + std::to_string(t.base_count) + "/" + std::to_string(t.new_count);
}

// The estimate the verdict rests on and its interval: "-0.3% (-1.2% .. +0.8%)".
std::string estimate_cell(const TargetComparison& t) {
  return percent(t.change) + " (" + percent(t.change_ci_low) + " .. " + percent(t.change_ci_high) +
         ")";
}

bool any_basis(const RunComparison& c, ComparisonBasis basis) {
  return std::any_of(c.targets.begin(), c.targets.end(),
                     [basis](const auto& t) { return t.basis == basis; });
}

std::string method_line(const RunComparison& c) {
  const bool paired = any_basis(c, ComparisonBasis::paired_rounds);
  std::string line =
      paired ? "Verdicts: A/B rounds paired, two-sided Wilcoxon signed-rank test on per-round "
               "log ratios of process medians (exact up to " +
                   std::to_string(kExactSignedRankLimit) + " pairs"
             : "Verdicts: two-sided Mann-Whitney U test on per-process medians (exact up to " +
                   std::to_string(kExactRankTestLimit) + " a side";
  line += "; alpha " + format_double("%g", c.settings.alpha) + ") and a minimum change of " +
          format_double("%g%%", 100 * c.settings.threshold) +
          ". Medians are medians of process medians (paired: of the paired rounds) and `change` "
          "is their change; `estimate` is what the test and the verdict use (" +
          (paired ? "median of per-round ratios" : "the same change") +
          ") with its 95% interval by " +
          (paired ? "bootstrap of rounds" : "hierarchical bootstrap (processes, then samples)") +
          " (" + std::to_string(c.settings.bootstrap_resamples) +
          " resamples). The unit is the worker process (a --rounds round); repetitions inside one "
          "process are not independent and count once.";
  if (any_basis(c, ComparisonBasis::instructions))
    line +=
        " Basis `instructions` (--measure instructions on both sides): instructions per "
        "operation counted by callgrind in run() only, deterministic, so the threshold alone "
        "decides and p is 0.";
  if (std::any_of(c.targets.begin(), c.targets.end(),
                  [](const auto& t) { return t.basis == ComparisonBasis::summary_values; }))
    line +=
        " Basis `summary` (an imported side kept only summary statistics, docs/import.md): "
        "one value a side, so no test applies; p is 1 and a change beyond the threshold is "
        "`noisy`, never `slower`: such targets are not gated.";
  if (const std::string short_of_data = insufficient_data_line(c); !short_of_data.empty())
    line += "\n" + short_of_data;
  return line;
}

}  // namespace

std::string comparison_text(const RunComparison& c, const TerminalStyle& style, std::size_t width) {
  // What a narrow terminal loses first: basis, p, the estimate, the change;
  // the medians and the verdict always stay.
  const std::vector<console::TableColumn> columns{
      {"target", false, 0}, {"base median", true, 0},       {"new median", true, 0},
      {"change", true, 1},  {"estimate (95% CI)", true, 3}, {"p", true, 4},
      {"basis", false, 5},  {"verdict", false, 0}};
  std::vector<console::TableRow> rows;
  for (const auto& t : c.targets)
    rows.push_back(
        {{shown(t.target_id), figure(t, t.base_median), figure(t, t.new_median),
          percent(t.change_of_medians()), estimate_cell(t), format_double("%.3g", t.p_value),
          basis_name(t), std::string(verdict_name(t.verdict))},
         "",
         Colour::none});
  std::string out = console::render_table(columns, rows, style, width).text;
  const auto paragraph = [&](const std::string& text) {
    out += console::wrap_to_width(style.in_charset(text), width);
  };
  for (const auto& change : c.status_changes) paragraph(shown(status_change_text(change)));
  for (const auto& id : c.added) paragraph(shown(id) + ": added (only in the new run)");
  for (const auto& id : c.removed) paragraph(shown(id) + ": removed (only in the base run)");
  paragraph(for_terminal(method_line(c)));  // it names a target; its lines stay lines
  return out;
}

std::string comparison_markdown(const RunComparison& c) {
  std::string md =
      "| Target | Base median | New median | Change | Estimate (95% CI) | p | Basis | Verdict |\n";
  md +=
      "|--------|------------:|-----------:|-------:|------------------:|--:|-------|---------|\n";
  for (const auto& t : c.targets) {
    const std::string verdict = t.verdict == Verdict::slower ? "🔴 slower"
                                : t.verdict == Verdict::faster
                                    ? "🟢 faster"
                                    : std::string(verdict_name(t.verdict));
    md += "| " + cell(t.target_id) + " | " + figure(t, t.base_median) + " | " +
          figure(t, t.new_median) + " | " + percent(t.change_of_medians()) + " | " +
          estimate_cell(t) + " | " + format_double("%.3g", t.p_value) + " | " + basis_name(t) +
          " | " + verdict + " |\n";
  }
  for (const auto& change : c.status_changes)
    md += "| " + cell(change.target_id) + " | | | | | | | " + (change.is_regression() ? "🔴 " : "") +
          std::string(to_string(change.base_status)) + " → " +
          std::string(to_string(change.new_status)) +
          (change.new_reason.empty() ? "" : ": " + cell(change.new_reason)) + " |\n";
  for (const auto& id : c.added) md += "| " + cell(id) + " | – | | | | | | added |\n";
  for (const auto& id : c.removed) md += "| " + cell(id) + " | | – | | | | | removed |\n";
  md += "\n" + method_line(c) + "\n";
  return md;
}

json::object comparison_json_object(const RunComparison& c) {
  json::array targets;
  for (const auto& t : c.targets)
    targets.push_back(json::object{{"target_id", t.target_id},
                                   {"base_median_ns", finite_or_null(t.base_median)},
                                   {"new_median_ns", finite_or_null(t.new_median)},
                                   {"change_of_medians", finite_or_null(t.change_of_medians())},
                                   {"change", finite_or_null(t.change)},
                                   {"change_ci95_low", finite_or_null(t.change_ci_low)},
                                   {"change_ci95_high", finite_or_null(t.change_ci_high)},
                                   {"p_value", finite_or_null(t.p_value)},
                                   {"basis", basis_key(t.basis)},
                                   {"test", basis_test_name(t.basis)},
                                   {"smallest_possible_p", finite_or_null(t.smallest_p)},
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
  const ComparisonBasis basis = c.targets.empty() ? ComparisonBasis::processes : c.targets[0].basis;
  return json::object{
      {"insufficient_data", insufficient_data_line(c)},
      {"method", json::object{{"test",
                               "mann_whitney_u_of_process_medians_or_wilcoxon_"
                               "signed_rank_of_paired_rounds_two_sided"},
                              {"test_name", basis_test_name(basis)},
                              {"basis", basis_key(basis)},
                              {"alpha", c.settings.alpha},
                              {"threshold", c.settings.threshold},
                              {"confidence_interval",
                               "bootstrap_percentile_95_hierarchical_or_paired_rounds"},
                              {"bootstrap_resamples", c.settings.bootstrap_resamples}}},
      {"targets", std::move(targets)},
      {"status_changes", std::move(changes)},
      {"added", std::move(added)},
      {"removed", std::move(removed)},
      {"regression", c.has_regression()}};
}

std::string comparison_json(const RunComparison& c) {
  return to_pretty_json(comparison_json_object(c));
}

}  // namespace costops::host
