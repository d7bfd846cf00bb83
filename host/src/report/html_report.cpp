#include "costops/host/report/html_report.hpp"

#include "costops/host/atomic_file.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/report/report_history.hpp"
#include "costops/host/report/report_html.hpp"
#include "costops/host/report/report_model.hpp"

namespace costops::host {

std::string html_report(const ReportRequest& request) {
  ReportSources sources;
  sources.run = load_stored_run(request.run);
  sources.results = load_results_document(sources.run.file);
  sources.baseline = request.baseline;
  sources.baseline_label = request.baseline_label;
  sources.comparison = request.comparison;
  if (!request.history.empty()) {
    std::vector<std::string> ids;
    for (const StoredTarget& t : sources.run.targets) ids.push_back(t.target_id);
    sources.history = report_history(request.history, ids);
    sources.history_label = request.history.string();
  }
  return report_html(build_report_model(sources));
}

void write_html_report(const ReportRequest& request, const std::filesystem::path& file) {
  write_file_atomically(file, html_report(request));
}

}  // namespace costops::host
