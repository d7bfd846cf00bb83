// The PostgreSQL engine of the result store (libpq): one server shared by a
// fleet of runners. Its numbered schema versions are rows of
// schema_migrations; a transaction-scoped advisory lock makes the first use
// by many runners at once migrate exactly once. A role migrates only when
// the schema is behind (readers never), so a writer needs INSERT and SELECT
// and a reader SELECT only. Every wait is bounded: connect_timeout, then
// statement_timeout and lock_timeout for the session, and a SIGINT/SIGTERM
// arriving while a statement runs cancels it (PQcancel).
#include <libpq-fe.h>
#include <poll.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "costops/host/child_process.hpp"
#include "costops/host/store/store_location.hpp"
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

constexpr const char* kLacksRight = "the role lacks this right";

std::string quoted_identifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The word after `prefix` in the server's message ("permission denied for
// table runs" -> "runs"), "" when the message does not say it.
std::string object_after(const std::string& message, const std::string& prefix) {
  const auto at = message.find(prefix);
  if (at == std::string::npos) return "";
  const std::size_t first = at + prefix.size();
  std::size_t last = first;
  while (last < message.size() && message[last] != ' ' && message[last] != '\n') ++last;
  return message.substr(first, last - first);
}

// What the store's owner grants so that `role` can do its job (docs/fleet.md,
// "Roles"), for the object the server named.
// While a writer migrates, no grant: the owner migrates (migrate() says so).
std::string grant_advice(const std::string& message, const std::string& role, StoreAccess access,
                         bool migrating) {
  const std::string who = quoted_identifier(role);
  std::string grant;
  if (migrating && access != StoreAccess::migrate) {
  } else if (const std::string schema = object_after(message, "permission denied for schema ");
             !schema.empty())
    grant = access == StoreAccess::migrate
                ? "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + who
                : "GRANT USAGE ON SCHEMA " + schema + " TO " + who;
  else if (const std::string sequence = object_after(message, "permission denied for sequence ");
           !sequence.empty())
    grant = "GRANT USAGE ON SEQUENCE " + sequence + " TO " + who;
  else if (!object_after(message, "permission denied for table ").empty())
    grant = access == StoreAccess::read
                ? "GRANT SELECT ON runs, target_results, schema_migrations TO " + who
                : "GRANT SELECT, INSERT ON runs, target_results, schema_migrations TO " + who +
                      "; GRANT USAGE ON SEQUENCE runs_id_seq TO " + who;
  std::string advice = std::string(" (") + kLacksRight + ": role " + who;
  if (!grant.empty())
    return advice + " needs `" + grant + ";` from the store's owner; docs/fleet.md, \"Roles\")";
  return advice + "; docs/fleet.md lists the GRANTs for an owner, a writer and a reader)";
}

// What to add to the server's message so that the reader knows what to do.
std::string advice_for(const std::string& sqlstate) {
  if (sqlstate == "57014") return " (cancelled: interrupted, or longer than --store-timeout)";
  if (sqlstate == "55P03") return " (a lock was not granted within --store-timeout)";
  return "";
}

class PostgresResultStore final : public SqlResultStore {
 public:
  PostgresResultStore(const StoreLocation& where, const StoreOpenOptions& options);
  ~PostgresResultStore() override { PQfinish(connection_); }
  PostgresResultStore(const PostgresResultStore&) = delete;
  PostgresResultStore& operator=(const PostgresResultStore&) = delete;
  std::pair<int, int> versions() const { return versions_; }

 protected:
  SqlRows query(const std::string& sql, const SqlParams& params) override;
  void execute(const std::string& sql) override;
  // READ COMMITTED whatever the server's default_transaction_isolation: the
  // migration must see, once it holds the advisory lock, the tables another
  // runner created meanwhile (a snapshot from before the wait would not), and
  // an insert needs no more (SERIALIZABLE only adds conflicts between
  // runners inserting their own rows).
  void begin_write() override { execute("BEGIN ISOLATION LEVEL READ COMMITTED"); }
  bool recover() override;

 private:
  // Sends, then waits for the result, cancelling on an interrupt that
  // arrives meanwhile. Throws HistoryError (StoreDataError for the data's
  // fault) unless the result is `expected` (or COMMAND_OK for a query).
  PGresult* run(const std::string& sql, const SqlParams* params);
  PGresult* wait_for_result();
  [[noreturn]] void fail(PGresult* result);
  void set_session_timeouts();
  int schema_version();
  void open_for(StoreAccess access, const std::string& display);
  void migrate(const std::string& display);
  PGconn* connection_ = nullptr;
  std::string timeout_ms_;
  StoreAccess access_ = StoreAccess::write;
  bool migrating_ = false;
  std::pair<int, int> versions_{0, 0};
};

PostgresResultStore::PostgresResultStore(const StoreLocation& where,
                                         const StoreOpenOptions& options)
    : SqlResultStore(where.display()) {
  // Keywords are applied in order: the URL (expanded from dbname) overrides
  // the defaults before it, and PG* environment variables fill the rest.
  const long seconds = std::max(1L, std::lround(options.timeout_seconds));
  const std::string connect_timeout = std::to_string(seconds);
  std::vector<const char*> keywords{"fallback_application_name"}, values{"cost-ops"};
  if (!std::getenv("PGCONNECT_TIMEOUT")) {
    keywords.push_back("connect_timeout");
    values.push_back(connect_timeout.c_str());
  }
  // $PGPASSWORD, moved out of the environment at start (store_location.hpp):
  // before dbname, so that a password in the location overrides it.
  if (const char* password = environment_password()) {
    keywords.push_back("password");
    values.push_back(password);
  }
  keywords.insert(keywords.end(), {"dbname", nullptr});
  values.insert(values.end(), {where.connection_text().c_str(), nullptr});
  connection_ = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (!connection_ || PQstatus(connection_) != CONNECTION_OK) {
    const std::string message =
        connection_ ? without_newline(PQerrorMessage(connection_)) : "out of memory";
    PQfinish(connection_);
    throw HistoryError("cannot connect to the result store " + location() + ": " +
                       without_store_secrets(message, where.connection_text()) +
                       " (check the URL, that the server runs, and the PG* variables)");
  }
  // "already exists, skipping" notices are expected, not the user's business.
  PQsetNoticeProcessor(
      connection_, [](void*, const char*) {}, nullptr);
  try {
    timeout_ms_ = std::to_string(static_cast<long long>(seconds) * 1000);
    access_ = options.access;
    set_session_timeouts();
    open_for(options.access, where.display());
  } catch (...) {
    PQfinish(connection_);
    throw;
  }
}

void PostgresResultStore::set_session_timeouts() {
  query("SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $1, false)",
        {timeout_ms_});
}

// The same server, a new session: libpq connects again with the same
// parameters (the password too, kept inside libpq).
bool PostgresResultStore::recover() {
  if (PQstatus(connection_) == CONNECTION_OK) {
    PQclear(PQexec(connection_, "ROLLBACK"));  // a conflict's loser: the session is fine
    if (PQstatus(connection_) == CONNECTION_OK) return true;
  }
  PQreset(connection_);
  if (PQstatus(connection_) != CONNECTION_OK) return false;
  try {
    set_session_timeouts();
  } catch (const HistoryError&) {
    return false;
  }
  return true;
}

void PostgresResultStore::fail(PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  // Lost connection (class 08, 57P01 terminated by an administrator, or
  // libpq's own "server closed the connection"), serialization failure,
  // deadlock: nothing to do with this run; store_run tries again.
  const bool retryable = PQstatus(connection_) == CONNECTION_BAD || sqlstate == "40001" ||
                         sqlstate == "40P01" || sqlstate.starts_with("08") || sqlstate == "57P01";
  const std::string message =
      without_newline(result ? PQresultErrorMessage(result) : PQerrorMessage(connection_));
  PQclear(result);
  const std::string text =
      describe() + ": " + message +
      (sqlstate == "42501" ? grant_advice(message, PQuser(connection_), access_,
                                          migrating_)  // insufficient_privilege
                           : advice_for(sqlstate));
  // Class 22 (data exception) and 23 (integrity): this run's data, not the store.
  if (sqlstate.starts_with("22") || sqlstate.starts_with("23")) throw StoreDataError(text);
  if (retryable) throw StoreRetryableError(text);
  throw HistoryError(text);
}

PGresult* PostgresResultStore::wait_for_result() {
  const bool interrupted_before = interrupt_requested();
  bool cancelled = false;
  while (PQisBusy(connection_)) {
    pollfd socket{PQsocket(connection_), POLLIN, 0};
    ::poll(&socket, 1, 100);  // wakes for a signal too (no SA_RESTART)
    if (!cancelled && !interrupted_before && interrupt_requested()) {
      if (PGcancel* cancel = PQgetCancel(connection_)) {
        char error[256];
        PQcancel(cancel, error, sizeof error);
        PQfreeCancel(cancel);
      }
      cancelled = true;
    }
    if (!PQconsumeInput(connection_)) return nullptr;
  }
  PGresult* last = nullptr;  // the last result of a multi-statement string
  while (PGresult* next = PQgetResult(connection_)) {
    if (last && PQresultStatus(last) != PGRES_COMMAND_OK &&
        PQresultStatus(last) != PGRES_TUPLES_OK) {
      PQclear(next);  // keep the first error
      continue;
    }
    PQclear(last);
    last = next;
  }
  return last;
}

PGresult* PostgresResultStore::run(const std::string& sql, const SqlParams* params) {
  int sent = 0;
  if (params) {
    std::vector<const char*> values;
    for (const auto& p : *params) values.push_back(p ? p->c_str() : nullptr);
    sent = PQsendQueryParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  } else {
    sent = PQsendQuery(connection_, sql.c_str());
  }
  if (!sent) fail(nullptr);
  PGresult* result = wait_for_result();
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result);
  return result;
}

SqlRows PostgresResultStore::query(const std::string& sql, const SqlParams& params) {
  PGresult* result = run(sql, &params);
  SqlRows rows(static_cast<std::size_t>(PQntuples(result)));
  const int columns = PQnfields(result);
  for (int r = 0; r < static_cast<int>(rows.size()); ++r)
    for (int c = 0; c < columns; ++c)
      rows[static_cast<std::size_t>(r)].emplace_back(PQgetvalue(result, r, c));
  PQclear(result);
  return rows;
}

void PostgresResultStore::execute(const std::string& sql) {
  PQclear(run(sql, nullptr));
}

// 0 when the schema has no cost-ops tables yet. Reads only: a SELECT-only
// role can call it.
int PostgresResultStore::schema_version() {
  if (query("SELECT to_regclass('schema_migrations') IS NOT NULL", {}).at(0).at(0) != "t") {
    // A schema on the search_path that the role may not use is skipped
    // silently: its tables look absent ("no tables", or a writer trying to
    // create them) when the missing right is USAGE on the schema.
    const SqlRows hidden = query(
        "SELECT n.nspname, current_user FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE c.relname = 'schema_migrations' AND NOT "
        "has_schema_privilege(n.oid, 'USAGE') AND n.nspname = ANY(string_to_array(replace("
        "replace(current_setting('search_path'), ' ', ''), '\"$user\"', current_user), ','))",
        {});
    if (!hidden.empty())
      throw HistoryError(describe() + ": role " + quoted_identifier(hidden[0][1]) +
                         " may not use the schema " + hidden[0][0] +
                         ", which holds the store's tables (" + kLacksRight + ": role " +
                         quoted_identifier(hidden[0][1]) + " needs `GRANT USAGE ON SCHEMA " +
                         hidden[0][0] + " TO " + quoted_identifier(hidden[0][1]) +
                         ";` from the store's owner; docs/fleet.md, \"Roles\")");
    return 0;
  }
  return std::stoi(
      query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}).at(0).at(0));
}

void PostgresResultStore::open_for(StoreAccess access, const std::string& display) {
  const int version = schema_version();
  versions_ = {version, version};
  refuse_newer_schema(version);
  if (version == latest_store_schema_version()) return;
  if (access == StoreAccess::read) {
    if (version == 0)
      throw HistoryError(describe() +
                         " holds no cost-ops tables: record a run with `cost-ops "
                         "run --history " +
                         pasteable_location(display) +
                         "` or create them with `cost-ops store migrate --history " +
                         pasteable_location(display) + "`");
    throw HistoryError(schema_behind_message(describe(), version, display));
  }
  migrate(display);
}

// Under the advisory lock, inside one transaction: read the version again,
// apply what is missing, record each version applied. A role without the
// right to change the schema gets a message saying who can.
void PostgresResultStore::migrate(const std::string& display) {
  migrating_ = true;
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
    versions_ = {current, reached};
    migrating_ = false;
  } catch (const HistoryError& e) {
    PQclear(PQexec(connection_, "ROLLBACK"));
    if (std::string(e.what()).find(kLacksRight) == std::string::npos) throw;
    // The schema's owner by name, when the server says: the command below
    // runs as that role, not as the role that just failed.
    std::string owner;
    if (PGresult* r = PQexec(connection_,
                             "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = "
                             "current_schema()");
        r) {
      if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) owner = PQgetvalue(r, 0, 0);
      PQclear(r);
    }
    throw HistoryError(
        std::string(e.what()) + "; the schema is at version " + std::to_string(versions_.first) +
        " and this cost-ops needs " + std::to_string(latest_store_schema_version()) +
        ": the store's owner" +
        (owner.empty() ? "" : " (the schema belongs to role " + quoted_identifier(owner) + ")") +
        " upgrades it with `cost-ops store migrate --history " + pasteable_location(display) +
        "`, connecting as the owner");
  } catch (...) {
    PQclear(PQexec(connection_, "ROLLBACK"));
    throw;
  }
}

}  // namespace

std::unique_ptr<ResultStore> open_postgres_store(const std::string& url,
                                                 const StoreOpenOptions& options,
                                                 std::pair<int, int>* versions) {
  auto store = std::make_unique<PostgresResultStore>(StoreLocation(url), options);
  if (versions) *versions = store->versions();
  return store;
}

}  // namespace costops::host::store
