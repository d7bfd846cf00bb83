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
#include <utility>
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

// The store refused one run's data (a constraint, a value out of range): the
// run, not the store, is at fault; other runs can still be stored.
class StoreDataError : public HistoryError {
 public:
  using HistoryError::HistoryError;
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
  // Imported from a tool that kept only summary statistics (results.json
  // "summary_only"): the one sample is the tool's median or mean, and no
  // test applies to it. False for rows stored before the store kept it.
  bool summary_only = false;
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

// Selects runs; an empty field matches every run. `commit` matches exactly,
// or as a prefix when it is hexadecimal (case-insensitively); `since` and
// `until` are RFC 3339 UTC times (normalised by parse_time_bound), inclusive,
// compared with when the run started.
struct HistoryFilter {
  std::string repository{}, branch{}, machine{}, commit{}, since{}, until{};
};

// "2026-03-01", an RFC 3339 time with its zone ("2026-03-01T12:00:00Z",
// "2026-03-01T13:00:00+01:00") or "7d"/"12h" (that long before
// `now_utc`) as the RFC 3339 bound the filter compares with; a date alone
// means its first second for `since` and its last for `until`. nullopt when
// the text is none of these.
std::optional<std::string> parse_time_bound(const std::string& text, bool until,
                                            const std::string& now_utc);

// One run's median of one target, for step detection over many series.
struct SeriesPoint {
  std::int64_t run_id = 0;
  std::string timestamp, repository, branch, machine, commit, target_id, status;
  double median_ns = 0;
};

// What append did: the run's id, and whether it was there already (stored
// by an earlier upload or a concurrent one): not an error.
struct AppendResult {
  std::int64_t run_id = 0;
  bool already_stored = false;
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
  bool summary_only = false;              // StoredTargetRow::summary_only
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
  std::int64_t append(const RunRecord& run) { return store_run(run).run_id; }
  // The same, saying whether the run was stored before. Safe against a
  // concurrent writer storing the same run_uid: one stores it, the other
  // finds it.
  virtual AppendResult store_run(const RunRecord& run) = 0;
  // Every recorded result of `target_id` in the runs `filter` selects, oldest first.
  virtual std::vector<HistoryEntry> entries(const std::string& target_id,
                                            const HistoryFilter& filter) = 0;
  // The runs `filter` selects, oldest first.
  virtual std::vector<RunSummary> runs(const HistoryFilter& filter) = 0;
  // The medians of every target in the newest `last_runs` runs of each
  // repository x branch x machine that `filter` selects, ordered by series
  // (repository, branch, machine, target), then by when the runs started.
  virtual std::vector<SeriesPoint> series_points(const HistoryFilter& filter, int last_runs) = 0;
  // One whole run; nullopt when no run has this id.
  virtual std::optional<RunRecord> run(std::int64_t run_id) = 0;
  // The store for messages: a file path, or the URL without its password.
  virtual const std::string& location() const = 0;
};

// A PostgreSQL location (postgresql:// or postgres:// URL, or a libpq
// key=value string)? Otherwise a file (store/store_location.hpp).
bool is_postgres_location(const std::string& location);

// The location without its password: what messages and files show.
std::string redacted_location(const std::string& location);

// The redacted location as one shell word, for a command the user pastes:
// single-quoted when it holds anything a shell would read (`&` in a URL's
// query, spaces in a key=value string).
std::string pasteable_location(const std::string& location);

// What the caller will do, hence the least rights it needs. A reader needs
// SELECT only and never changes the schema (SQLite: opened read-only); a
// writer migrates only when the schema is behind and its role may (else a
// clear error naming `cost-ops store migrate`); `migrate` is the owner's.
enum class StoreAccess { read, write, migrate };

inline constexpr double kDefaultStoreTimeoutSeconds = 30;

struct StoreOpenOptions {
  StoreAccess access = StoreAccess::write;
  // Bounds every wait: connecting, each statement, each lock (SQLite: the
  // busy timeout). SIGINT/SIGTERM arriving during a wait cancel it sooner.
  double timeout_seconds = kDefaultStoreTimeoutSeconds;
};

// Opens the store for `options.access`. Throws HistoryError when the store
// cannot be opened or reached, refuses the login, has a schema newer than
// this host's, or (reading) has none or an older one.
std::unique_ptr<ResultStore> open_result_store(const std::string& location,
                                               const StoreOpenOptions& options = {});

// `cost-ops store migrate`: brings the schema to this host's version; the
// versions before and after.
std::pair<int, int> migrate_result_store(const std::string& location,
                                         const StoreOpenOptions& options = {});

// The newest schema version this host writes; both engines use the same numbers.
int latest_store_schema_version();

}  // namespace costops::host
