#include "costops/host/after_run_files.hpp"

#include <boost/json/value.hpp>

#include "costops/host/exports.hpp"
#include "costops/host/report/html_report.hpp"

namespace costops::host {

namespace fs = std::filesystem;

namespace {

// Target id -> regression, for JUnit exports; empty without a baseline or
// when the runs share no target (the comparison step reported that).
std::map<std::string, std::string> regressions(const fs::path& current,
                                               const std::optional<StoredRun>& baseline,
                                               const RunOptions& options) {
  if (!baseline) return {};
  try {
    return regressions_by_target(
        compare_runs(*baseline, load_stored_run(current), options.gate.comparison));
  } catch (const std::runtime_error&) {  // ComparisonError, ResultsFileError (duplicate ids)
    return {};
  }
}

bool write_exports(const fs::path& results_file, const RunOptions& options,
                   const std::optional<StoredRun>& baseline, ProgressReporter& progress) {
  bool ok = true;
  try {
    const boost::json::value results = load_results_document(results_file);
    const ExportOptions export_options{regressions(results_file, baseline, options),
                                       run_name_of(results_file)};
    for (const ExportRequest& request : options.exports) {
      try {
        const auto left_out = write_export(results, request, export_options);
        progress.info("Exported " + std::string(to_string(request.format)) + ": " +
                      request.file.string());
        if (const std::string warning = left_out_warning(request.format, left_out);
            !warning.empty())
          progress.warning(warning);
      } catch (const std::runtime_error& e) {  // FileWriteError
        progress.error("--export " + request.file.string() + ": " + e.what());
        ok = false;
      }
    }
  } catch (const std::exception& e) {  // results.json unreadable: nothing to export
    progress.error("exports not written: " + std::string(e.what()));
    ok = false;
  }
  return ok;
}

bool write_report(const fs::path& output_root, const RunOptions& options,
                  const std::optional<StoredRun>& baseline, const std::string& baseline_label,
                  ProgressReporter& progress, const RunHistoryStore& history) {
  const fs::path file = output_root / "report.html";
  try {
    ReportRequest request{output_root, baseline, baseline_label, options.history,
                          options.gate.comparison};
    request.history_store = history.store;
    request.history_problem = history.problem;
    request.store_timeout_s = options.store_timeout_s;
    write_html_report(request, file);
  } catch (const std::exception& e) {
    progress.error("report.html not written: " + std::string(e.what()));
    return false;
  }
  progress.info("Report: " + file.string());
  return true;
}

}  // namespace

bool write_after_run_files(const fs::path& output_root, const RunOptions& options,
                           const std::optional<StoredRun>& baseline,
                           const std::string& baseline_label, ProgressReporter& progress,
                           const RunHistoryStore& history) {
  const bool exported = options.exports.empty() ||
                        write_exports(output_root / "results.json", options, baseline, progress);
  const bool reported = !options.write_report || write_report(output_root, options, baseline,
                                                              baseline_label, progress, history);
  return exported && reported;
}

}  // namespace costops::host
