// The fleet store's contract, on both engines (CTest runs the result_store
// suite on SQLite and again on a throwaway PostgreSQL cluster): the outbox
// and its uploads, bounded waits, readers beside writers, and the questions
// a fleet asks (series, order, provenance, filters, --regressions).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "costops/host/child_process.hpp"
#include "costops/host/history_outbox.hpp"
#include "costops/host/history_report.hpp"
#include "costops/host/store/fleet_regressions.hpp"
#include "store_test_support.hpp"

using namespace store_test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// A run of one target (ten samples, five processes) at `median` ns that
// started at `timestamp`.
RunRecord run_at(const std::string& repository, const std::string& target, double median,
                 std::uint64_t seed, const std::string& machine, const std::string& branch,
                 const std::string& timestamp, const std::string& commit) {
  SuiteReport report;
  report.started_at = timestamp;
  report.targets.push_back(measured_result(target, median, seed, 10));
  return record_with(report, {repository, commit, branch, machine, "vm", "cpu", "", {}});
}

std::string day(int d, int hour = 0) {
  char text[40];
  std::snprintf(text, sizeof text, "2026-03-%02dT%02d:00:00.000Z", d, hour);
  return text;
}

// A record's JSON with one change made by `edit`, as a file in `dir`.
void write_edited(const fs::path& dir, const std::string& name, const RunRecord& record,
                  const std::function<void(json::object&)>& edit) {
  json::value doc = json::parse(run_record_json(record));
  edit(doc.as_object());
  fs::create_directories(dir);
  std::ofstream(dir / name) << json::serialize(doc);
}

json::object& first_target(json::object& record) {
  return record["targets"].as_array()[0].as_object();
}

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// 3 repositories x 2 machines x 2 branches x 30 runs of one target, each
// run's level drawn with 1% noise; `step_series` (if >= 0) gets +20% from run
// `step_run` on. Inserted newest series first, so store order is not run order.
void store_fleet(ResultStore& store, const std::string& tag, int step_series, int step_run) {
  std::mt19937_64 random(42);
  std::normal_distribution<double> noise(0, 0.01);
  std::vector<RunRecord> runs;
  int series = 0;
  for (int repo = 0; repo < 3; ++repo)
    for (const char* machine : {"m0", "m1"})
      for (const char* branch : {"main", "dev"}) {
        for (int run = 0; run < 30; ++run) {
          const double level = (series == step_series && run >= step_run) ? 1.2 : 1.0;
          runs.push_back(run_at(
              tag + "-r" + std::to_string(repo), tag + "-t", 100 * level * (1 + noise(random)),
              static_cast<std::uint64_t>(series * 100 + run), machine, branch,
              day(1 + run, series % 12), "abc" + std::to_string(series * 100 + run)));
        }
        ++series;
      }
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) store.append(*it);
}

}  // namespace

TEST_SUITE("result_store") {
  TEST_CASE("a fleet with one real +20% step: --regressions names that series and run") {
    StoreUnderTest s("fleet");
    const auto store = open_result_store(fresh_store(s));
    // Series 7 = repository 1, machine m1, branch dev (the loops' order).
    store_fleet(*store, s.tag, 7, 18);
    const auto found = find_regressions(*store, {}, kDefaultRegressionRuns, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].repository == s.tag + "-r1");
    CHECK(found[0].machine == "m1");
    CHECK(found[0].branch == "dev");
    CHECK(found[0].first_slow.commit == "abc718");
    CHECK(found[0].first_slow.timestamp == day(19, 7));  // run 18 of series 7
    CHECK(found[0].step.change == doctest::Approx(0.2).epsilon(0.05));
    // --since after the step: nothing got slower since then.
    HistoryFilter later;
    later.since = *parse_time_bound("2026-03-25", false, "");
    CHECK(find_regressions(*store, later, kDefaultRegressionRuns, {}).empty());
    later.since = *parse_time_bound("2026-03-19", false, "");
    CHECK(find_regressions(*store, later, kDefaultRegressionRuns, {}).size() == 1);
    // `history TARGET` marks the same run, once, in that series only.
    const auto entries = store->entries(s.tag + "-t", {});
    REQUIRE(entries.size() == 360);
    const auto rows = history_rows(s.tag + "-t", entries, {});
    std::vector<const HistoryRow*> steps;
    for (const auto& row : rows)
      if (row.step()) steps.push_back(&row);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0]->entry->run.commit == "abc718");
    const std::string md = render_regressions(found, {}, HistoryFormat::markdown);
    CHECK(md.find("| " + s.tag + "-r1 | dev | m1 |") != std::string::npos);
  }

  TEST_CASE(
      "--regressions reads the newest runs of every series, however many: all their targets") {
    StoreUnderTest s("many-runs");
    const auto store = open_result_store(fresh_store(s));
    // 2 machines x 300 runs of two targets: more runs than one statement
    // asks targets for (series_points reads them in chunks of 500 runs).
    // Machine m1's target `a` gets +20% from run 280 on.
    for (int run = 0; run < 300; ++run)
      for (const char* machine : {"m0", "m1"}) {
        SuiteReport report;
        char started[40];
        std::snprintf(started, sizeof started, "2026-04-%02dT%02d:%02d:00.000Z", 1 + run / 100,
                      run / 60 % 24, run % 60);
        report.started_at = started;
        const double step = std::string(machine) == "m1" && run >= 280 ? 1.2 : 1.0;
        report.targets.push_back(measured_result(s.tag + "-a", 100 * step * (1 + 0.005 * (run % 3)),
                                                 static_cast<std::uint64_t>(run), 3));
        report.targets.push_back(
            measured_result(s.tag + "-b", 50, static_cast<std::uint64_t>(run + 1000), 3));
        store->append(record_with(
            report, {s.tag, "c" + std::to_string(run), "main", machine, "vm", "", "", {}}));
      }
    const auto points = store->series_points(HistoryFilter{s.tag}, 300);
    REQUIRE(points.size() == 2 * 300 * 2);
    // Ordered by series (machine, then target), then by when the runs ran.
    CHECK(points.front().machine == "m0");
    CHECK(points.front().target_id == s.tag + "-a");
    CHECK(points[299].target_id == s.tag + "-a");
    CHECK(points[300].target_id == s.tag + "-b");
    CHECK(points[600].machine == "m1");
    for (std::size_t i = 1; i < points.size(); ++i)
      if (points[i].machine == points[i - 1].machine &&
          points[i].target_id == points[i - 1].target_id)
        CHECK(points[i - 1].timestamp < points[i].timestamp);
    CHECK(points[300].commit == "c0");
    // --last 50: the newest 50 of each series only.
    const auto newest = store->series_points(HistoryFilter{s.tag}, 50);
    REQUIRE(newest.size() == 2 * 50 * 2);
    CHECK(newest.front().commit == "c250");
    const auto found = find_regressions(*store, HistoryFilter{s.tag}, 300, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].machine == "m1");
    CHECK(found[0].target_id == s.tag + "-a");
    CHECK(found[0].first_slow.commit == "c280");
  }

  TEST_CASE("A/A history of the same fleet has no step") {
    StoreUnderTest s("fleet-aa");
    const auto store = open_result_store(fresh_store(s));
    store_fleet(*store, s.tag, -1, 0);
    CHECK(find_regressions(*store, {}, kDefaultRegressionRuns, {}).empty());
    const auto entries = store->entries(s.tag + "-t", {});
    const auto rows = history_rows(s.tag + "-t", entries, {});
    for (const auto& row : rows)
      CHECK_MESSAGE(!row.step(), row.entry->run.repository << " " << row.entry->run.branch << " "
                                                           << row.entry->run.machine_id << " "
                                                           << row.entry->timestamp);
  }

  TEST_CASE("runs are ordered by when they ran, not when they were stored") {
    StoreUnderTest s("order");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    const auto newer = store->append(run_at(s.tag, target, 10, 1, "m", "main", day(5), "bb"));
    const auto older = store->append(run_at(s.tag, target, 10, 2, "m", "main", day(2), "aa"));
    CHECK(older > newer);  // uploaded late
    const auto entries = store->entries(target, HistoryFilter{s.tag});
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].run_id == older);
    CHECK(store->runs(HistoryFilter{s.tag}).back().run_id == newer);  // run:latest
  }

  TEST_CASE("times of any precision and zone order by the instant they name") {
    // Stored times are compared as text: "12:00:05Z" sorts after
    // "12:00:05.500Z", ".1Z" after ".123Z", and "+02:00" by its local digits,
    // unless every time is stored in one form.
    StoreUnderTest s("zones");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    const auto at = [&](const std::string& time, std::uint64_t seed) {
      return store->append(run_at(s.tag, target, 10, seed, "m", "main", time, "c"));
    };
    const auto last = at("2026-03-29T12:00:05.5Z", 1);         // 12:00:05.500
    const auto second = at("2026-03-29T12:00:05Z", 2);         // 12:00:05.000
    const auto first = at("2026-03-29T13:00:04.9+02:00", 3);   // 11:00:04.900
    const auto third = at("2026-03-29T12:00:05.123456Z", 4);   // 12:00:05.123
    const auto fourth = at("2026-03-29T07:00:05.2-05:00", 5);  // 12:00:05.200
    const auto entries = store->entries(target, HistoryFilter{s.tag});
    std::vector<std::int64_t> order;
    for (const auto& e : entries) order.push_back(e.run_id);
    CHECK(order == std::vector<std::int64_t>{first, second, third, fourth, last});
    CHECK(store->runs(HistoryFilter{s.tag}).back().run_id == last);  // run:latest
    CHECK(entries.front().timestamp == "2026-03-29T11:00:04.900Z");
    // The newest of the series by --regressions' window, too.
    const auto points = store->series_points(HistoryFilter{s.tag}, 1);
    REQUIRE(points.size() == 1);
    CHECK(points[0].run_id == last);
    // Bounds with a zone name the same instants.
    HistoryFilter filter{s.tag};
    filter.since = *parse_time_bound("2026-03-29T14:00:05+02:00", false, "");
    filter.until = *parse_time_bound("2026-03-29T07:00:05.2-05:00", true, "");
    CHECK(store->entries(target, filter).size() == 3);  // second, third, fourth
    // A time that is no time is the run's fault, refused before anything is stored.
    CHECK_THROWS_AS(at("2026-03-29T12:00:05 Z", 6), StoreDataError);
    CHECK_THROWS_AS(at("2026-02-30T12:00:05Z", 7), StoreDataError);
    CHECK(store->runs(HistoryFilter{s.tag}).size() == 5);
  }

  TEST_CASE("--regressions' newest runs of a series count rows from before migration 3 in it") {
    // Runs stored before the store kept a branch have NULL there; a run
    // without a branch now stores ''. Both are the series' branch "", and
    // its newest N runs are N, not N per spelling.
    StoreUnderTest s("null-branch");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    std::vector<std::int64_t> ids;
    for (int d = 1; d <= 4; ++d)
      ids.push_back(store->append(
          run_at(s.tag, target, 10, static_cast<std::uint64_t>(d), "m", "", day(d), "c")));
    admin_sql(s.location, "UPDATE runs SET source_branch = NULL WHERE id IN (" +
                              std::to_string(ids[0]) + ", " + std::to_string(ids[1]) + ")");
    const auto points = store->series_points(HistoryFilter{s.tag}, 2);
    REQUIRE(points.size() == 2);
    CHECK(points[0].run_id == ids[2]);
    CHECK(points[1].run_id == ids[3]);
  }

  TEST_CASE("commits match exactly, or by a hexadecimal prefix in any case") {
    StoreUnderTest s("commits");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    store->append(run_at(s.tag, target, 10, 1, "m", "main", day(1), "ABCdef0123"));
    store->append(run_at(s.tag, target, 10, 2, "m", "main", day(2), "abcdef9999"));
    store->append(run_at(s.tag, target, 10, 3, "m", "main", day(3), "v1.0_rc%"));
    store->append(run_at(s.tag, target, 10, 4, "m", "main", day(4), "v1.0Xrc1"));
    store->append(run_at(s.tag, target, 10, 5, "m", "main", day(5), ""));
    const auto count = [&](const std::string& commit) {
      return store->entries(target, HistoryFilter{s.tag, "", "", commit}).size();
    };
    CHECK(count("abcdef") == 2);
    CHECK(count("ABCDEF01") == 1);
    CHECK(count("v1.0_rc%") == 1);  // exact: _ and % are not wildcards
    CHECK(count("v1.0_rc") == 0);   // not hexadecimal: no prefix match
    CHECK(count("V1.0_RC%") == 0);
    CHECK(count("v1.0") == 0);
    // No commit known: "unknown", never the host's own build commit.
    const auto entries = store->entries(target, HistoryFilter{s.tag});
    REQUIRE(entries.size() == 5);
    CHECK(entries[4].run.commit.empty());
    const std::string text = render_history(target, entries, {}, HistoryFormat::text);
    CHECK(text.find("unknown") != std::string::npos);
  }

  TEST_CASE("--since and --until select by when the runs ran; Markdown escapes |") {
    StoreUnderTest s("since");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    for (int d = 1; d <= 5; ++d)
      store->append(run_at(s.tag, target, 10, static_cast<std::uint64_t>(d), "m|1", "feat|x",
                           day(d, 23), "c" + std::to_string(d)));
    HistoryFilter filter{s.tag};
    filter.since = *parse_time_bound("2026-03-03", false, "");
    CHECK(store->entries(target, filter).size() == 3);
    filter.until = *parse_time_bound("2026-03-04", true, "");
    CHECK(store->entries(target, filter).size() == 2);
    filter.since = *parse_time_bound("2026-03-05T23:00:00Z", false, "");
    filter.until.clear();
    CHECK(store->entries(target, filter).size() == 1);
    CHECK(*parse_time_bound("2d", false, "2026-03-05T12:00:00.000Z") == "2026-03-03T12:00:00.000Z");
    CHECK_FALSE(parse_time_bound("last week", false, "2026-03-05T12:00:00.000Z"));
    CHECK_FALSE(parse_time_bound("2026-3-5", true, ""));
    const std::string md = render_history(target, store->entries(target, HistoryFilter{s.tag}), {},
                                          HistoryFormat::markdown);
    CHECK(md.find("m\\|1 | " + s.tag + " | feat\\|x |") != std::string::npos);
  }

  TEST_CASE("one bad outbox file is rejected with its reason; the others are stored") {
    StoreUnderTest s("outbox-bad");
    const fs::path out = fs::temp_directory_path() / s.tag;
    const fs::path box = out / kOutboxDirectoryName;
    fs::remove_all(out);
    const std::string target = s.tag + "-t";
    int n = 0;
    const auto bad = [&](const std::string& name, const std::function<void(json::object&)>& edit) {
      ++n;
      write_edited(
          box, "a" + std::to_string(n) + "-" + name + ".json",
          run_at(s.tag, target, 10, static_cast<std::uint64_t>(n), "m", "main", day(1), "c"), edit);
    };
    bad("twice", [](json::object& r) {
      auto& targets = r["targets"].as_array();
      targets.push_back(targets[0]);
    });
    bad("status", [](json::object& r) { first_target(r)["status"] = "splendid"; });
    bad("negative", [](json::object& r) { first_target(r)["median_ns"] = -5.0; });
    bad("huge", [](json::object& r) { first_target(r)["median_ns"] = 1e308; });
    bad("empty-id", [](json::object& r) { first_target(r)["target_id"] = ""; });
    bad("process", [](json::object& r) { first_target(r)["process"].as_array()[0] = -1; });
    bad("uid", [](json::object& r) { r["run_uid"] = ""; });
    bad("time", [](json::object& r) { r["timestamp"] = "yesterday"; });
    // Its first 19 characters are a time and it ends in Z: still no time.
    bad("time-tail", [](json::object& r) { r["timestamp"] = "2026-03-01T00:00:00 and Z"; });
    queue_in_outbox(out, run_at(s.tag, target, 10, 50, "m", "main", day(2), "good1"));
    const RunRecord good = run_at(s.tag, target, 10, 51, "m", "main", day(3), "good2");
    write_edited(box, "zz-good.json", good, [](json::object&) {});
    const auto store = s.open();
    const OutboxUpload upload = upload_outbox(*store, out);
    CHECK(upload.stored.size() == 2);
    REQUIRE(upload.rejected.size() == 9);
    const auto reason_of = [&](const std::string& name) {
      std::ifstream in(box / "rejected" / (name + ".json.reason.txt"));
      std::stringstream text;
      text << in.rdbuf();
      return text.str();
    };
    CHECK(reason_of("a1-twice").find("twice") != std::string::npos);
    CHECK(reason_of("a1-twice").find("a1-twice.json") != std::string::npos);  // names the file
    CHECK(reason_of("a2-status").find("splendid") != std::string::npos);
    CHECK(reason_of("a3-negative").find("-5") != std::string::npos);
    CHECK(reason_of("a4-huge").find("1e+308") != std::string::npos);
    CHECK(reason_of("a5-empty-id").find("empty target_id") != std::string::npos);
    CHECK(reason_of("a6-process").find("not a count") != std::string::npos);
    CHECK(reason_of("a7-uid").find("run_uid") != std::string::npos);
    CHECK(reason_of("a8-time").find("yesterday") != std::string::npos);
    CHECK(reason_of("a9-time-tail").find("and Z") != std::string::npos);
    CHECK(store->runs(HistoryFilter{s.tag}).size() == 2);
    // A retry finds nothing left to do, and no error.
    const OutboxUpload again = upload_outbox(*store, out);
    CHECK(again.stored.empty());
    CHECK(again.rejected.empty());
    fs::remove_all(out);
  }

  TEST_CASE("concurrent uploads of the same runs all succeed and store each once") {
    StoreUnderTest s("outbox-concurrent");
    const fs::path out = fs::temp_directory_path() / s.tag;
    fs::remove_all(out);
    std::vector<RunRecord> records;
    for (int i = 0; i < 3; ++i)
      records.push_back(run_at(s.tag, s.tag + "-t", 10, static_cast<std::uint64_t>(i), "m", "main",
                               day(1 + i), "c"));
    for (int copy = 0; copy < 4; ++copy)
      for (const auto& r : records) queue_in_outbox(out / std::to_string(copy), r);
    s.open();                     // created before the race: the race under test is the upload's
    std::vector<pid_t> children;  // four uploaders, each with its own copy of the outbox
    for (int c = 0; c < 4; ++c) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        try {
          const auto result = upload_outbox(*s.open(), out / std::to_string(c));
          ::_exit(result.rejected.empty() &&
                          result.stored.size() + result.already_stored.size() == 3
                      ? 0
                      : 1);
        } catch (...) {
          ::_exit(2);
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
    CHECK(failed == 0);
    CHECK(s.open()->runs(HistoryFilter{s.tag}).size() == 3);
    fs::remove_all(out);
  }

  TEST_CASE("outbox files are 0600 in a 0700 directory") {
    StoreUnderTest s("outbox-mode");
    const fs::path out = fs::temp_directory_path() / s.tag;
    fs::remove_all(out);
    const fs::path file =
        queue_in_outbox(out, run_at(s.tag, s.tag + "-t", 10, 1, "m", "main", day(1), "c"));
    CHECK(mode_of(file) == 0600);
    CHECK(mode_of(file.parent_path()) == 0700);
    fs::remove_all(out);
  }

  TEST_CASE("a reader reads while a writer holds its transaction open") {
    StoreUnderTest s("reader-beside-writer");
    const std::string target = s.tag + "-t";
    s.open()->append(run_at(s.tag, target, 10, 1, "m", "main", day(1), "c1"));
    const fs::path marker = fs::temp_directory_path() / (s.tag + ".inside");
    fs::remove(marker);
    const pid_t writer = ::fork();
    if (writer == 0) {
      ::setenv("COSTOPS_TEST_PAUSE_IN_INSERT", marker.c_str(), 1);  // sql_result_store.hpp
      try {
        s.open()->append(run_at(s.tag, target, 10, 2, "m", "main", day(2), "c2"));
      } catch (...) {
      }
      ::_exit(0);
    }
    while (!fs::exists(marker)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // The writer is inside its transaction now (SQLite: holding the write lock).
    const auto reader = open_result_store(s.location, {StoreAccess::read, 2});
    CHECK(reader->entries(target, HistoryFilter{s.tag}).size() == 1);
    ::kill(writer, SIGKILL);
    ::waitpid(writer, nullptr, 0);
    fs::remove(marker);
  }

  TEST_CASE("an SQLite history nobody may write beside is still readable (artifact, other user)") {
    if (postgres_url()) return;  // SQLite only
    // A reader of a WAL file creates its -shm beside it; in a read-only
    // directory (a downloaded CI artifact, another user's history) it may
    // not, and `history` failed with "attempt to write a readonly database".
    const fs::path dir = fs::temp_directory_path() / ("costops read-only é " + unique_tag("ro"));
    fs::create_directories(dir);
    const std::string file = (dir / "history ü.db").string();
    open_result_store(file)->append(run_at("ro", "ro-t", 10, 1, "m", "main", day(1), "c"));
    REQUIRE_FALSE(fs::exists(file + "-wal"));  // the last writer's close removed it
    fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                             fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
    const pid_t pid = ::fork();
    if (pid == 0) {
      // As root, permissions do not apply: read as nobody instead.
      if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
      try {
        const auto reader = open_result_store(file, {StoreAccess::read});
        ::_exit(reader->entries("ro-t", {}).size() == 1 ? 0 : 1);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "reader: %s\n", e.what());
        ::_exit(2);
      }
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir);
  }

  TEST_CASE("a reader never migrates: a store behind is refused naming `store migrate`") {
    StoreUnderTest s("reader-behind");
    const std::string location = fresh_store(s);
    open_result_store(location)->append(
        run_at(s.tag, s.tag + "-t", 10, 1, "m", "main", day(1), "c"));
    // Back to version 4, as an older cost-ops left it (without what
    // migrations 5 and 6 add).
    const bool postgres = is_postgres_location(location);
    admin_sql(location, std::string(postgres ? "DELETE FROM schema_migrations WHERE version >= 5;"
                                             : "PRAGMA user_version = 4;") +
                            "DROP INDEX idx_runs_series; DROP INDEX idx_runs_timestamp;"
                            "ALTER TABLE target_results DROP COLUMN summary_only");
    CHECK_THROWS_WITH_AS(open_result_store(location, {StoreAccess::read}),
                         doctest::Contains("cost-ops store migrate"), HistoryError);
    CHECK_THROWS_WITH_AS(open_result_store(location, {StoreAccess::read}),
                         doctest::Contains("schema version 4"), HistoryError);
    // The command in the message can be pasted: one shell word for the
    // location, even with '&' or '?' in a URL or spaces in a path.
    std::string behind;
    try {
      open_result_store(location, {StoreAccess::read});
    } catch (const HistoryError& e) {
      behind = e.what();
    }
    CHECK(behind.find("`cost-ops store migrate --history " + pasteable_location(location) + "`") !=
          std::string::npos);
    // Still at 4: the reader changed nothing.
    CHECK_THROWS_AS(open_result_store(location, {StoreAccess::read}), HistoryError);
    CHECK(migrate_result_store(location) == std::pair{4, latest_store_schema_version()});
    CHECK(open_result_store(location, {StoreAccess::read})->runs({}).size() == 1);
    // A row from before the store kept summary_only reads as measured.
    const auto old_rows =
        open_result_store(location, {StoreAccess::read})->entries(s.tag + "-t", {});
    REQUIRE(old_rows.size() == 1);
    CHECK_FALSE(old_rows[0].summary_only);
    CHECK(old_rows[0].ns_per_operation.size() == 10);
    CHECK(migrate_result_store(location) ==
          std::pair{latest_store_schema_version(), latest_store_schema_version()});
  }
}

TEST_CASE("regressions and history: names from another host's outbox stay text") {
  // 700 bytes of emoji: the old 768-byte line buffer cut it inside a
  // character and lost the line's end.
  std::string long_name;
  for (int i = 0; i < 175; ++i) long_name += "\xF0\x9F\x98\x80";
  SeriesRegression r;
  r.repository = "repo|\n# h <script>\x1B[2K";
  r.branch = "dev\r";
  r.machine = long_name;
  r.target_id = "t";
  r.first_slow.commit = "abc`def";
  const std::string text = render_regressions({r}, {}, HistoryFormat::text);
  CHECK(text.find('\x1B') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find(long_name) != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);  // header and one row
  const std::string md = render_regressions({r}, {}, HistoryFormat::markdown);
  CHECK(md.find("<script") == std::string::npos);
  CHECK(md.find("\n# h") == std::string::npos);
  CHECK(md.find("| repo\\|") != std::string::npos);
  CHECK(md.find("abc\\`def") != std::string::npos);
}
