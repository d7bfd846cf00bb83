// The JSON export formats: Google Benchmark's, Bencher's and
// github-action-benchmark's. All times are the median ns per operation, the
// statistic the console and summary.md use.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <iterator>

#include "costops/host/exports_view.hpp"
#include "costops/host/google_benchmark_keys.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

json::object gbench_entry(const ExportedTarget& t, std::size_t family_index,
                          std::string_view run_type, std::size_t repetitions) {
  return json::object{
      {"name", t.id},     {"family_index", family_index}, {"per_family_instance_index", 0},
      {"run_name", t.id}, {"run_type", run_type},         {"repetitions", repetitions}};
}

// A target that did not finish: present, written as Google Benchmark writes
// a benchmark that called SkipWithError (error_occurred, times 0) or, when
// it was skipped or not run, SkipWithMessage (skipped), so a reader sees
// what happened instead of a benchmark that was removed.
json::object gbench_not_measured(const ExportedTarget& t, std::size_t family_index) {
  json::object row = gbench_entry(t, family_index, "iteration", 0);
  row["repetition_index"] = 0;
  row["threads"] = t.threads;
  const std::string message = t.status + (t.reason.empty() ? "" : ": " + t.reason);
  if (t.broken()) {
    row["error_occurred"] = true;
    row["error_message"] = message;
  } else {
    row["skipped"] = true;
    row["skip_message"] = message;
  }
  row["iterations"] = 0;
  row["real_time"] = 0;
  row["cpu_time"] = 0;
  row["time_unit"] = "ns";
  return row;
}

// Declared work as Google Benchmark's rate counters (SetBytesProcessed,
// SetItemsProcessed) at `ns_per_op`.
void add_rates(const ExportedTarget& t, double ns_per_op, json::object& row) {
  if (!(ns_per_op > 0)) return;
  if (t.bytes_per_operation > 0)
    row["bytes_per_second"] = finite_or_null(t.bytes_per_operation * 1e9 / ns_per_op);
  if (t.items_per_operation > 0)
    row["items_per_second"] = finite_or_null(t.items_per_operation * 1e9 / ns_per_op);
}

// The plugin's numeric metrics as user counters and its text metrics as
// the label ("key=value, ..."), as Google Benchmark writes state.counters
// and SetLabel. A host key of the row is never overwritten.
void add_plugin_metrics(const ExportedTarget& t, json::object& row) {
  for (const auto& [key, value] : t.plugin_numbers)
    if (!is_google_benchmark_row_key(key) && !row.contains(key)) row[key] = finite_or_null(value);
  std::string label;
  for (const auto& [key, value] : t.plugin_texts)
    label += (label.empty() ? "" : ", ") + key + "=" + value;
  if (!label.empty()) row["label"] = label;
}

// One iteration row per repetition: its median ns/op (and CPU time when
// measured; omitted, never copied from the wall time, when not).
// compare.py and the other readers of Google Benchmark's JSON require
// cpu_time in every row. Where CPU time was not measured (an imported
// hyperfine or pytest-benchmark run) it repeats real_time, and the row's
// label says so, so a reader is never left to take it for a measurement.
void set_cpu_time(json::object& row, bool measured, double cpu_ns) {
  if (measured) {
    row["cpu_time"] = finite_or_null(cpu_ns);
    return;
  }
  row["cpu_time"] = row.at("real_time");
  const std::string note = "cpu_time not measured: repeats real_time";
  if (const json::value* label = row.if_contains("label"); label && label->is_string())
    row["label"] = std::string(label->get_string()) + ", " + note;
  else
    row["label"] = note;
}

void add_gbench_repetitions(const ExportedTarget& t, std::size_t index, json::array& out) {
  for (std::size_t r = 0; r < t.repetitions.size(); ++r) {
    const ExportedRepetition& rep = t.repetitions[r];
    json::object row = gbench_entry(t, index, "iteration", t.repetitions.size());
    row["repetition_index"] = r;
    row["threads"] = t.threads;
    row["iterations"] = rep.iterations;
    row["real_time"] = finite_or_null(rep.median_ns);
    row["time_unit"] = "ns";
    add_rates(t, rep.median_ns, row);
    add_plugin_metrics(t, row);
    set_cpu_time(row, rep.median_cpu_ns >= 0, rep.median_cpu_ns);  // after the label
    out.push_back(std::move(row));
  }
}

// Google Benchmark's aggregate rows (mean, median, stddev, cv), computed
// over every timed batch of the target: the statistics results.json's
// "statistics" and the console show (the median row is the console's
// median). Needs two batches: one value has no spread.
void add_gbench_aggregates(const ExportedTarget& t, std::size_t index, json::array& out) {
  const auto& samples = t.sample_values;
  if (samples.size() < 2) return;
  std::vector<double> ns, cpu, bytes_rate, items_rate;
  bool all_cpu = true;
  for (const ExportedSample& s : samples) {
    ns.push_back(s.ns_per_op);
    if (s.cpu_ns_per_op >= 0)
      cpu.push_back(s.cpu_ns_per_op);
    else
      all_cpu = false;
    if (s.ns_per_op > 0) {
      bytes_rate.push_back(t.bytes_per_operation * 1e9 / s.ns_per_op);
      items_rate.push_back(t.items_per_operation * 1e9 / s.ns_per_op);
    }
  }
  const SampleStats wall = compute_sample_stats(ns);
  const SampleStats cpu_stats = compute_sample_stats(cpu);
  const SampleStats bytes = compute_sample_stats(bytes_rate);
  const SampleStats items = compute_sample_stats(items_rate);
  const auto pick = [](const SampleStats& st, std::string_view name) {
    if (name == "mean") return st.mean;
    if (name == "median") return st.median;
    if (name == "stddev") return st.stddev;
    return st.coefficient_of_variation;
  };
  for (const std::string_view name : {"mean", "median", "stddev", "cv"}) {
    json::object row =
        gbench_entry(t, index, "aggregate", t.repetitions.empty() ? 1 : t.repetitions.size());
    row["name"] = t.id + "_" + std::string(name);
    row["threads"] = t.threads;
    row["aggregate_name"] = name;
    row["aggregate_unit"] = name == "cv" ? "percentage" : "time";
    row["iterations"] = samples.size();
    row["real_time"] = finite_or_null(pick(wall, name));
    row["time_unit"] = "ns";
    if (t.bytes_per_operation > 0 && bytes.count)
      row["bytes_per_second"] = finite_or_null(pick(bytes, name));
    if (t.items_per_operation > 0 && items.count)
      row["items_per_second"] = finite_or_null(pick(items, name));
    // The plugin reports each metric once per target: its mean and median
    // are that value; its spread is unknown, so stddev and cv leave it out.
    if (name == "mean" || name == "median") add_plugin_metrics(t, row);
    set_cpu_time(row, all_cpu, all_cpu ? pick(cpu_stats, name) : 0);  // after the label
    out.push_back(std::move(row));
  }
}

}  // namespace

std::string gbench_json(const ExportView& view) {
  json::array benchmarks;
  std::size_t index = 0;
  for (const auto& t : view.targets) {
    if (!t.ok || t.repetitions.empty()) {
      benchmarks.push_back(gbench_not_measured(t, index++));
      continue;
    }
    add_gbench_repetitions(t, index, benchmarks);
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
                       {"library_build_type", view.build_type == "Debug" ? "debug" : "release"},
                       // Custom context (benchmark::AddCustomContext): which run this is.
                       {"cost_ops_run", view.run_name}};
  if (!view.source_commit.empty()) context["source_commit"] = view.source_commit;
  if (!view.source_branch.empty()) context["source_branch"] = view.source_branch;
  return to_pretty_json(json::object{{"context", std::move(context)}, {"benchmarks", benchmarks}});
}

std::string bencher_metric_format(const ExportView& view) {
  json::object out;
  for (const auto& t : view.targets) {
    if (!t.ok || !(t.median_ns > 0) || !std::isfinite(t.median_ns)) continue;
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
    if (!t.ok || !std::isfinite(t.median_ns)) continue;
    char range[64];
    std::snprintf(range, sizeof range, "± %.3f", (t.ci_high_ns - t.ci_low_ns) / 2);
    out.push_back(
        json::object{{"name", t.id},
                     {"unit", "ns"},
                     {"value", finite_or_null(t.median_ns)},
                     {"range", range},
                     {"extra", t.plugin + " " + t.plugin_version + "; median of " +
                                   std::to_string(t.samples) + " samples; run " + view.run_name}});
  }
  return to_pretty_json(out);
}

}  // namespace costops::host
