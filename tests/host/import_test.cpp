// cost-ops import's shared pieces: the documented id mapping, merging the
// files of several invocations, refusing ids that collide, the tools' time
// stamps, and comparing summary-only targets without pretending to a test.
#include <doctest/doctest.h>

#include "costops/host/comparison.hpp"
#include "costops/host/import/import_writer.hpp"
#include "costops/host/import/imported_run.hpp"
#include "costops/host/plugin_probe.hpp"

using namespace costops::host;

namespace {

ImportedTarget target(const std::string& name, std::vector<Sample> samples) {
  ImportedTarget t;
  t.source = "file: " + name;
  t.target_id = import_target_id(name, t.source);
  t.samples = std::move(samples);
  return t;
}

}  // namespace

TEST_CASE("import ids: lowercase, one _ per run of other characters, valid for the host") {
  CHECK(import_target_id("BM_sum/64", "s") == "bm_sum_64");
  CHECK(import_target_id("sums/fold/64", "s") == "sums_fold_64");
  CHECK(import_target_id("test_total[100]", "s") == "test_total_100");
  CHECK(import_target_id("  sleep 0.01 ", "s") == "sleep_0_01");
  CHECK(import_target_id("BM_x/real_time/threads:8", "s") == "bm_x_real_time_threads_8");
  CHECK(import_target_id("64/bytes", "s") == "b_64_bytes");
  const std::string long_name(100, 'a');
  const std::string id = import_target_id(long_name, "s");
  CHECK(id.size() == 64);
  CHECK(is_valid_target_id(id));
  CHECK(id == import_target_id(long_name, "s"));        // stable
  CHECK(id != import_target_id(long_name + "b", "s"));  // distinct names stay distinct
  CHECK_THROWS_WITH_AS(import_target_id("/// ...", "f.json: benchmark ///"),
                       doctest::Contains("f.json: benchmark ///"), ImportError);
}

TEST_CASE("import collector: a later file is another process; a clash in one file is refused") {
  ImportedRun run;
  ImportCollector collector(run);
  collector.begin_file("one.json");
  collector.add(target("BM_a", {{10, 100, 0, 0}, {10, 110, 1, 0}}));
  CHECK_THROWS_WITH_AS(collector.add(target("bm-a", {{1, 1, 0, 0}})),
                       doctest::Contains("file: bm-a and file: BM_a both map to the target id"),
                       ImportError);
  collector.begin_file("two.json");
  collector.add(target("BM_a", {{10, 120, 0, 0}, {10, 130, 1, 0}}));
  REQUIRE(run.targets.size() == 1);
  const auto& samples = run.targets[0].samples;
  REQUIRE(samples.size() == 4);
  CHECK(samples[2].process == 1);
  CHECK(samples[3].repetition == 3);
  CHECK(run.files == std::vector<std::string>{"one.json", "two.json"});
  CHECK_THROWS_AS(collector.add(target("BM_b", {{1, -5, 0, 0}})), ImportError);
}

TEST_CASE("import time stamps: UTC kept, other offsets not trusted") {
  CHECK(utc_timestamp_of("2026-12-02T19:30:03+00:00") == "2026-12-02T19:30:03Z");
  CHECK(utc_timestamp_of("2026-12-02T19:30:03.123456") == "2026-12-02T19:30:03.123456Z");
  CHECK(utc_timestamp_of("2026-12-02T19:30:03Z") == "2026-12-02T19:30:03Z");
  CHECK(utc_timestamp_of("2026-12-02T19:30:03+02:00").empty());
  CHECK(utc_timestamp_of("yesterday").empty());
}

TEST_CASE("compare: summary-only targets get no test and are never slower") {
  StoredTarget base, current;
  base.target_id = current.target_id = "t";
  base.ns_per_operation = {100};
  current.ns_per_operation = {300};
  current.summary_only = true;
  const StoredRun base_run, current_run;
  const TargetComparison c =
      compare_stored_targets(base_run, base, current_run, current, ComparisonSettings{});
  CHECK(c.basis == ComparisonBasis::summary_values);
  CHECK(c.verdict == Verdict::noisy);
  CHECK(c.p_value == 1);
  CHECK(c.change == doctest::Approx(2.0));
  current.ns_per_operation = {101};
  CHECK(
      compare_stored_targets(base_run, base, current_run, current, ComparisonSettings{}).verdict ==
      Verdict::no_change);
}
