#include "costops/host/sample_stats.hpp"

#include <doctest/doctest.h>

#include <vector>

using costops::host::compute_sample_stats;
using costops::host::quantile_of_sorted;

TEST_CASE("statistics of known samples") {
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  const auto s = compute_sample_stats(values);
  CHECK(s.count == 8);
  CHECK(s.mean == doctest::Approx(5.0));
  CHECK(s.median == doctest::Approx(4.5));
  CHECK(s.min == 2);
  CHECK(s.max == 9);
  // Sample standard deviation: sqrt(32 / 7).
  CHECK(s.stddev == doctest::Approx(2.138089935));
  CHECK(s.coefficient_of_variation == doctest::Approx(2.138089935 / 5));
  CHECK(s.p25 == doctest::Approx(4.0));
  CHECK(s.p75 == doctest::Approx(5.5));
  CHECK(s.median_absolute_deviation == doctest::Approx(0.5));
}

TEST_CASE("quantiles interpolate linearly between ranks (type 7)") {
  const std::vector<double> sorted = {10, 20, 30, 40, 50};
  CHECK(quantile_of_sorted(sorted, 0.0) == 10);
  CHECK(quantile_of_sorted(sorted, 1.0) == 50);
  CHECK(quantile_of_sorted(sorted, 0.5) == 30);
  CHECK(quantile_of_sorted(sorted, 0.9) == doctest::Approx(46));
  CHECK(quantile_of_sorted(sorted, 0.99) == doctest::Approx(49.6));
  const std::vector<double> empty;
  CHECK(quantile_of_sorted(empty, 0.5) == 0);
}

TEST_CASE("median confidence interval brackets the median and narrows with n") {
  std::vector<double> small, large;
  for (int i = 1; i <= 20; ++i) small.push_back(i);
  for (int i = 1; i <= 2000; ++i) large.push_back(i);
  const auto s = compute_sample_stats(small);
  const auto l = compute_sample_stats(large);
  CHECK(s.median_ci_low <= s.median);
  CHECK(s.median_ci_high >= s.median);
  // n = 20: ranks 6..15 (1-based) of the binomial interval.
  CHECK(s.median_ci_low == 6);
  CHECK(s.median_ci_high == 15);
  const double small_width = (s.median_ci_high - s.median_ci_low) / 20.0;
  const double large_width = (l.median_ci_high - l.median_ci_low) / 2000.0;
  CHECK(large_width < small_width / 5);
}

TEST_CASE("outliers are counted with Tukey fences and never dropped") {
  std::vector<double> values;
  for (int i = 1; i <= 100; ++i) values.push_back(i);  // Q1 ~ 26, Q3 ~ 76, IQR ~ 50
  values.push_back(200.0);    // mild high: between Q3 + 1.5 IQR and Q3 + 3 IQR
  values.push_back(1000.0);   // severe high
  values.push_back(-1000.0);  // severe low
  const auto s = compute_sample_stats(values);
  CHECK(s.count == 103);
  CHECK(s.outliers.high_mild == 1);
  CHECK(s.outliers.low_mild == 0);
  CHECK(s.outliers.high_severe == 1);
  CHECK(s.outliers.low_severe == 1);
  CHECK(s.max == 1000.0);
}

TEST_CASE("empty and single samples give defined values") {
  const auto none = compute_sample_stats(std::vector<double>{});
  CHECK(none.count == 0);
  CHECK(none.mean == 0);
  const auto one = compute_sample_stats(std::vector<double>{42});
  CHECK(one.median == 42);
  CHECK(one.stddev == 0);
  CHECK(one.median_ci_low == 42);
  CHECK(one.median_ci_high == 42);
}
