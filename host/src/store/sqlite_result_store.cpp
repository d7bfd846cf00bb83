// The SQLite engine of the result store: one file, the embedded default.
// Its numbered schema version is PRAGMA user_version; migrating and every
// append take the write lock first (BEGIN IMMEDIATE). Readers open the file
// read-only and never migrate; the file is in WAL mode, so a reader never
// waits for a writer. Every wait for a lock is bounded by the busy timeout
// (--store-timeout), and an interrupt aborts a running statement.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "costops/host/child_process.hpp"
#include "sql_result_store.hpp"

namespace costops::host::store {

namespace {

// Version 1 as it shipped (the column types of the shared migrations are
// engine-neutral); never edit.
constexpr const char* kFirstMigration =
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, "
    "host_version TEXT, git_commit TEXT, host_name TEXT, environment TEXT, command_line TEXT);"
    "CREATE TABLE target_results (run_id INTEGER NOT NULL REFERENCES runs(id), "
    "target_id TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, median_ns REAL, metrics TEXT, "
    "ns_per_operation TEXT, PRIMARY KEY (run_id, target_id));"
    "CREATE INDEX idx_target_results_target ON target_results (target_id, run_id);";

// "$3" -> "?3": the shared queries use PostgreSQL's placeholders.
std::string sqlite_placeholders(std::string sql) {
  for (char& c : sql)
    if (c == '$') c = '?';
  return sql;
}

class SqliteResultStore final : public SqlResultStore {
 public:
  SqliteResultStore(const std::string& file, const StoreOpenOptions& options)
      : SqlResultStore(file) {
    const bool reading = options.access == StoreAccess::read;
    interrupted_before_ = interrupt_requested();
    busy_limit_ = std::chrono::duration<double>(std::clamp(options.timeout_seconds, 0.0, 86400.0));
    connect(file, reading ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    try {  // the destructor does not run if the constructor throws
      if (reading)
        check_readable();
      else
        migrate();
    } catch (const HistoryError&) {
      // A WAL file read by someone who may not create its -shm beside it (a
      // read-only directory or file: an artifact, another user's history)
      // fails with "attempt to write a readonly database". When no -wal
      // exists, no writer has the file open: read it as unchanging.
      const int code = sqlite3_errcode(db_);
      sqlite3_close(db_);
      db_ = nullptr;
      std::error_code ec;
      if (!reading || (code != SQLITE_READONLY && code != SQLITE_CANTOPEN) ||
          std::filesystem::exists(file + "-wal", ec))
        throw;
      connect(immutable_uri(file), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
      try {
        check_readable();
      } catch (...) {
        sqlite3_close(db_);
        throw;
      }
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }
  std::pair<int, int> versions() const { return versions_; }
  ~SqliteResultStore() override { sqlite3_close(db_); }
  SqliteResultStore(const SqliteResultStore&) = delete;
  SqliteResultStore& operator=(const SqliteResultStore&) = delete;

 protected:
  SqlRows query(const std::string& sql, const SqlParams& params) override;
  void execute(const std::string& sql) override;
  void begin_write() override { execute("BEGIN IMMEDIATE"); }

 private:
  // Opens `name` and installs the waits' bounds.
  void connect(const std::string& name, int flags) {
    if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw HistoryError("cannot open history database " + location() + ": " + message);
    }
    // Waiting for another writer's lock ends at the timeout or at an
    // interrupt arriving meanwhile ("database is locked"); an interrupt also
    // aborts a running statement (checked every 1000 virtual machine steps),
    // as PQcancel does on PostgreSQL.
    sqlite3_busy_handler(
        db_,
        [](void* self, int attempt) {
          auto& store = *static_cast<SqliteResultStore*>(self);
          const auto now = std::chrono::steady_clock::now();
          if (attempt == 0) store.busy_since_ = now;
          if ((!store.interrupted_before_ && interrupt_requested()) ||
              now - store.busy_since_ >= store.busy_limit_)
            return 0;
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          return 1;
        },
        this);
    sqlite3_progress_handler(
        db_, 1000,
        [](void* self) {
          return !static_cast<SqliteResultStore*>(self)->interrupted_before_ &&
                         interrupt_requested()
                     ? 1
                     : 0;
        },
        this);
  }
  // "file:/dir%20x/h.db?immutable=1": the path percent-encoded as a URI.
  static std::string immutable_uri(const std::string& file) {
    const std::string absolute = std::filesystem::absolute(file).string();
    std::string uri = "file:";
    for (const char c : absolute) {
      const auto byte = static_cast<unsigned char>(c);
      if (std::isalnum(byte) || std::strchr("/-._~", c)) {
        uri += c;
      } else {
        char escaped[4];
        std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
        uri += escaped;
      }
    }
    return uri + "?immutable=1";
  }
  // A constraint or a value the column refuses is the run's fault (StoreDataError).
  [[noreturn]] void fail() const {
    const int code = sqlite3_errcode(db_);
    const std::string text = describe() + ": " + sqlite3_errmsg(db_);
    if (code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH || code == SQLITE_TOOBIG)
      throw StoreDataError(text);
    throw HistoryError(text);
  }
  void migrate();
  void check_readable();
  int user_version();
  int unnumbered_schema_version();
  bool has_column(const std::string& table, const std::string& column);
  sqlite3* db_ = nullptr;
  bool interrupted_before_ = false;
  std::chrono::duration<double> busy_limit_{0};
  std::chrono::steady_clock::time_point busy_since_;
  std::pair<int, int> versions_{0, 0};
};

SqlRows SqliteResultStore::query(const std::string& sql, const SqlParams& params) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sqlite_placeholders(sql).c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    fail();
  SqlRows rows;
  int rc = SQLITE_OK;
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i])
      sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i]->data(),
                        static_cast<int>(params[i]->size()), SQLITE_STATIC);
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto& row = rows.emplace_back(static_cast<std::size_t>(sqlite3_column_count(stmt)));
    for (std::size_t c = 0; c < row.size(); ++c)
      if (const auto* text = sqlite3_column_text(stmt, static_cast<int>(c)))
        row[c] = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) fail();
  return rows;
}

void SqliteResultStore::execute(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw HistoryError(describe() + ": " + message);
  }
}

// Databases written before the schema was numbered (user_version 0 with
// tables) are recognised by their columns and given the version they match.
int SqliteResultStore::unnumbered_schema_version() {
  if (query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'", {}).empty())
    return 0;
  return has_column("target_results", "repetition") ? 2 : 1;
}

bool SqliteResultStore::has_column(const std::string& table, const std::string& column) {
  return !query("SELECT 1 FROM pragma_table_info($1) WHERE name = $2", {table, column}).empty();
}

int SqliteResultStore::user_version() {
  const SqlRows version = query("PRAGMA user_version", {});
  return version.empty() ? 0 : std::stoi(version[0][0]);
}

// A reader takes the schema as it is: this host's version, or an error
// saying who can upgrade it.
void SqliteResultStore::check_readable() {
  const int numbered = user_version();
  const int version = numbered > 0 ? numbered : unnumbered_schema_version();
  versions_ = {version, version};
  refuse_newer_schema(version);
  const int latest = latest_store_schema_version();
  if (version == 0)
    throw HistoryError(describe() +
                       " holds no cost-ops history: record runs with `cost-ops run "
                       "--history " +
                       pasteable_location(location()) + "`");
  if (version < latest || (numbered == 3 && !has_column("runs", "run_uid")))
    throw HistoryError(schema_behind_message(describe(), version, location()));
}

// Reads the version and migrates inside one write transaction, so two
// processes opening a new file at once cannot both create the tables. Then
// WAL mode (kept by the file), so that readers never wait for a writer.
void SqliteResultStore::migrate() {
  begin_write();
  try {
    const int numbered = user_version();
    if (numbered == 3 && !has_column("runs", "run_uid")) execute(kFleetColumns);
    const int from = numbered > 0 ? numbered : unnumbered_schema_version();
    const int reached = migrate_from(from, kFirstMigration);
    if (reached != numbered)  // no write (and no sync) when nothing changed
      execute("PRAGMA user_version = " + std::to_string(reached));
    execute("COMMIT");
    versions_ = {from, reached};
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  try {
    if (query("PRAGMA journal_mode", {}).at(0).at(0) != "wal")
      query("PRAGMA journal_mode = WAL", {});
  } catch (const HistoryError&) {  // busy: another writer switches it; readers then just wait
  }
}

}  // namespace

std::unique_ptr<ResultStore> open_sqlite_store(const std::string& file,
                                               const StoreOpenOptions& options,
                                               std::pair<int, int>* versions) {
  auto store = std::make_unique<SqliteResultStore>(file, options);
  if (versions) *versions = store->versions();
  return store;
}

}  // namespace costops::host::store
