#include "costops/host/thread_scaling_section.hpp"

#include "costops/host/human_units.hpp"
#include "costops/host/thread_scaling.hpp"

namespace costops::host {

std::string thread_scaling_section(const SuiteReport& report) {
  std::vector<ThreadScalingInput> measured;
  for (const TargetResult& t : report.targets)
    if (t.status == TargetStatus::ok && t.measurement && t.stats.count > 0)
      measured.push_back({t.target_id, t.measurement->threads, t.stats.median});
  const std::vector<ThreadScaling> scaling = thread_scaling(measured);
  if (scaling.empty()) return {};
  std::string md =
      "## Thread scaling\n\nEach target run over a range of thread counts (run_thread on every "
      "thread at once), from its median time per operation: operations per second in aggregate "
      "and per thread, and the efficiency, aggregate / (threads × the per-thread figure of the "
      "smallest count). 100% is perfect scaling; more threads than cores cannot reach it.\n\n";
  for (const ThreadScaling& s : scaling) {
    md += "### " + s.name +
          "\n\n| Threads | Operations/sec | Per thread | Efficiency |\n|--:|--:|--:|--:|\n";
    for (const ThreadScalingPoint& p : s.points)
      md += "| " + std::to_string(p.threads) + " | " + human_rate(p.operations_per_second) + " | " +
            human_rate(p.operations_per_second_per_thread) + " | " +
            format_double("%.0f%%", 100 * p.efficiency) + " |\n";
    md += "\n";
  }
  return md;
}

}  // namespace costops::host
