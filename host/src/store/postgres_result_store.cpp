// The PostgreSQL engine of the result store (libpq): one server shared by a
// fleet of runners. Its numbered schema versions are rows of
// schema_migrations; a transaction-scoped advisory lock makes the first use
// by many runners at once migrate exactly once.
#include <libpq-fe.h>

#include <cstdlib>
#include <vector>

#include "sql_result_store.hpp"

namespace costops::host::store {

namespace {

// Version 1 of the logical schema with PostgreSQL's types; the same tables
// and columns as SQLite's first migration.
constexpr const char* kFirstMigration =
    "CREATE TABLE runs (id BIGSERIAL PRIMARY KEY, timestamp TEXT NOT NULL, "
    "host_version TEXT, git_commit TEXT, host_name TEXT, environment TEXT, command_line TEXT);"
    "CREATE TABLE target_results (run_id BIGINT NOT NULL REFERENCES runs(id), "
    "target_id TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, median_ns DOUBLE PRECISION, "
    "metrics TEXT, ns_per_operation TEXT, PRIMARY KEY (run_id, target_id));"
    "CREATE INDEX idx_target_results_target ON target_results (target_id, run_id);";

// The advisory lock every cost-ops takes to migrate ("costops" in ASCII).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(27981962238038131)";

std::string without_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

class PostgresResultStore final : public SqlResultStore {
 public:
  explicit PostgresResultStore(const std::string& url);
  ~PostgresResultStore() override { PQfinish(connection_); }
  PostgresResultStore(const PostgresResultStore&) = delete;
  PostgresResultStore& operator=(const PostgresResultStore&) = delete;

 protected:
  SqlRows query(const std::string& sql, const SqlParams& params) override;
  void execute(const std::string& sql) override;
  void begin_write() override { execute("BEGIN"); }

 private:
  // Throws unless `result` is `expected`; frees it when throwing.
  void check(PGresult* result, ExecStatusType expected) const;
  void migrate();
  PGconn* connection_ = nullptr;
};

PostgresResultStore::PostgresResultStore(const std::string& url)
    : SqlResultStore(redacted_location(url)) {
  // Keywords are applied in order: the URL (expanded from dbname) overrides
  // the defaults before it, and PG* environment variables fill the rest.
  std::vector<const char*> keywords{"fallback_application_name"}, values{"cost-ops"};
  if (!std::getenv("PGCONNECT_TIMEOUT")) {  // an unreachable host fails in seconds, not minutes
    keywords.push_back("connect_timeout");
    values.push_back("10");
  }
  keywords.insert(keywords.end(), {"dbname", nullptr});
  values.insert(values.end(), {url.c_str(), nullptr});
  connection_ = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (!connection_ || PQstatus(connection_) != CONNECTION_OK) {
    const std::string message =
        connection_ ? without_newline(PQerrorMessage(connection_)) : "out of memory";
    PQfinish(connection_);
    throw HistoryError("cannot connect to the result store " + location() + ": " + message +
                       " (check the URL, that the server runs, and the PG* variables)");
  }
  // "already exists, skipping" notices are expected, not the user's business.
  PQsetNoticeProcessor(
      connection_, [](void*, const char*) {}, nullptr);
  try {
    migrate();
  } catch (...) {
    PQfinish(connection_);
    throw;
  }
}

void PostgresResultStore::check(PGresult* result, ExecStatusType expected) const {
  if (result && PQresultStatus(result) == expected) return;
  const std::string message =
      without_newline(result ? PQresultErrorMessage(result) : PQerrorMessage(connection_));
  PQclear(result);
  throw HistoryError(describe() + ": " + message);
}

SqlRows PostgresResultStore::query(const std::string& sql, const SqlParams& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0);
  if (PQresultStatus(result) == PGRES_COMMAND_OK) {
    PQclear(result);
    return {};
  }
  check(result, PGRES_TUPLES_OK);
  SqlRows rows(static_cast<std::size_t>(PQntuples(result)));
  const int columns = PQnfields(result);
  for (int r = 0; r < static_cast<int>(rows.size()); ++r)
    for (int c = 0; c < columns; ++c)
      rows[static_cast<std::size_t>(r)].emplace_back(PQgetvalue(result, r, c));
  PQclear(result);
  return rows;
}

void PostgresResultStore::execute(const std::string& sql) {
  PGresult* result = PQexec(connection_, sql.c_str());
  check(result, PGRES_COMMAND_OK);
  PQclear(result);
}

// Under the advisory lock, inside one transaction: read the version, apply
// what is missing, record each version applied.
void PostgresResultStore::migrate() {
  begin_write();
  try {
    query(kMigrationLock, {});
    execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const int current =
        std::stoi(query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}).at(0).at(0));
    const int reached = migrate_from(current, kFirstMigration);
    if (reached > current)
      query("INSERT INTO schema_migrations (version) SELECT generate_series($1::int, $2::int)",
            {std::to_string(current + 1), std::to_string(reached)});
    execute("COMMIT");
  } catch (...) {
    PQclear(PQexec(connection_, "ROLLBACK"));
    throw;
  }
}

}  // namespace

std::unique_ptr<ResultStore> open_postgres_store(const std::string& url) {
  return std::make_unique<PostgresResultStore>(url);
}

}  // namespace costops::host::store
