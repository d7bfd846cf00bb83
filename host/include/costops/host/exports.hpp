// Results where other tools already look: a run's results.json rewritten in
// the formats their own readers take. Each format is one function of the
// parsed results.json document (the file format is the interface, so any
// run, however old, exports the same way).
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace costops::host {

enum class ExportFormat { gbench_json, bmf, github_action_benchmark, junit, csv };

// "gbench-json", "bmf", "github-action-benchmark", "junit", "csv".
std::optional<ExportFormat> parse_export_format(std::string_view name);
std::string_view to_string(ExportFormat format);
inline constexpr std::string_view kExportFormatNames =
    "gbench-json, bmf, github-action-benchmark, junit, csv";

// DIR/results.json, or the file itself, parsed. Throws ResultsFileError
// naming the file when it is not a regular file, larger than
// kMaxResultsFileBytes, not JSON or without a "targets" array. Unlike
// load_stored_run it accepts a run with duplicate target ids (two plugins
// declaring one id: the second is recorded as a duplicate).
boost::json::value load_results_document(const std::filesystem::path& dir_or_file);

// What an export needs beside results.json.
struct ExportOptions {
  // Target id -> what regressed (from a comparison with a baseline): JUnit
  // failures of type "regression".
  std::map<std::string, std::string> regressions;
  // The run's name when results.json records none (files from before
  // settings.run_name): run_name_of; empty: "cost-ops".
  std::string run_name;
};

struct ExportedText {
  std::string text;
  // Targets the format has no way to hold (BMF and github-action-benchmark
  // have no failed state), each "id (status: reason)": the caller warns.
  std::vector<std::string> left_out;
};

// `results` (a parsed results.json) in `format`. Throws std::runtime_error
// naming what is missing when the document is not a cost-ops results file.
ExportedText export_results(const boost::json::value& results, ExportFormat format,
                            const ExportOptions& options = {});

// The name of the run in DIR (or DIR/results.json): the directory's name
// ("output" for benchmarks/output), "cost-ops" when it has none.
std::string run_name_of(const std::filesystem::path& dir_or_file);

// The default of `run --run-name`: the output directory's name, whether or
// not it exists yet ("output" for benchmarks/output/), "cost-ops" for "/".
std::string output_directory_name(const std::filesystem::path& dir);

// "bmf: 1 target left out (...): a (crashed: ...)", the warning for
// ExportedText::left_out, safe for a terminal (plugin reasons lose their
// control characters); empty when nothing was left out.
std::string left_out_warning(ExportFormat format, const std::vector<std::string>& left_out);

struct RunComparison;

// Target id -> the line saying what regressed (RunComparison::regression_lines),
// the `regressions` argument of export_results.
std::map<std::string, std::string> regressions_by_target(const RunComparison& comparison);

// One `run --export FORMAT=FILE`: FILE is absolute (a relative one is
// resolved against the working directory when the option is read).
struct ExportRequest {
  ExportFormat format = ExportFormat::csv;
  std::filesystem::path file;
};

// Parses "FORMAT=FILE". Throws std::invalid_argument with a message for
// people (the value, what is wrong, the formats) when it is not one.
ExportRequest parse_export_request(std::string_view text);

// Every value of `run --export`, parsed; also refuses a FILE whose directory
// does not exist and a FILE named twice, so the mistake shows before the run.
std::vector<ExportRequest> parse_export_requests(const std::vector<std::string>& values);

// export_results of `results` written to request.file atomically (the same
// steps as `cost-ops export -o FILE`); returns the targets left out. Throws
// FileWriteError.
std::vector<std::string> write_export(const boost::json::value& results,
                                      const ExportRequest& request,
                                      const ExportOptions& options = {});

}  // namespace costops::host
