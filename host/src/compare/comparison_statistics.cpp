#include "costops/host/comparison_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace {

double normal_survival(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace

double mann_whitney_p_value(const std::vector<double>& a, const std::vector<double>& b) {
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  if (a.empty() || b.empty()) return 1;
  std::vector<std::pair<double, int>> all;
  for (double v : a) all.emplace_back(v, 0);
  for (double v : b) all.emplace_back(v, 1);
  std::sort(all.begin(), all.end());
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double average_rank =
        (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;  // 1-based
    const double ties = static_cast<double>(j - i);
    tie_term += ties * ties * ties - ties;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second == 0) rank_sum_a += average_rank;
    i = j;
  }
  const double u = rank_sum_a - n1 * (n1 + 1) / 2;
  const double mean = n1 * n2 / 2;
  const double n = n1 + n2;
  const double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return 1;
  const double z = (std::abs(u - mean) - 0.5) / std::sqrt(variance);
  return std::min(1.0, 2 * normal_survival(std::max(z, 0.0)));
}

namespace {

// Above this many values a resample's median is drawn from its rank's
// distribution instead of by resampling every value (see below).
constexpr std::size_t kExactBootstrapLimit = 2000;

// Draws the median of one bootstrap resample of `sorted`. For small samples
// by resampling all of them. For large ones in O(1): the median of n values
// drawn with replacement is the order statistic of `sorted` whose rank is
// Binomial-distributed around n/2 with standard deviation sqrt(n)/2, which
// is normal to within a rank at these sizes. So a million samples per side
// cost one sort, not 2,000 (the cost of comparing them grew from minutes to
// well under a second).
class MedianResampler {
 public:
  explicit MedianResampler(const std::vector<double>& values) : sorted_(values) {
    std::sort(sorted_.begin(), sorted_.end());
    scratch_.resize(sorted_.size() <= kExactBootstrapLimit ? sorted_.size() : 0);
  }
  double draw(std::mt19937_64& random) {
    const std::size_t n = sorted_.size();
    if (n <= kExactBootstrapLimit) {
      for (double& v : scratch_) v = sorted_[random() % n];
      return median_of(scratch_);
    }
    const double rank = 0.5 * static_cast<double>(n - 1) +
                        0.5 * std::sqrt(static_cast<double>(n)) * normal_(random);
    const double clamped = std::clamp(rank, 0.0, static_cast<double>(n - 1));
    return sorted_[static_cast<std::size_t>(std::llround(clamped))];
  }

 private:
  std::vector<double> sorted_;
  std::vector<double> scratch_;
  std::normal_distribution<double> normal_{0.0, 1.0};
};

}  // namespace

ChangeInterval bootstrap_change_of_median(const std::vector<double>& base,
                                          const std::vector<double>& current,
                                          std::uint32_t resamples) {
  // Percentile bootstrap of the ratio of medians, with a fixed seed so the
  // same inputs always give the same interval.
  std::mt19937_64 random(0x5eed);
  std::vector<double> ratios;
  if (!base.empty() && !current.empty()) {
    MedianResampler base_medians(base), new_medians(current);
    for (std::uint32_t r = 0; r < resamples; ++r) {
      const double m = base_medians.draw(random);
      const double n = new_medians.draw(random);
      if (m > 0) ratios.push_back(n / m - 1);
    }
  }
  if (ratios.empty()) {
    const double base_median = median_of(base);
    const double change = base_median > 0 ? median_of(current) / base_median - 1 : 0;
    return {change, change};
  }
  std::sort(ratios.begin(), ratios.end());
  return {quantile_of_sorted(ratios, 0.025), quantile_of_sorted(ratios, 0.975)};
}

double smallest_p_value(std::size_t n1, std::size_t n2) {
  std::vector<double> low(n1), high(n2);
  for (std::size_t i = 0; i < n1; ++i) low[i] = static_cast<double>(i);
  for (std::size_t i = 0; i < n2; ++i) high[i] = static_cast<double>(n1 + i);
  return mann_whitney_p_value(low, high);
}

}  // namespace costops::host
