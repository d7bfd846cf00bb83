// What every export format needs from results.json, read once
// (exports_view.cpp), and one writer per format (src/exports/<format>.cpp).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "costops/host/environment_info.hpp"

namespace costops::host {

struct ExportedRepetition {
  double median_ns = 0;       // of the repetition's samples (ns per operation)
  double median_cpu_ns = -1;  // likewise of their CPU time; -1: not measured
  std::uint64_t iterations = 0;
};

// One timed batch (results.json "samples"): what Google Benchmark's
// aggregates are computed over.
struct ExportedSample {
  double ns_per_op = 0;
  double cpu_ns_per_op = -1;  // -1: CPU time not measured for this batch
  std::uint64_t iterations = 0;
  std::uint64_t repetition = 0;
};

struct ExportedTarget {
  std::string id, status, reason, description, plugin, plugin_version;
  bool ok = false;
  // Neither ok nor skipped/not_run: failed, crashed, timed_out, incompatible,
  // invalid. Every format shows these as errors (or says it left them out).
  bool broken() const { return !ok && status != "skipped" && status != "not_run"; }
  // Set when ok (from "statistics"): ns per operation.
  double median_ns = 0, mean_ns = 0, min_ns = 0, max_ns = 0, stddev_ns = 0;
  double ci_low_ns = 0, ci_high_ns = 0, cv = 0;
  std::uint64_t samples = 0, total_iterations = 0;
  double total_seconds = 0;
  double throughput_mb_per_sec = -1;  // -1: not declared
  std::uint32_t threads = 1;          // a threaded target's (ABI 1.4)
  double cpu_time_per_op_ns = -1;     // statistics.cpu_time_per_op_ns; -1: not measured
  // Declared work per operation (0: not declared), for bytes/items per second.
  double bytes_per_operation = 0, items_per_operation = 0;
  // The plugin's own metrics (report_metric_number / _string), not the
  // host's: numbers become Google Benchmark user counters.
  std::map<std::string, double> plugin_numbers;
  std::map<std::string, std::string> plugin_texts;
  std::vector<ExportedRepetition> repetitions;
  std::vector<ExportedSample> sample_values;
  std::vector<std::string> flags;  // results.json "flags": "uses_threads", "does_io"
  // Set by the JUnit writer's caller when a baseline comparison flags it.
  std::string regression;
};

struct ExportView {
  // The run's name: results.json's settings.run_name (`run --run-name`, else
  // the output directory's name), else the caller's. The JUnit suite and
  // classname prefix, so the reports of two runs merged by a CI server stay apart.
  std::string run_name;
  std::string timestamp, host_name, cpu_model, host_version, build_type;
  std::string source_commit, source_branch;  // results.json "source", when recorded
  unsigned logical_cpus = 0;
  double load_average = 0;
  // An imported run's (environment.cpu_mhz, cpu_caches): 0 / empty when not said.
  double cpu_mhz = 0;
  std::vector<CpuCache> cpu_caches;
  std::vector<ExportedTarget> targets;
};

// Throws std::runtime_error naming what is missing.
ExportView read_export_view(const boost::json::value& results);

std::string gbench_json(const ExportView& view);
std::string bencher_metric_format(const ExportView& view);
std::string github_action_benchmark(const ExportView& view);
std::string junit_xml(const ExportView& view);
std::string csv(const ExportView& view);

}  // namespace costops::host
