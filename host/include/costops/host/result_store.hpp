// The result store (`--history LOCATION`): every run's provenance,
// environment and each target's status, metrics and samples, appended by
// `cost-ops run` and read by `history`, `compare` and `aggregate`. One
// interface, two engines with the same logical schema and the same numbered
// migrations: SQLite for a file (the embedded default) and PostgreSQL for a
// `postgresql://` or `postgres://` URL (a fleet of runners sharing one store).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/host/results_file.hpp"
#include "costops/host/run_provenance.hpp"
#include "costops/host/suite_report.hpp"

namespace costops::host {

// Anything the store cannot do: open, migrate, write or read. The message
// names the store (without a password) and what to do.
class HistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One target of a run, as stored.
struct StoredTargetRow {
  std::string target_id;
  std::string status;  // to_string(TargetStatus)
  std::string reason;
  double median_ns = 0;
  std::string metrics_json = "{}";  // the canonical metrics object
  std::vector<double> ns_per_operation;
  std::vector<std::uint32_t> repetition;  // per sample; empty = all one repetition
  std::vector<std::uint32_t> process;     // per sample; empty = all one worker process
};

// One run, as stored: what `append` writes and `run` reads back.
struct RunRecord {
  // Random, unique per run: a run uploaded twice from the outbox is stored once.
  std::string run_uid;
  std::string timestamp;  // RFC 3339 UTC, when the run started
  std::string host_version;
  std::string host_commit;  // the commit cost-ops itself was built from
  std::string environment_json = "{}";
  std::string command_line_json = "[]";
  RunProvenance provenance;
  std::vector<StoredTargetRow> targets;  // target ids unique
};

// The run as the store keeps it, with the report's provenance (`source`). A
// target id reported twice (a duplicate id in two plugin files) keeps its
// first result, the one that was measured.
RunRecord make_run_record(const SuiteReport& report);

// The run for `compare`: its ok targets' samples and everyone's status.
StoredRun stored_run_from_record(const RunRecord& record, const std::string& location);

// Selects runs; an empty field matches every run.
struct HistoryFilter {
  std::string repository, branch, machine, commit;
};

// One target's result in one run, with the run's provenance.
struct HistoryEntry {
  std::int64_t run_id = 0;
  std::string timestamp;
  RunProvenance run;
  std::string status;
  double median_ns = 0;
  std::vector<double> ns_per_operation;
  std::vector<std::uint32_t> repetition;  // per sample; empty for old rows
  std::vector<std::uint32_t> process;     // per sample; empty for old rows (one process)
};

// A run without its targets.
struct RunSummary {
  std::int64_t run_id = 0;
  std::string timestamp;
  RunProvenance run;
};

class ResultStore {
 public:
  virtual ~ResultStore() = default;
  // Appends one finished run in one transaction: all of it or nothing.
  // Returns its id; a run whose run_uid is stored already is not stored
  // again (its existing id is returned).
  virtual std::int64_t append(const RunRecord& run) = 0;
  // Every recorded result of `target_id` in the runs `filter` selects, oldest first.
  virtual std::vector<HistoryEntry> entries(const std::string& target_id,
                                            const HistoryFilter& filter) = 0;
  // The runs `filter` selects, oldest first.
  virtual std::vector<RunSummary> runs(const HistoryFilter& filter) = 0;
  // One whole run; nullopt when no run has this id.
  virtual std::optional<RunRecord> run(std::int64_t run_id) = 0;
  // The store for messages: a file path, or the URL without its password.
  virtual const std::string& location() const = 0;
};

// A PostgreSQL URL (postgresql://... or postgres://...)? Otherwise a file.
bool is_postgres_location(const std::string& location);

// The location with any password replaced by "***".
std::string redacted_location(const std::string& location);

// Opens the store and migrates its schema to this host's latest numbered
// version (creating the tables on first use). Throws HistoryError when the
// store cannot be opened or reached, refuses the login, or has a schema newer
// than this host's.
std::unique_ptr<ResultStore> open_result_store(const std::string& location);

// The newest schema version this host writes; both engines use the same numbers.
int latest_store_schema_version();

}  // namespace costops::host
