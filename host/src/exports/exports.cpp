#include "costops/host/exports.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <stdexcept>

#include "costops/host/exports_view.hpp"

namespace costops::host {

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  for (const auto format :
       {ExportFormat::gbench_json, ExportFormat::bmf, ExportFormat::github_action_benchmark,
        ExportFormat::junit, ExportFormat::csv})
    if (to_string(format) == name) return format;
  return std::nullopt;
}

std::string_view to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::gbench_json:
      return "gbench-json";
    case ExportFormat::bmf:
      return "bmf";
    case ExportFormat::github_action_benchmark:
      return "github-action-benchmark";
    case ExportFormat::junit:
      return "junit";
    case ExportFormat::csv:
      break;
  }
  return "csv";
}

std::string export_results(const boost::json::value& results, ExportFormat format,
                           const std::map<std::string, std::string>& regressions) {
  ExportView view = read_export_view(results);
  for (auto& target : view.targets)
    if (const auto it = regressions.find(target.id); it != regressions.end())
      target.regression = it->second;
  switch (format) {
    case ExportFormat::gbench_json:
      return gbench_json(view);
    case ExportFormat::bmf:
      return bencher_metric_format(view);
    case ExportFormat::github_action_benchmark:
      return github_action_benchmark(view);
    case ExportFormat::junit:
      return junit_xml(view);
    case ExportFormat::csv:
      break;
  }
  return csv(view);
}

}  // namespace costops::host
