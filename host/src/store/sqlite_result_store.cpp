// The SQLite engine of the result store: one file, the embedded default.
// Its numbered schema version is PRAGMA user_version; migrating and every
// append take the write lock first (BEGIN IMMEDIATE).
#include <sqlite3.h>

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
  explicit SqliteResultStore(const std::string& file) : SqlResultStore(file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw HistoryError("cannot open history database " + file + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    try {  // the destructor does not run if the constructor throws
      migrate();
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }
  ~SqliteResultStore() override { sqlite3_close(db_); }
  SqliteResultStore(const SqliteResultStore&) = delete;
  SqliteResultStore& operator=(const SqliteResultStore&) = delete;

 protected:
  SqlRows query(const std::string& sql, const SqlParams& params) override;
  void execute(const std::string& sql) override;
  void begin_write() override { execute("BEGIN IMMEDIATE"); }

 private:
  [[noreturn]] void fail() const { throw HistoryError(describe() + ": " + sqlite3_errmsg(db_)); }
  void migrate();
  int user_version();
  int unnumbered_schema_version();
  bool has_column(const std::string& table, const std::string& column);
  sqlite3* db_ = nullptr;
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

// Reads the version and migrates inside one write transaction, so two
// processes opening a new file at once cannot both create the tables.
void SqliteResultStore::migrate() {
  begin_write();
  try {
    const int numbered = user_version();
    if (numbered == 3 && !has_column("runs", "run_uid")) execute(kFleetColumns);
    const int reached =
        migrate_from(numbered > 0 ? numbered : unnumbered_schema_version(), kFirstMigration);
    if (reached != numbered)  // no write (and no sync) when nothing changed
      execute("PRAGMA user_version = " + std::to_string(reached));
    execute("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace

std::unique_ptr<ResultStore> open_sqlite_store(const std::string& file) {
  return std::make_unique<SqliteResultStore>(file);
}

}  // namespace costops::host::store
