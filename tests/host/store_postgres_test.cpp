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
    const std::string early = message_of([&] { open_result_store(as_writer); });
    CHECK(early.find("cost-ops store migrate") != std::string::npos);
    // Names the owner to connect as, and a command that pastes as one word.
    // (Here the schema belongs to the test server's own role, costops.)
    CHECK(early.find("the store's owner (the schema belongs to role \"costops\")") !=
          std::string::npos);
    CHECK(early.find("`cost-ops store migrate --history " + pasteable_location(as_writer) + "`") !=
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
    // ... the role, and the exact statement its owner runs.
    CHECK(denied.find("role \"" + reader + "\"") != std::string::npos);
    CHECK(denied.find("GRANT SELECT, INSERT ON runs, target_results, schema_migrations TO \"" +
                      reader + "\"; GRANT USAGE ON SEQUENCE runs_id_seq") != std::string::npos);
    // A reader without USAGE on the schema sees no tables at all: the error
    // says which right is missing, not "no cost-ops tables".
    const std::string stranger = "co_stranger_" + suffix;
    admin_sql(s.location, "CREATE ROLE " + stranger +
                              " LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " +
                              stranger);
    const std::string no_usage =
        message_of([&] { open_result_store(as_role(location, stranger), {StoreAccess::read}); });
    CHECK(no_usage.find("GRANT USAGE ON SCHEMA " + schema + " TO \"" + stranger + "\"") !=
          std::string::npos);
    CHECK(no_usage.find("no cost-ops tables") == std::string::npos);
    const std::string writer_no_usage =
        message_of([&] { open_result_store(as_role(location, stranger)); });
    CHECK(writer_no_usage.find("GRANT USAGE ON SCHEMA " + schema) != std::string::npos);
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
                              writer + ", " + reader + ", " + stranger + "; DROP ROLE " + owner +
                              ", " + writer + ", " + reader + ", " + stranger);
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

  TEST_CASE("a writer whose session is terminated mid-run stores the run on a new connection") {
    if (!postgres_url()) return;
    StoreUnderTest s("terminated");
    const std::string name = "victim_" + std::to_string(::getpid());
    const auto store = open_result_store(s.location + "&application_name=" + name);
    AdminSession admin(s.location);
    // pg_terminate_backend with a timeout returns once the backend is gone.
    CHECK(admin.value("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                      "WHERE application_name = '" +
                      name + "'") == "t");
    const auto id = store->append(one_target_run(s.tag, s.tag + "-t", 10, 1, "m"));
    CHECK(id > 0);
    const auto runs = open_result_store(s.location)->runs(HistoryFilter{s.tag});
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].run_id == id);
  }

  TEST_CASE("a server whose default isolation is SERIALIZABLE: concurrent migrations and writers") {
    if (!postgres_url()) return;
    StoreUnderTest s("serializable");
    // An operations team may set default_transaction_isolation = serializable
    // (here for these sessions only). The first migration of an empty schema
    // by many runners at once must still happen once, and every run be stored.
    const std::string location =
        fresh_store(s) + "%20-cdefault_transaction_isolation%3Dserializable";
    constexpr int kRunners = 6;
    AdminSession admin(s.location);
    // Hold the migration lock so that every runner is waiting for it, its
    // transaction begun, when the first one migrates.
    admin.value("SELECT pg_advisory_lock(27981962238038131)");
    std::vector<pid_t> children;
    for (int i = 0; i < kRunners; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        try {
          open_result_store(location)->append(
              one_target_run(s.tag, s.tag + "-t", 10, static_cast<std::uint64_t>(i), "m"));
          ::_exit(0);
        } catch (...) {
          ::_exit(1);
        }
      }
      children.push_back(pid);
    }
    // Waits for a state, not for a time: all runners queued on the lock.
    for (int i = 0;
         i < 3000 && admin.value("SELECT count(*) FROM pg_locks WHERE locktype = "
                                 "'advisory' AND NOT granted") != std::to_string(kRunners);
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    admin.value("SELECT pg_advisory_unlock(27981962238038131)");
    int failed = 0;
    for (const pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      failed += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
    }
    CHECK(failed == 0);
    const auto runs = open_result_store(location, {StoreAccess::read})->runs(HistoryFilter{s.tag});
    CHECK(runs.size() == kRunners);
    admin_sql(
        s.location,
        "DROP SCHEMA " + schema_of(location).substr(0, schema_of(location).find('%')) + " CASCADE");
  }
}
