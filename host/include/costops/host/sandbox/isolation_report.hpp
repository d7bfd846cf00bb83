// Which sandbox layers held, for the run's files: every isolated worker
// reports its layers to the host (the plugin cannot forge that report: it is
// written before the worker program starts), and the run records the layers
// that held for all of them (results.json environment.isolation, the
// Environment section of summary.md).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "costops/host/sandbox/sandbox_policy.hpp"

namespace costops::host::sandbox {

struct IsolationReport {
  std::string mode;           // "process" or "none" (no sandbox at all); "" = not recorded
  std::uint32_t held = 0;     // Layer bits that held for every worker
  std::uint64_t workers = 0;  // worker processes started
  SandboxPolicy limits;       // what was asked (hidden_paths is not reported)
  std::string cgroup;         // cgroup_status(), for an isolated run
};

// Whether a cgroup v2 leaf per worker is possible here and used: the host
// creates none, and on a cgroup v1 (or hybrid) machine none could be made;
// said plainly in results.json (environment.isolation.cgroup) and summary.md.
std::string cgroup_status();

// Called by the isolated executor for each worker it started.
void record_worker_layers(std::uint32_t held);

// The report of this process's workers so far. `isolated` false: --isolation
// none, where no layer applies.
IsolationReport isolation_report(bool isolated, const SandboxPolicy& limits);

boost::json::object isolation_to_json(const IsolationReport& report);

// "- Isolation: ..." lines for summary.md's Environment section ("" when not recorded).
std::string isolation_markdown(const IsolationReport& report);

}  // namespace costops::host::sandbox
