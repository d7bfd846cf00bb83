// Run history in SQLite (`run --history FILE`, `cost-ops history TARGET`):
// every run's environment and commit, and each target's status, metrics and
// samples, so trends and step changes can be found later.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/host/comparison.hpp"
#include "costops/host/suite_report.hpp"

struct sqlite3;

namespace costops::host {

class HistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HistoryEntry {
  std::int64_t run_id = 0;
  std::string timestamp;
  std::string git_commit;  // the benchmarked commit (source), else the host build's
  std::string host_name;
  std::string status;
  double median_ns = 0;
  std::vector<double> ns_per_operation;
  std::vector<std::uint32_t> repetition;  // per sample; empty for old rows
  std::vector<std::uint32_t> process;     // per sample; empty for old rows (one process)
};

class RunHistory {
 public:
  // Opens (creating if new) and migrates the schema to the latest numbered
  // version. Throws HistoryError for a file it cannot open or a schema newer
  // than this host's.
  explicit RunHistory(const std::filesystem::path& file);
  ~RunHistory();
  RunHistory(const RunHistory&) = delete;
  RunHistory& operator=(const RunHistory&) = delete;

  // Appends one finished run (all its targets) in one transaction.
  std::int64_t append(const SuiteReport& report);
  // Every recorded result of `target_id`, oldest first.
  std::vector<HistoryEntry> entries(const std::string& target_id);

 private:
  void execute(const char* sql);
  void migrate();
  int schema_version();
  int unnumbered_schema_version();
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

// A run's result for a target against the run before it (both ok): the
// step test of `cost-ops history` and of the report's trend charts, with the
// worker process as the unit, like compare.
TargetComparison compare_history_entries(const std::string& target_id, const HistoryEntry& before,
                                         const HistoryEntry& after,
                                         const ComparisonSettings& settings);

// The trend of one target: one line per run with the change from the run
// before, and a step marker where that change is significant (Mann-Whitney
// U) and at least the threshold.
std::string history_text(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                         const ComparisonSettings& settings);

}  // namespace costops::host
