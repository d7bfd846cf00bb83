// The files `cost-ops run` writes from its finished results.json, after the
// comparison and the history: each --export FORMAT=FILE (the code of
// `cost-ops export`) and <output>/report.html (the code of `cost-ops report`).
// Also after Ctrl-C: results.json then holds the finished targets and marks
// the others not_run, and the exports and the report say the same.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "costops/host/progress_reporter.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/run_options.hpp"

namespace costops::host {

// The run's result store as the report should read it: the run's own open
// connection (null: none), or why it could not be reached (then the report
// says so instead of connecting again).
struct RunHistoryStore {
  ResultStore* store = nullptr;
  std::string problem;
};

// Writes them (each failure reported through `progress`, the others still
// written) and announces the report's path. False when one failed.
// `baseline_label` names the baseline in the report (--baseline's NAME, or
// the A/B run's baseline side).
bool write_after_run_files(const std::filesystem::path& output_root, const RunOptions& options,
                           const std::optional<StoredRun>& baseline,
                           const std::string& baseline_label, ProgressReporter& progress,
                           const RunHistoryStore& history = {});

}  // namespace costops::host
