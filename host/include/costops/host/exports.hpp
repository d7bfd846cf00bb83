// Results where other tools already look: a run's results.json rewritten in
// the formats their own readers take. Each format is one function of the
// parsed results.json document (the file format is the interface, so any
// run, however old, exports the same way).
#pragma once

#include <boost/json/value.hpp>
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

// The text of `results` (a parsed results.json) in `format`.
// `regressions` (target id -> what regressed, from a comparison with a
// baseline) become failures in JUnit. Throws std::runtime_error naming what
// is missing when the document is not a cost-ops results file.
std::string export_results(const boost::json::value& results, ExportFormat format,
                           const std::map<std::string, std::string>& regressions = {});

}  // namespace costops::host
