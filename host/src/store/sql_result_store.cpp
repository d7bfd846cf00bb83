#include "sql_result_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>
#include <tuple>

#include "costops/host/child_process.hpp"
#include "costops/host/human_units.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host::store {

namespace json = boost::json;

const std::string kFleetColumns =
    "ALTER TABLE runs ADD COLUMN run_uid TEXT;"
    "ALTER TABLE runs ADD COLUMN repository TEXT;"
    "ALTER TABLE runs ADD COLUMN machine_id TEXT;"
    "ALTER TABLE runs ADD COLUMN cpu TEXT;"
    "ALTER TABLE runs ADD COLUMN ci_url TEXT;"
    "ALTER TABLE runs ADD COLUMN labels TEXT;"
    "CREATE UNIQUE INDEX idx_runs_uid ON runs (run_uid);"
    "CREATE INDEX idx_runs_repository ON runs (repository, machine_id);"
    "CREATE INDEX idx_runs_machine ON runs (machine_id)";

const std::vector<std::string> kSharedMigrations = {
    // 2: each sample's repetition (NULL for older rows: they read as repetition 0).
    "ALTER TABLE target_results ADD COLUMN repetition TEXT",
    // 3: provenance. The benchmarked code apart from the host's own build
    // (git_commit); for a fleet its repository, the machine, the CI run and
    // labels; and a unique id per run, so an upload from the outbox is
    // stored once.
    "ALTER TABLE runs ADD COLUMN source_commit TEXT;"
    "ALTER TABLE runs ADD COLUMN source_branch TEXT;"
    "ALTER TABLE runs ADD COLUMN source_dirty INTEGER;" +
        kFleetColumns,
    // 4: each sample's worker process, the unit of step detection (NULL for
    // older rows: all their samples count as one process).
    "ALTER TABLE target_results ADD COLUMN process TEXT",
    // 5: runs are ordered by when they ran, per series (repository x branch x
    // machine): `history --regressions` reads each series' newest runs.
    "CREATE INDEX idx_runs_series ON runs (repository, source_branch, machine_id, timestamp);"
    "CREATE INDEX idx_runs_timestamp ON runs (timestamp)",
    // 6: a target imported from a tool that kept only summary statistics
    // (`cost-ops import`, results.json "summary_only"): its one sample is the
    // tool's median or mean, so compare and history use the summary-values
    // basis, never a test. 1 when so; NULL (rows from before) reads as not.
    "ALTER TABLE target_results ADD COLUMN summary_only INTEGER",
};

namespace {

// The benchmarked commit, "" when unknown. Never the host's own build commit
// (runs.git_commit): that says nothing about the benchmarked code.
constexpr const char* kCommitColumn = "COALESCE(r.source_commit, '')";

// Runs in the order they ran; the store's id breaks ties (never upload time
// alone: a late upload of an old run is not the newest).
constexpr const char* kRunOrder = "r.timestamp, r.id";

bool is_hex(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// The provenance columns of `runs r`, in the order provenance_of reads them.
const std::string kProvenanceColumns = std::string("r.repository, ") + kCommitColumn +
                                       ", r.source_branch, r.machine_id, r.host_name, r.cpu, "
                                       "r.ci_url, r.labels, r.source_dirty";

// Parameters $F..$F+6 of add_filter_params. A commit matches exactly, or
// by prefix when it is hexadecimal ($F+4: the lower-case prefix, which
// holds no LIKE wildcard), case-insensitively like git.
std::string filter_sql(int first) {
  const auto p = [&](int i) { return "CAST($" + std::to_string(first + i) + " AS TEXT)"; };
  return "(" + p(0) + " = '' OR r.repository = " + p(0) + ") AND (" + p(1) +
         " = '' OR r.source_branch = " + p(1) + ") AND (" + p(2) +
         " = '' OR r.machine_id = " + p(2) + ") AND (" + p(3) + " = '' OR " + kCommitColumn +
         " = " + p(3) + " OR (" + p(4) + " <> '' AND LOWER(" + kCommitColumn + ") LIKE " + p(4) +
         " || '%')) AND (" + p(5) + " = '' OR r.timestamp >= " + p(5) + ") AND (" + p(6) +
         " = '' OR r.timestamp <= " + p(6) + ")";
}

void add_filter_params(SqlParams& params, const HistoryFilter& f) {
  std::string hex_prefix;
  if (is_hex(f.commit))
    for (char c : f.commit)
      hex_prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string* value : std::initializer_list<const std::string*>{
           &f.repository, &f.branch, &f.machine, &f.commit, &hex_prefix, &f.since, &f.until})
    params.emplace_back(*value);
}

RunProvenance provenance_of(const std::vector<std::string>& row, std::size_t first) {
  RunProvenance p{row[first],           row[first + 1], row[first + 2], row[first + 3],
                  row[first + 4],       row[first + 5], row[first + 6], {},
                  row[first + 8] == "1"};
  boost::system::error_code ec;
  const json::value labels = json::parse(row[first + 7], ec);
  if (!ec && labels.is_array())
    for (const auto& label : labels.get_array())
      if (label.is_string()) p.labels.emplace_back(label.get_string());
  return p;
}

std::string numbers_json(const std::vector<double>& values) {
  json::array a;
  for (double v : values) a.push_back(v);
  return json::serialize(a);
}

std::string counts_json(const std::vector<std::uint32_t>& values) {
  json::array a;
  for (auto v : values) a.push_back(v);
  return json::serialize(a);
}

// Boost.JSON 1.81 parses numbers to within an ulp; the samples come back
// exactly as they were written (shortest round-trip text) with from_chars.
std::vector<double> parse_numbers(const std::string& text) {
  std::vector<double> out;
  const char* at = text.data();
  const char* const end = at + text.size();
  while (at < end && (*at == '[' || *at == ' ')) ++at;
  while (at < end && *at != ']') {
    double value = 0;
    const auto [next, error] = std::from_chars(at, end, value);
    if (error != std::errc()) return {};  // not an array of numbers: no samples
    out.push_back(value);
    at = next;
    while (at < end && (*at == ',' || *at == ' ' || *at == '\n')) ++at;
  }
  return out;
}

// Per-sample indices (repetition, process), only when they match the samples
// one to one; otherwise empty: all samples count as one.
std::vector<std::uint32_t> parse_sample_indices(const std::string& text, std::size_t samples) {
  std::vector<std::uint32_t> out;
  boost::system::error_code ec;
  const json::value repetition = json::parse(text, ec);
  if (!ec && repetition.is_array() && repetition.get_array().size() == samples)
    for (const auto& v : repetition.get_array())
      out.push_back(v.is_int64() && v.get_int64() >= 0 ? static_cast<std::uint32_t>(v.get_int64())
                                                       : 0);  // Boost.JSON reads counts as int64
  return out;
}

double parse_real(const std::string& text) {
  return text.empty() ? 0 : std::strtod(text.c_str(), nullptr);
}

// The summary_only column: 1, or NULL like every row stored before it existed.
std::optional<std::string> summary_only_value(bool summary_only) {
  return summary_only ? std::optional<std::string>("1") : std::nullopt;
}

std::string labels_json(const std::vector<std::string>& labels) {
  json::array a;
  for (const auto& l : labels) a.emplace_back(l);
  return json::serialize(a);
}

// The test hook of kPauseInsertVariable: announce, then wait to be killed.
void pause_inside_transaction_for_tests() {
  static bool paused = false;  // once: a retried transaction goes through
  const char* marker = std::getenv(kPauseInsertVariable);
  if (!marker || !*marker || paused) return;
  paused = true;
  std::ofstream(marker) << ::getpid() << "\n";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (::access(marker, F_OK) == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace

std::string SqlResultStore::describe() const {
  return (is_postgres_location(location_) ? "the result store " : "the history database ") +
         location_;
}

std::string schema_behind_message(const std::string& described, int version,
                                  const std::string& display_location) {
  return described + " has schema version " + std::to_string(version) + ", older than this " +
         "cost-ops's " + std::to_string(latest_store_schema_version()) +
         "; its owner upgrades it with `cost-ops store migrate --history " +
         pasteable_location(display_location) + "` (readers never change the schema)";
}

void SqlResultStore::refuse_newer_schema(int version) const {
  const int latest = latest_store_schema_version();
  if (version > latest)
    throw HistoryError(describe() + " has schema version " + std::to_string(version) +
                       ", newer than this cost-ops understands (" + std::to_string(latest) +
                       "); use a newer cost-ops");
}

int SqlResultStore::migrate_from(int current, const std::string& first) {
  const int latest = latest_store_schema_version();
  refuse_newer_schema(current);
  for (int version = current; version < latest; ++version)
    execute(version == 0 ? first : kSharedMigrations[static_cast<std::size_t>(version - 1)]);
  return std::max(current, latest);
}

AppendResult SqlResultStore::store_run(const RunRecord& run) {
  // Times are compared as text (ORDER BY, --since/--until, the newest run
  // of a series): stored in one shape, UTC with milliseconds, or they order
  // by their shape instead of their time.
  const auto started = canonical_utc_time(run.timestamp);
  if (!started)
    throw StoreDataError(describe() + ": the run " + run.run_uid + " has the time \"" +
                         run.timestamp.substr(0, 80) + "\", not an RFC 3339 time");
  // Trying again is safe: a transaction that failed stored nothing, and one
  // whose COMMIT went through before the connection dropped is found by its
  // run_uid (then it is this call's own run, not one stored before).
  for (int attempt = 1;; ++attempt) {
    try {
      AppendResult result = store_run_once(run, *started);
      if (attempt > 1) result.already_stored = false;
      return result;
    } catch (const StoreRetryableError&) {
      if (attempt >= kStoreRunAttempts || interrupt_requested() || !recover()) throw;
    }
  }
}

AppendResult SqlResultStore::store_run_once(const RunRecord& run, const std::string& started) {
  begin_write();
  try {
    const RunProvenance& p = run.provenance;
    // ON CONFLICT: a concurrent uploader of the same run waits for the
    // other's commit, then inserts nothing, on both engines.
    const SqlRows inserted = query(
        "INSERT INTO runs (run_uid, timestamp, host_version, git_commit, environment, "
        "command_line, repository, source_commit, source_branch, source_dirty, machine_id, "
        "host_name, cpu, ci_url, labels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "CAST($10 AS INTEGER), $11, $12, $13, $14, $15) ON CONFLICT (run_uid) DO NOTHING "
        "RETURNING id",
        {run.run_uid, started, run.host_version, run.host_commit, run.environment_json,
         run.command_line_json, p.repository, p.commit, p.branch, std::string(p.dirty ? "1" : "0"),
         p.machine_id, p.host_name, p.cpu, p.ci_url, labels_json(p.labels)});
    if (inserted.empty()) {
      const SqlRows existing = query("SELECT id FROM runs WHERE run_uid = $1", {run.run_uid});
      execute("ROLLBACK");
      return {std::stoll(existing.at(0).at(0)), true};
    }
    const std::string& run_id = inserted.at(0).at(0);
    for (const StoredTargetRow& t : run.targets)
      query(
          "INSERT INTO target_results (run_id, target_id, status, reason, median_ns, metrics, "
          "ns_per_operation, repetition, process, summary_only) VALUES ($1, $2, $3, $4, $5, $6, "
          "$7, $8, $9, CAST($10 AS INTEGER))",
          {run_id, t.target_id, t.status, t.reason, format_double("%.17g", t.median_ns),
           t.metrics_json, numbers_json(t.ns_per_operation), counts_json(t.repetition),
           counts_json(t.process), summary_only_value(t.summary_only)});
    pause_inside_transaction_for_tests();
    execute("COMMIT");
    return {std::stoll(run_id), false};
  } catch (...) {
    try {
      execute("ROLLBACK");
    } catch (const HistoryError&) {  // the connection is gone: the server rolls back
    }
    throw;
  }
}

std::vector<HistoryEntry> SqlResultStore::entries(const std::string& target_id,
                                                  const HistoryFilter& filter) {
  SqlParams params{target_id};
  add_filter_params(params, filter);
  const SqlRows rows = query(
      std::string("SELECT r.id, r.timestamp, t.status, t.median_ns, t.ns_per_operation, "
                  "t.repetition, t.process, t.summary_only, ") +
          kProvenanceColumns +
          " FROM target_results t JOIN runs r ON r.id = t.run_id WHERE t.target_id = $1 AND " +
          filter_sql(2) + " ORDER BY " + kRunOrder,
      params);
  std::vector<HistoryEntry> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    HistoryEntry e;
    e.run_id = std::stoll(row[0]);
    e.timestamp = row[1];
    e.status = row[2];
    e.median_ns = parse_real(row[3]);
    e.ns_per_operation = parse_numbers(row[4]);
    e.repetition = parse_sample_indices(row[5], e.ns_per_operation.size());
    e.process = parse_sample_indices(row[6], e.ns_per_operation.size());
    e.summary_only = row[7] == "1";
    e.run = provenance_of(row, 8);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<RunSummary> SqlResultStore::runs(const HistoryFilter& filter) {
  SqlParams params;
  add_filter_params(params, filter);
  const SqlRows rows = query(std::string("SELECT r.id, r.timestamp, ") + kProvenanceColumns +
                                 " FROM runs r WHERE " + filter_sql(1) + " ORDER BY " + kRunOrder,
                             params);
  std::vector<RunSummary> out;
  for (const auto& row : rows) out.push_back({std::stoll(row[0]), row[1], provenance_of(row, 2)});
  return out;
}

// Two statements. First the newest runs of each repository x branch x
// machine: a window over `runs` alone (one row per run, small). Then their
// targets by the primary key of target_results (run_id, target_id), a chunk
// of runs at a time. Never one join of the two: the planner cannot know how
// few runs the window keeps, so PostgreSQL hashed them and read all of
// target_results (10,000 runs x 40 targets: 400,000 rows, 220 MB read for
// 8,000), making the cost grow with the store instead of with the runs asked
// for (EXPLAIN ANALYZE in docs/fleet.md, "Scale").
std::vector<SeriesPoint> SqlResultStore::series_points(const HistoryFilter& filter, int last_runs) {
  SqlParams params{std::to_string(last_runs)};
  add_filter_params(params, filter);
  const SqlRows runs =
      query(std::string("SELECT ranked.id, ranked.started, ranked.repository, ranked.branch, "
                        "ranked.machine, ranked.source_commit FROM (SELECT r.id, r.timestamp AS "
                        "started, COALESCE(r.repository, '') AS repository, "
                        "COALESCE(r.source_branch, '') AS branch, COALESCE(r.machine_id, '') AS "
                        "machine, ") +
                kCommitColumn +
                // The series as the rest of cost-ops keys it: a NULL (a run stored
                // before migration 3) and '' are one series, not two windows.
                " AS source_commit, ROW_NUMBER() OVER (PARTITION BY COALESCE(r.repository, ''), "
                "COALESCE(r.source_branch, ''), COALESCE(r.machine_id, '') ORDER BY r.timestamp "
                "DESC, r.id DESC) AS newest FROM runs r WHERE " +
                filter_sql(2) + ") ranked WHERE ranked.newest <= CAST($1 AS INTEGER)",
            params);
  std::map<std::int64_t, const std::vector<std::string>*> run_by_id;
  for (const auto& row : runs) run_by_id.emplace(std::stoll(row[0]), &row);
  std::vector<SeriesPoint> out;
  // Ids the store itself returned, as parameters; chunks stay far below
  // either engine's limit on parameters.
  constexpr std::size_t kRunsPerStatement = 500;
  for (std::size_t first = 0; first < runs.size(); first += kRunsPerStatement) {
    const std::size_t count = std::min(kRunsPerStatement, runs.size() - first);
    SqlParams ids;
    std::string placeholders;
    for (std::size_t i = 0; i < count; ++i) {
      ids.emplace_back(runs[first + i][0]);
      placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
    }
    for (const auto& row : query("SELECT run_id, target_id, status, median_ns FROM "
                                 "target_results WHERE run_id IN (" +
                                     placeholders + ")",
                                 ids)) {
      const auto& run = *run_by_id.at(std::stoll(row[0]));
      out.push_back({std::stoll(run[0]), run[1], run[2], run[3], run[4], run[5], row[1], row[2],
                     parse_real(row[3])});
    }
  }
  // By series (repository, branch, machine, target), then in the order the runs ran.
  std::sort(out.begin(), out.end(), [](const SeriesPoint& a, const SeriesPoint& b) {
    return std::tie(a.repository, a.branch, a.machine, a.target_id, a.timestamp, a.run_id) <
           std::tie(b.repository, b.branch, b.machine, b.target_id, b.timestamp, b.run_id);
  });
  return out;
}

std::optional<RunRecord> SqlResultStore::run(std::int64_t run_id) {
  const SqlRows rows = query(
      "SELECT r.run_uid, r.timestamp, r.host_version, r.git_commit, "
      "r.environment, r.command_line, " +
          kProvenanceColumns + " FROM runs r WHERE r.id = $1",
      {std::to_string(run_id)});
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  RunRecord record{row[0], row[1], row[2], row[3], row[4], row[5], provenance_of(row, 6), {}};
  record.targets = target_rows(std::to_string(run_id));
  return record;
}

std::vector<StoredTargetRow> SqlResultStore::target_rows(const std::string& run_id) {
  std::vector<StoredTargetRow> out;
  for (const auto& row :
       query("SELECT target_id, status, reason, median_ns, metrics, ns_per_operation, "
             "repetition, process, summary_only FROM target_results WHERE run_id = $1 ORDER BY "
             "target_id",
             {run_id})) {
    StoredTargetRow t{row[0], row[1], row[2], parse_real(row[3]), row[4], parse_numbers(row[5]),
                      {},     {}};
    t.repetition = parse_sample_indices(row[6], t.ns_per_operation.size());
    t.process = parse_sample_indices(row[7], t.ns_per_operation.size());
    t.summary_only = row[8] == "1";  // NULL (a row from before migration 6): not
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace costops::host::store

namespace costops::host {

int latest_store_schema_version() {
  return 1 + static_cast<int>(store::kSharedMigrations.size());
}

}  // namespace costops::host
