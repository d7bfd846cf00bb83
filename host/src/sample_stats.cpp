#include "costops/host/sample_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace costops::host {

double quantile_of_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, 0.5);
}

namespace {

// Ranks (0-based) bounding a 95% confidence interval of the median: the
// normal approximation of Binomial(n, 1/2), widened to whole ranks.
std::pair<std::size_t, std::size_t> median_ci_ranks(std::size_t n) {
  const double half_width = 1.959963984540054 * std::sqrt(static_cast<double>(n)) / 2.0;
  const double centre = static_cast<double>(n) / 2.0;
  const double low = std::floor(centre - half_width);
  const double high = std::ceil(centre + half_width) - 1.0;
  const auto clamp_rank = [n](double rank) {
    return static_cast<std::size_t>(std::clamp(rank, 0.0, static_cast<double>(n - 1)));
  };
  return {clamp_rank(low), clamp_rank(high)};
}

}  // namespace

SampleStats compute_sample_stats(std::span<const double> values) {
  SampleStats stats;
  stats.count = values.size();
  if (values.empty()) return stats;

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());

  stats.min = sorted.front();
  stats.max = sorted.back();
  stats.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / n;
  if (sorted.size() > 1) {
    double squares = 0;
    for (double v : sorted) squares += (v - stats.mean) * (v - stats.mean);
    stats.stddev = std::sqrt(squares / (n - 1));
  }
  stats.coefficient_of_variation = stats.mean != 0 ? stats.stddev / stats.mean : 0;

  stats.p5 = quantile_of_sorted(sorted, 0.05);
  stats.p25 = quantile_of_sorted(sorted, 0.25);
  stats.p50 = quantile_of_sorted(sorted, 0.50);
  stats.p75 = quantile_of_sorted(sorted, 0.75);
  stats.p95 = quantile_of_sorted(sorted, 0.95);
  stats.p99 = quantile_of_sorted(sorted, 0.99);
  stats.median = stats.p50;

  std::vector<double> deviations(sorted.size());
  std::transform(sorted.begin(), sorted.end(), deviations.begin(),
                 [&](double v) { return std::fabs(v - stats.median); });
  std::sort(deviations.begin(), deviations.end());
  stats.median_absolute_deviation = quantile_of_sorted(deviations, 0.5);

  const auto [low_rank, high_rank] = median_ci_ranks(sorted.size());
  stats.median_ci_low = sorted[low_rank];
  stats.median_ci_high = sorted[high_rank];

  const double iqr = stats.p75 - stats.p25;
  for (double v : sorted) {
    if (v < stats.p25 - 3 * iqr) {
      ++stats.outliers.low_severe;
    } else if (v < stats.p25 - 1.5 * iqr) {
      ++stats.outliers.low_mild;
    } else if (v > stats.p75 + 3 * iqr) {
      ++stats.outliers.high_severe;
    } else if (v > stats.p75 + 1.5 * iqr) {
      ++stats.outliers.high_mild;
    }
  }
  return stats;
}

}  // namespace costops::host
