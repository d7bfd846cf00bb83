// `cost-ops run` and `cost-ops plugins`: discover, probe, select, run and
// write, with the exit codes of docs/cli.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "costops/host/comparison.hpp"
#include "costops/host/progress_reporter.hpp"
#include "costops/host/target_measurement.hpp"

namespace costops::host {

inline constexpr int kExitOk = 0;
inline constexpr int kExitTargetNotOk = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRegression = 3;

struct PluginSelection {
  std::vector<std::string> plugin_dirs;  // explicit --plugin-dir values
  bool allow_insecure = false;
  std::string isolation = "process";  // "process" or "none"
  double probe_timeout_seconds = 10;
  double run_timeout_seconds = 120;
};

struct RunOptions {
  PluginSelection plugins;
  std::filesystem::path output_dir = "benchmarks/output";
  std::vector<std::string> target_ids;  // exact ids (--targets)
  std::string filter;                   // substring of ids (--filter)
  bool write_summary = true;
  bool list_only = false;
  MeasurementSettings measurement;
  // --rounds: the whole selection runs this many times, interleaved; each
  // target's samples are merged across rounds.
  std::uint32_t rounds = 1;
  Verbosity verbosity = Verbosity::normal;
  std::vector<std::string> command_line;
  // Baselines: a directory (or results.json), or a name saved earlier under
  // <output>/baselines/<name>/ with --save-baseline.
  std::string baseline;
  std::string save_baseline;
  ComparisonSettings comparison;
  bool fail_on_regression = true;  // --fail-on slower (default) / none
  std::filesystem::path history;   // --history FILE: append the run; "" = off
};

int run_suite(const RunOptions& options, const std::filesystem::path& host_executable);

int list_plugins(const PluginSelection& selection, bool as_json,
                 const std::filesystem::path& host_executable);

// `cost-ops compare BASE NEW`; format is text, markdown or json.
int compare_command(const std::string& base, const std::string& current,
                    const ComparisonSettings& settings, const std::string& format,
                    bool fail_on_regression);

// `cost-ops history TARGET --history FILE`.
int history_command(const std::filesystem::path& file, const std::string& target_id,
                    const ComparisonSettings& settings);

// `cost-ops aggregate DIR... -o OUT`.
int aggregate_command(const std::vector<std::string>& directories,
                      const std::filesystem::path& output);

int check_plugins(const PluginSelection& selection, const std::vector<std::string>& files,
                  const std::filesystem::path& host_executable);

}  // namespace costops::host
