#include "costops/host/suite_runner.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "costops/host/atomic_file.hpp"
#include "costops/host/build_info.hpp"
#include "costops/host/child_process.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/plugin_discovery.hpp"
#include "costops/host/result_aggregation.hpp"
#include "costops/host/result_files.hpp"
#include "costops/host/run_history.hpp"
#include "costops/host/target_executor.hpp"

namespace costops::host {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<TargetExecutor> make_executor(const PluginSelection& selection,
                                              const fs::path& host_executable) {
  if (selection.isolation == "none") return make_in_process_executor();
  return make_isolated_executor(
      {host_executable.string(), selection.probe_timeout_seconds, selection.run_timeout_seconds});
}

// Probes every discovered file; files refused before loading keep their reason.
std::vector<PluginProbe> probe_all(const std::vector<DiscoveredFile>& files,
                                   TargetExecutor& executor) {
  std::vector<PluginProbe> probes;
  for (const auto& file : files) {
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

struct PlannedTarget {
  TargetDescription target;
  const PluginProbe* plugin;
};

// Targets of all usable plugins, first occurrence of an id wins; later
// duplicates come back as invalid results.
void plan_targets(const std::vector<PluginProbe>& probes, std::vector<PlannedTarget>& planned,
                  std::vector<TargetResult>& duplicates) {
  std::map<std::string, const PluginProbe*> owner;
  for (const auto& probe : probes) {
    if (probe.status != TargetStatus::ok) continue;
    for (const auto& target : probe.targets) {
      const auto [it, inserted] = owner.emplace(target.id, &probe);
      if (inserted) {
        planned.push_back({target, &probe});
        continue;
      }
      TargetResult dup;
      dup.target_id = target.id;
      dup.description = target.description;
      dup.status = TargetStatus::invalid;
      dup.reason = "duplicate target id: " + it->second->path + " already offers " + target.id +
                   "; the first one found runs. Rename one of them";
      dup.plugin = probe;
      dup.timestamp = rfc3339_now();
      duplicates.push_back(std::move(dup));
    }
  }
}

bool selected(const RunOptions& options, const std::string& id) {
  if (!options.target_ids.empty() && std::find(options.target_ids.begin(), options.target_ids.end(),
                                               id) == options.target_ids.end())
    return false;
  return options.filter.empty() || id.find(options.filter) != std::string::npos;
}

boost::json::object settings_json(const RunOptions& o) {
  return {{"warmup_time_s", o.measurement.warmup_seconds},
          {"min_time_s", o.measurement.min_time_seconds},
          {"min_samples", o.measurement.min_samples},
          {"repetitions", o.measurement.repetitions},
          {"rounds", o.rounds},
          {"isolation", o.plugins.isolation},
          {"timeout_s", o.plugins.run_timeout_seconds},
          {"probe_timeout_s", o.plugins.probe_timeout_seconds},
          {"filter", o.filter}};
}

std::vector<DiscoveredFile> discover(const PluginSelection& selection,
                                     const fs::path& host_executable) {
  const auto dirs = plugin_search_path(selection.plugin_dirs, host_executable);
  if (dirs.empty())
    throw DiscoveryError(
        std::getenv("COST_OPS_PLUGIN_PATH") && running_privileged()
            ? "no plugin directory: COST_OPS_PLUGIN_PATH is ignored because cost-ops runs "
              "set-uid or set-gid; pass --plugin-dir DIR"
            : "no plugin directory: pass --plugin-dir DIR or set COST_OPS_PLUGIN_PATH");
  return discover_plugin_files(dirs, selection.allow_insecure);
}

// Round 1 of one target: run it, finalize and report it.
TargetResult run_first_round(const PlannedTarget& p, std::size_t index, std::size_t total,
                             const RunOptions& options, TargetExecutor& executor,
                             ProgressReporter& progress) {
  TargetResult result;
  result.target_id = p.target.id;
  result.description = p.target.description;
  result.plugin = *p.plugin;
  result.plugin.targets.clear();
  if (interrupt_requested()) {
    result.status = TargetStatus::not_run;
    result.reason = "not run: the host was interrupted";
    return result;
  }
  progress.target_started(p.target.id, index, total);
  TargetOutcome outcome = executor.run(p.plugin->path, p.target.id, options.measurement);
  result.status = outcome.status;
  result.reason = outcome.reason;
  result.plugin_output = std::move(outcome.plugin_output);
  if (outcome.status == TargetStatus::ok) result.measurement = std::move(outcome.measurement);
  result.timestamp = rfc3339_now();
  finalize_target_result(result);
  progress.target_finished(result);
  if (!result.plugin_output.empty())
    progress.detail("  output of " + result.target_id + ":\n" + result.plugin_output);
  return result;
}

// A later round (--rounds) of a target that is still ok: run it again with
// round 1's batch size and merge the samples, or record how it failed.
void run_later_round(TargetResult& result, const PlannedTarget& p, std::size_t index,
                     std::size_t total, std::uint32_t round, const RunOptions& options,
                     TargetExecutor& executor, ProgressReporter& progress) {
  MeasurementSettings again = options.measurement;
  again.fixed_batch_iterations = result.measurement->batch_iterations;
  progress.target_started(result.target_id, index, total);
  TargetOutcome outcome = executor.run(p.plugin->path, result.target_id, again);
  if (outcome.status == TargetStatus::ok) {
    merge_round(*result.measurement, std::move(outcome.measurement));
  } else if (outcome.status == TargetStatus::not_run && interrupt_requested()) {
    return;  // Ctrl-C: the rounds that finished stand
  } else {
    result.status = outcome.status;
    result.reason = "in round " + std::to_string(round) + ": " + outcome.reason;
    result.measurement.reset();
  }
  if (!outcome.plugin_output.empty()) result.plugin_output += outcome.plugin_output;
  result.timestamp = rfc3339_now();
  finalize_target_result(result);
  progress.target_finished(result);
}

}  // namespace

int run_suite(const RunOptions& options, const fs::path& host_executable) {
  ProgressReporter progress(options.verbosity);
  std::vector<DiscoveredFile> files;
  try {
    files = discover(options.plugins, host_executable);
  } catch (const DiscoveryError& e) {
    progress.error(e.what());
    return kExitUsage;
  }
  auto executor = make_executor(options.plugins, host_executable);

  SuiteReport report;
  report.host_version = kHostVersion;
  report.started_at = rfc3339_now();
  report.command_line = options.command_line;
  report.settings = settings_json(options);
  report.plugin_files = probe_all(files, *executor);
  for (const auto& probe : report.plugin_files)
    if (probe.status != TargetStatus::ok)
      progress.warning("plugin " + probe.path + " is " + std::string(to_string(probe.status)) +
                       ": " + probe.reason);

  std::vector<PlannedTarget> planned;
  std::vector<TargetResult> duplicates;
  plan_targets(report.plugin_files, planned, duplicates);

  for (const auto& id : options.target_ids) {
    if (std::none_of(planned.begin(), planned.end(),
                     [&](const PlannedTarget& p) { return p.target.id == id; })) {
      std::string available;
      for (const auto& p : planned) available += (available.empty() ? "" : ", ") + p.target.id;
      progress.error("unknown target id \"" + id +
                     "\" in --targets; available: " + (available.empty() ? "(none)" : available) +
                     ". `cost-ops run --list` shows them");
      return kExitUsage;
    }
  }
  std::erase_if(planned, [&](const PlannedTarget& p) { return !selected(options, p.target.id); });
  std::erase_if(duplicates, [&](const TargetResult& d) { return !selected(options, d.target_id); });

  if (options.list_only) {
    for (const auto& p : planned)
      std::cout << p.target.id << "\t" << p.plugin->name << " " << p.plugin->version << "\t"
                << p.plugin->path << "\t" << p.target.description << "\n";
    return kExitOk;
  }
  if (planned.empty()) {
    progress.error(files.empty() ? "no plugin files (*.so) found in the plugin directories"
                                 : "no target matches the selection; `cost-ops run --list` "
                                   "shows what is available");
    return kExitUsage;
  }

  std::optional<OutputDirectory> output;
  try {
    output.emplace(options.output_dir);
  } catch (const FileWriteError& e) {
    progress.error(e.what());
    return kExitUsage;
  }
  report.environment = collect_environment();
  for (const auto& w : report.environment.warnings) progress.warning(w);

  bool write_failed = false;
  auto save = [&](const TargetResult* finished) {
    try {
      if (finished && finished->status == TargetStatus::ok) output->write_raw_record(*finished);
      if (finished && finished->status != TargetStatus::ok)
        output->remove_raw_record(finished->target_id);
      output->write_suite_files(report, options.write_summary);
    } catch (const FileWriteError& e) {
      progress.error(e.what());
      write_failed = true;
    }
  };

  // The baseline is read before anything runs: a bad one is a usage error,
  // not a surprise after minutes of measuring.
  std::optional<StoredRun> baseline;
  if (!options.baseline.empty()) {
    std::error_code ec;
    const fs::path named = output->root() / "baselines" / options.baseline;
    const fs::path where = fs::exists(options.baseline, ec) ? fs::path(options.baseline) : named;
    try {
      baseline = load_stored_run(where);
    } catch (const ResultsFileError& e) {
      progress.error(std::string("baseline: ") + e.what());
      return kExitUsage;
    }
    report.baseline_name = options.baseline;
  }

  // Round 1 runs every target and writes its files as it finishes. Each later
  // round (--rounds) runs the targets still ok again, in order, in a fresh
  // process with the batch size round 1 calibrated, merges the samples and
  // rewrites the files: targets compared side by side see the same drift.
  const std::uint32_t rounds = std::max(1u, options.rounds);
  for (std::size_t i = 0; i < planned.size(); ++i) {
    report.targets.push_back(
        run_first_round(planned[i], i, planned.size(), options, *executor, progress));
    save(&report.targets.back());
  }
  for (std::uint32_t round = 2; round <= rounds && !interrupt_requested(); ++round) {
    progress.info("Round " + std::to_string(round) + " of " + std::to_string(rounds));
    for (std::size_t i = 0; i < planned.size() && !interrupt_requested(); ++i) {
      TargetResult& result = report.targets[i];
      if (result.status != TargetStatus::ok) continue;
      run_later_round(result, planned[i], i, planned.size(), round, options, *executor, progress);
      save(&result);
    }
  }
  if (rounds > 1 && interrupt_requested())
    progress.warning("interrupted before round " + std::to_string(rounds) +
                     " ended: each finished target keeps the samples of the rounds it completed");
  for (auto& duplicate : duplicates) report.targets.push_back(std::move(duplicate));
  save(nullptr);  // the final state, including targets marked not_run

  bool regression = false;
  if (baseline) {
    try {
      const StoredRun current = load_stored_run(output->root() / "results.json");
      const RunComparison comparison = compare_runs(*baseline, current, options.comparison);
      regression = comparison.has_regression();
      report.baseline_comparison = comparison_markdown(comparison);
      progress.info("Compared with baseline " + options.baseline + ":\n" +
                    comparison_text(comparison));
      save(nullptr);
    } catch (const ResultsFileError& e) {
      progress.error(e.what());
      write_failed = true;
    }
  }
  if (!options.save_baseline.empty()) {
    try {
      const fs::path dir = output->root() / "baselines" / options.save_baseline;
      std::error_code ec;
      fs::create_directories(dir, ec);
      std::ifstream in(output->root() / "results.json", std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      write_file_atomically(dir / "results.json", text.str());
      progress.info("Saved baseline " + options.save_baseline + " in " + dir.string());
    } catch (const FileWriteError& e) {
      progress.error(e.what());
      write_failed = true;
    }
  }

  progress.info("Results: " + (output->root() / "results.json").string() +
                (options.write_summary ? ", " + (output->root() / "summary.md").string() : "") +
                ", " + (output->root() / "raw").string() + "/");
  if (!options.history.empty()) {
    try {
      RunHistory history(options.history);
      const std::int64_t run_id = history.append(report);
      progress.info("Recorded as run " + std::to_string(run_id) + " in " +
                    options.history.string());
    } catch (const HistoryError& e) {
      progress.error(e.what());
      write_failed = true;
    }
  }
  if (write_failed) return kExitUsage;
  if (regression && options.fail_on_regression) return kExitRegression;
  const bool all_ok =
      std::all_of(report.targets.begin(), report.targets.end(),
                  [](const TargetResult& t) { return t.status == TargetStatus::ok; }) &&
      std::all_of(report.plugin_files.begin(), report.plugin_files.end(),
                  [](const PluginProbe& p) { return p.status == TargetStatus::ok; });
  return all_ok && !interrupt_requested() ? kExitOk : kExitTargetNotOk;
}

int list_plugins(const PluginSelection& selection, bool as_json, const fs::path& host_executable) {
  ProgressReporter progress(Verbosity::normal);
  std::vector<DiscoveredFile> files;
  try {
    files = discover(selection, host_executable);
  } catch (const DiscoveryError& e) {
    progress.error(e.what());
    return kExitUsage;
  }
  auto executor = make_executor(selection, host_executable);
  const auto probes = probe_all(files, *executor);
  if (as_json) {
    SuiteReport report;
    report.plugin_files = probes;
    std::cout << to_pretty_json(results_json(report).at("plugins"));
  } else {
    for (const auto& p : probes) {
      std::cout << p.path << "\n  status: " << to_string(p.status);
      if (!p.reason.empty()) std::cout << " — " << p.reason;
      std::cout << "\n";
      if (p.status != TargetStatus::ok) continue;
      std::cout << "  plugin: " << p.name << " " << p.version << " (ABI " << p.abi_major << "."
                << p.abi_minor << (p.build_info.empty() ? "" : ", " + p.build_info) << ")\n";
      for (const auto& t : p.targets)
        std::cout << "  target: " << t.id << " — " << t.description << "\n";
    }
  }
  return std::all_of(probes.begin(), probes.end(),
                     [](const PluginProbe& p) { return p.status == TargetStatus::ok; })
             ? kExitOk
             : kExitTargetNotOk;
}

int compare_command(const std::string& base, const std::string& current,
                    const ComparisonSettings& settings, const std::string& format,
                    bool fail_on_regression) {
  RunComparison comparison;
  try {
    comparison = compare_runs(load_stored_run(base), load_stored_run(current), settings);
  } catch (const ResultsFileError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  if (format == "json")
    std::cout << comparison_json(comparison);
  else if (format == "markdown")
    std::cout << comparison_markdown(comparison);
  else
    std::cout << comparison_text(comparison);
  return comparison.has_regression() && fail_on_regression ? kExitRegression : kExitOk;
}

int history_command(const fs::path& file, const std::string& target_id,
                    const ComparisonSettings& settings) {
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    std::cerr << "error: history database " << file.string() << " does not exist; record runs with "
              << "`cost-ops run --history " << file.string() << "`\n";
    return kExitUsage;
  }
  try {
    RunHistory history(file);
    const auto entries = history.entries(target_id);
    std::cout << history_text(target_id, entries, settings);
    return entries.empty() ? kExitUsage : kExitOk;
  } catch (const HistoryError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
}

int aggregate_command(const std::vector<std::string>& directories, const fs::path& output) {
  AggregateReport report;
  std::set<std::string> names;
  for (const auto& dir : directories) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      std::cerr << "error: " << dir << " is not a directory\n";
      return kExitUsage;
    }
    SourceRecords source = read_source(fs::weakly_canonical(dir, ec));
    std::string name = source.name.empty() ? "source" : source.name;
    for (int n = 2; !names.insert(name).second; ++n) name = source.name + "_" + std::to_string(n);
    source.name = name;
    for (const auto& refused : source.refused)
      std::cerr << "refused: " << refused.file.string() << ": " << refused.reason << "\n";
    report.sources.push_back(std::move(source));
  }
  try {
    std::error_code ec;
    fs::create_directories(output, ec);
    write_file_atomically(output / "results.json", aggregate_results_json(report));
    write_file_atomically(output / "summary.md", aggregate_summary_markdown(report));
  } catch (const FileWriteError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  std::cerr << "Aggregated " << report.sources.size() << " sources into "
            << (output / "results.json").string() << " and " << (output / "summary.md").string()
            << "\n";
  const bool any_refused = std::any_of(report.sources.begin(), report.sources.end(),
                                       [](const SourceRecords& s) { return !s.refused.empty(); });
  return any_refused ? kExitTargetNotOk : kExitOk;
}

int check_plugins(const PluginSelection& selection, const std::vector<std::string>& files,
                  const fs::path& host_executable) {
  auto executor = make_executor(selection, host_executable);
  bool all_ok = true;
  for (const auto& name : files) {
    std::error_code ec;
    const fs::path path = fs::canonical(name, ec);
    if (ec) {
      std::cout << name << ": invalid — the file does not exist\n";
      all_ok = false;
      continue;
    }
    PluginProbe probe;
    if (const std::string insecure =
            selection.allow_insecure ? "" : insecure_permission_reason(path);
        !insecure.empty()) {
      probe.status = TargetStatus::invalid;
      probe.reason = "refused: " + insecure;
    } else {
      probe = executor->probe(path);
    }
    std::cout << path.string() << ": " << to_string(probe.status);
    if (!probe.reason.empty()) std::cout << " — " << probe.reason;
    std::cout << "\n";
    if (probe.status == TargetStatus::ok) {
      std::cout << "  plugin " << probe.name << " " << probe.version << ", ABI " << probe.abi_major
                << "." << probe.abi_minor << ", " << probe.targets.size() << " target(s): ";
      for (std::size_t i = 0; i < probe.targets.size(); ++i)
        std::cout << (i ? ", " : "") << probe.targets[i].id;
      std::cout << "\n";
    }
    all_ok = all_ok && probe.status == TargetStatus::ok;
  }
  return all_ok ? kExitOk : kExitTargetNotOk;
}

}  // namespace costops::host
