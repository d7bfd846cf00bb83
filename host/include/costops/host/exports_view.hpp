// What every export format needs from results.json, read once
// (exports_view.cpp), and one writer per format (src/exports/<format>.cpp).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "costops/host/environment_info.hpp"

namespace costops::host {

struct ExportedRepetition {
  double median_ns = 0;  // of the repetition's samples (ns per operation)
  std::uint64_t iterations = 0;
};

struct ExportedTarget {
  std::string id, status, reason, description, plugin, plugin_version;
  bool ok = false;
  // Set when ok (from "statistics"): ns per operation.
  double median_ns = 0, mean_ns = 0, min_ns = 0, max_ns = 0, stddev_ns = 0;
  double ci_low_ns = 0, ci_high_ns = 0, cv = 0;
  std::uint64_t samples = 0, total_iterations = 0;
  double total_seconds = 0;
  double throughput_mb_per_sec = -1;  // -1: not declared
  std::uint32_t threads = 1;          // a threaded target's (ABI 1.4)
  std::vector<ExportedRepetition> repetitions;
  // Set by the JUnit writer's caller when a baseline comparison flags it.
  std::string regression;
};

struct ExportView {
  std::string timestamp, host_name, cpu_model, host_version, build_type;
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
