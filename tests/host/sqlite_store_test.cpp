// The SQLite engine's own concerns: files written by earlier releases are
// upgraded in place, a newer schema is refused, and processes creating one
// new file at once all succeed.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store_test_support.hpp"

using namespace store_test;
namespace fs = std::filesystem;

namespace {

// An SQLite history file as an older cost-ops left it: the schema and rows in `sql`.
void write_old_history(const fs::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("a history file from before repetitions and provenance is upgraded in place") {
  const auto file = fs::temp_directory_path() / (unique_tag("history-old") + ".db");
  fs::remove(file);
  {  // the schema as the first release wrote it, with one row
    write_old_history(file,
                      "CREATE TABLE runs (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, "
                      "host_version TEXT, git_commit TEXT, host_name TEXT, environment TEXT, "
                      "command_line TEXT);"
                      "CREATE TABLE target_results (run_id INTEGER NOT NULL, target_id TEXT NOT "
                      "NULL, status TEXT NOT NULL, reason TEXT, median_ns REAL, metrics TEXT, "
                      "ns_per_operation TEXT, PRIMARY KEY (run_id, target_id));"
                      "INSERT INTO runs (id, timestamp, host_name) VALUES "
                      "(1, '2026-01-01T00:00:00Z', 'old-host');"
                      "INSERT INTO target_results VALUES (1, 't', 'ok', '', 10, '{}', "
                      "'[10, 10.5, 9.5]');");
  }
  const auto store = open_result_store(file.string());
  CHECK(store->append(one_target_run("r", "t", 10, 7, "m")) == 2);
  const auto entries = store->entries("t", {});
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].ns_per_operation.size() == 3);
  CHECK(entries[0].repetition.empty());  // the old row: no repetitions known
  CHECK(entries[0].process.empty());     // nor processes: its samples count as one
  CHECK(entries[0].run.host_name == "old-host");
  CHECK(entries[0].run.machine_id.empty());
  REQUIRE(entries[1].repetition.size() == 100);
  CHECK(entries[1].repetition[5] == 1);
  CHECK(store->entries("t", HistoryFilter{"r", "", "", ""}).size() == 1);
  fs::remove(file);
}

TEST_CASE("a version-3 history from before the fleet columns gets them in place") {
  const auto file = fs::temp_directory_path() / (unique_tag("history-v3") + ".db");
  fs::remove(file);
  {  // what development builds wrote between the source_* and the fleet columns
    write_old_history(file,
                      "CREATE TABLE runs (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, "
                      "host_version TEXT, git_commit TEXT, host_name TEXT, environment TEXT, "
                      "command_line TEXT, source_commit TEXT, source_branch TEXT, "
                      "source_dirty INTEGER);"
                      "CREATE TABLE target_results (run_id INTEGER NOT NULL, target_id TEXT NOT "
                      "NULL, status TEXT NOT NULL, reason TEXT, median_ns REAL, metrics TEXT, "
                      "ns_per_operation TEXT, repetition TEXT, PRIMARY KEY (run_id, target_id));"
                      "INSERT INTO runs (id, timestamp, git_commit, host_name, source_commit, "
                      "source_branch, source_dirty) VALUES (1, '2026-01-01T00:00:00Z', "
                      "'hostbuild', 'old-host', 'benchmarked', 'main', 1);"
                      "INSERT INTO target_results VALUES (1, 't', 'ok', '', 10, '{}', "
                      "'[10, 10.5]', '[0, 0]');"
                      "PRAGMA user_version = 3;");
  }
  const auto store = open_result_store(file.string());
  CHECK(store->append(one_target_run("r", "t", 10, 7, "m")) == 2);
  const auto entries = store->entries("t", {});
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].run.commit == "benchmarked");  // not the host's own build
  CHECK(entries[0].run.branch == "main");
  CHECK(entries[0].run.dirty);
  CHECK(entries[1].run.repository == "r");
  CHECK(store->entries("t", HistoryFilter{"", "main", "", "benchmarked"}).size() == 1);
  CHECK(store->entries("t", HistoryFilter{"", "main", "", "bench"}).empty());  // not hex: exact
  fs::remove(file);
}

TEST_CASE("an SQLite history that cannot be opened is an error naming the file") {
  CHECK_THROWS_WITH_AS(open_result_store("/nonexistent-dir/h.db"),
                       doctest::Contains("/nonexistent-dir/h.db"), HistoryError);
}

TEST_CASE("processes opening one new history file at once all succeed") {
  for (int trial = 0; trial < 10; ++trial) {
    const fs::path file = fs::temp_directory_path() / (unique_tag("history-race") + ".db");
    fs::remove(file);
    CHECK_MESSAGE(failures_in_processes(6, [&] { open_result_store(file.string()); }) == 0,
                  "trial " << trial);
    fs::remove(file);
  }
}

TEST_CASE("a writer waits for another writer's lock at most --store-timeout") {
  const fs::path file = fs::temp_directory_path() / (unique_tag("history-busy") + ".db");
  fs::remove(file);
  {
    const auto writer = open_result_store(file.string(), {StoreAccess::write, 0.2});
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    // Readers never wait for a writer (WAL); the writer gives up at its timeout.
    CHECK(open_result_store(file.string(), {StoreAccess::read})->runs({}).empty());
    CHECK_THROWS_WITH_AS(writer->append(one_target_run("r", "t", 10, 1, "m")),
                         doctest::Contains("database is locked"), HistoryError);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    CHECK(writer->append(one_target_run("r", "t", 10, 2, "m")) > 0);  // the lock went: it writes
  }
  fs::remove(file);
}
