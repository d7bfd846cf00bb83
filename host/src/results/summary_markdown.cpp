#include "costops/host/summary_markdown.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/target_analysis.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

std::string escape_table_cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// Families of scaling cases: ids like aggregator_100, aggregator_1000.
using ScalingFamily = std::vector<std::pair<std::uint64_t, const TargetResult*>>;

std::map<std::string, ScalingFamily> scaling_families(const SuiteReport& report) {
  std::map<std::string, ScalingFamily> families;
  for (const auto& t : report.targets) {
    if (t.status != TargetStatus::ok) continue;
    const auto underscore = t.target_id.find_last_of('_');
    if (underscore == std::string::npos || underscore + 1 == t.target_id.size()) continue;
    const std::string digits = t.target_id.substr(underscore + 1);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        digits.size() > 12)
      continue;
    families[t.target_id.substr(0, underscore)].emplace_back(std::stoull(digits), &t);
  }
  std::erase_if(families, [](const auto& f) { return f.second.size() < 2; });
  for (auto& [name, members] : families) std::sort(members.begin(), members.end());
  return families;
}

std::string header_section(const SuiteReport& report, std::string_view generated_at) {
  return "# LLM-CostOps Benchmark Results\n\n**Generated:** " + std::string(generated_at) +
         "\n\n**Total Benchmarks:** " + std::to_string(report.targets.size()) + "\n\n";
}

std::string performance_row(const TargetResult& t) {
  if (t.status != TargetStatus::ok)
    return "| " + t.target_id + " | N/A | N/A | **" + std::string(to_string(t.status)) +
           "**: " + escape_table_cell(t.reason) + " |\n";
  const json::object metrics = canonical_metrics(t);
  std::string notes = "ok; median " + human_duration(t.stats.median) + " ±" +
                      format_double("%.1f%%", 100 * t.stats.coefficient_of_variation) + " cv";
  for (const auto& w : t.warnings) notes += "; ⚠ " + w;
  return "| " + t.target_id + " | " +
         format_double("%.0f", metrics.at("operations_per_second").to_number<double>()) + " | " +
         std::to_string(metrics.at("avg_duration_ns").to_number<std::uint64_t>()) + " | " +
         escape_table_cell(notes) + " |\n";
}

// The table of the benchmark interface specification, header kept verbatim.
std::string performance_section(const SuiteReport& report) {
  std::string md = "## Performance Summary\n\n";
  md += "| Target | Operations/sec | Avg Duration (ns) | Notes |\n";
  md += "|--------|----------------|-------------------|-------|\n";
  for (const auto& t : report.targets) md += performance_row(t);
  return md +
         "\nOperations/sec and Avg Duration are the specification's means (total iterations / "
         "total time); the headline figure everywhere else, and what `compare` tests, is the "
         "median per operation (Notes).\n\n";
}

std::string warnings_section(const SuiteReport& report) {
  if (report.environment.warnings.empty()) return {};
  std::string md = "## Warnings\n\n";
  for (const auto& w : report.environment.warnings) md += "- ⚠ " + w + "\n";
  return md + "\n";
}

std::string plugin_problems_section(const SuiteReport& report) {
  std::string rows;
  for (const auto& p : report.plugin_files)
    if (p.status != TargetStatus::ok)
      rows += "| `" + p.path + "` | " + std::string(to_string(p.status)) + " | " +
              escape_table_cell(p.reason) + " |\n";
  if (rows.empty()) return {};
  return "## Plugin problems\n\n| Plugin file | Status | Reason |\n|---|---|---|\n" + rows + "\n";
}

std::string scaling_family_table(const std::string& family, const ScalingFamily& members) {
  std::string md =
      "### " + family + "\n\n| Size | Median per operation | Per unit | Relative per unit |\n";
  md += "|-----:|---------------------:|-----------:|--------------------:|\n";
  const auto per_unit = [](std::uint64_t size, const TargetResult* t) {
    return t->stats.median / static_cast<double>(std::max<std::uint64_t>(1, size));
  };
  const double base = per_unit(members.front().first, members.front().second);
  for (const auto& [size, t] : members) {
    const double unit = per_unit(size, t);
    md += "| " + std::to_string(size) + " | " + human_duration(t->stats.median) + " | " +
          human_duration(unit) + " | " + format_double("%.2f×", base > 0 ? unit / base : 0) +
          " |\n";
  }
  return md + "\n";
}

std::string scaling_section(const SuiteReport& report) {
  const auto families = scaling_families(report);
  if (families.empty()) return {};
  std::string md =
      "## Scaling\n\nTime per unit of input (the size in the target id: records, points or "
      "bytes) against size. A flat \"per unit\" column means the cost grows linearly with "
      "size.\n\n";
  for (const auto& [family, members] : families) md += scaling_family_table(family, members);
  return md;
}

std::string baseline_section(const SuiteReport& report) {
  if (report.baseline_comparison.empty()) return {};
  return "## Comparison with baseline " + report.baseline_name + "\n\n" +
         report.baseline_comparison + "\n";
}

std::string environment_section(const EnvironmentInfo& env) {
  std::string md = "## Environment\n\n";
  md += "- Host: " + env.host_name + " (" + env.os + ")\n";
  md += "- CPU: " + env.cpu_model + ", " + std::to_string(env.logical_cpus) + " logical CPUs\n";
  md += "- Load average (1 min): " +
        (env.load_average_1m >= 0 ? format_double("%.2f", env.load_average_1m) : "unknown") + "\n";
  md += "- Frequency governor: " +
        (env.frequency_governor.empty() ? "unknown" : env.frequency_governor) + "\n";
  md += "- Virtualization: " + env.virtualization + "\n";
  md += "- cost-ops " + env.host_version + " (" + env.host_compiler + ", " + env.host_build_type +
        (env.git_commit.empty() ? "" : ", commit " + env.git_commit) + ")\n\n";
  return md;
}

std::string spread_line(const TargetMeasurement& m) {
  const ProcessSpread spread = process_spread(m);
  if (spread.processes < 2)
    return "- Between processes: one worker process, so its spread is unknown (use --rounds)\n";
  return "- Between processes: " + std::to_string(spread.processes) + " process medians, p10 " +
         human_duration(spread.p10_ns) + ", p90 " + human_duration(spread.p90_ns) + " (p90/p10 " +
         format_double("%.2f", spread.p90_over_p10) + ")\n";
}

std::string measurement_details(const TargetResult& t) {
  const SampleStats& s = t.stats;
  const TargetMeasurement& m = *t.measurement;
  return "- Median " + human_duration(s.median) + " per operation (95% CI within one process " +
         human_duration(s.median_ci_low) + " – " + human_duration(s.median_ci_high) + "), " +
         std::to_string(s.count) + " samples of " + std::to_string(m.batch_iterations) +
         " iterations, " + std::to_string(s.outliers.total()) + " outliers (kept)\n" +
         "- Harness overhead: " + human_duration(m.empty_batch_ns) + " per batch, " +
         format_double("%.4f ns", overhead_per_iteration(m)) + " per iteration (not subtracted)\n" +
         spread_line(m);
}

std::string target_details(const TargetResult& t) {
  std::string md = "### " + t.target_id + "\n\n";
  if (!t.description.empty()) md += t.description + "\n\n";
  md += "- Status: " + std::string(to_string(t.status)) +
        (t.reason.empty() ? "" : " — " + t.reason) + "\n";
  if (!t.plugin.path.empty())
    md += "- Plugin: " + t.plugin.name + " " + t.plugin.version + " (`" + t.plugin.path + "`" +
          (t.plugin.build_info.empty() ? "" : ", " + t.plugin.build_info) + ")\n";
  if (t.measurement) md += measurement_details(t);
  for (const auto& w : t.warnings) md += "- ⚠ " + w + "\n";
  return md + "\n```json\n" + to_pretty_json(canonical_metrics(t)) + "```\n\n";
}

std::string details_section(const SuiteReport& report) {
  std::string md = "## Detailed Results\n\n";
  for (const auto& t : report.targets) md += target_details(t);
  return md;
}

}  // namespace

std::string summary_markdown(const SuiteReport& report, std::string_view generated_at) {
  return header_section(report, generated_at) + performance_section(report) +
         warnings_section(report) + plugin_problems_section(report) + scaling_section(report) +
         baseline_section(report) + environment_section(report.environment) +
         details_section(report) + "---\n*Generated by cost-ops benchmark host v" +
         report.host_version + "*\n";
}

}  // namespace costops::host
