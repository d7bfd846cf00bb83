#include "costops/host/sandbox/isolation_report.hpp"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "costops/host/sandbox/isolation_layers.hpp"

namespace costops::host::sandbox {

namespace {

// Layers held by every worker of this process so far (all bits until the first).
std::uint32_t g_held_by_all = ~std::uint32_t{0};
std::uint64_t g_workers = 0;

bool is_cgroup2(const char* path) {
  struct statfs info {};
  return ::statfs(path, &info) == 0 && info.f_type == CGROUP2_SUPER_MAGIC;
}

std::string controllers_of(const char* hierarchy) {
  std::ifstream file(std::string(hierarchy) + "/cgroup.controllers");
  std::string controllers;
  std::getline(file, controllers);
  return controllers;
}

}  // namespace

// The host creates no cgroup for its workers (docs/isolation.md); this says
// why a per-worker memory.max, pids.max and memory.peak are missing here.
std::string cgroup_status() {
  if (is_cgroup2("/sys/fs/cgroup"))
    return "not used: the host creates no cgroup v2 leaf per worker (memory is limited by "
           "address space, processes by RLIMIT_NPROC)";
  if (is_cgroup2("/sys/fs/cgroup/unified")) {
    const std::string controllers = controllers_of("/sys/fs/cgroup/unified");
    return "not available: this machine mounts cgroup v1 (hybrid; the cgroup v2 hierarchy at "
           "/sys/fs/cgroup/unified has " +
           (controllers.empty() ? std::string("no controller") : "only " + controllers) +
           "), so no cgroup v2 leaf with memory.max, pids.max or memory.peak can be made";
  }
  return "not available: this machine has no cgroup v2 hierarchy at /sys/fs/cgroup, so no "
         "cgroup v2 leaf with memory.max, pids.max or memory.peak can be made";
}

void record_worker_layers(std::uint32_t held) {
  g_held_by_all &= held;
  ++g_workers;
}

IsolationReport isolation_report(bool isolated, const SandboxPolicy& limits) {
  IsolationReport report;
  report.mode = isolated ? "process" : "none";
  report.workers = isolated ? g_workers : 0;
  report.held = isolated && g_workers > 0 ? g_held_by_all : 0;
  report.limits = limits;
  report.limits.hidden_paths.clear();
  if (isolated) {
    static const std::string cgroup = cgroup_status();
    report.cgroup = cgroup;
  }
  return report;
}

boost::json::object isolation_to_json(const IsolationReport& report) {
  boost::json::object layers;
  for (const auto& [layer, name] : kLayerNames) layers[name] = (report.held & layer) != 0;
  boost::json::object o{
      {"mode", report.mode}, {"workers", report.workers}, {"layers", std::move(layers)}};
  if (report.mode == "process") {
    o["limits"] = boost::json::object{{"memory_bytes", report.limits.memory_limit_bytes},
                                      {"processes", report.limits.max_processes},
                                      {"file_size_bytes", report.limits.file_size_limit_bytes}};
    if (!report.cgroup.empty()) o["cgroup"] = report.cgroup;
  }
  return o;
}

std::string isolation_markdown(const IsolationReport& report) {
  if (report.mode.empty()) return {};
  if (report.mode == "none")
    return "- Isolation: none (--isolation none): plugins ran inside the host, no sandbox\n";
  if (report.workers == 0) return "- Isolation: process (no worker was started)\n";
  std::string held, missing;
  for (const auto& [layer, name] : kLayerNames)
    ((report.held & layer) ? held : missing) += (std::string(name) + ", ");
  for (std::string* list : {&held, &missing})
    if (!list->empty()) list->resize(list->size() - 2);
  return "- Isolation: process; layers that held for all " + std::to_string(report.workers) +
         " workers: " + (held.empty() ? "none" : held) +
         "\n- Isolation layers missing: " + (missing.empty() ? "none" : missing) + "\n" +
         (report.cgroup.empty() ? "" : "- Isolation cgroup: " + report.cgroup + "\n");
}

}  // namespace costops::host::sandbox
