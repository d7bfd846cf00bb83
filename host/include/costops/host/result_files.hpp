// The files `cost-ops run` writes (formats in docs/output-files.md and
// schemas/): raw/<target_id>.json (the seeds' canonical record),
// results.json (the whole suite) and summary.md.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <string>

#include "costops/host/suite_report.hpp"

namespace costops::host {

inline constexpr int kResultsSchemaVersion = 1;

// Computes stats and warnings of a finished target from its measurement.
void finalize_target_result(TargetResult& result, double noisy_cv_limit = 0.05);

// The `metrics` object of the canonical record: the host's fixed keys, the
// throughput derived from declared work, then the plugin's own metrics.
boost::json::object canonical_metrics(const TargetResult& result);

// {"target_id", "metrics", "timestamp"}: exactly the seeds' BenchmarkResult.
boost::json::value raw_record_json(const TargetResult& result);

boost::json::value results_json(const SuiteReport& report);

std::string summary_markdown(const SuiteReport& report);

// An output directory: created with mode 0750 if missing, raw/ must not be
// a symbolic link, stale temporaries are cleaned. Throws FileWriteError
// naming the path when it cannot be used.
class OutputDirectory {
 public:
  explicit OutputDirectory(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }
  void write_raw_record(const TargetResult& result) const;
  // Removes raw/<target_id>.json (a later --rounds round failed the target).
  void remove_raw_record(const std::string& target_id) const;
  void write_suite_files(const SuiteReport& report, bool write_summary) const;

 private:
  std::filesystem::path root_;
};

}  // namespace costops::host
