// The result store's behaviour, the same on both engines: CTest runs this
// suite once on SQLite and once with COSTOPS_TEST_STORE_URL pointing at a
// throwaway PostgreSQL cluster (tests/host/with_test_postgres.sh).
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "costops/host/history_outbox.hpp"
#include "costops/host/history_report.hpp"
#include "store_test_support.hpp"

using namespace store_test;
namespace fs = std::filesystem;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("result_store") {
  TEST_CASE("runs are appended whole with their samples; a step change is flagged") {
    StoreUnderTest s("append");
    const auto store = s.open();
    const double medians[] = {100, 101, 100, 130, 131};
    std::vector<std::int64_t> ids;
    for (int run = 0; run < 5; ++run) {
      SuiteReport report;
      report.started_at = "2026-01-0" + std::to_string(run + 1) + "T00:00:00Z";
      report.targets.push_back(
          measured_result(s.tag + "-agg", medians[run], static_cast<std::uint64_t>(run)));
      TargetResult crashed;
      crashed.target_id = s.tag + "-broken";
      crashed.status = TargetStatus::crashed;
      crashed.reason = "killed by SIGSEGV";
      report.targets.push_back(crashed);
      ids.push_back(store->append(record_with(
          report, {s.tag, "commit" + std::to_string(run), "main", "m1", "h1", "cpu", "", {}})));
    }
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    const auto entries = s.open()->entries(s.tag + "-agg", {});
    REQUIRE(entries.size() == 5);
    CHECK(entries[3].run.commit == "commit3");
    CHECK(entries[3].ns_per_operation.size() == 100);
    CHECK(entries[3].repetition.size() == 100);
    REQUIRE(entries[3].process.size() == 100);
    CHECK(entries[3].process[7] == 2);  // each sample's worker process is kept
    CHECK(entries[3].median_ns == doctest::Approx(130).epsilon(0.01));
    CHECK(store->entries(s.tag + "-broken", {}).at(0).status == "crashed");
    const std::string text = render_history(s.tag + "-agg", entries, {}, HistoryFormat::text);
    CHECK(text.find("▲ step: slower") != std::string::npos);
    CHECK(text.find("commit3") != std::string::npos);
    CHECK(count_of(text, "step:") == 1);  // only between runs 3 and 4
    CHECK(render_history("nothing", {}, {}, HistoryFormat::text).find("no recorded results") !=
          std::string::npos);
  }

  TEST_CASE("provenance is stored and every filter selects by it") {
    StoreUnderTest s("filters");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    store->append(one_target_run(s.tag, target, 10, 1, "m1", "main", "aaaa1111"));
    store->append(one_target_run(s.tag, target, 10, 2, "m2", "main", "bbbb2222"));
    store->append(one_target_run(s.tag, target, 10, 3, "m1", "feature", "cccc3333"));
    store->append(one_target_run(s.tag + "-other", target, 10, 4, "m1", "main", "dddd4444"));
    CHECK(store->entries(target, HistoryFilter{s.tag, "", "", ""}).size() == 3);
    CHECK(store->entries(target, HistoryFilter{s.tag, "main", "", ""}).size() == 2);
    CHECK(store->entries(target, HistoryFilter{s.tag, "", "m1", ""}).size() == 2);
    const auto by_commit = store->entries(target, HistoryFilter{"", "", "", "cccc"});
    REQUIRE(by_commit.size() == 1);
    CHECK(by_commit[0].run.branch == "feature");
    CHECK(by_commit[0].run.host_name == "m1-host");
    CHECK(store->runs(HistoryFilter{s.tag + "-other", "", "", ""}).size() == 1);
    CHECK(store->runs(HistoryFilter{s.tag + "-none", "", "", ""}).empty());
  }

  TEST_CASE("steps are detected per machine, never across machines") {
    StoreUnderTest s("machines");
    const auto store = s.open();
    const std::string target = s.tag + "-t";
    // Two machines of different speed, interleaved: no step; then m1 slows down.
    const std::pair<const char*, double> runs[] = {{"m1", 100}, {"m2", 130}, {"m1", 101},
                                                   {"m2", 131}, {"m1", 100}, {"m1", 130}};
    std::uint64_t seed = 0;
    for (const auto& [machine, median] : runs)
      store->append(one_target_run(s.tag, target, median, ++seed, machine));
    const auto entries = store->entries(target, HistoryFilter{s.tag, "", "", ""});
    const auto rows = history_rows(target, entries, {});
    REQUIRE(rows.size() == 6);
    CHECK_FALSE(rows[1].change);  // m2's first run: nothing to compare with on m2
    REQUIRE(rows[2].change);
    CHECK(rows[2].previous->run_id == entries[0].run_id);
    CHECK(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.step(); }) == 1);
    CHECK(rows[5].step());
    const std::string json = render_history(target, entries, {}, HistoryFormat::json);
    CHECK(count_of(json, "\"step\": true") == 1);
    CHECK(json.find("\"machine_id\": \"m2\"") != std::string::npos);
    const std::string md = render_history(target, entries, {}, HistoryFormat::markdown);
    CHECK(md.find("| Run | Time | Machine |") != std::string::npos);
    CHECK(count_of(md, "▲ step: slower") == 1);
  }

  TEST_CASE("a stored run reads back whole and compares with itself as no change") {
    StoreUnderTest s("roundtrip");
    const auto store = s.open();
    RunRecord record = one_target_run(s.tag, s.tag + "-t", 25, 9, "m1");
    record.provenance.labels = {"nightly", "compiler=gcc-12"};
    record.provenance.ci_url = "https://ci.example/run/1";
    const std::int64_t id = store->append(record);
    const auto back = store->run(id);
    REQUIRE(back);
    CHECK(back->run_uid == record.run_uid);
    CHECK(back->provenance.labels == record.provenance.labels);
    CHECK(back->provenance.ci_url == record.provenance.ci_url);
    REQUIRE(back->targets.size() == 1);
    CHECK(back->targets[0].ns_per_operation == record.targets[0].ns_per_operation);
    CHECK(back->targets[0].repetition == record.targets[0].repetition);
    CHECK(back->targets[0].process == record.targets[0].process);
    CHECK(back->targets[0].metrics_json.find("operations_per_second") != std::string::npos);
    const StoredRun run = stored_run_from_record(*back, store->location());
    const RunComparison same = compare_runs(run, run, {});
    REQUIRE(same.targets.size() == 1);
    CHECK(same.targets[0].verdict == Verdict::no_change);
    CHECK_FALSE(store->run(id + 1000000));
  }

  TEST_CASE("a summary-only target stays summary only in the store: no test, never a step") {
    StoreUnderTest s("summary-only");
    const auto store = s.open();
    const std::string summary = s.tag + "-summary", measured = s.tag + "-measured";
    // As `cost-ops import` writes a tool's one summary value: +30% between
    // the runs, which no test can tell from noise.
    std::vector<std::int64_t> ids;
    for (int run = 0; run < 2; ++run) {
      SuiteReport report;
      report.started_at = "2026-01-0" + std::to_string(run + 1) + "T00:00:00Z";
      TargetResult imported;
      imported.target_id = summary;
      imported.status = TargetStatus::ok;
      TargetMeasurement m;
      m.succeeded = true;
      m.samples.push_back({1, run == 0 ? 100.0 : 130.0, 0, 0});
      imported.measurement = m;
      finalize_target_result(imported);
      imported.summary_only = true;
      report.targets.push_back(imported);
      report.targets.push_back(
          measured_result(measured, run == 0 ? 100 : 130, static_cast<std::uint64_t>(run)));
      ids.push_back(store->append(
          record_with(report, {s.tag, "c" + std::to_string(run), "main", "m", "h", "", "", {}})));
    }
    // Read back by `compare run:ID`.
    const auto before = s.open()->run(ids[0]), after = s.open()->run(ids[1]);
    REQUIRE(before);
    REQUIRE(after);
    REQUIRE(before->targets.size() == 2);
    CHECK(before->targets[0].target_id == measured);
    CHECK_FALSE(before->targets[0].summary_only);
    CHECK(before->targets[1].summary_only);
    const RunComparison c =
        compare_runs(stored_run_from_record(*before, store->location()),
                     stored_run_from_record(*after, store->location()), ComparisonSettings{});
    REQUIRE(c.targets.size() == 2);
    const auto& by_summary = c.targets[0].target_id == summary ? c.targets[0] : c.targets[1];
    const auto& by_samples = c.targets[0].target_id == summary ? c.targets[1] : c.targets[0];
    CHECK(by_summary.basis == ComparisonBasis::summary_values);
    CHECK(by_summary.verdict == Verdict::noisy);  // +30%, but no test can say so
    CHECK(by_samples.basis == ComparisonBasis::processes);
    CHECK(by_samples.verdict == Verdict::slower);
    CHECK(c.has_regression());  // the measured target still gates
    // Read back by `history TARGET`: the change is on the summary basis, no step.
    const auto entries = s.open()->entries(summary, HistoryFilter{s.tag});
    REQUIRE(entries.size() == 2);
    CHECK(entries[1].summary_only);
    const auto rows = history_rows(summary, entries, {});
    REQUIRE(rows[1].change);
    CHECK(rows[1].change->basis == ComparisonBasis::summary_values);
    CHECK_FALSE(rows[1].step());
    const std::string json = render_history(summary, entries, {}, HistoryFormat::json);
    CHECK(count_of(json, "\"summary_only\": true") == 2);
    CHECK(json.find("\"basis\": \"summary_values\"") != std::string::npos);
    CHECK(render_history(summary, entries, {}, HistoryFormat::text).find("step:") ==
          std::string::npos);
    CHECK_FALSE(s.open()->entries(measured, HistoryFilter{s.tag}).at(1).summary_only);
    // The flag survives the outbox too.
    const RunRecord parsed = parse_run_record(run_record_json(*after), "x.json");
    CHECK(parsed.targets.at(1).summary_only);
    CHECK_FALSE(parsed.targets.at(0).summary_only);
  }

  TEST_CASE("a run is stored once per run_uid, and a failing insert leaves nothing") {
    StoreUnderTest s("once");
    const auto store = s.open();
    const RunRecord record = one_target_run(s.tag, s.tag + "-t", 10, 1, "m1");
    const std::int64_t id = store->append(record);
    CHECK(store->append(record) == id);
    RunRecord broken = one_target_run(s.tag, s.tag + "-t", 10, 2, "m1");
    broken.targets.push_back(broken.targets[0]);  // a second row for one target: refused
    CHECK_THROWS_AS(store->append(broken), HistoryError);
    CHECK(store->runs(HistoryFilter{s.tag, "", "", ""}).size() == 1);
    CHECK(store->append(one_target_run(s.tag, s.tag + "-t", 10, 3, "m1")) > id);  // still usable
  }

  TEST_CASE("a schema newer than this host's is refused by name") {
    StoreUnderTest s("newer");
    s.open();  // created and migrated
    const bool postgres = is_postgres_location(s.location);
    admin_sql(s.location, postgres ? "INSERT INTO schema_migrations (version) VALUES (99)"
                                   : "PRAGMA user_version = 99");
    CHECK_THROWS_WITH_AS(s.open(), doctest::Contains("schema version 99"), HistoryError);
    if (!postgres) return;
    admin_sql(s.location, "DELETE FROM schema_migrations WHERE version = 99");
    CHECK_NOTHROW(s.open());
  }

  TEST_CASE("outbox records round-trip, bad ones are rejected by name, uploads store once") {
    StoreUnderTest s("outbox");
    const fs::path out = fs::temp_directory_path() / s.tag;
    fs::remove_all(out);
    const RunRecord first = one_target_run(s.tag, s.tag + "-t", 10, 1, "m1");
    const RunRecord second = one_target_run(s.tag, s.tag + "-t", 11, 2, "m1");
    const RunRecord parsed = parse_run_record(run_record_json(first), "x.json");
    CHECK(parsed.run_uid == first.run_uid);
    // Boost.JSON 1.81 reads numbers to within an ulp.
    REQUIRE(parsed.targets.at(0).ns_per_operation.size() == 100);
    CHECK(parsed.targets.at(0).ns_per_operation[7] ==
          doctest::Approx(first.targets.at(0).ns_per_operation[7]).epsilon(1e-15));
    CHECK(parsed.targets.at(0).repetition == first.targets.at(0).repetition);
    CHECK(parsed.targets.at(0).process == first.targets.at(0).process);
    CHECK(parsed.provenance.machine_id == "m1");
    CHECK_THROWS_WITH_AS(parse_run_record("{\"run_record_version\": 1}", "bad.json"),
                         doctest::Contains("bad.json"), HistoryError);
    queue_in_outbox(out, first);
    queue_in_outbox(out, second);
    std::ofstream(out / kOutboxDirectoryName / "zz-not-a-record.json") << "[1, 2]";
    const auto store = s.open();
    store->append(first);  // stored once already: the upload must not store it again
    const OutboxUpload upload = upload_outbox(*store, out);
    CHECK(upload.stored.size() == 1);
    CHECK(upload.already_stored.size() == 1);  // "already stored" is success
    REQUIRE(upload.rejected.size() == 1);
    CHECK(upload.rejected[0].second.find("zz-not-a-record.json") != std::string::npos);
    CHECK(store->runs(HistoryFilter{s.tag, "", "", ""}).size() == 2);
    CHECK(fs::exists(out / kOutboxDirectoryName / "rejected" / "zz-not-a-record.json"));
    CHECK(fs::exists(out / kOutboxDirectoryName / "rejected" / "zz-not-a-record.json.reason.txt"));
    CHECK_FALSE(fs::exists(out / kOutboxDirectoryName / (first.run_uid + ".json")));
    CHECK_THROWS_AS(upload_outbox(*store, out / "missing"), HistoryError);
    fs::remove_all(out);
  }

  TEST_CASE("many processes using a new store at once all succeed; it migrates once") {
    StoreUnderTest s("first-use");
    std::string location = s.location;
    const bool postgres = is_postgres_location(location);
    if (postgres) {  // a fresh schema stands for a fresh database
      const std::string schema = "s_" + std::to_string(::getpid());
      admin_sql(location, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
      location += std::string(location.find('?') == std::string::npos ? "?" : "&") +
                  "options=-csearch_path%3D" + schema;
    }
    CHECK(failures_in_processes(6, [&] {
            open_result_store(location)->append(one_target_run(s.tag, "t", 10, 1, "m"));
          }) == 0);
    CHECK(open_result_store(location)->runs(HistoryFilter{s.tag, "", "", ""}).size() == 6);
  }
}

TEST_CASE("an unreachable PostgreSQL server is a clear error without the password") {
  const std::string url = "postgresql://bench:secret@/costops?host=/nonexistent-socket-dir";
  CHECK_THROWS_WITH_AS(open_result_store(url), doctest::Contains("cannot connect"), HistoryError);
  try {
    open_result_store(url);
  } catch (const HistoryError& e) {
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
    CHECK(std::string(e.what()).find("postgresql://bench@/costops") != std::string::npos);
  }
  CHECK(redacted_location("postgres://u:p@h:5432/db?password=x&sslmode=require") ==
        "postgres://u@h:5432/db?sslmode=require");
  CHECK(redacted_location("/tmp/history.db") == "/tmp/history.db");
  // The upload hint's location is one shell word, still without the password.
  CHECK(pasteable_location("/tmp/history.db") == "/tmp/history.db");
  CHECK(pasteable_location("postgres://u:p@/db?host=/s&connect_timeout=2") ==
        "'postgres://u@/db?host=/s&connect_timeout=2'");
  CHECK(pasteable_location("host=db password=x dbname=it's") == "'host=db dbname=it'\\''s'");
  CHECK(is_postgres_location("postgres://h/db"));
  CHECK_FALSE(is_postgres_location("history.db"));
}
