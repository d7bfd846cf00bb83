// From plugin directories to the list of targets to run: discover the files,
// probe each through the executor, keep one owner per target id, apply the
// selection. Shared by `run` and `plugins`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "costops/host/plugin_discovery.hpp"
#include "costops/host/run_options.hpp"
#include "costops/host/suite_report.hpp"
#include "costops/host/target_executor.hpp"

namespace costops::host {

// The executor the selection asks for (isolated child processes, or in-process).
std::unique_ptr<TargetExecutor> make_executor(const PluginSelection& selection,
                                              const std::filesystem::path& host_executable);

// Plugin files of the search path. Throws DiscoveryError (no directory, an
// unreadable one) with what to do.
std::vector<DiscoveredFile> discover_plugins(const PluginSelection& selection,
                                             const std::filesystem::path& host_executable);

// Probes every file; files refused before loading keep their reason.
std::vector<PluginProbe> probe_all(const std::vector<DiscoveredFile>& files,
                                   TargetExecutor& executor);

struct PlannedTarget {
  TargetDescription target;
  const PluginProbe* plugin;  // points into the probes the plan was made from
};

struct TargetPlan {
  std::vector<PlannedTarget> planned;    // in discovery order, ids unique
  std::vector<TargetResult> duplicates;  // later offers of a taken id, as invalid results
};

// Targets of all usable plugins; the first occurrence of an id wins.
TargetPlan plan_targets(const std::vector<PluginProbe>& probes);

// Keeps only the targets named by `ids` (exact, when not empty) and
// containing `filter`. Returns an error naming an unknown id in `ids` and
// the ids available, or "" when every id exists.
std::string select_targets(TargetPlan& plan, const std::vector<std::string>& ids,
                           const std::string& filter);

}  // namespace costops::host
