// `cost-ops run`: plan, run the rounds, compare with a baseline, save a
// baseline, record history, decide the exit code. Each step is a small
// function of SuiteRun (suite_run.cpp); the executor is injected, so the
// whole sequence is unit-tested with a fake one, without processes.
#pragma once

#include <filesystem>

#include "costops/host/progress_reporter.hpp"
#include "costops/host/run_options.hpp"
#include "costops/host/target_executor.hpp"

namespace costops::host {

// Runs the suite and returns the exit code (exit_codes.hpp). Plugins are
// discovered from options.plugins (host_executable locates the installed
// plugin directory); every probe and target goes through `executor`.
int run_suite(const RunOptions& options, const std::filesystem::path& host_executable,
              TargetExecutor& executor, ProgressReporter& progress);

}  // namespace costops::host
