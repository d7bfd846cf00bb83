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
#include "costops/host/results_signature.hpp"
#include "costops/host/untrusted_text.hpp"

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
  // Changed after the host signed it: not exported (results_signature.hpp).
  if (const SignatureCheck check = check_results_signature(file, text);
      check.state == SignatureCheck::State::mismatch)
    throw ResultsFileError(check.problem);
  boost::system::error_code parse_error;
  boost::json::value document = boost::json::parse(text, parse_error);
  if (parse_error) throw refuse("not valid JSON (" + parse_error.message() + ")");
  const boost::json::object* root = document.if_object();
  if (!root || !root->contains("targets") || !root->at("targets").is_array())
    throw refuse("not a cost-ops results file (no \"targets\" array)");
  return document;
}

ExportedText export_results(const boost::json::value& results, ExportFormat format,
                            const ExportOptions& options) {
  ExportView view = read_export_view(results);
  if (view.run_name.empty())
    view.run_name = options.run_name.empty() ? "cost-ops" : options.run_name;
  for (auto& target : view.targets)
    if (const auto it = options.regressions.find(target.id); it != options.regressions.end())
      target.regression = it->second;
  ExportedText out;
  // BMF and github-action-benchmark hold measurements only: a value for a
  // target that did not finish would be a measurement that never happened.
  if (format == ExportFormat::bmf || format == ExportFormat::github_action_benchmark) {
    for (const auto& t : view.targets) {
      if (!t.ok)
        out.left_out.push_back(t.id + " (" + t.status + (t.reason.empty() ? "" : ": " + t.reason) +
                               ")");
      else if (!std::isfinite(t.median_ns))
        out.left_out.push_back(t.id + " (its median is not a finite number)");
      else if (format == ExportFormat::bmf && !(t.median_ns > 0))
        out.left_out.push_back(t.id + " (a median of 0 ns has no throughput)");
    }
  }
  switch (format) {
    case ExportFormat::gbench_json:
      out.text = gbench_json(view);
      break;
    case ExportFormat::bmf:
      out.text = bencher_metric_format(view);
      break;
    case ExportFormat::github_action_benchmark:
      out.text = github_action_benchmark(view);
      break;
    case ExportFormat::junit:
      out.text = junit_xml(view);
      break;
    case ExportFormat::csv:
      out.text = csv(view);
      break;
  }
  return out;
}

std::string output_directory_name(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(dir, ec).lexically_normal();
  if (!absolute.empty() && !absolute.has_filename()) absolute = absolute.parent_path();
  const std::string name = absolute.filename().string();
  return name.empty() || name == "/" ? "cost-ops" : name;
}

std::string run_name_of(const std::filesystem::path& dir_or_file) {
  std::error_code ec;
  std::filesystem::path dir =
      std::filesystem::is_directory(dir_or_file, ec) ? dir_or_file : dir_or_file.parent_path();
  dir = std::filesystem::absolute(dir, ec).lexically_normal();
  if (!dir.empty() && !dir.has_filename()) dir = dir.parent_path();  // "out/" -> "out"
  const std::string name = dir.filename().string();
  return name.empty() || name == "/" ? "cost-ops" : name;
}

std::string left_out_warning(ExportFormat format, const std::vector<std::string>& left_out) {
  if (left_out.empty()) return {};
  std::string text = std::string(to_string(format)) + ": " + std::to_string(left_out.size()) +
                     (left_out.size() == 1 ? " target" : " targets") +
                     " left out (the format has no failed or skipped state; a consumer shows a "
                     "gap): ";
  for (std::size_t i = 0; i < left_out.size(); ++i) text += (i ? ", " : "") + left_out[i];
  // Reasons are plugin text and this goes to a terminal: no escape codes.
  return for_terminal(text, false);
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

std::vector<std::string> write_export(const boost::json::value& results,
                                      const ExportRequest& request, const ExportOptions& options) {
  ExportedText exported = export_results(results, request.format, options);
  write_file_atomically(request.file, exported.text);
  return std::move(exported.left_out);
}

}  // namespace costops::host
