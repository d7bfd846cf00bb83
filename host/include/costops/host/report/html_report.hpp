// `cost-ops report` and the report.html `cost-ops run` writes: reads a run's
// results.json, compares it with a baseline, reads its targets' history,
// and writes one self-contained HTML page (report_html.hpp) atomically.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "costops/host/comparison.hpp"
#include "costops/host/results_file.hpp"

namespace costops::host {

struct ReportRequest {
  std::filesystem::path run;          // an output directory or its results.json
  std::optional<StoredRun> baseline;  // compared with when set
  std::string baseline_label;         // how the page names the baseline
  std::string history;                // a result store (file or PostgreSQL URL); "" = none
  ComparisonSettings comparison;      // threshold and alpha (comparison, history steps)
};

// The page of `request`. Throws ResultsFileError (the run cannot be read),
// HistoryError (nor the history), std::runtime_error (not a results file).
std::string html_report(const ReportRequest& request);

// html_report written to `file` atomically. Also throws FileWriteError.
void write_html_report(const ReportRequest& request, const std::filesystem::path& file);

}  // namespace costops::host
