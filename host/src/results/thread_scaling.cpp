#include "costops/host/thread_scaling.hpp"

#include <algorithm>
#include <string_view>

namespace costops::host {

namespace {

// The name of a thread-count member, or "" when the id does not end with
// "_t<threads>" for its own count.
std::string family_name(const ThreadScalingInput& t) {
  const std::string suffix = "_t" + std::to_string(t.threads);
  const std::string_view id = t.target_id;
  if (id.size() <= suffix.size() || id.substr(id.size() - suffix.size()) != suffix) return {};
  return std::string(id.substr(0, id.size() - suffix.size()));
}

}  // namespace

std::vector<ThreadScaling> thread_scaling(const std::vector<ThreadScalingInput>& targets) {
  std::vector<ThreadScaling> groups;
  for (const ThreadScalingInput& t : targets) {
    if (!(t.median_ns > 0) || t.threads < 1) continue;
    const std::string name = family_name(t);
    if (name.empty()) continue;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const ThreadScaling& g) { return g.name == name; });
    if (group == groups.end()) group = groups.insert(groups.end(), ThreadScaling{name, {}});
    ThreadScalingPoint point;
    point.target_id = t.target_id;
    point.threads = t.threads;
    point.operations_per_second_per_thread = 1e9 / t.median_ns;
    point.operations_per_second = point.operations_per_second_per_thread * t.threads;
    group->points.push_back(point);
  }
  std::vector<ThreadScaling> scaling;
  for (ThreadScaling& g : groups) {
    std::sort(g.points.begin(), g.points.end(),
              [](const auto& a, const auto& b) { return a.threads < b.threads; });
    if (g.points.size() < 2) continue;
    const double base = g.points.front().operations_per_second_per_thread;
    for (ThreadScalingPoint& p : g.points)
      p.efficiency = p.operations_per_second / (p.threads * base);
    scaling.push_back(std::move(g));
  }
  return scaling;
}

}  // namespace costops::host
