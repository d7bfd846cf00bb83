// The JSON export formats: Google Benchmark's, Bencher's and
// github-action-benchmark's. All times are the median ns per operation, the
// statistic the console and summary.md use.
#include <boost/json.hpp>
#include <cmath>

#include "costops/host/exports_view.hpp"
#include "costops/host/json_text.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

json::object gbench_entry(const ExportedTarget& t, std::size_t family_index) {
  return json::object{
      {"name", t.id},     {"family_index", family_index}, {"per_family_instance_index", 0},
      {"run_name", t.id}, {"threads", t.threads},         {"time_unit", "ns"}};
}

// A target that did not finish: present, written as Google Benchmark writes
// a benchmark that called SkipWithError (times 0, error_occurred), so a
// reader sees the failure instead of a benchmark that was removed.
json::object gbench_error(const ExportedTarget& t, std::size_t family_index) {
  json::object row = gbench_entry(t, family_index);
  row["run_type"] = "iteration";
  row["repetitions"] = 0;
  row["repetition_index"] = 0;
  row["iterations"] = 0;
  row["real_time"] = 0;
  row["cpu_time"] = 0;
  row["error_occurred"] = true;
  row["error_message"] = t.status + (t.reason.empty() ? "" : ": " + t.reason);
  return row;
}

// Google Benchmark's aggregate rows (mean, median, stddev, cv) over the
// per-repetition medians, so compare.py finds what it reads. Like Google
// Benchmark, only with two or more repetitions: one value has no spread,
// and a stddev of 0 would claim one.
void add_gbench_aggregates(const ExportedTarget& t, std::size_t index, json::array& out) {
  if (t.repetitions.size() < 2) return;
  std::vector<double> values;
  for (const auto& r : t.repetitions) values.push_back(r.median_ns);
  double mean = 0;
  for (double v : values) mean += v / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double stddev =
      values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0;
  const std::pair<const char*, double> aggregates[] = {{"mean", mean},
                                                       {"median", t.median_ns},
                                                       {"stddev", stddev},
                                                       {"cv", mean > 0 ? stddev / mean : 0}};
  for (const auto& [name, value] : aggregates) {
    json::object row = gbench_entry(t, index);
    row["name"] = t.id + "_" + name;
    row["run_type"] = "aggregate";
    row["repetitions"] = t.repetitions.size();
    row["aggregate_name"] = name;
    row["aggregate_unit"] = std::string(name) == "cv" ? "percentage" : "time";
    row["iterations"] = t.repetitions.size();
    row["real_time"] = finite_or_null(value);
    row["cpu_time"] = finite_or_null(value);
    out.push_back(std::move(row));
  }
}

}  // namespace

std::string gbench_json(const ExportView& view) {
  json::array benchmarks;
  std::size_t index = 0;
  for (const auto& t : view.targets) {
    if (!t.ok || t.repetitions.empty()) {
      benchmarks.push_back(gbench_error(t, index++));
      continue;
    }
    for (std::size_t r = 0; r < t.repetitions.size(); ++r) {
      json::object row = gbench_entry(t, index);
      row["run_type"] = "iteration";
      row["repetitions"] = t.repetitions.size();
      row["repetition_index"] = r;
      row["iterations"] = t.repetitions[r].iterations;
      row["real_time"] = finite_or_null(t.repetitions[r].median_ns);
      row["cpu_time"] = finite_or_null(t.repetitions[r].median_ns);
      benchmarks.push_back(std::move(row));
    }
    add_gbench_aggregates(t, index, benchmarks);
    ++index;
  }
  json::array caches;  // Google Benchmark's own keys, as imported
  for (const CpuCache& c : view.cpu_caches)
    caches.push_back(json::object{{"type", c.type},
                                  {"level", c.level},
                                  {"size", c.size_bytes},
                                  {"num_sharing", c.shared_by_cpus}});
  json::object context{{"date", view.timestamp},
                       {"host_name", view.host_name},
                       {"executable", "cost-ops " + view.host_version},
                       {"num_cpus", view.logical_cpus},
                       {"mhz_per_cpu", std::llround(view.cpu_mhz)},
                       {"cpu_scaling_enabled", false},
                       {"caches", std::move(caches)},
                       {"load_avg", json::array{finite_or_null(view.load_average)}},
                       {"library_build_type", view.build_type == "Debug" ? "debug" : "release"}};
  return to_pretty_json(json::object{{"context", std::move(context)}, {"benchmarks", benchmarks}});
}

std::string bencher_metric_format(const ExportView& view) {
  json::object out;
  for (const auto& t : view.targets) {
    if (!t.ok || !(t.median_ns > 0)) continue;
    json::object measures{
        {"latency", json::object{{"value", t.median_ns},
                                 {"lower_value", finite_or_null(t.ci_low_ns)},
                                 {"upper_value", finite_or_null(t.ci_high_ns)}}},
        {"throughput", json::object{{"value", 1e9 / t.median_ns},
                                    {"lower_value", finite_or_null(1e9 / t.ci_high_ns)},
                                    {"upper_value", finite_or_null(1e9 / t.ci_low_ns)}}}};
    out[t.id] = std::move(measures);
  }
  return to_pretty_json(out);
}

std::string github_action_benchmark(const ExportView& view) {
  json::array out;
  for (const auto& t : view.targets) {
    if (!t.ok) continue;
    char range[64];
    std::snprintf(range, sizeof range, "± %.3f", (t.ci_high_ns - t.ci_low_ns) / 2);
    out.push_back(json::object{{"name", t.id},
                               {"unit", "ns"},
                               {"value", finite_or_null(t.median_ns)},
                               {"range", range},
                               {"extra", t.plugin + " " + t.plugin_version + "; median of " +
                                             std::to_string(t.samples) + " samples"}});
  }
  return to_pretty_json(out);
}

}  // namespace costops::host
