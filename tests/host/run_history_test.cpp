#include "costops/host/run_history.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "costops/host/target_analysis.hpp"

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

TargetResult result(const std::string& id, double median, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0, 0.01);
  TargetResult r;
  r.target_id = id;
  r.status = TargetStatus::ok;
  TargetMeasurement m;
  m.succeeded = true;
  for (int i = 0; i < 100; ++i) m.samples.push_back({100, 100 * median * (1 + noise(random)), 0});
  r.measurement = m;
  finalize_target_result(r);
  return r;
}

}  // namespace

TEST_CASE("runs are appended with their samples; a step change is flagged") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("costops-history-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(file);
  {
    RunHistory history(file);
    const double medians[] = {100, 101, 100, 130, 131};
    for (int run = 0; run < 5; ++run) {
      SuiteReport report;
      report.started_at = "2026-01-0" + std::to_string(run + 1) + "T00:00:00Z";
      report.environment.git_commit = "commit" + std::to_string(run);
      report.targets.push_back(result("aggregator", medians[run], static_cast<std::uint64_t>(run)));
      TargetResult crashed;
      crashed.target_id = "broken";
      crashed.status = TargetStatus::crashed;
      report.targets.push_back(crashed);
      CHECK(history.append(report) == run + 1);
    }
  }
  RunHistory reopened(file);
  const auto entries = reopened.entries("aggregator");
  REQUIRE(entries.size() == 5);
  CHECK(entries[3].git_commit == "commit3");
  CHECK(entries[3].ns_per_operation.size() == 100);
  CHECK(entries[3].median_ns == doctest::Approx(130).epsilon(0.01));
  CHECK(reopened.entries("broken").at(0).status == "crashed");
  const std::string text = history_text("aggregator", entries, {});
  CHECK(text.find("▲ step: slower") != std::string::npos);
  CHECK(text.find("commit3") != std::string::npos);
  // Only the jump between runs 3 and 4 is a step.
  std::size_t steps = 0;
  for (std::size_t at = text.find("step:"); at != std::string::npos;
       at = text.find("step:", at + 1))
    ++steps;
  CHECK(steps == 1);
  CHECK(history_text("nothing", {}, {}).find("no recorded results") != std::string::npos);
  std::filesystem::remove(file);
  CHECK_THROWS_AS(RunHistory("/nonexistent-dir/h.db"), HistoryError);
}

TEST_CASE("repetitions are recorded; a database from before they were is upgraded in place") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("costops-history-old-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(file);
  {  // the schema as the first release wrote it, with one row
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db,
                         "CREATE TABLE runs (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, "
                         "host_version TEXT, git_commit TEXT, host_name TEXT, environment TEXT, "
                         "command_line TEXT);"
                         "CREATE TABLE target_results (run_id INTEGER NOT NULL, target_id TEXT NOT "
                         "NULL, status TEXT NOT NULL, reason TEXT, median_ns REAL, metrics TEXT, "
                         "ns_per_operation TEXT, PRIMARY KEY (run_id, target_id));"
                         "INSERT INTO runs (id, timestamp) VALUES (1, '2026-01-01T00:00:00Z');"
                         "INSERT INTO target_results VALUES (1, 't', 'ok', '', 10, '{}', "
                         "'[10, 10.5, 9.5]');",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  RunHistory history(file);
  SuiteReport report;
  report.started_at = "2026-01-02T00:00:00Z";
  TargetResult r = result("t", 10, 7);
  for (std::size_t i = 0; i < r.measurement->samples.size(); ++i)
    r.measurement->samples[i].repetition = static_cast<std::uint32_t>(i % 4);
  report.targets.push_back(r);
  CHECK(history.append(report) == 2);
  const auto entries = history.entries("t");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].ns_per_operation.size() == 3);
  CHECK(entries[0].repetition.empty());  // the old row: no repetitions known
  REQUIRE(entries[1].repetition.size() == 100);
  CHECK(entries[1].repetition[5] == 1);
  CHECK(history_text("t", entries, {}).find("run") != std::string::npos);
  std::filesystem::remove(file);
}

TEST_CASE("a history schema newer than this host is refused by name") {
  const fs::path file = fs::temp_directory_path() / ("history-new-" + std::to_string(::getpid()));
  fs::remove(file);
  { RunHistory created(file); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  CHECK_THROWS_WITH_AS(RunHistory{file}, doctest::Contains("schema version 99"), HistoryError);
  fs::remove(file);
}

TEST_CASE("processes opening one new history file at once all succeed") {
  for (int trial = 0; trial < 10; ++trial) {
    const fs::path file =
        fs::temp_directory_path() /
        ("history-race-" + std::to_string(::getpid()) + "-" + std::to_string(trial));
    fs::remove(file);
    std::vector<pid_t> children;
    for (int i = 0; i < 6; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        try {
          RunHistory history(file);
          ::_exit(0);
        } catch (...) {
          ::_exit(1);
        }
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      CHECK_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "trial " << trial);
    }
    fs::remove(file);
  }
}
