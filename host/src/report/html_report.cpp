#include "costops/host/report/html_report.hpp"

#include <boost/json.hpp>

#include "costops/host/atomic_file.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/report/report_history.hpp"
#include "costops/host/report/report_html.hpp"
#include "costops/host/report/report_model.hpp"

namespace costops::host {

std::string html_report(const ReportRequest& request) {
  ReportSources sources;
  sources.results = load_results_document(request.run);
  try {  // for comparing; a run with duplicate ids cannot be compared
    sources.run = load_stored_run(request.run);
  } catch (const ResultsFileError& e) {
    sources.run_problem = e.what();
  }
  sources.baseline = request.baseline;
  sources.baseline_label = request.baseline_label;
  sources.comparison = request.comparison;
  if (!request.history.empty()) {
    std::vector<std::string> ids;
    for (const auto& t : sources.results.at("targets").as_array())
      if (const auto* id = t.is_object() ? t.as_object().if_contains("target_id") : nullptr;
          id && id->is_string())
        ids.emplace_back(id->as_string());
    sources.history_label = redacted_location(request.history);
    sources.history_problem = request.history_problem;
    try {
      if (request.history_problem.empty())
        sources.history = request.history_store
                              ? report_history(*request.history_store, ids, request.history_filter)
                              : report_history(request.history, ids, request.history_filter,
                                               request.store_timeout_s);
    } catch (const HistoryError& e) {
      sources.history_problem = e.what();
    }
  }
  return report_html(build_report_model(sources));
}

void write_html_report(const ReportRequest& request, const std::filesystem::path& file) {
  write_file_atomically(file, html_report(request));
}

}  // namespace costops::host
