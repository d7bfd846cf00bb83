#include "costops/host/result_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <numeric>

#include "costops/host/atomic_file.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/json_text.hpp"

namespace costops::host {

namespace json = boost::json;

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

namespace {

struct Totals {
  std::uint64_t iterations = 0;
  double nanoseconds = 0;
};

Totals totals_of(const TargetMeasurement& m) {
  Totals t;
  for (const Sample& s : m.samples) {
    t.iterations += s.iterations;
    t.nanoseconds += s.elapsed_ns;
  }
  return t;
}

std::uint64_t whole_ns(double ns) {
  return ns > 0 ? static_cast<std::uint64_t>(std::llround(ns)) : 0;
}

double overhead_per_iteration(const TargetMeasurement& m) {
  return m.batch_iterations ? m.empty_batch_ns / static_cast<double>(m.batch_iterations) : 0;
}

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

json::object plugin_json(const PluginProbe& plugin) {
  return json::object{
      {"path", plugin.path},
      {"name", plugin.name},
      {"version", plugin.version},
      {"build_info", plugin.build_info},
      {"abi_version", std::to_string(plugin.abi_major) + "." + std::to_string(plugin.abi_minor)}};
}

json::value statistics_json(const TargetResult& r) {
  if (!r.measurement) return nullptr;
  const SampleStats& s = r.stats;
  return json::object{{"basis", "ns_per_operation_of_batch_mean"},
                      {"samples", s.count},
                      {"mean_ns", finite_or_null(s.mean)},
                      {"median_ns", finite_or_null(s.median)},
                      {"min_ns", finite_or_null(s.min)},
                      {"max_ns", finite_or_null(s.max)},
                      {"stddev_ns", finite_or_null(s.stddev)},
                      {"coefficient_of_variation", finite_or_null(s.coefficient_of_variation)},
                      {"median_absolute_deviation_ns", finite_or_null(s.median_absolute_deviation)},
                      {"p5_ns", finite_or_null(s.p5)},
                      {"p25_ns", finite_or_null(s.p25)},
                      {"p50_ns", finite_or_null(s.p50)},
                      {"p75_ns", finite_or_null(s.p75)},
                      {"p95_ns", finite_or_null(s.p95)},
                      {"p99_ns", finite_or_null(s.p99)},
                      {"median_ci95_low_ns", finite_or_null(s.median_ci_low)},
                      {"median_ci95_high_ns", finite_or_null(s.median_ci_high)},
                      {"outliers", json::object{{"low_severe", s.outliers.low_severe},
                                                {"low_mild", s.outliers.low_mild},
                                                {"high_mild", s.outliers.high_mild},
                                                {"high_severe", s.outliers.high_severe}}}};
}

json::value measurement_json(const TargetResult& r) {
  if (!r.measurement) return nullptr;
  const TargetMeasurement& m = *r.measurement;
  std::uint32_t repetitions = 0;
  for (const Sample& s : m.samples) repetitions = std::max(repetitions, s.repetition + 1);
  return json::object{{"batch_iterations", m.batch_iterations},
                      {"repetitions", repetitions},
                      {"warmup_iterations", m.warmup_iterations},
                      {"warmup_ms", finite_or_null(m.warmup_ns / 1e6)},
                      {"clock_overhead_ns", finite_or_null(m.clock_overhead_ns)},
                      {"empty_batch_ns", finite_or_null(m.empty_batch_ns)},
                      {"overhead_ns_per_iteration", finite_or_null(overhead_per_iteration(m))},
                      {"overhead_subtracted", false}};
}

json::value samples_json(const TargetResult& r) {
  if (!r.measurement) return nullptr;
  json::array iterations, elapsed, repetition;
  for (const Sample& s : r.measurement->samples) {
    iterations.push_back(s.iterations);
    elapsed.push_back(finite_or_null(s.elapsed_ns));
    repetition.push_back(s.repetition);
  }
  return json::object{{"iterations", std::move(iterations)},
                      {"elapsed_ns", std::move(elapsed)},
                      {"repetition", std::move(repetition)}};
}

json::array strings_json(const std::vector<std::string>& lines) {
  json::array out;
  for (const auto& line : lines) out.emplace_back(line);
  return out;
}

const TargetResult* pick(const SuiteReport& report, bool fastest) {
  const TargetResult* best = nullptr;
  for (const auto& t : report.targets) {
    if (t.status != TargetStatus::ok) continue;
    if (!best ||
        (fastest ? t.stats.median < best->stats.median : t.stats.median > best->stats.median))
      best = &t;
  }
  return best;
}

// Families of scaling cases: ids like aggregator_100, aggregator_1000.
std::map<std::string, std::vector<std::pair<std::uint64_t, const TargetResult*>>> scaling_families(
    const SuiteReport& report) {
  std::map<std::string, std::vector<std::pair<std::uint64_t, const TargetResult*>>> families;
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

}  // namespace

void finalize_target_result(TargetResult& result, double noisy_cv_limit) {
  result.warnings.clear();  // recomputed from scratch: callable again after merging rounds
  if (!result.measurement || result.measurement->samples.empty()) return;
  const TargetMeasurement& m = *result.measurement;
  std::vector<double> per_operation;
  per_operation.reserve(m.samples.size());
  for (const Sample& s : m.samples) per_operation.push_back(s.ns_per_operation());
  result.stats = compute_sample_stats(per_operation);

  if (result.stats.coefficient_of_variation > noisy_cv_limit)
    result.warnings.push_back("noisy: coefficient of variation " +
                              format_double("%.1f%%", 100 * result.stats.coefficient_of_variation) +
                              " is above " + format_double("%.0f%%", 100 * noisy_cv_limit));
  if (result.stats.median < 0.25)
    result.warnings.push_back(
        "median below 0.25 ns per operation: was the work optimised away? "
        "Use bench_do_not_optimize on results");
  if (m.leaked_file_descriptors > 0)
    result.warnings.push_back("leaked " + std::to_string(m.leaked_file_descriptors) +
                              " file descriptor(s): open after teardown, not before setup");
  if (m.rss_growth_bytes > (std::int64_t{16} << 20))
    result.warnings.push_back(
        "resident memory grew by " +
        format_double("%.1f MiB", static_cast<double>(m.rss_growth_bytes) / 1048576.0) +
        " between setup and teardown: a memory leak?");
  const double overhead = overhead_per_iteration(m);
  if (result.stats.median > 0 && overhead / result.stats.median > 0.01)
    result.warnings.push_back("harness overhead is " +
                              format_double("%.1f%%", 100 * overhead / result.stats.median) +
                              " of the time per operation (not subtracted)");
}

json::object canonical_metrics(const TargetResult& result) {
  json::object metrics;
  if (!result.measurement) return metrics;
  const TargetMeasurement& m = *result.measurement;
  const Totals totals = totals_of(m);
  const double seconds = totals.nanoseconds / 1e9;
  const double ops_per_second = seconds > 0 ? static_cast<double>(totals.iterations) / seconds : 0;
  const double avg_ns =
      totals.iterations ? totals.nanoseconds / static_cast<double>(totals.iterations) : 0;

  metrics["operations_per_second"] = finite_or_null(ops_per_second);
  metrics["avg_duration_ns"] = whole_ns(avg_ns);
  metrics["min_duration_ns"] = whole_ns(result.stats.min);
  metrics["max_duration_ns"] = whole_ns(result.stats.max);
  metrics["p50_duration_ns"] = whole_ns(result.stats.p50);
  metrics["p95_duration_ns"] = whole_ns(result.stats.p95);
  metrics["p99_duration_ns"] = whole_ns(result.stats.p99);
  metrics["total_iterations"] = totals.iterations;
  metrics["total_duration_ms"] = finite_or_null(totals.nanoseconds / 1e6);
  if (m.bytes_per_operation) {
    metrics["bytes_per_operation"] = m.bytes_per_operation;
    metrics["throughput_mb_per_sec"] =
        finite_or_null(static_cast<double>(m.bytes_per_operation) * ops_per_second / 1e6);
  }
  if (m.items_per_operation) {
    metrics["items_per_operation"] = m.items_per_operation;
    metrics["items_per_second"] =
        finite_or_null(static_cast<double>(m.items_per_operation) * ops_per_second);
  }
  if (m.peak_rss_bytes) metrics["peak_rss_bytes"] = m.peak_rss_bytes;
  if (m.leaked_file_descriptors > 0) metrics["leaked_file_descriptors"] = m.leaked_file_descriptors;
  for (const auto& [key, value] : m.plugin_metrics) {
    if (metrics.contains(key)) continue;  // the host's own keys win
    if (const double* number = std::get_if<double>(&value))
      metrics[key] = finite_or_null(*number);
    else
      metrics[key] = std::get<std::string>(value);
  }
  return metrics;
}

json::value raw_record_json(const TargetResult& result) {
  return json::object{{"target_id", result.target_id},
                      {"metrics", canonical_metrics(result)},
                      {"timestamp", result.timestamp}};
}

json::value results_json(const SuiteReport& report) {
  json::array targets;
  std::map<std::string, std::uint64_t> status_counts;
  std::uint64_t total_iterations = 0;
  double total_ms = 0;
  for (const auto& t : report.targets) {
    ++status_counts[std::string(to_string(t.status))];
    if (t.measurement) {
      const Totals totals = totals_of(*t.measurement);
      total_iterations += totals.iterations;
      total_ms += totals.nanoseconds / 1e6;
    }
    targets.push_back(json::object{
        {"target_id", t.target_id},
        {"description", t.description},
        {"status", to_string(t.status)},
        {"reason", t.reason},
        {"timestamp", t.timestamp},
        {"plugin", plugin_json(t.plugin)},
        {"metrics", canonical_metrics(t)},
        {"statistics", statistics_json(t)},
        {"measurement", measurement_json(t)},
        {"samples", samples_json(t)},
        {"warnings", strings_json(t.warnings)},
        {"plugin_log", t.measurement ? strings_json(t.measurement->plugin_log) : json::array()},
        {"plugin_output", t.plugin_output}});
  }
  json::array plugins;
  for (const auto& p : report.plugin_files) {
    json::object entry = plugin_json(p);
    entry["status"] = to_string(p.status);
    entry["reason"] = p.reason;
    json::array ids;
    for (const auto& t : p.targets) ids.emplace_back(t.id);
    entry["targets"] = std::move(ids);
    plugins.push_back(std::move(entry));
  }
  json::object counts;
  for (const auto& [status, count] : status_counts) counts[status] = count;
  const TargetResult* fastest = pick(report, true);
  const TargetResult* slowest = pick(report, false);
  return json::object{
      {"schema_version", kResultsSchemaVersion},
      {"host_version", report.host_version},
      {"timestamp", report.started_at},
      {"command_line", strings_json(report.command_line)},
      {"settings", report.settings},
      {"environment", environment_to_json(report.environment)},
      {"plugins", std::move(plugins)},
      {"targets", std::move(targets)},
      {"summary",
       json::object{{"total_benchmarks", report.targets.size()},
                    {"total_iterations", total_iterations},
                    {"total_duration_ms", finite_or_null(total_ms)},
                    {"fastest_benchmark", fastest ? json::value(fastest->target_id) : nullptr},
                    {"slowest_benchmark", slowest ? json::value(slowest->target_id) : nullptr},
                    {"status_counts", std::move(counts)}}}};
}

std::string summary_markdown(const SuiteReport& report) {
  std::string md;
  md += "# LLM-CostOps Benchmark Results\n\n";
  md += "**Generated:** " + rfc3339_now() + "\n\n";
  md += "**Total Benchmarks:** " + std::to_string(report.targets.size()) + "\n\n";

  md += "## Performance Summary\n\n";
  md += "| Target | Operations/sec | Avg Duration (ns) | Notes |\n";
  md += "|--------|----------------|-------------------|-------|\n";
  for (const auto& t : report.targets) {
    if (t.status != TargetStatus::ok) {
      md += "| " + t.target_id + " | N/A | N/A | **" + std::string(to_string(t.status)) +
            "**: " + escape_table_cell(t.reason) + " |\n";
      continue;
    }
    const json::object metrics = canonical_metrics(t);
    std::string notes = "ok; median " + human_duration(t.stats.median) + " ±" +
                        format_double("%.1f%%", 100 * t.stats.coefficient_of_variation) + " cv";
    for (const auto& w : t.warnings) notes += "; ⚠ " + w;
    md += "| " + t.target_id + " | " +
          format_double("%.0f", metrics.at("operations_per_second").to_number<double>()) + " | " +
          std::to_string(metrics.at("avg_duration_ns").to_number<std::uint64_t>()) + " | " +
          escape_table_cell(notes) + " |\n";
  }
  md += "\n";

  if (!report.environment.warnings.empty()) {
    md += "## Warnings\n\n";
    for (const auto& w : report.environment.warnings) md += "- ⚠ " + w + "\n";
    md += "\n";
  }

  std::vector<const PluginProbe*> broken;
  for (const auto& p : report.plugin_files)
    if (p.status != TargetStatus::ok) broken.push_back(&p);
  if (!broken.empty()) {
    md += "## Plugin problems\n\n| Plugin file | Status | Reason |\n|---|---|---|\n";
    for (const PluginProbe* p : broken)
      md += "| `" + p->path + "` | " + std::string(to_string(p->status)) + " | " +
            escape_table_cell(p->reason) + " |\n";
    md += "\n";
  }

  const auto families = scaling_families(report);
  if (!families.empty()) {
    md += "## Scaling\n\n";
    md +=
        "Time per unit of input (the size in the target id: records, points or bytes) against "
        "size. A flat \"per unit\" column means the cost grows linearly with size.\n\n";
    for (const auto& [family, members] : families) {
      md +=
          "### " + family + "\n\n| Size | Median per operation | Per unit | Relative per unit |\n";
      md += "|-----:|---------------------:|-----------:|--------------------:|\n";
      const double base = members.front().second->stats.median /
                          static_cast<double>(std::max<std::uint64_t>(1, members.front().first));
      for (const auto& [size, t] : members) {
        const double per_record =
            t->stats.median / static_cast<double>(std::max<std::uint64_t>(1, size));
        md += "| " + std::to_string(size) + " | " + human_duration(t->stats.median) + " | " +
              human_duration(per_record) + " | " +
              format_double("%.2f×", base > 0 ? per_record / base : 0) + " |\n";
      }
      md += "\n";
    }
  }

  if (!report.baseline_comparison.empty())
    md += "## Comparison with baseline " + report.baseline_name + "\n\n" +
          report.baseline_comparison + "\n";

  md += "## Environment\n\n";
  const EnvironmentInfo& env = report.environment;
  md += "- Host: " + env.host_name + " (" + env.os + ")\n";
  md += "- CPU: " + env.cpu_model + ", " + std::to_string(env.logical_cpus) + " logical CPUs\n";
  md += "- Load average (1 min): " +
        (env.load_average_1m >= 0 ? format_double("%.2f", env.load_average_1m) : "unknown") + "\n";
  md += "- Frequency governor: " +
        (env.frequency_governor.empty() ? "unknown" : env.frequency_governor) + "\n";
  md += "- Virtualization: " + env.virtualization + "\n";
  md += "- cost-ops " + env.host_version + " (" + env.host_compiler + ", " + env.host_build_type +
        (env.git_commit.empty() ? "" : ", commit " + env.git_commit) + ")\n\n";

  md += "## Detailed Results\n\n";
  for (const auto& t : report.targets) {
    md += "### " + t.target_id + "\n\n";
    if (!t.description.empty()) md += t.description + "\n\n";
    md += "- Status: " + std::string(to_string(t.status)) +
          (t.reason.empty() ? "" : " — " + t.reason) + "\n";
    if (!t.plugin.path.empty())
      md += "- Plugin: " + t.plugin.name + " " + t.plugin.version + " (`" + t.plugin.path + "`" +
            (t.plugin.build_info.empty() ? "" : ", " + t.plugin.build_info) + ")\n";
    if (t.measurement) {
      const SampleStats& s = t.stats;
      md += "- Median " + human_duration(s.median) + " per operation (95% CI " +
            human_duration(s.median_ci_low) + " – " + human_duration(s.median_ci_high) + "), " +
            std::to_string(s.count) + " samples of " +
            std::to_string(t.measurement->batch_iterations) + " iterations, " +
            std::to_string(s.outliers.total()) + " outliers (kept)\n";
      md += "- Harness overhead: " + human_duration(t.measurement->empty_batch_ns) +
            " per batch, " + format_double("%.4f ns", overhead_per_iteration(*t.measurement)) +
            " per iteration (not subtracted)\n";
    }
    for (const auto& w : t.warnings) md += "- ⚠ " + w + "\n";
    md += "\n```json\n" + to_pretty_json(canonical_metrics(t)) + "```\n\n";
  }
  md += "---\n*Generated by cost-ops benchmark host v" + report.host_version + "*\n";
  return md;
}

namespace {

// Creates `dir` (and missing parents) with owner/group access only; refuses
// a raw/ that is a symbolic link, so nothing is written outside the output.
void make_private_directory(const std::filesystem::path& dir, bool must_not_be_link) {
  struct stat info {};
  if (::lstat(dir.c_str(), &info) == 0) {
    if (must_not_be_link && S_ISLNK(info.st_mode))
      throw FileWriteError(dir.string() +
                           " is a symbolic link; the host does not write through "
                           "links out of the output directory. Remove it");
    if (!S_ISDIR(info.st_mode) && !S_ISLNK(info.st_mode))
      throw FileWriteError("cannot create output directory " + dir.string() +
                           ": a file is in the way; choose another with --output");
    return;
  }
  if (dir.has_parent_path() && dir.parent_path() != dir)
    make_private_directory(dir.parent_path(), false);
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    throw FileWriteError("cannot create output directory " + dir.string() + ": " +
                         std::strerror(errno) + "; choose another with --output");
}

}  // namespace

OutputDirectory::OutputDirectory(std::filesystem::path root) : root_(std::move(root)) {
  if (root_.empty()) root_ = ".";
  make_private_directory(root_, false);
  make_private_directory(root_ / "raw", true);
  if (::access(root_.c_str(), W_OK) != 0 || ::access((root_ / "raw").c_str(), W_OK) != 0)
    throw FileWriteError("output directory " + root_.string() +
                         " is not writable; choose another with --output");
  remove_stale_temporaries(root_);
  remove_stale_temporaries(root_ / "raw");
}

void OutputDirectory::write_raw_record(const TargetResult& result) const {
  write_file_atomically(root_ / "raw" / (result.target_id + ".json"),
                        to_pretty_json(raw_record_json(result)));
}

void OutputDirectory::remove_raw_record(const std::string& target_id) const {
  std::error_code ignored;  // absent is fine
  std::filesystem::remove(root_ / "raw" / (target_id + ".json"), ignored);
}

void OutputDirectory::write_suite_files(const SuiteReport& report, bool write_summary) const {
  write_file_atomically(root_ / "results.json", to_pretty_json(results_json(report)));
  if (write_summary) write_file_atomically(root_ / "summary.md", summary_markdown(report));
}

}  // namespace costops::host
