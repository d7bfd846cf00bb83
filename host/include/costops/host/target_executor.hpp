// Where plugin code runs. The isolated executor (the default) probes each
// library and runs each target in a fresh child process of the host binary
// (hidden subcommands `__probe` and `__run-target`); the in-process executor
// (--isolation none) loads plugins into the host itself, for debugging only:
// a crashing plugin then takes the host down with it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "costops/host/measurement.hpp"
#include "costops/host/paired_protocol.hpp"
#include "costops/host/plugin_probe.hpp"
#include "costops/host/sandbox/sandbox_policy.hpp"

namespace costops::host {

struct TargetOutcome {
  TargetStatus status = TargetStatus::failed;
  std::string reason;
  TargetMeasurement measurement;  // meaningful when status == ok
  std::string plugin_output;      // the child's stdout and stderr
};

// A paired A/B worker's result (worker/paired_measurement.hpp).
struct PairedOutcome {
  TargetStatus status = TargetStatus::failed;
  std::string reason;             // names the side that failed
  PairedMeasurement measurement;  // meaningful when status == ok
  std::string plugin_output;
};

class TargetExecutor {
 public:
  virtual ~TargetExecutor() = default;
  virtual PluginProbe probe(const std::filesystem::path& library) = 0;
  virtual TargetOutcome run(const std::filesystem::path& library, const std::string& target_id,
                            const MeasurementSettings& settings) = 0;
  // One target of two builds in one worker, batch by batch (`run
  // --ab-paired`). The two paths must be different files. The default says
  // the executor cannot (an executor that wraps another forwards it).
  virtual PairedOutcome run_paired(const std::filesystem::path& baseline_library,
                                   const std::filesystem::path& library,
                                   const std::string& target_id,
                                   const MeasurementSettings& settings);
};

struct IsolationSettings {
  // Absolute path of this binary. The worker is cost-ops-worker beside it, or
  // this binary re-executed when that is missing (worker_executable).
  std::string host_executable;
  double probe_timeout_seconds = 10;
  double run_timeout_seconds = 120;
  // Every worker runs in a sandbox with these limits (docs/isolation.md).
  sandbox::SandboxPolicy sandbox;
};

// The program a worker child runs: `cost-ops-worker` in the directory of
// `host_executable` when it is there, else `host_executable` itself (it
// takes the same hidden subcommands).
std::string worker_executable(const std::string& host_executable);

std::unique_ptr<TargetExecutor> make_isolated_executor(IsolationSettings settings);
std::unique_ptr<TargetExecutor> make_in_process_executor();

// Turns a finished measurement into a status and reason (shared by both
// executors so a failure reads the same whichever ran it).
TargetOutcome outcome_from_measurement(TargetMeasurement measurement);
PairedOutcome outcome_from_paired(PairedMeasurement measurement);

}  // namespace costops::host
