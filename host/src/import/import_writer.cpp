#include "costops/host/import/import_writer.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

#include "costops/host/atomic_file.hpp"
#include "costops/host/build_info.hpp"
#include "costops/host/output_directory.hpp"
#include "costops/host/report/html_report.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

json::object import_settings(const ImportedRun& run) {
  json::array files;
  for (const auto& f : run.files) files.emplace_back(f);
  return json::object{{"imported_from", run.format},
                      {"tool", run.tool},
                      {"tool_version", run.tool_version},
                      {"tool_command", run.tool_command},
                      {"input_files", std::move(files)}};
}

TargetResult target_result(const ImportedTarget& t, const ImportedRun& run,
                           const std::string& timestamp) {
  TargetResult r;
  r.target_id = t.target_id;
  r.description = t.description;
  r.family = t.family;
  r.argument = t.argument;
  r.complexity_variable = t.family_variable;
  r.status = t.status;
  r.reason = t.reason;
  r.timestamp = timestamp;
  // What produced the numbers stands where a plugin file would.
  r.plugin.path = run.files.empty() ? std::string() : run.files.front();
  r.plugin.status = TargetStatus::ok;
  r.plugin.name = run.tool;
  r.plugin.version = run.tool_version;
  r.plugin.build_info = "imported by cost-ops import " + run.format;
  if (t.status == TargetStatus::ok) {
    TargetMeasurement m;
    m.succeeded = true;
    m.samples = t.samples;
    m.batch_iterations = t.samples.empty() ? 0 : t.samples.front().iterations;
    m.bytes_per_operation = t.bytes_per_operation;
    m.items_per_operation = t.items_per_operation;
    m.plugin_metrics = t.metrics;
    m.hardware.unavailable = "not counted: imported from " + run.tool;
    r.measurement = std::move(m);
    finalize_target_result(r);
    if (t.origin == SampleOrigin::summary_only) {
      r.summary_only = true;
      r.warnings.push_back(kSummaryOnlyWarning);
    }
  }
  return r;
}

}  // namespace

std::string utc_timestamp_of(const std::string& text) {
  // Tools write local time with its offset (Google Benchmark's "date") or
  // UTC without one (pytest-benchmark's "datetime"): either is when it ran.
  return canonical_utc_time(text, true).value_or("");
}

SuiteReport imported_suite_report(const ImportedRun& run, const RunProvenance& source,
                                  const EnvironmentInfo& environment,
                                  const std::vector<std::string>& command_line) {
  SuiteReport report;
  report.host_version = kHostVersion;
  const std::string tool_time = utc_timestamp_of(run.started_at);
  report.started_at = tool_time.empty() ? rfc3339_now() : tool_time;
  report.command_line = command_line;
  report.source = source;
  report.settings = import_settings(run);
  report.environment = environment;
  for (const ImportedTarget& t : run.targets)
    report.targets.push_back(target_result(t, run, report.started_at));
  return report;
}

namespace {

// A fresh directory beside `output` (same file system, so the rename is atomic).
fs::path make_temporary_beside(const fs::path& output) {
  const fs::path parent = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  std::string pattern = (parent / ("." + output.filename().string() + ".import-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw FileWriteError("cannot create a temporary directory in " + parent.string() + ": " +
                         std::strerror(errno));
  return pattern;
}

void check_output_usable(const fs::path& output) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(output, ec);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status) || !fs::is_empty(output, ec))
    throw ImportError(output.string() +
                      ": exists and is not an empty directory; import into a new directory (an "
                      "import never mixes with or overwrites another run's files)");
}

}  // namespace

void write_imported_run(const SuiteReport& report, const fs::path& output) {
  check_output_usable(output);
  const fs::path temporary = make_temporary_beside(output);
  try {
    {
      OutputDirectory directory(temporary);
      directory.write_suite_files(report, true);
    }
    write_html_report(ReportRequest{temporary, std::nullopt, "", "", ComparisonSettings{}},
                      temporary / "report.html");
    std::error_code ec;
    fs::permissions(temporary, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                    ec);
    if (::rename(temporary.c_str(), output.c_str()) != 0)
      throw ImportError(output.string() + ": cannot be replaced by the imported run (" +
                        std::strerror(errno) + "); import into a new directory");
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temporary, ignored);
    throw;
  }
}

}  // namespace costops::host
