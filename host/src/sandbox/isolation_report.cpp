#include "costops/host/sandbox/isolation_report.hpp"

#include <boost/json.hpp>

#include "costops/host/sandbox/isolation_layers.hpp"

namespace costops::host::sandbox {

namespace {

// Layers held by every worker of this process so far (all bits until the first).
std::uint32_t g_held_by_all = ~std::uint32_t{0};
std::uint64_t g_workers = 0;

}  // namespace

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
  return report;
}

boost::json::object isolation_to_json(const IsolationReport& report) {
  boost::json::object layers;
  for (const auto& [layer, name] : kLayerNames) layers[name] = (report.held & layer) != 0;
  boost::json::object o{
      {"mode", report.mode}, {"workers", report.workers}, {"layers", std::move(layers)}};
  if (report.mode == "process")
    o["limits"] = boost::json::object{{"memory_bytes", report.limits.memory_limit_bytes},
                                      {"processes", report.limits.max_processes},
                                      {"file_size_bytes", report.limits.file_size_limit_bytes}};
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
         "\n- Isolation layers missing: " + (missing.empty() ? "none" : missing) + "\n";
}

}  // namespace costops::host::sandbox
