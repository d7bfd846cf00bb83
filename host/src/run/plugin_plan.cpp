#include "costops/host/plugin_plan.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "costops/host/child_process.hpp"
#include "costops/host/files/host_key.hpp"
#include "costops/host/probe_cache.hpp"
#include "costops/host/sandbox/sandbox_policy.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

std::unique_ptr<TargetExecutor> make_executor(const PluginSelection& selection,
                                              const std::filesystem::path& host_executable) {
  // Probes are remembered per file only when made in a worker: an in-process
  // probe (debugging) should see the library as it is loaded now.
  if (selection.isolation == IsolationMode::none) return make_in_process_executor();
  // The host key signs what the host trusts later (journal, baselines, probe
  // cache): its directory and the probe cache's are covered in the worker
  // like the output directory, unless something the worker needs is inside.
  auto policy = selection.sandbox;
  auto needed_by_workers = plugin_search_path(selection.plugin_dirs, host_executable);
  needed_by_workers.push_back(host_executable);
  std::error_code ec;
  if (const auto tmp = std::filesystem::temp_directory_path(ec); !ec)
    needed_by_workers.push_back(tmp);
  const auto probe_cache = default_probe_cache_file();
  for (const auto& file : {default_host_key_file(), probe_cache})
    if (!file.empty()) sandbox::hide_directory(policy, file.parent_path(), needed_by_workers);
  return make_caching_executor(
      make_isolated_executor({host_executable.string(), selection.probe_timeout_seconds,
                              selection.run_timeout_seconds, std::move(policy)}),
      probe_cache, host_executable);
}

std::vector<DiscoveredFile> discover_plugins(const PluginSelection& selection,
                                             const std::filesystem::path& host_executable) {
  const auto dirs = plugin_search_path(selection.plugin_dirs, host_executable);
  if (dirs.empty())
    throw DiscoveryError(
        std::getenv("COST_OPS_PLUGIN_PATH") && running_privileged()
            ? "no plugin directory: COST_OPS_PLUGIN_PATH is ignored because cost-ops runs "
              "set-uid or set-gid; pass --plugin-dir DIR"
            : "no plugin directory: pass --plugin-dir DIR or set COST_OPS_PLUGIN_PATH");
  return discover_plugin_files(dirs, selection.allow_insecure);
}

std::vector<PluginProbe> probe_all(const std::vector<DiscoveredFile>& files,
                                   TargetExecutor& executor) {
  std::vector<PluginProbe> probes;
  for (const auto& file : files) {
    if (interrupt_requested()) {  // Ctrl-C: what was probed stands, the rest is named
      PluginProbe skipped;
      skipped.path = file.path.string();
      skipped.status = TargetStatus::not_run;
      skipped.reason = "not probed: the host was interrupted";
      probes.push_back(std::move(skipped));
      continue;
    }
    if (!file.refusal.empty()) {
      PluginProbe refused;
      refused.path = file.path.string();
      refused.status = TargetStatus::invalid;
      refused.reason = "refused: " + file.refusal;
      probes.push_back(std::move(refused));
      continue;
    }
    probes.push_back(executor.probe(file.path));
  }
  return probes;
}

namespace {

TargetResult duplicate_result(const TargetDescription& target, const PluginProbe& probe,
                              const PluginProbe& owner) {
  TargetResult dup;
  dup.target_id = target.id;
  dup.description = target.description;
  dup.status = TargetStatus::invalid;
  dup.reason = "duplicate target id: " + owner.path + " already offers " + target.id +
               "; the first one found runs. Rename one of them";
  dup.plugin = without_targets(probe);
  dup.timestamp = rfc3339_now();
  return dup;
}

}  // namespace

TargetPlan plan_targets(const std::vector<PluginProbe>& probes) {
  TargetPlan plan;
  std::map<std::string, const PluginProbe*> owner;
  for (const auto& probe : probes) {
    if (probe.status != TargetStatus::ok) continue;
    for (const auto& target : probe.targets) {
      const auto [it, inserted] = owner.emplace(target.id, &probe);
      if (inserted)
        plan.planned.push_back({target, &probe});
      else
        plan.duplicates.push_back(duplicate_result(target, probe, *it->second));
    }
  }
  return plan;
}

std::string select_targets(TargetPlan& plan, const std::vector<std::string>& ids,
                           const std::string& filter) {
  for (const auto& id : ids) {
    if (std::any_of(plan.planned.begin(), plan.planned.end(),
                    [&](const PlannedTarget& p) { return p.target.id == id; }))
      continue;
    std::string available;
    for (const auto& p : plan.planned) available += (available.empty() ? "" : ", ") + p.target.id;
    return "unknown target id \"" + id +
           "\" in --targets; available: " + (available.empty() ? "(none)" : available) +
           ". `cost-ops run --list` shows them";
  }
  const auto unselected = [&](const std::string& id) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) return true;
    return !filter.empty() && id.find(filter) == std::string::npos;
  };
  std::erase_if(plan.planned, [&](const PlannedTarget& p) { return unselected(p.target.id); });
  std::erase_if(plan.duplicates, [&](const TargetResult& d) { return unselected(d.target_id); });
  return {};
}

}  // namespace costops::host
