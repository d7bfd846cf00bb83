// Everything `cost-ops run` (and `plugins`) is asked to do, parsed and
// validated once by the command line; the run's steps only read it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "costops/host/comparison.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/measurement.hpp"
#include "costops/host/progress_reporter.hpp"
#include "costops/host/run_provenance.hpp"
#include "costops/host/sandbox/sandbox_policy.hpp"
#include "costops/host/target_analysis.hpp"

namespace costops::host {

// Where plugin code runs: `process` (a child per probe and per target, the
// default) or `none` (in the host itself, for debugging only).
enum class IsolationMode { process, none };
std::string_view to_string(IsolationMode mode);

struct PluginSelection {
  std::vector<std::string> plugin_dirs;  // explicit --plugin-dir values
  bool allow_insecure = false;
  IsolationMode isolation = IsolationMode::process;
  double probe_timeout_seconds = 10;
  double run_timeout_seconds = 120;
  // --memory-limit, --max-processes, --file-size-limit, and what workers must
  // not see (the output directory): the worker sandbox (docs/isolation.md).
  sandbox::SandboxPolicy sandbox;
};

// How a comparison with a baseline gates: `slower` turns a regression into
// exit code 3, `none` only reports it.
enum class FailOn { slower, none };

struct GateOptions {
  ComparisonSettings comparison;
  FailOn fail_on = FailOn::slower;
};

struct RunOptions {
  PluginSelection plugins;
  std::filesystem::path output_dir = "benchmarks/output";
  // --run-name: what exports call the run (the JUnit suite and classnames,
  // gbench-json's context); "" = the output directory's name. Recorded in
  // results.json's settings.
  std::string run_name;
  std::vector<std::string> target_ids;  // exact ids (--targets)
  std::string filter;                   // substring of ids (--filter)
  bool write_summary = true;
  bool list_only = false;
  bool list_as_json = false;  // --list --json
  MeasurementSettings measurement;
  // --rounds: the whole selection runs this many times, interleaved; each
  // target's samples are merged across rounds.
  std::uint32_t rounds = 1;
  Verbosity verbosity = Verbosity::normal;
  // --noise-threshold: relative MAD above which a target is flagged noisy.
  double noisy_relative_mad = kNoisyRelativeMad;
  std::vector<std::string> command_line;
  // Where the run came from (--repository/--commit/--branch/--machine/--label,
  // else the working directory's checkout and CI variables); SuiteRun adds
  // the machine's host name, CPU and, unless given, its id.
  RunProvenance source;
  // Baselines: a directory (or results.json), or a name saved earlier under
  // <output>/baselines/<name>/ with --save-baseline.
  std::string baseline;
  std::string save_baseline;
  GateOptions gate;
  // --ab-baseline-plugin-dir: A/B mode (ab_rounds.hpp); "" = off.
  std::string ab_baseline_plugin_dir;
  // --ab-paired: the A/B mode inside one worker (paired_ab.hpp), with its
  // bounds per target and --ab-self-check; false = the process-level mode.
  bool ab_paired = false;
  bool ab_self_check = false;
  double ab_max_seconds = 2;
  std::uint32_t ab_max_processes = 10;
  // --history FILE or postgresql:// URL: append the run to the result store; "" = off.
  std::string history;
  // --store-timeout: the longest wait for the store (connect, statement, lock).
  // The default is result_store.hpp's kDefaultStoreTimeoutSeconds.
  double store_timeout_s = 30;
  // Written after the run (also after Ctrl-C, from the results.json written):
  // --export FORMAT=FILE, and <output>/report.html unless --no-report.
  std::vector<ExportRequest> exports;
  bool write_report = true;
};

}  // namespace costops::host
