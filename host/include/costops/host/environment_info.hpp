// The machine a run happened on, and what about it makes timings noisy.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "costops/host/sandbox/isolation_report.hpp"

namespace costops::host {

// One CPU cache as a benchmark tool reports it (Google Benchmark's context).
struct CpuCache {
  std::string type;  // "Data", "Instruction", "Unified"
  int level = 0;
  std::uint64_t size_bytes = 0;
  unsigned shared_by_cpus = 0;  // logical CPUs sharing it; 0 = not said
};

struct EnvironmentInfo {
  std::string host_name;
  std::string os;  // uname sysname + release + machine
  std::string cpu_model;
  unsigned logical_cpus = 0;
  double load_average_1m = -1;     // -1 when unknown
  std::string frequency_governor;  // "" when unreadable
  std::string virtualization;      // "none", a hypervisor/product name, or "unknown"
  std::string host_compiler;
  std::string host_build_type;
  std::string host_version;
  std::string git_commit;  // of the host's sources at build time, "" when unknown
  bool git_dirty = false;  // the host was built from a tree with uncommitted changes
  // Conditions that make timings less trustworthy, in words.
  std::vector<std::string> warnings;
  // Which sandbox layers held for the run's workers; set when the run's
  // files are written (mode "" until then: not reported).
  sandbox::IsolationReport isolation;
  // Said only by an imported tool's files (`cost-ops import`, Google
  // Benchmark's context): the CPU clock in MHz (0 = not said), its caches,
  // and the build type of the tool's library ("" = not said). Written to
  // results.json only when said.
  double cpu_mhz = 0;
  std::vector<CpuCache> cpu_caches;
  std::string tool_build_type;
};

EnvironmentInfo collect_environment();
// The conditions of `info` that make timings less trustworthy, in words:
// load above the CPUs, a frequency governor other than performance,
// virtualization, a host that is not an optimised build.
std::vector<std::string> environment_warnings(const EnvironmentInfo& info);
boost::json::object environment_to_json(const EnvironmentInfo& info);

}  // namespace costops::host
