#include "costops/host/report/html_report.hpp"

#include <boost/json.hpp>

#include "costops/host/ab_rounds.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/report/report_history.hpp"
#include "costops/host/report/report_html.hpp"
#include "costops/host/report/report_model.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/results_keys.hpp"

namespace costops::host {

std::optional<ComparisonSettings> recorded_comparison_settings(const boost::json::value& results) {
  namespace K = results_key;
  const auto* root = results.if_object();
  const auto* block = root ? root->if_contains(K::comparison) : nullptr;
  const auto* comparison = block ? block->if_object() : nullptr;
  const auto* method_value = comparison ? comparison->if_contains(K::comparison_method) : nullptr;
  const auto* method = method_value ? method_value->if_object() : nullptr;
  if (!method) return std::nullopt;
  const auto* threshold = method->if_contains("threshold");
  const auto* alpha = method->if_contains("alpha");
  if (!threshold || !alpha || !threshold->is_number() || !alpha->is_number()) return std::nullopt;
  ComparisonSettings settings;
  settings.threshold = threshold->to_number<double>();
  settings.alpha = alpha->to_number<double>();
  if (!(settings.threshold >= 0) || !(settings.alpha > 0 && settings.alpha < 1))
    return std::nullopt;  // a hand-edited file: the defaults rather than nonsense
  return settings;
}

std::optional<StoredRun> ab_baseline_of(const std::filesystem::path& run_dir) {
  std::error_code ec;
  const std::filesystem::path side = run_dir / kAbBaselineDirectory / "results.json";
  if (!std::filesystem::is_regular_file(side, ec)) return std::nullopt;
  try {
    StoredRun baseline = load_stored_run(side);
    const StoredRun run = load_stored_run(run_dir);
    if (baseline.ab_pairing.empty() || baseline.ab_pairing != run.ab_pairing) return std::nullopt;
    // A paired A/B run (--ab-paired) was decided by its own sequential test
    // over batch pairs, recorded in "ab_paired" and shown as recorded; a
    // rank test of its few worker rounds would contradict it.
    const boost::json::value results = load_results_document(run_dir);
    if (results.is_object() && results.as_object().contains("ab_paired")) return std::nullopt;
    return baseline;
  } catch (const ResultsFileError&) {
    return std::nullopt;  // the page then simply has no comparison
  }
}

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
