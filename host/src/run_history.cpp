#include "costops/host/run_history.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <iterator>
#include <sstream>

#include "costops/host/human_units.hpp"
#include "costops/host/raw_record.hpp"

namespace costops::host {

namespace json = boost::json;

namespace {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw HistoryError(std::string("history database: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  void text(int i, const std::string& value) {
    sqlite3_bind_text(stmt_, i, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void integer(int i, std::int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  void real(int i, double value) { sqlite3_bind_double(stmt_, i, value); }
  void done() {
    if (sqlite3_step(stmt_) != SQLITE_DONE)
      throw HistoryError(std::string("history database: ") + sqlite3_errmsg(db_));
    sqlite3_reset(stmt_);
  }
  bool row() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE)
      throw HistoryError(std::string("history database: ") + sqlite3_errmsg(db_));
    return false;
  }
  std::string column_text(int i) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return t ? t : "";
  }
  double column_real(int i) { return sqlite3_column_double(stmt_, i); }
  std::int64_t column_integer(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

namespace {

// Each migration moves the schema from version i to i + 1 (PRAGMA
// user_version). Never edit one that has shipped; append a new one.
const char* const kMigrations[] = {
    // 1: runs and their targets' results.
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, "
    "host_version TEXT, git_commit TEXT, host_name TEXT, environment TEXT, command_line TEXT);"
    "CREATE TABLE target_results (run_id INTEGER NOT NULL REFERENCES runs(id), "
    "target_id TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, median_ns REAL, metrics TEXT, "
    "ns_per_operation TEXT, PRIMARY KEY (run_id, target_id));"
    "CREATE INDEX idx_target_results_target ON target_results (target_id, run_id);",
    // 2: each sample's repetition (NULL for older rows: they read as repetition 0).
    "ALTER TABLE target_results ADD COLUMN repetition TEXT;",
    // 3: the benchmarked code, apart from the host's own build (git_commit).
    "ALTER TABLE runs ADD COLUMN source_commit TEXT;"
    "ALTER TABLE runs ADD COLUMN source_branch TEXT;"
    "ALTER TABLE runs ADD COLUMN source_dirty INTEGER;",
    // 4: each sample's worker process, the unit of step detection (NULL for
    // older rows: all their samples count as one process).
    "ALTER TABLE target_results ADD COLUMN process TEXT;",
};
constexpr int kLatestHistorySchema = static_cast<int>(std::size(kMigrations));

}  // namespace

RunHistory::RunHistory(const std::filesystem::path& file) : file_(file) {
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw HistoryError("cannot open history database " + file.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {  // the destructor does not run if the constructor throws
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

RunHistory::~RunHistory() {
  sqlite3_close(db_);
}

// Databases written before the schema was numbered (user_version 0 with
// tables) are recognised by their columns and given the version they match.
int RunHistory::unnumbered_schema_version() {
  Statement tables(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'");
  if (!tables.row()) return 0;
  Statement column(db_,
                   "SELECT 1 FROM pragma_table_info('target_results') WHERE name = 'repetition'");
  return column.row() ? 2 : 1;
}

int RunHistory::schema_version() {
  Statement version(db_, "PRAGMA user_version");
  const int numbered = version.row() ? static_cast<int>(version.column_integer(0)) : 0;
  return numbered > 0 ? numbered : unnumbered_schema_version();
}

// Reads the version and migrates inside one write transaction, so two
// processes opening a new file at once cannot both create the tables.
void RunHistory::migrate() {
  execute("BEGIN IMMEDIATE");
  try {
    const int current = schema_version();
    if (current > kLatestHistorySchema)
      throw HistoryError("history database " + file_.string() + " has schema version " +
                         std::to_string(current) + ", newer than this cost-ops understands (" +
                         std::to_string(kLatestHistorySchema) + "); use a newer cost-ops");
    for (int version = current; version < kLatestHistorySchema; ++version)
      execute(kMigrations[version]);
    execute(("PRAGMA user_version = " + std::to_string(std::max(current, kLatestHistorySchema)))
                .c_str());
    execute("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void RunHistory::execute(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw HistoryError("history database " + file_.string() + ": " + message);
  }
}

std::int64_t RunHistory::append(const SuiteReport& report) {
  execute("BEGIN IMMEDIATE");
  try {
    Statement run(db_,
                  "INSERT INTO runs (timestamp, host_version, git_commit, host_name, environment, "
                  "command_line, source_commit, source_branch, source_dirty) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    run.text(1, report.started_at);
    run.text(2, report.host_version);
    run.text(3, report.environment.git_commit);
    run.text(4, report.environment.host_name);
    run.text(5, json::serialize(environment_to_json(report.environment)));
    json::array command_line;
    for (const auto& a : report.command_line) command_line.emplace_back(a);
    run.text(6, json::serialize(command_line));
    run.text(7, report.source.commit);
    run.text(8, report.source.branch);
    run.integer(9, report.source.dirty ? 1 : 0);
    run.done();
    const std::int64_t run_id = sqlite3_last_insert_rowid(db_);
    Statement target(
        db_,
        "INSERT OR REPLACE INTO target_results (run_id, target_id, status, reason, median_ns, "
        "metrics, ns_per_operation, repetition, process) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9)");
    for (const TargetResult& t : report.targets) {
      target.integer(1, run_id);
      target.text(2, t.target_id);
      target.text(3, std::string(to_string(t.status)));
      target.text(4, t.reason);
      target.real(5, t.stats.median);
      target.text(6, json::serialize(canonical_metrics(t)));
      json::array samples, repetition, process;
      if (t.measurement)
        for (const Sample& s : t.measurement->samples) {
          samples.push_back(s.ns_per_operation());
          repetition.push_back(s.repetition);
          process.push_back(s.process);
        }
      target.text(7, json::serialize(samples));
      target.text(8, json::serialize(repetition));
      target.text(9, json::serialize(process));
      target.done();
    }
    execute("COMMIT");
    return run_id;
  } catch (...) {
    execute("ROLLBACK");
    throw;
  }
}

namespace {

// A JSON array of per-sample indices, only when it matches the samples one to
// one; otherwise empty (all samples count as one).
std::vector<std::uint32_t> sample_indices(const std::string& text, std::size_t samples) {
  boost::system::error_code ec;
  const json::value array = json::parse(text, ec);
  std::vector<std::uint32_t> indices;
  if (ec || !array.is_array() || array.get_array().size() != samples) return indices;
  for (const auto& v : array.get_array())
    indices.push_back(v.is_int64() && v.get_int64() >= 0
                          ? static_cast<std::uint32_t>(v.get_int64())
                          : 0);  // Boost.JSON reads small counts as int64
  return indices;
}

}  // namespace

std::vector<HistoryEntry> RunHistory::entries(const std::string& target_id) {
  Statement query(
      db_,
      "SELECT r.id, r.timestamp, COALESCE(NULLIF(r.source_commit, ''), r.git_commit), "
      "r.host_name, t.status, t.median_ns, "
      "t.ns_per_operation, t.repetition, t.process "
      "FROM target_results t JOIN runs r ON r.id = t.run_id WHERE t.target_id = ?1 ORDER BY r.id");
  query.text(1, target_id);
  std::vector<HistoryEntry> out;
  while (query.row()) {
    HistoryEntry e;
    e.run_id = query.column_integer(0);
    e.timestamp = query.column_text(1);
    e.git_commit = query.column_text(2);
    e.host_name = query.column_text(3);
    e.status = query.column_text(4);
    e.median_ns = query.column_real(5);
    boost::system::error_code ec;
    const json::value samples = json::parse(query.column_text(6), ec);
    if (!ec && samples.is_array())
      for (const auto& v : samples.get_array())
        if (v.is_number()) e.ns_per_operation.push_back(v.to_number<double>(ec));
    e.repetition = sample_indices(query.column_text(7), e.ns_per_operation.size());
    e.process = sample_indices(query.column_text(8), e.ns_per_operation.size());
    out.push_back(std::move(e));
  }
  return out;
}

TargetComparison compare_history_entries(const std::string& target_id, const HistoryEntry& before,
                                         const HistoryEntry& after,
                                         const ComparisonSettings& settings) {
  const auto stored = [&](const HistoryEntry& e) {
    return StoredTarget{target_id,          TargetStatus::ok, {},
                        e.ns_per_operation, e.repetition,     e.process};
  };
  return compare_targets(stored(before), stored(after), settings);
}

std::string history_text(const std::string& target_id, const std::vector<HistoryEntry>& entries,
                         const ComparisonSettings& settings) {
  std::ostringstream out;
  if (entries.empty()) {
    out << "no recorded results for " << target_id << "\n";
    return out.str();
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-6s %-25s %-14s %-10s %14s %9s  %s\n", "run", "timestamp",
                "commit", "status", "median", "change", "step");
  out << "History of " << target_id << ":\n" << line;
  const HistoryEntry* previous = nullptr;
  for (const HistoryEntry& e : entries) {
    std::string change = "", step = "";
    if (e.status == "ok" && previous) {
      const TargetComparison c = compare_history_entries(target_id, *previous, e, settings);
      change = format_double("%+.1f%%", 100 * c.change);
      if (c.verdict == Verdict::slower)
        step = "▲ step: slower (p " + format_double("%.2g", c.p_value) + ")";
      if (c.verdict == Verdict::faster)
        step = "▼ step: faster (p " + format_double("%.2g", c.p_value) + ")";
    }
    std::snprintf(line, sizeof line, "%-6lld %-25s %-14s %-10s %14s %9s  %s\n",
                  static_cast<long long>(e.run_id), e.timestamp.c_str(),
                  e.git_commit.empty() ? "-" : e.git_commit.c_str(), e.status.c_str(),
                  e.status == "ok" ? human_duration(e.median_ns).c_str() : "-", change.c_str(),
                  step.c_str());
    out << line;
    if (e.status == "ok") previous = &e;
  }
  return out.str();
}

}  // namespace costops::host
