#include "costops/host/exports.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "costops/host/atomic_file.hpp"
#include "costops/host/comparison.hpp"
#include "costops/host/exports_view.hpp"
#include "costops/host/files/safe_open.hpp"
#include "costops/host/results_file.hpp"

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

boost::json::value load_results_document(const std::filesystem::path& dir_or_file) {
  std::error_code ec;
  const std::filesystem::path file =
      std::filesystem::is_directory(dir_or_file, ec) ? dir_or_file / "results.json" : dir_or_file;
  const auto refuse = [&](const std::string& why) {
    return ResultsFileError(file.string() + ": " + why);
  };
  if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec)))
    throw refuse(
        "not a readable file; pass an output directory of `cost-ops run` or its "
        "results.json");
  std::string text;
  try {
    text = read_regular_file(file, kMaxResultsFileBytes);
  } catch (const UnsafeFileError& e) {
    throw ResultsFileError(e.what());
  }
  boost::system::error_code parse_error;
  boost::json::value document = boost::json::parse(text, parse_error);
  if (parse_error) throw refuse("not valid JSON (" + parse_error.message() + ")");
  const boost::json::object* root = document.if_object();
  if (!root || !root->contains("targets") || !root->at("targets").is_array())
    throw refuse("not a cost-ops results file (no \"targets\" array)");
  return document;
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

std::map<std::string, std::string> regressions_by_target(const RunComparison& comparison) {
  std::map<std::string, std::string> out;
  for (const std::string& line : comparison.regression_lines())
    out.emplace(line.substr(0, line.find(':')), line);
  return out;
}

ExportRequest parse_export_request(std::string_view text) {
  const std::size_t equals = text.find('=');
  const auto refuse = [&](const std::string& why) {
    return std::invalid_argument("--export `" + std::string(text) + "`: " + why +
                                 "; write FORMAT=FILE with FORMAT one of " +
                                 std::string(kExportFormatNames));
  };
  if (equals == std::string_view::npos) throw refuse("no `=`");
  const std::string_view name = text.substr(0, equals), file = text.substr(equals + 1);
  const auto format = parse_export_format(name);
  if (!format) throw refuse("`" + std::string(name) + "` is not a format");
  if (file.empty()) throw refuse("no FILE after `=`");
  return {*format, std::filesystem::absolute(file).lexically_normal()};
}

std::vector<ExportRequest> parse_export_requests(const std::vector<std::string>& values) {
  std::vector<ExportRequest> requests;
  for (const std::string& value : values) {
    ExportRequest request = parse_export_request(value);
    const std::filesystem::path directory = request.file.parent_path();
    if (!std::filesystem::is_directory(directory))
      throw std::invalid_argument("--export `" + value + "`: the directory " + directory.string() +
                                  " does not exist; create it or name another FILE");
    for (const ExportRequest& earlier : requests)
      if (earlier.file == request.file)
        throw std::invalid_argument("--export `" + value + "`: " + request.file.string() +
                                    " is named by two --export options; give each its own FILE");
    requests.push_back(std::move(request));
  }
  return requests;
}

void write_export(const boost::json::value& results, const ExportRequest& request,
                  const std::map<std::string, std::string>& regressions) {
  write_file_atomically(request.file, export_results(results, request.format, regressions));
}

}  // namespace costops::host
