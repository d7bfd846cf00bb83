// What the result-store tests share: synthetic runs, and the store under
// test: the PostgreSQL URL in COSTOPS_TEST_STORE_URL when set (CTest runs the
// suite against a throwaway cluster that way), else a fresh SQLite file.
#pragma once

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "costops/host/result_store.hpp"
#include "costops/host/target_analysis.hpp"

namespace store_test {

using namespace costops::host;

inline TargetResult measured_result(const std::string& id, double median, std::uint64_t seed,
                                    int samples = 100) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0, 0.01);
  TargetResult r;
  r.target_id = id;
  r.status = TargetStatus::ok;
  TargetMeasurement m;
  m.succeeded = true;
  // Five worker processes of four repetitions each: the process is the unit
  // of step detection, and five a side can show p < 0.05.
  for (int i = 0; i < samples; ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    m.samples.push_back({100, 100 * median * (1 + noise(random)), index % 4, index % 5});
  }
  r.measurement = m;
  finalize_target_result(r);
  return r;
}

// The record of `report` run with `provenance`.
inline RunRecord record_with(SuiteReport report, RunProvenance provenance) {
  report.source = std::move(provenance);
  return make_run_record(report);
}

// A run of one target at `median` ns, from `machine` on `branch`.
inline RunRecord one_target_run(const std::string& repository, const std::string& target,
                                double median, std::uint64_t seed, const std::string& machine,
                                const std::string& branch = "main",
                                const std::string& commit = "") {
  SuiteReport report;
  report.started_at = "2026-01-01T00:00:" + std::to_string(10 + seed % 50) + "Z";
  report.targets.push_back(measured_result(target, median, seed));
  const std::string sha = commit.empty() ? "c0ffee" + std::to_string(seed) : commit;
  return record_with(report, {repository, sha, branch, machine, machine + "-host", "cpu", "", {}});
}

// Runs `work` in `processes` forked children at once; how many failed
// (threw or died).
inline int failures_in_processes(int processes, const std::function<void()>& work) {
  std::vector<pid_t> children;
  for (int i = 0; i < processes; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      try {
        work();
        ::_exit(0);
      } catch (...) {
        ::_exit(1);
      }
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    failed += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
  }
  return failed;
}

// A string no other test (or earlier test run against the same server) uses.
inline std::string unique_tag(const std::string& name) {
  static int counter = 0;
  std::random_device device;
  return name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
         std::to_string(device() % 100000);
}

inline const char* postgres_url() {
  const char* url = std::getenv("COSTOPS_TEST_STORE_URL");
  return url && *url ? url : nullptr;
}

// The store of one test: the server, or a new SQLite file removed afterwards.
// Tests on the shared server keep apart by unique repository and target names.
struct StoreUnderTest {
  std::string tag, location;
  explicit StoreUnderTest(const std::string& name) : tag(unique_tag(name)) {
    if (const char* url = postgres_url()) {
      location = url;
    } else {
      location =
          (std::filesystem::temp_directory_path() / ("costops-store-" + tag + ".db")).string();
      std::filesystem::remove(location);
    }
  }
  ~StoreUnderTest() {
    if (!postgres_url()) std::filesystem::remove(location);
  }
  StoreUnderTest(const StoreUnderTest&) = delete;
  StoreUnderTest& operator=(const StoreUnderTest&) = delete;
  std::unique_ptr<ResultStore> open() const { return open_result_store(location); }
};

// Runs administrative SQL on the store under test, behind the host's back.
inline void admin_sql(const std::string& location, const std::string& sql) {
  if (is_postgres_location(location)) {
    PGconn* connection = PQconnectdb(location.c_str());
    REQUIRE(PQstatus(connection) == CONNECTION_OK);
    PQsetNoticeProcessor(
        connection, [](void*, const char*) {}, nullptr);
    PGresult* result = PQexec(connection, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    INFO(PQresultErrorMessage(result));
    PQclear(result);
    PQfinish(connection);
    REQUIRE(ok);
    return;
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(location.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// The location of a new, empty PostgreSQL schema on the test server (a fresh
// database for one test), or the test's own new SQLite file.
inline std::string fresh_store(const StoreUnderTest& s) {
  if (!postgres_url()) return s.location;
  const std::string schema =
      "s_" + std::to_string(::getpid()) + "_" + std::to_string(std::random_device()() % 1000000);
  admin_sql(s.location, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return s.location + (s.location.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

}  // namespace store_test
