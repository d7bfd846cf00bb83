// PostgreSQL's own concerns, run by `host_store_postgres` against a
// throwaway cluster (skipped on the SQLite run of the suite): least-privilege
// roles, and waits that end (lock timeout, statement timeout, an interrupt
// cancelling a statement).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "costops/host/child_process.hpp"
#include "store_test_support.hpp"

using namespace store_test;

namespace {

// The store's URL as another role (the test cluster trusts local logins).
std::string as_role(const std::string& location, const std::string& role) {
  std::string url = location;
  const auto at = url.find('@');
  return url.replace(url.find("://") + 3, at - url.find("://") - 3, role);
}

std::string schema_of(const std::string& location) {
  return location.substr(location.find("search_path%3D") + 14);
}

// One administrative connection that stays open (to hold a lock).
struct AdminSession {
  PGconn* connection;
  explicit AdminSession(const std::string& location) : connection(PQconnectdb(location.c_str())) {
    REQUIRE(PQstatus(connection) == CONNECTION_OK);
  }
  ~AdminSession() { PQfinish(connection); }
  AdminSession(const AdminSession&) = delete;
  AdminSession& operator=(const AdminSession&) = delete;
  std::string value(const std::string& sql) {
    PGresult* r = PQexec(connection, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    INFO(PQresultErrorMessage(r));
    const std::string v = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    REQUIRE((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK));
    return v;
  }
};

std::string message_of(const std::function<void()>& work) {
  try {
    work();
  } catch (const HistoryError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("result_store") {
  TEST_CASE("owner, writer and reader roles each do exactly their job (docs/fleet.md GRANTs)") {
    if (!postgres_url()) return;  // PostgreSQL only
    StoreUnderTest s("roles");
    const std::string location = fresh_store(s);
    const std::string schema = schema_of(location);
    const std::string suffix = std::to_string(::getpid());
    const std::string owner = "co_owner_" + suffix, writer = "co_writer_" + suffix,
                      reader = "co_reader_" + suffix;
    // Exactly the statements of docs/fleet.md, "Roles".
    admin_sql(s.location,
              "CREATE ROLE " + owner + " LOGIN; CREATE ROLE " + writer + " LOGIN; CREATE ROLE " +
                  reader +
                  " LOGIN;"
                  "GRANT USAGE, CREATE ON SCHEMA " +
                  schema + " TO " + owner +
                  ";"
                  "GRANT USAGE ON SCHEMA " +
                  schema + " TO " + writer + ", " + reader +
                  ";"
                  "ALTER DEFAULT PRIVILEGES FOR ROLE " +
                  owner + " IN SCHEMA " + schema + " GRANT SELECT, INSERT ON TABLES TO " + writer +
                  ";"
                  "ALTER DEFAULT PRIVILEGES FOR ROLE " +
                  owner + " IN SCHEMA " + schema + " GRANT USAGE ON SEQUENCES TO " + writer +
                  ";"
                  "ALTER DEFAULT PRIVILEGES FOR ROLE " +
                  owner + " IN SCHEMA " + schema + " GRANT SELECT ON TABLES TO " + reader);
    const std::string as_owner = as_role(location, owner), as_writer = as_role(location, writer),
                      as_reader = as_role(location, reader);
    // Before the owner created the tables: the writer may not, and says who can.
    CHECK(message_of([&] { open_result_store(as_writer); }).find("cost-ops store migrate") !=
          std::string::npos);
    CHECK(message_of([&] {
            open_result_store(as_reader, {StoreAccess::read});
          }).find("holds no cost-ops tables") != std::string::npos);
    CHECK(migrate_result_store(as_owner).second == latest_store_schema_version());
    // The writer records and reads; the reader reads.
    const std::string target = s.tag + "-t";
    CHECK(open_result_store(as_writer)->append(one_target_run(s.tag, target, 10, 1, "m")) > 0);
    CHECK(open_result_store(as_reader, {StoreAccess::read})->entries(target, {}).size() == 1);
    // The reader cannot write: the error names the missing right.
    const std::string denied = message_of(
        [&] { open_result_store(as_reader)->append(one_target_run(s.tag, target, 10, 2, "m")); });
    CHECK(denied.find("permission denied for table runs") != std::string::npos);
    CHECK(denied.find("GRANT") != std::string::npos);
    // A schema behind this cost-ops: the writer cannot migrate it and says so;
    // the owner can.
    admin_sql(location,
              "DELETE FROM schema_migrations WHERE version >= 5; DROP INDEX idx_runs_series; "
              "DROP INDEX idx_runs_timestamp; ALTER TABLE target_results DROP COLUMN "
              "summary_only");
    const std::string behind = message_of([&] { open_result_store(as_writer); });
    CHECK(behind.find("the role lacks this right") != std::string::npos);
    CHECK(behind.find("cost-ops store migrate") != std::string::npos);
    CHECK(migrate_result_store(as_owner).first == 4);
    CHECK(open_result_store(as_writer)->append(one_target_run(s.tag, target, 10, 3, "m")) > 0);
    admin_sql(s.location, "DROP SCHEMA " + schema + " CASCADE; DROP OWNED BY " + owner + ", " +
                              writer + ", " + reader + "; DROP ROLE " + owner + ", " + writer +
                              ", " + reader);
  }

  TEST_CASE("a lock held elsewhere ends the wait at --store-timeout with a clear error") {
    if (!postgres_url()) return;
    StoreUnderTest s("lock-timeout");
    const auto store = open_result_store(s.location, {StoreAccess::write, 1});
    AdminSession holder(s.location);
    holder.value("BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE");
    const std::string message =
        message_of([&] { store->append(one_target_run(s.tag, s.tag + "-t", 10, 1, "m")); });
    CHECK(message.find("--store-timeout") != std::string::npos);
    holder.value("ROLLBACK");
    CHECK(store->append(one_target_run(s.tag, s.tag + "-t", 10, 2, "m")) > 0);  // still usable
  }

  TEST_CASE("SIGINT/SIGTERM during a waiting statement cancels it") {
    if (!postgres_url()) return;
    StoreUnderTest s("cancel");
    const auto store = open_result_store(s.location, {StoreAccess::write, 600});
    AdminSession holder(s.location), watcher(s.location);
    holder.value("BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE");
    // Interrupt once the store's statement is seen waiting for the lock.
    std::atomic<bool> done{false};
    std::thread interrupter([&] {
      while (!done && watcher.value("SELECT count(*) FROM pg_stat_activity WHERE "
                                    "application_name = 'cost-ops' AND wait_event_type = "
                                    "'Lock'") == "0")
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      request_interrupt();  // what the run's SIGINT/SIGTERM handler does
    });
    const std::string message =
        message_of([&] { store->append(one_target_run(s.tag, s.tag + "-t", 10, 1, "m")); });
    done = true;
    interrupter.join();
    clear_interrupt();
    holder.value("ROLLBACK");
    CHECK(message.find("canceling statement due to user request") != std::string::npos);
    CHECK(open_result_store(s.location)->runs(HistoryFilter{s.tag}).empty());
  }
}
