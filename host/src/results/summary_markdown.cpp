#include "costops/host/summary_markdown.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <variant>

#include "costops/host/human_units.hpp"
#include "costops/host/metric_keys.hpp"
#include "costops/host/raw_record.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/target_families.hpp"
#include "costops/host/target_flags.hpp"
#include "costops/host/thread_scaling_section.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/yardsticks.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

// Everything a plugin or the command line wrote goes through here: escaped
// for Markdown, on one line.
std::string escape_table_cell(std::string_view text) {
  return markdown_escaped(text);
}

std::string plural(std::uint64_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

std::string plain_number(double value) {
  return number_without_exponent(value);
}

std::string settings_text(const json::object& settings) {
  std::string text;
  for (const auto& [key, value] : settings) {
    if (value.is_string() && value.get_string().empty()) continue;
    text += (text.empty() ? "" : " · ") + std::string(key) + " " +
            (value.is_string()   ? escape_table_cell(value.get_string())
             : value.is_number() ? plain_number(value.to_number<double>())
                                 : escape_table_cell(json::serialize(value)));
  }
  return text;
}

std::string command_text(const std::vector<std::string>& command_line) {
  std::string text;
  for (const auto& word : command_line) text += (text.empty() ? "" : " ") + word;
  return escape_table_cell(text);
}

std::string header_section(const SuiteReport& report, std::string_view generated_at) {
  std::string md = "# LLM-CostOps Benchmark Results\n\n**Generated:** " +
                   std::string(generated_at) + "\n\n**Total Benchmarks:** " +
                   std::to_string(report.targets.size()) + "\n\n";
  if (!report.command_line.empty())
    md += "**Command:** " + command_text(report.command_line) + "\n\n";
  if (!report.settings.empty()) md += "**Settings:** " + settings_text(report.settings) + "\n\n";
  return md;
}

std::string performance_row(const TargetResult& t) {
  if (t.status != TargetStatus::ok)
    return "| " + t.target_id + " | N/A | N/A | **" + std::string(to_string(t.status)) +
           "**: " + escape_table_cell(t.reason) + " |\n";
  const double median = t.stats.median;
  if (t.measurement && t.measurement->instructions_per_operation > 0) {
    // --measure instructions: the count is the headline; the time ran under valgrind.
    std::string notes = "**" + instruction_count_text(t.measurement->instructions_per_operation) +
                        " instructions/op** (callgrind, run() only); ok";
    for (const auto& w : t.warnings) notes += "; ⚠ " + escape_table_cell(w);
    return "| " + t.target_id + " | – (valgrind) | " + human_duration(median) +
           " under valgrind | " + notes + " |\n";
  }
  const double spread = median > 0 ? t.stats.median_absolute_deviation / median : 0;
  std::string notes = "ok; ±" + format_double("%.1f%%", 100 * spread) + " MAD";
  if (t.measurement)
    if (const std::string resources = cpu_and_allocations_text(*t.measurement); !resources.empty())
      notes += "; " + resources;
  for (const auto& w : t.warnings) notes += "; ⚠ " + w;  // escaped with the cell below
  return "| " + t.target_id + " | " + (median > 0 ? human_rate(1e9 / median) : "0") + " | " +
         human_duration(median) + " | " + escape_table_cell(notes) + " |\n";
}

// The table of the benchmark interface specification, header kept verbatim.
std::string performance_section(const SuiteReport& report) {
  std::string md = "## Performance Summary\n\n";
  md += "| Target | Operations/sec | Avg Duration (ns) | Notes |\n";
  md += "|--------|----------------|-------------------|-------|\n";
  bool instructions = false;
  for (const auto& t : report.targets) {
    md += performance_row(t);
    instructions |= t.measurement && t.measurement->instructions_per_operation > 0;
  }
  return md +
         "\n*Operations/sec and duration both come from the median time per operation over "
         "all samples; durations are scaled (ns, µs, ms, s) and ± is the median absolute "
         "deviation. The canonical records in raw/ keep the specification's mean-based "
         "`operations_per_second` and `avg_duration_ns`." +
         (instructions ? " Under `--measure instructions` the figure is the instruction count "
                         "per operation (Notes), counted by callgrind and deterministic; the "
                         "durations ran under valgrind, many times slower than a native run, "
                         "so no rate is derived from them."
                       : "") +
         "*\n\n";
}

// The plugin's own metrics (not the host's), "key value, ...".
std::string plugin_metrics_text(const TargetResult& t) {
  if (!t.measurement) return {};
  std::string text;
  for (const auto& [key, value] : t.measurement->plugin_metrics) {
    if (std::find(std::begin(kRequiredMetricKeys), std::end(kRequiredMetricKeys), key) !=
            std::end(kRequiredMetricKeys) ||
        std::find(std::begin(kDerivedMetricKeys), std::end(kDerivedMetricKeys), key) !=
            std::end(kDerivedMetricKeys))
      continue;  // the host's key wins (canonical_metrics)
    const double* number = std::get_if<double>(&value);
    text += (text.empty() ? "" : ", ") + key + " " +
            (number ? plain_number(*number) : std::get<std::string>(value));
  }
  return text;
}

// What the authors declare, in a table beside the specification's (whose
// header stays verbatim): throughput and items per second from the median,
// the target's flags and its own metrics. Only when some target declares
// something.
std::string declared_section(const SuiteReport& report) {
  std::string rows;
  for (const auto& t : report.targets) {
    const bool measured = t.status == TargetStatus::ok && t.measurement && t.stats.median > 0;
    const double per_second = measured ? 1e9 / t.stats.median : 0;
    const std::string throughput =
        measured && t.measurement->bytes_per_operation
            ? human_rate(static_cast<double>(t.measurement->bytes_per_operation) * per_second) +
                  "B/s"
            : "";
    const std::string items =
        measured && t.measurement->items_per_operation
            ? human_rate(static_cast<double>(t.measurement->items_per_operation) * per_second)
            : "";
    const std::string flags = target_flags_text(target_flag_names(t.flags));
    const std::string metrics = plugin_metrics_text(t);
    if (throughput.empty() && items.empty() && flags.empty() && metrics.empty()) continue;
    rows += "| " + t.target_id + " | " + (throughput.empty() ? "–" : throughput) + " | " +
            (items.empty() ? "–" : items) + " | " + (flags.empty() ? "–" : flags) + " | " +
            (metrics.empty() ? "–" : escape_table_cell(metrics)) + " |\n";
  }
  if (rows.empty()) return {};
  return "## Declared by the targets\n\nThroughput and items per second from the median time "
         "per operation and the work each target declares per operation; flags and metrics as "
         "the plugin reports them.\n\n| Target | Throughput | Items/sec | Flags | Plugin metrics "
         "|\n|---|--:|--:|---|---|\n" +
         rows + "\n";
}

std::string yardstick_row(const YardstickRow& row) {
  const std::string goal = "≤ " + format_double("%.3g×", row.goal_ratio);
  if (!row.ratio)
    return "| " + row.target_id + " | " + escape_table_cell(row.peer_id) + " | – | " + goal +
           " | " + row.missing + " |\n";
  return "| " + row.target_id + " | " + escape_table_cell(row.peer_id) + " | " +
         format_double("%.3f×", *row.ratio) + " | " + goal + " | " +
         (row.met() ? "✓ met" : "✗ missed") + " |\n";
}

std::string yardsticks_section(const SuiteReport& report) {
  const auto rows = yardsticks(report);
  if (rows.empty()) return {};
  std::string md =
      "## Yardsticks\n\nEach target against the peer it declares, as the ratio of their median "
      "times per operation in this run (below 1: faster than the peer).\n\n"
      "| Target | Yardstick | Ratio | Goal | Result |\n|---|---|--:|--:|---|\n";
  for (const auto& row : rows) md += yardstick_row(row);
  return md + "\n";
}

std::string warnings_section(const SuiteReport& report) {
  if (report.environment.warnings.empty()) return {};
  std::string md = "## Warnings\n\n";
  for (const auto& w : report.environment.warnings) md += "- ⚠ " + escape_table_cell(w) + "\n";
  return md + "\n";
}

std::string plugin_problems_section(const SuiteReport& report) {
  std::string rows;
  for (const auto& p : report.plugin_files)
    if (p.status != TargetStatus::ok)
      rows += "| " + escape_table_cell(p.path) + " | " + std::string(to_string(p.status)) + " | " +
              escape_table_cell(p.reason) + " |\n";
  if (rows.empty()) return {};
  return "## Plugin problems\n\n| Plugin file | Status | Reason |\n|---|---|---|\n" + rows + "\n";
}

std::string scaling_family_table(const FamilyResult& family) {
  std::string md = "### " + family.family + "\n\n" + complexity_summary(family) + "\n\n| " +
                   family.variable + " | Median per operation | Per " + family.variable +
                   " | Relative per " + family.variable + " |\n|--:|--:|--:|--:|\n";
  const auto per_unit = [](const TargetResult* t) {
    return t->stats.median / static_cast<double>(std::max<std::int64_t>(1, t->argument));
  };
  const double base = per_unit(family.members.front());
  for (const TargetResult* t : family.members)
    md += "| " + std::to_string(t->argument) + " | " + human_duration(t->stats.median) + " | " +
          human_duration(per_unit(t)) + " | " +
          format_double("%.2f×", base > 0 ? per_unit(t) / base : 0) + " |\n";
  return md + "\n";
}

std::string scaling_section(const SuiteReport& report) {
  const auto families = family_results(report);
  if (families.empty()) return {};
  std::string md =
      "## Scaling\n\nEach declared family's median time per operation against its argument, "
      "with the order of O(1), O(log n), O(n), O(n log n), O(n²) and O(n³) that fits best "
      "relative to each member's time, its least-squares coefficient and normalised RMS. "
      "When the next-best order fits less than " +
      format_double("%g", kMinComplexitySeparation) +
      " times worse, the arguments cannot tell them apart and the order is not determined. A "
      "flat \"per\" column means linear growth.\n\n";
  for (const auto& family : families) md += scaling_family_table(family);
  return md;
}

std::string baseline_section(const SuiteReport& report) {
  if (report.baseline_comparison.empty()) return {};
  return "## Comparison with baseline " + escape_table_cell(report.baseline_name) + "\n\n" +
         report.baseline_comparison + "\n";
}

// Where the counters could not be read the reason is the machine's, so it is
// said once here; counted figures go with each target.
std::string hardware_counters_line(const SuiteReport& report) {
  for (const auto& t : report.targets)
    if (t.measurement && !t.measurement->hardware.unavailable.empty())
      return "- Hardware counters: not counted: " +
             escape_table_cell(t.measurement->hardware.unavailable) + "\n";
  return {};
}

// "- CPU caches: L1 Data 32 KiB (shared by 1), ...": only an imported
// tool says (Google Benchmark's context).
std::string caches_line(const EnvironmentInfo& env) {
  if (env.cpu_caches.empty()) return {};
  std::string line = "- CPU caches:";
  for (std::size_t i = 0; i < env.cpu_caches.size(); ++i) {
    const CpuCache& c = env.cpu_caches[i];
    line += (i ? ", L" : " L") + std::to_string(c.level) + " " + escape_table_cell(c.type) + " " +
            (c.size_bytes % 1024 == 0 ? std::to_string(c.size_bytes / 1024) + " KiB"
                                      : std::to_string(c.size_bytes) + " B") +
            (c.shared_by_cpus ? " (shared by " + std::to_string(c.shared_by_cpus) + ")" : "");
  }
  return line + "\n";
}

std::string environment_section(const SuiteReport& report) {
  const EnvironmentInfo& env = report.environment;
  std::string md = "## Environment\n\n";
  // Imported runs bring these from another tool's file: escaped like any cell.
  const auto e = [](const std::string& text) { return escape_table_cell(text); };
  md += "- Host: " + e(env.host_name) + " (" + e(env.os) + ")\n";
  md += "- CPU: " + e(env.cpu_model) + ", " + std::to_string(env.logical_cpus) + " logical CPUs" +
        (env.cpu_mhz > 0 ? ", " + format_double("%.0f", env.cpu_mhz) + " MHz" : "") + "\n";
  md += caches_line(env);
  if (!env.tool_build_type.empty())
    md += "- Imported tool's library build: " + e(env.tool_build_type) + "\n";
  md += "- Load average (1 min): " +
        (env.load_average_1m >= 0 ? format_double("%.2f", env.load_average_1m) : "unknown") + "\n";
  md += "- Frequency governor: " +
        (env.frequency_governor.empty() ? "unknown" : e(env.frequency_governor)) + "\n";
  md += "- Virtualization: " + e(env.virtualization) + "\n";
  md += "- cost-ops " + e(env.host_version) + " (" + e(env.host_compiler) + ", " +
        e(env.host_build_type) + (env.git_commit.empty() ? "" : ", commit " + e(env.git_commit)) +
        ")\n";
  md += sandbox::isolation_markdown(env.isolation);
  return md + hardware_counters_line(report) + "\n";
}

std::string spread_line(const TargetMeasurement& m) {
  const ProcessSpread spread = process_spread(m);
  if (spread.processes < 2)
    return "- Between processes: one worker process, so its spread is unknown (use --rounds)\n";
  return "- Between processes: " + std::to_string(spread.processes) + " process medians, p10 " +
         human_duration(spread.p10_ns) + ", p90 " + human_duration(spread.p90_ns) + " (p90/p10 " +
         format_double("%.2f", spread.p90_over_p10) + ")\n";
}

std::string hardware_counts_line(const HardwareCounts& h) {
  if (!h.counted()) return {};
  const double n = static_cast<double>(h.iterations);
  return "- Hardware counters per operation (timed batches, user space): " +
         plain_number(static_cast<double>(h.instructions) / n) + " instructions, " +
         plain_number(static_cast<double>(h.cycles) / n) + " cycles (" +
         format_double(
             "%.2f",
             h.cycles ? static_cast<double>(h.instructions) / static_cast<double>(h.cycles) : 0.0) +
         " instructions per cycle), " + plain_number(static_cast<double>(h.branch_misses) / n) +
         " branch misses\n";
}

std::string measurement_details(const TargetResult& t) {
  const SampleStats& s = t.stats;
  const TargetMeasurement& m = *t.measurement;
  return "- Median " + human_duration(s.median) + " per operation (95% CI within one process " +
         human_duration(s.median_ci_low) + " – " + human_duration(s.median_ci_high) + "), " +
         plural(s.count, "sample", "samples") + " of " +
         plural(m.batch_iterations, "iteration", "iterations") + ", " +
         plural(s.outliers.total(), "outlier", "outliers") + " (kept)\n" +
         "- Harness overhead: " + human_duration(m.empty_batch_ns) + " per batch, " +
         format_double("%.4f ns", overhead_per_iteration(m)) + " per iteration (not subtracted)\n" +
         spread_line(m) + hardware_counts_line(m.hardware);
}

// The canonical record derives throughput from the specification's mean
// operations_per_second; summary.md headlines the median, so it shows the
// throughput of the median too (one statistic per file).
double median_based(const TargetResult& t, std::string_view key, double value) {
  if (t.stats.median <= 0) return value;
  // Aggregate over the threads of a threaded target (ABI 1.4), as the record.
  const double operations_per_second = 1e9 / t.stats.median * t.measurement->threads;
  if (key == "operations_per_second_per_thread") return 1e9 / t.stats.median;
  if (key == "throughput_mb_per_sec")
    return static_cast<double>(t.measurement->bytes_per_operation) * operations_per_second / 1e6;
  if (key == "items_per_second")
    return static_cast<double>(t.measurement->items_per_operation) * operations_per_second;
  return value;
}

// The plugin's own metrics and the derived throughput, on one line; past
// kMetricsShown the rest is counted (all of them are in results.json).
std::string metrics_details(const TargetResult& t) {
  constexpr std::size_t kMetricsShown = 10;
  std::string line;
  std::size_t shown = 0, more = 0;
  const json::object metrics = canonical_metrics(t);
  for (const auto& [key, value] : metrics) {
    const bool required = std::find(std::begin(kRequiredMetricKeys), std::end(kRequiredMetricKeys),
                                    key) != std::end(kRequiredMetricKeys);
    if (required || value.is_null()) continue;
    if (shown++ >= kMetricsShown) {
      ++more;
      continue;
    }
    line += (line.empty() ? "" : ", ") + std::string(key) + " " +
            (value.is_string() ? escape_table_cell(std::string(value.get_string()))
                               : plain_number(median_based(t, key, value.to_number<double>())));
  }
  if (more > 0) line += " and " + std::to_string(more) + " more (in results.json)";
  return line.empty() ? std::string() : "- Metrics: " + line + "\n";
}

std::string target_details(const TargetResult& t) {
  std::string md = "### " + t.target_id + "\n\n";
  if (!t.description.empty()) md += escape_table_cell(t.description) + "\n\n";
  md += "- Status: " + std::string(to_string(t.status)) +
        (t.reason.empty() ? "" : " — " + escape_table_cell(t.reason)) + "\n";
  if (!t.plugin.path.empty())
    md += "- Plugin: " + escape_table_cell(t.plugin.name) + " " +
          escape_table_cell(t.plugin.version) + " (" + escape_table_cell(t.plugin.path) +
          (t.plugin.build_info.empty() ? "" : ", " + escape_table_cell(t.plugin.build_info)) +
          ")\n";
  if (const std::string flags = target_flags_text(target_flag_names(t.flags)); !flags.empty())
    md += "- Flags: " + flags + "\n";
  if (t.measurement) md += measurement_details(t) + metrics_details(t);
  for (const auto& w : t.warnings) md += "- ⚠ " + escape_table_cell(w) + "\n";
  return md + "\n";
}

std::string details_section(const SuiteReport& report) {
  std::string md = "## Detailed Results\n\n";
  for (const auto& t : report.targets) md += target_details(t);
  return md;
}

}  // namespace

std::string summary_markdown(const SuiteReport& report, std::string_view generated_at) {
  return header_section(report, generated_at) + performance_section(report) +
         declared_section(report) + yardsticks_section(report) + warnings_section(report) +
         plugin_problems_section(report) + scaling_section(report) +
         thread_scaling_section(report) + baseline_section(report) + environment_section(report) +
         details_section(report) + "---\n*Generated by cost-ops benchmark host v" +
         report.host_version + "*\n";
}

}  // namespace costops::host
