// Verdicts on synthetic sample sets with known differences, and the readers
// of results files written elsewhere.
#include "costops/host/comparison.hpp"

#include <doctest/doctest.h>

#include <random>

#include "costops/host/comparison_report.hpp"
#include "costops/host/comparison_statistics.hpp"
#include "costops/host/raw_record.hpp"

using namespace costops::host;

namespace {

// n samples around `median` with relative spread `noise` (deterministic).
std::vector<double> samples(double median, double noise, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0.0, noise);
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(median * (1 + normal(random)));
  return out;
}

}  // namespace

TEST_CASE("the same distribution twice: no change") {
  const auto c = compare_samples("t", samples(100, 0.02, 200, 1), samples(100, 0.02, 200, 2), {});
  CHECK(c.verdict == Verdict::no_change);
  CHECK(c.p_value > 0.05);
  CHECK(c.change_ci_low < 0);
  CHECK(c.change_ci_high > 0);
}

TEST_CASE("3% slower with low noise: significant, but below the 5% threshold") {
  const auto c = compare_samples("t", samples(100, 0.005, 200, 3), samples(103, 0.005, 200, 4), {});
  CHECK(c.p_value < 1e-6);
  CHECK(c.change == doctest::Approx(0.03).epsilon(0.1));
  CHECK(c.verdict == Verdict::no_change);
  ComparisonSettings strict;
  strict.threshold = 0.02;
  CHECK(compare_samples("t", samples(100, 0.005, 200, 3), samples(103, 0.005, 200, 4), strict)
            .verdict == Verdict::slower);
}

TEST_CASE("30% slower with high noise: slower when there are enough samples, noisy when too few") {
  const auto many =
      compare_samples("t", samples(100, 0.25, 300, 5), samples(130, 0.25, 300, 6), {});
  CHECK(many.verdict == Verdict::slower);
  CHECK(many.change_ci_low > 0.05);
  const auto few = compare_samples("t", samples(100, 0.25, 4, 7), samples(130, 0.25, 4, 8), {});
  CHECK(few.verdict == Verdict::noisy);
  const auto faster =
      compare_samples("t", samples(130, 0.02, 100, 9), samples(100, 0.02, 100, 10), {});
  CHECK(faster.verdict == Verdict::faster);
}

namespace {

// A target measured in `process_medians.size()` processes: each process has
// its own level (its luck), 40 samples within 1% of it.
StoredTarget measured_in_processes(const std::vector<double>& process_medians, std::uint64_t seed) {
  StoredTarget t{"t", TargetStatus::ok, {}, {}};
  for (std::uint32_t r = 0; r < process_medians.size(); ++r)
    for (double v : samples(process_medians[r], 0.01, 40, seed + r)) {
      t.ns_per_operation.push_back(v);
      t.repetition.push_back(r);
    }
  return t;
}

}  // namespace

TEST_CASE("with repetitions the test is on per-repetition medians, not on correlated samples") {
  // Same code, but each process lands at 8 or 14 ns (as on the development
  // VM): per-sample, the two runs look very different; per process, they
  // cannot be told apart.
  const StoredTarget base = measured_in_processes({8, 8, 14}, 100);
  const StoredTarget next = measured_in_processes({14, 14, 8}, 200);
  const TargetComparison pooled =
      compare_samples("t", base.ns_per_operation, next.ns_per_operation, {});
  CHECK(pooled.verdict == Verdict::slower);  // what a per-sample test would claim
  const TargetComparison c = compare_targets(base, next, {});
  CHECK(c.basis == ComparisonBasis::repetition_medians);
  CHECK(c.base_count == 3);
  CHECK(c.new_count == 3);
  CHECK(c.p_value > 0.05);
  CHECK(c.verdict != Verdict::slower);
  // Three against three can never reach p < 0.05, and the output says so.
  const RunComparison three = compare_runs({"a", "", {base}}, {"b", "", {next}}, {});
  CHECK(comparison_text(three).find("Too few values for any verdict") != std::string::npos);

  // A real 30% slowdown across six processes a side is found.
  const TargetComparison real =
      compare_targets(measured_in_processes({10, 10.5, 9.8, 10.2, 10.1, 9.9}, 300),
                      measured_in_processes({13, 13.4, 12.9, 13.2, 13.1, 12.8}, 400), {});
  CHECK(real.basis == ComparisonBasis::repetition_medians);
  CHECK(real.verdict == Verdict::slower);
  CHECK(real.change == doctest::Approx(0.3).epsilon(0.05));
  const RunComparison six =
      compare_runs({"a", "", {measured_in_processes({10, 10.5, 9.8, 10.2, 10.1, 9.9}, 300)}},
                   {"b", "", {measured_in_processes({13, 13.4, 12.9, 13.2, 13.1, 12.8}, 400)}}, {});
  CHECK(comparison_text(six).find("Too few values") == std::string::npos);

  // One repetition on either side: per-sample, and the output says what that misses.
  StoredTarget single{"t", TargetStatus::ok, {}, samples(10, 0.01, 50, 500)};
  const TargetComparison fallback = compare_targets(single, base, {});
  CHECK(fallback.basis == ComparisonBasis::samples);
  CHECK(fallback.base_count == 50);
  const RunComparison run = compare_runs({"a", "", {single}}, {"b", "", {base}}, {});
  CHECK(comparison_text(run).find("--rounds 5") != std::string::npos);
  CHECK(comparison_json(run).find("\"basis\": \"samples\"") != std::string::npos);
}

TEST_CASE("Mann-Whitney U on known values") {
  // Completely separated groups of 10: U = 0, z = (50 - 0.5) / sqrt(175) = 3.742 -> p = 0.00018.
  std::vector<double> a, b;
  for (int i = 0; i < 10; ++i) {
    a.push_back(i);
    b.push_back(100 + i);
  }
  CHECK(mann_whitney_p_value(a, b) == doctest::Approx(0.000182).epsilon(0.02));
  CHECK(mann_whitney_p_value(a, a) == doctest::Approx(1.0));
  CHECK(mann_whitney_p_value({}, a) == 1.0);
  const std::vector<double> same(10, 5.0);
  CHECK(mann_whitney_p_value(same, same) == 1.0);  // all ties: no evidence
}

TEST_CASE("runs: common targets compared, others listed as added or removed") {
  StoredRun base{"base.json",
                 "",
                 {{"a", TargetStatus::ok, {}, samples(10, 0.01, 50, 1)},
                  {"gone", TargetStatus::ok, {}, {1, 2, 3}}}};
  StoredRun next{"new.json",
                 "",
                 {{"a", TargetStatus::ok, {}, samples(20, 0.01, 50, 2)},
                  {"fresh", TargetStatus::ok, {}, {1, 2, 3}}}};
  const RunComparison c = compare_runs(base, next, {});
  REQUIRE(c.targets.size() == 1);
  CHECK(c.targets[0].verdict == Verdict::slower);
  CHECK(c.has_regression());
  CHECK(c.added == std::vector<std::string>{"fresh"});
  CHECK(c.removed == std::vector<std::string>{"gone"});
  CHECK(comparison_markdown(c).find("Mann-Whitney") != std::string::npos);
  CHECK(comparison_json(c).find("\"regression\": true") != std::string::npos);
}

TEST_CASE("malformed results files are errors naming the file") {
  CHECK_THROWS_WITH_AS(parse_stored_run("{", "x.json"), doctest::Contains("x.json: not valid JSON"),
                       ResultsFileError);
  CHECK_THROWS_WITH_AS(parse_stored_run("[]", "x.json"), doctest::Contains("top level"),
                       ResultsFileError);
  CHECK_THROWS_WITH_AS(
      parse_stored_run(R"({"targets":[{"target_id":"a","status":"ok"}]})", "x.json"),
      doctest::Contains("has no samples"), ResultsFileError);
  CHECK_THROWS_WITH_AS(parse_stored_run(R"({"targets":[{"target_id":"a","status":"ok","samples":
      {"iterations":[0],"elapsed_ns":[5]}}]})",
                                        "x.json"),
                       doctest::Contains("sample 0"), ResultsFileError);
  const StoredRun run = parse_stored_run(R"({"targets":[{"target_id":"a","status":"crashed"},
      {"target_id":"b","status":"ok","samples":{"iterations":[10,10],"elapsed_ns":[100,300]}}]})",
                                         "x.json");
  REQUIRE(run.targets.size() == 2);  // every target, whatever its status
  CHECK(run.targets[0].status == TargetStatus::crashed);
  CHECK(run.targets[0].ns_per_operation.empty());
  CHECK(run.targets[1].ns_per_operation == std::vector<double>{10, 30});
  CHECK_THROWS_AS(load_stored_run("/nonexistent/dir"), ResultsFileError);
}

TEST_CASE("canonical records from other programs are checked field by field") {
  const std::string good = R"({"target_id":"a","timestamp":"2025-01-01T00:00:00Z","metrics":{
    "operations_per_second":1,"avg_duration_ns":1,"min_duration_ns":1,"max_duration_ns":1,"p50_duration_ns":1,
    "p95_duration_ns":1,"p99_duration_ns":1,"total_iterations":1,"total_duration_ms":1,"extra":"x"}})";
  CHECK(canonical_record_problem(good).empty());
  CHECK(canonical_record_problem("nope").find("not valid JSON") != std::string::npos);
  CHECK(canonical_record_problem(
            R"({"target_id":"A b","timestamp":"2025-01-01T00:00:00Z","metrics":{}})")
            .find("not a valid id") != std::string::npos);
  std::string missing = good;
  missing.replace(missing.find("\"p99_duration_ns\":1,"), 20, "");
  CHECK(canonical_record_problem(missing).find("p99_duration_ns") != std::string::npos);
  std::string negative = good;
  negative.replace(negative.find("\"total_iterations\":1"), 20, "\"total_iterations\":-4");
  CHECK(canonical_record_problem(negative).find("negative") != std::string::npos);
  CHECK(canonical_record_problem(R"({"target_id":"a","metrics":{},"timestamp":"x","more":1})")
            .find("unexpected field") != std::string::npos);
}

TEST_CASE("samples.repetition is read when present and checked") {
  const StoredRun run = parse_stored_run(R"({"targets":[{"target_id":"a","status":"ok","samples":
      {"iterations":[1,1,1,1],"elapsed_ns":[10,12,20,22],"repetition":[0,0,1,1]}}]})",
                                         "x.json");
  REQUIRE(run.targets.size() == 1);
  CHECK(run.targets[0].repetition == std::vector<std::uint32_t>{0, 0, 1, 1});
  CHECK(repetition_medians(run.targets[0]) == std::vector<double>{11, 21});
  CHECK_THROWS_WITH_AS(parse_stored_run(R"({"targets":[{"target_id":"a","status":"ok","samples":
      {"iterations":[1,1],"elapsed_ns":[10,12],"repetition":[0]}}]})",
                                        "x.json"),
                       doctest::Contains("samples.repetition must be an array"), ResultsFileError);
  CHECK_THROWS_WITH_AS(parse_stored_run(R"({"targets":[{"target_id":"a","status":"ok","samples":
      {"iterations":[1],"elapsed_ns":[10],"repetition":[-1]}}]})",
                                        "x.json"),
                       doctest::Contains("other than a count"), ResultsFileError);
}

TEST_CASE("a target ok in the base and broken in the new run is a regression") {
  const StoredRun base{"base.json",
                       "",
                       {{"a", TargetStatus::ok, {}, samples(10, 0.01, 50, 1)},
                        {"b", TargetStatus::ok, {}, samples(10, 0.01, 50, 2)},
                        {"c", TargetStatus::failed, "was broken", {}},
                        {"d", TargetStatus::ok, {}, samples(10, 0.01, 50, 3)}}};
  const StoredRun current{"new.json",
                          "",
                          {{"a", TargetStatus::ok, {}, samples(10, 0.01, 50, 4)},
                           {"b", TargetStatus::crashed, "killed by SIGSEGV", {}},
                           {"c", TargetStatus::failed, "still broken", {}},
                           {"d", TargetStatus::skipped, "no GPU", {}}}};
  const RunComparison c = compare_runs(base, current, {});
  REQUIRE(c.targets.size() == 1);
  REQUIRE(c.status_changes.size() == 3);
  CHECK(c.status_changes[0].is_regression());        // b: ok -> crashed
  CHECK_FALSE(c.status_changes[1].is_regression());  // c: failed in both
  CHECK_FALSE(c.status_changes[2].is_regression());  // d: ok -> skipped is no breakage
  CHECK(c.removed.empty());                          // b, c and d are in both runs, not "removed"
  CHECK(c.has_regression());
  CHECK(c.regression_lines() == std::vector<std::string>{"b: ok → crashed: killed by SIGSEGV"});
  CHECK(comparison_text(c).find("b: ok → crashed (regression): killed by SIGSEGV") !=
        std::string::npos);
  CHECK(comparison_markdown(c).find("🔴 ok → crashed") != std::string::npos);
  CHECK(comparison_json(c).find("\"regression\": true") != std::string::npos);
}

TEST_CASE("runs with no target in common are an error, not an empty green table") {
  const StoredRun base{"base.json", "", {{"a", TargetStatus::ok, {}, {1, 2, 3}}}};
  const StoredRun current{"new.json", "", {{"z", TargetStatus::ok, {}, {1, 2, 3}}}};
  CHECK_THROWS_WITH_AS(compare_runs(base, current, {}), doctest::Contains("no target in common"),
                       ComparisonError);
}

TEST_CASE("the bootstrap interval of large samples comes from one sort and covers the change") {
  // 200,000 values a side: beyond the exact-resampling limit, so each
  // resample's median is drawn from its rank's distribution.
  const std::vector<double> base = samples(100, 0.05, 200000, 11);
  const std::vector<double> slower = samples(110, 0.05, 200000, 12);
  const ChangeInterval interval = bootstrap_change_of_median(base, slower, 2000);
  CHECK(interval.low < 0.10);
  CHECK(interval.high > 0.10);
  CHECK(interval.high - interval.low < 0.01);  // a million-fold sample pins the median down
  // The same as exact resampling on samples just under the limit, to within noise.
  const std::vector<double> small_base = samples(100, 0.05, 1900, 13);
  const std::vector<double> small_new = samples(110, 0.05, 1900, 14);
  const ChangeInterval exact = bootstrap_change_of_median(small_base, small_new, 2000);
  CHECK(exact.low < 0.10);
  CHECK(exact.high > 0.10);
}
