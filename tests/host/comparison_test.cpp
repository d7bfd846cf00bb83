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
// its own level (its luck), 40 samples within 1% of it, in two repetitions.
StoredTarget measured_in_processes(const std::vector<double>& process_medians, std::uint64_t seed) {
  StoredTarget t{"t", TargetStatus::ok, {}, {}};
  for (std::uint32_t r = 0; r < process_medians.size(); ++r) {
    const auto values = samples(process_medians[r], 0.01, 40, seed + r);
    for (std::size_t i = 0; i < values.size(); ++i) {
      t.ns_per_operation.push_back(values[i]);
      t.repetition.push_back(2 * r + (i < 20 ? 0 : 1));
      t.process.push_back(r);
    }
  }
  return t;
}

StoredTarget named(std::string id, StoredTarget target) {
  target.target_id = std::move(id);
  return target;
}

// Two-sided p of the rank-sum of `a` by enumerating every split of a + b:
// the definition the exact test must match.
double brute_force_rank_sum_p(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> all = a;
  all.insert(all.end(), b.begin(), b.end());
  const auto rank_sum = [&](unsigned mask) {
    double sum = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!(mask >> i & 1u)) continue;
      double below = 0, equal = 0;
      for (double v : all) (v < all[i] ? below : v == all[i] ? equal : below) += v <= all[i];
      sum += below + (equal + 1) / 2;
    }
    return sum;
  };
  const double n = static_cast<double>(all.size()), n1 = static_cast<double>(a.size());
  const double centre = n1 * (n + 1) / 2;
  const double observed = std::abs(rank_sum((1u << a.size()) - 1) - centre);
  double hits = 0, total = 0;
  for (unsigned mask = 0; mask < (1u << all.size()); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != a.size()) continue;
    ++total;
    hits += std::abs(rank_sum(mask) - centre) >= observed - 1e-9;
  }
  return hits / total;
}

}  // namespace

TEST_CASE("the process is the unit: per-process medians, not correlated samples") {
  // Same code, but each process lands at 8 or 14 ns (as on the development
  // VM): per-sample, the two runs look very different; per process, they
  // cannot be told apart.
  const StoredTarget base = measured_in_processes({8, 8, 14}, 100);
  const StoredTarget next = measured_in_processes({14, 14, 8}, 200);
  const TargetComparison pooled =
      compare_samples("t", base.ns_per_operation, next.ns_per_operation, {});
  CHECK(pooled.verdict == Verdict::slower);  // what a per-sample test would claim
  const TargetComparison c = compare_targets(base, next, {});
  CHECK(c.basis == ComparisonBasis::processes);
  CHECK(c.base_count == 3);
  CHECK(c.new_count == 3);
  CHECK(c.p_value > 0.05);
  CHECK(c.verdict != Verdict::slower);
  CHECK(c.change_ci_low < 0);  // the process-to-process spread is in the interval
  CHECK(c.change_ci_high > 0);
  // Three against three can never reach p < 0.05 (exactly 0.1), and the output says so.
  CHECK(c.smallest_p == doctest::Approx(0.1));
  const RunComparison three = compare_runs({"a", "", {base}}, {"b", "", {next}}, {});
  CHECK(comparison_text(three).find("3 vs 3 processes cannot show p < 0.05; use --rounds >= 4") !=
        std::string::npos);
  CHECK(comparison_json(three).find("cannot show p < 0.05") != std::string::npos);

  // A real 30% slowdown across six processes a side is found.
  const TargetComparison real =
      compare_targets(measured_in_processes({10, 10.5, 9.8, 10.2, 10.1, 9.9}, 300),
                      measured_in_processes({13, 13.4, 12.9, 13.2, 13.1, 12.8}, 400), {});
  CHECK(real.verdict == Verdict::slower);
  CHECK(real.p_value == doctest::Approx(2.0 / 924));  // exact: fully separated 6 vs 6
  CHECK(real.change == doctest::Approx(0.3).epsilon(0.05));
  CHECK(real.change_ci_low > 0.2);
  CHECK(real.change_ci_high < 0.4);
}

TEST_CASE("repetitions inside one process never count as independent processes") {
  StoredTarget one_process = measured_in_processes({10}, 1);
  for (std::size_t i = 0; i < one_process.repetition.size(); ++i)
    one_process.repetition[i] = static_cast<std::uint32_t>(i % 5);  // five repetitions
  StoredTarget slower_one = measured_in_processes({20}, 2);
  for (std::size_t i = 0; i < slower_one.repetition.size(); ++i)
    slower_one.repetition[i] = static_cast<std::uint32_t>(i % 5);
  const TargetComparison c = compare_targets(one_process, slower_one, {});
  CHECK(c.base_count == 1);
  CHECK(c.new_count == 1);
  CHECK(c.verdict == Verdict::noisy);  // 2x, but one process a side proves nothing
  const RunComparison run = compare_runs({"a", "", {one_process}}, {"b", "", {slower_one}}, {});
  CHECK_FALSE(run.has_regression());
  CHECK(comparison_text(run).find("1 vs 1 processes cannot show") != std::string::npos);
}

TEST_CASE("files without samples.process: processes derived from rounds and repetitions") {
  const auto file = [](int rounds, int repetitions) {
    return R"({"settings":{"rounds":)" + std::to_string(rounds) + R"(,"repetitions":)" +
           std::to_string(repetitions) + R"(},"targets":[{"target_id":"a","status":"ok","samples":
      {"iterations":[1,1,1,1],"elapsed_ns":[10,12,20,22],"repetition":[0,1,2,3]}}]})";
  };
  CHECK(parse_stored_run(file(1, 4), "x.json").targets[0].process.empty());  // one process
  CHECK(parse_stored_run(file(4, 1), "x.json").targets[0].process ==
        std::vector<std::uint32_t>{0, 1, 2, 3});
  CHECK(parse_stored_run(file(2, 2), "x.json").targets[0].process ==
        std::vector<std::uint32_t>{0, 0, 1, 1});
  const StoredRun with_process =
      parse_stored_run(R"({"settings":{"ab_pairing":"p1"},"targets":[{"target_id":"a","status":"ok",
      "samples":{"iterations":[1,1],"elapsed_ns":[10,12],"repetition":[0,0],"process":[0,1]}}]})",
                       "x.json");
  CHECK(with_process.targets[0].process == std::vector<std::uint32_t>{0, 1});
  CHECK(with_process.ab_pairing == "p1");
  CHECK_THROWS_WITH_AS(parse_stored_run(R"({"targets":[{"target_id":"a","status":"ok","samples":
      {"iterations":[1,1],"elapsed_ns":[10,12],"process":[0]}}]})",
                                        "x.json"),
                       doctest::Contains("samples.process must be an array"), ResultsFileError);
}

TEST_CASE("Mann-Whitney U: exact for small counts, normal approximation above") {
  std::vector<double> a, b;
  for (int i = 0; i < 10; ++i) {
    a.push_back(i);
    b.push_back(100 + i);
  }
  CHECK(mann_whitney_p_value(a, b) == doctest::Approx(2.0 / 184756));  // 2 / C(20, 10)
  CHECK(mann_whitney_p_value(a, a) == doctest::Approx(1.0));
  CHECK(mann_whitney_p_value({}, a) == 1.0);
  const std::vector<double> same(10, 5.0);
  CHECK(mann_whitney_p_value(same, same) == 1.0);  // all ties: no evidence
  CHECK(smallest_p_value(5, 5) == doctest::Approx(2.0 / 252));
  CHECK(processes_needed(0.05) == 4);
  // With ties and interleaving, against enumeration of every split.
  const std::vector<double> x{1, 2, 2, 5, 7, 7}, y{2, 3, 7, 8, 8, 9, 10};
  CHECK(mann_whitney_p_value(x, y) == doctest::Approx(brute_force_rank_sum_p(x, y)));
  const std::vector<double> u{3, 1, 4, 1, 5}, v{9, 2, 6, 5, 3, 5};
  CHECK(mann_whitney_p_value(u, v) == doctest::Approx(brute_force_rank_sum_p(u, v)));
  // Above 20 a side: separated groups of 30 (normal approximation, z = 6.64).
  std::vector<double> big_a, big_b;
  for (int i = 0; i < 30; ++i) {
    big_a.push_back(i);
    big_b.push_back(100 + i);
  }
  CHECK(mann_whitney_p_value(big_a, big_b) == doctest::Approx(3.1e-11).epsilon(0.1));
}

TEST_CASE("Wilcoxon signed-rank: exact distribution, zeros dropped") {
  CHECK(wilcoxon_signed_rank_p_value(std::vector<double>{1, 2, 3, 4, 5}) ==
        doctest::Approx(2.0 / 32));
  CHECK(wilcoxon_signed_rank_p_value(std::vector<double>{1, 2, 3, 4, 5, 6}) ==
        doctest::Approx(2.0 / 64));
  CHECK(wilcoxon_signed_rank_p_value(std::vector<double>{0, 0, 1, 2, 3, 4, 5, 6}) ==
        doctest::Approx(2.0 / 64));
  // scipy.stats.wilcoxon([1, -2, 3, 4, 5, 6]).pvalue == 0.09375 (W- = 2: 6 of 64 each side)
  CHECK(wilcoxon_signed_rank_p_value(std::vector<double>{1, -2, 3, 4, 5, 6}) ==
        doctest::Approx(0.09375));
  CHECK(wilcoxon_signed_rank_p_value(std::vector<double>{}) == 1.0);
  CHECK(smallest_paired_p_value(5) == doctest::Approx(0.0625));
  CHECK(pairs_needed(0.05) == 6);
}

TEST_CASE("hierarchical bootstrap of one large process: the median's sampling spread") {
  // One process a side with 10,001 samples: the interval of the change is the
  // within-process one, close to the true +1% and excluding 0.
  std::vector<std::vector<double>> base{samples(100, 0.01, 10001, 11)};
  std::vector<std::vector<double>> next{samples(101, 0.01, 10001, 12)};
  for (auto* side : {&base, &next}) std::sort(side->front().begin(), side->front().end());
  const ChangeInterval interval = hierarchical_bootstrap_change(base, next, 2000);
  CHECK(interval.low > 0.006);
  CHECK(interval.high < 0.014);
  CHECK(interval.low < 0.01);
  CHECK(interval.high > 0.01);
}

TEST_CASE("A/B runs are paired round by round, so drift common to a round cancels") {
  // Rounds drift from 10 to 19 ns; the new build is 5% slower in each round.
  StoredTarget base{"t", TargetStatus::ok, {}, {}}, next{"t", TargetStatus::ok, {}, {}};
  for (std::uint32_t round = 0; round < 10; ++round)
    for (double v : samples(10 + round, 0.002, 20, round)) {
      base.ns_per_operation.push_back(v);
      base.process.push_back(round);
      next.ns_per_operation.push_back(v * 1.05);
      next.process.push_back(round);
    }
  CHECK(compare_targets(base, next, {}).p_value > 0.5);  // unpaired, the drift hides it
  const RunComparison paired =
      compare_runs({"a", "", {base}, "pair-1"}, {"b", "", {next}, "pair-1"}, {});
  REQUIRE(paired.targets.size() == 1);
  const TargetComparison& c = paired.targets[0];
  CHECK(c.basis == ComparisonBasis::paired_rounds);
  CHECK(c.base_count == 10);
  CHECK(c.change == doctest::Approx(0.05).epsilon(0.01));
  CHECK(c.p_value == doctest::Approx(2.0 / 1024));
  CHECK(c.verdict == Verdict::slower);
  CHECK(c.change_ci_low == doctest::Approx(0.05).epsilon(0.01));
  CHECK(comparison_text(paired).find("pairs 10") != std::string::npos);
  // Different pairing ids: not one A/B invocation, so unpaired.
  CHECK(
      compare_runs({"a", "", {base}, "pair-1"}, {"b", "", {next}, "pair-2"}, {}).targets[0].basis ==
      ComparisonBasis::processes);
}

TEST_CASE("runs: common targets compared, others listed as added or removed") {
  StoredRun base{"base.json",
                 "",
                 {named("a", measured_in_processes({10, 10.2, 9.9, 10.1, 10}, 1)),
                  {"gone", TargetStatus::ok, {}, {1, 2, 3}}}};
  StoredRun next{"new.json",
                 "",
                 {named("a", measured_in_processes({20, 20.3, 19.8, 20.1, 20}, 2)),
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
  CHECK(run.targets[0].process.empty());  // no settings: one process
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

TEST_CASE("the bootstrap interval of large processes costs one sort and covers the change") {
  // 200,000 samples in each of 3 processes a side: every resample draws its
  // within-process medians from their order statistics, never the samples.
  std::vector<std::vector<double>> base, slower;
  for (unsigned p = 0; p < 3; ++p) {
    base.push_back(samples(100, 0.05, 200000, 11 + p));
    slower.push_back(samples(110, 0.05, 200000, 21 + p));
  }
  for (auto* side : {&base, &slower})
    for (auto& process : *side) std::sort(process.begin(), process.end());
  const ChangeInterval interval = hierarchical_bootstrap_change(base, slower, 2000);
  CHECK(interval.low < 0.10);
  CHECK(interval.high > 0.10);
  CHECK(interval.high - interval.low < 0.01);  // processes this steady pin the median down
}

TEST_CASE("more allocations per operation than the threshold allows is a regression") {
  StoredTarget base = measured_in_processes({10, 10, 10, 10, 10}, 1);
  StoredTarget same_time = measured_in_processes({10, 10, 10, 10, 10}, 2);
  base.allocations_per_op = 2;
  same_time.allocations_per_op = 2;
  CHECK_FALSE(compare_runs({"a", "", {base}}, {"b", "", {same_time}}, {}).has_regression());
  same_time.allocations_per_op = 3;  // +50%, above the default threshold
  const RunComparison more = compare_runs({"a", "", {base}}, {"b", "", {same_time}}, {});
  CHECK(more.has_regression());
  REQUIRE(more.regression_lines().size() == 1);
  CHECK(more.regression_lines()[0] == "t: more allocations, 2 → 3 per operation");
  // From none to a few: a base of 0 counts as 1, so 0.5 more is a regression.
  base.allocations_per_op = 0;
  same_time.allocations_per_op = 0.5;
  CHECK(compare_runs({"a", "", {base}}, {"b", "", {same_time}}, {}).has_regression());
  // Fewer is never a regression, and a side without counts is not gated.
  same_time.allocations_per_op = -1;
  base.allocations_per_op = 5;
  CHECK_FALSE(compare_runs({"a", "", {base}}, {"b", "", {same_time}}, {}).has_regression());
}
