// The machine a run happened on, and what about it makes timings noisy.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "costops/host/sandbox/isolation_report.hpp"

namespace costops::host {

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
};

EnvironmentInfo collect_environment();
boost::json::object environment_to_json(const EnvironmentInfo& info);

}  // namespace costops::host
