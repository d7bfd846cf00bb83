// `cost-ops report` and the report.html `cost-ops run` writes: reads a run's
// results.json, compares it with a baseline, reads its targets' history,
// and writes one self-contained HTML page (report_html.hpp) atomically.
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "costops/host/comparison.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/results_file.hpp"

namespace costops::host {

struct ReportRequest {
  std::filesystem::path run;          // an output directory or its results.json
  std::optional<StoredRun> baseline;  // compared with when set
  std::string baseline_label;         // how the page names the baseline
  std::string history;                // a result store (file or PostgreSQL URL); "" = none
  ComparisonSettings comparison;      // threshold and alpha (comparison, history steps)
  // The store already open (the run's own connection), read instead of
  // opening `history` again; null = open it.
  ResultStore* history_store = nullptr;
  // Why the store cannot be read (the run could not reach it): the page says
  // so instead of trying again. A store that fails while the page is made
  // is a note too: the history never prevents the report.
  std::string history_problem{};
  HistoryFilter history_filter{};  // which stored runs the trends show
  double store_timeout_s = kDefaultStoreTimeoutSeconds;
};

// The threshold and alpha `run` compared with, from results.json's
// "comparison" block; nullopt when the run recorded no comparison.
std::optional<ComparisonSettings> recorded_comparison_settings(const boost::json::value& results);

// The A/B baseline side of the run in `run_dir` (<run_dir>/ab-baseline/
// written by the same A/B invocation, same settings.ab_pairing); nullopt
// when the run is not an A/B run or the side is missing or unreadable, and
// for a paired A/B run (--ab-paired), whose recorded verdicts the page shows.
std::optional<StoredRun> ab_baseline_of(const std::filesystem::path& run_dir);

// The page of `request`. Throws ResultsFileError (the run cannot be read),
// std::runtime_error (not a results file). A history that cannot be read is
// not an error: the page's history section names the problem.
std::string html_report(const ReportRequest& request);

// html_report written to `file` atomically. Also throws FileWriteError.
void write_html_report(const ReportRequest& request, const std::filesystem::path& file);

}  // namespace costops::host
