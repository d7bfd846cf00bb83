#include "costops/host/ab_rounds.hpp"

#include <map>
#include <random>

#include "costops/host/child_process.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/target_rounds.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace {

// Unique enough to tell two A/B invocations apart: time and randomness.
std::string new_pairing_id() {
  std::random_device entropy;
  const auto random = (static_cast<std::uint64_t>(entropy()) << 32) | entropy();
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random));
  return rfc3339_now() + "-" + suffix;
}

}  // namespace

std::string plan_ab_baseline(const RunOptions& options,
                             const std::filesystem::path& host_executable,
                             const TargetPlan& new_plan, SuiteReport& new_report,
                             TargetExecutor& executor, AbBaseline& baseline) {
  PluginSelection selection = options.plugins;
  selection.plugin_dirs = {options.ab_baseline_plugin_dir};
  std::vector<DiscoveredFile> files;
  try {
    files = discover_plugins(selection, host_executable);
  } catch (const DiscoveryError& e) {
    return std::string("--ab-baseline-plugin-dir: ") + e.what();
  }
  baseline.report.plugin_files = probe_all(files, executor);
  const TargetPlan offered = plan_targets(baseline.report.plugin_files);
  std::map<std::string, PlannedTarget> by_id;
  for (const PlannedTarget& p : offered.planned) by_id.emplace(p.target.id, p);
  for (const PlannedTarget& p : new_plan.planned) {
    const auto it = by_id.find(p.target.id);
    if (it == by_id.end())
      return "target " + p.target.id + " is not offered by any plugin in the A/B baseline " +
             "directory " + options.ab_baseline_plugin_dir +
             "; select only targets both builds have (--targets, --filter)";
    baseline.plan.planned.push_back(it->second);
  }
  baseline.report.host_version = new_report.host_version;
  baseline.report.started_at = new_report.started_at;
  baseline.report.command_line = new_report.command_line;
  const std::string pairing = new_pairing_id();
  new_report.settings[results_key::settings_ab_pairing] = pairing;
  new_report.settings["ab_role"] = "new";
  baseline.report.settings = new_report.settings;
  baseline.report.settings["ab_role"] = "baseline";
  // Its own name, so the two sides' exports stay apart when merged.
  if (const auto* name = new_report.settings.if_contains("run_name"); name && name->is_string())
    baseline.report.settings["run_name"] = std::string(name->get_string()) + "-ab-baseline";
  return {};
}

namespace {

// One side's round of target i: the first round measures and calibrates,
// later ones reuse the batch size and merge.
void run_side(const RoundRunner& runner, std::vector<TargetResult>& results,
              const PlannedTarget& target, TargetPosition position) {
  if (position.round == 1)
    results.push_back(run_first_round(runner, target, position));
  else
    run_later_round(runner, results[position.index], target, position);
}

}  // namespace

void run_ab_rounds(const RunOptions& options, const TargetPlan& new_plan,
                   std::vector<TargetResult>& new_results, AbBaseline& baseline,
                   TargetExecutor& executor, ProgressReporter& progress,
                   const std::function<void(const TargetResult&)>& save_new) {
  const std::size_t total = new_plan.planned.size();
  const std::uint32_t rounds = std::max(1u, options.rounds);
  std::vector<TargetResult>& old_results = baseline.report.targets;
  const RoundRunner old_side{executor, progress, options.measurement, options.noisy_relative_mad,
                             "old"};
  const RoundRunner new_side{executor, progress, options.measurement, options.noisy_relative_mad,
                             "new"};
  progress.run_started(2 * total * rounds);
  for (std::uint32_t round = 1; round <= rounds; ++round) {
    if (round > 1 && interrupt_requested()) break;
    if (round > 1)
      progress.info("A/B round " + std::to_string(round) + " of " + std::to_string(rounds));
    for (std::size_t i = 0; i < total; ++i) {
      if (round > 1 && (interrupt_requested() || old_results[i].status != TargetStatus::ok ||
                        new_results[i].status != TargetStatus::ok))
        continue;
      const TargetPosition position{i, total, round};
      const bool baseline_first = (round + i) % 2 == 1;  // AB, BA, AB, ...
      for (int side = 0; side < 2; ++side) {
        if ((side == 0) == baseline_first)
          run_side(old_side, old_results, baseline.plan.planned[i], position);
        else
          run_side(new_side, new_results, new_plan.planned[i], position);
      }
      save_new(new_results[i]);
    }
  }
}

}  // namespace costops::host
