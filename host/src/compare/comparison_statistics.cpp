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

// Mid-ranks (1-based, doubled so they stay integers) of `values`, and the
// tie term sum(t^3 - t) over groups of tied values.
struct DoubledRanks {
  std::vector<std::uint32_t> rank2;  // in the order of `values`
  double tie_term = 0;
};

DoubledRanks doubled_mid_ranks(std::span<const double> values) {
  std::vector<std::size_t> order(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t x, std::size_t y) { return values[x] < values[y]; });
  DoubledRanks ranks;
  ranks.rank2.resize(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const auto doubled = static_cast<std::uint32_t>(i + j + 1);  // 2 x mean of ranks i+1..j
    for (std::size_t k = i; k < j; ++k) ranks.rank2[order[k]] = doubled;
    const double t = static_cast<double>(j - i);
    ranks.tie_term += t * t * t - t;
    i = j;
  }
  return ranks;
}

// P(|S - centre| >= |observed - centre|) for counts[s] ways of reaching sum s.
double two_sided_tail(const std::vector<double>& counts, double observed, double centre) {
  const double distance = std::abs(observed - centre) - 1e-9;
  double total = 0, tail = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    total += counts[s];
    if (std::abs(static_cast<double>(s) - centre) >= distance) tail += counts[s];
  }
  return total > 0 ? std::min(1.0, tail / total) : 1;
}

// Exact permutation distribution of the doubled rank sum of n1 values drawn
// from `rank2` (all values of both groups).
double exact_rank_sum_p(const std::vector<std::uint32_t>& rank2, std::size_t n1, double observed) {
  std::size_t max_sum = 0;
  for (auto r : rank2) max_sum += r;
  // ways[k][s]: subsets of size k with doubled rank sum s.
  std::vector<std::vector<double>> ways(n1 + 1, std::vector<double>(max_sum + 1, 0));
  ways[0][0] = 1;
  for (std::uint32_t r : rank2)
    for (std::size_t k = n1; k >= 1; --k)
      for (std::size_t s = max_sum; s >= r; --s) ways[k][s] += ways[k - 1][s - r];
  const double n = static_cast<double>(rank2.size());
  return two_sided_tail(ways[n1], observed, static_cast<double>(n1) * (n + 1));
}

}  // namespace

double mann_whitney_p_value(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) return 1;
  std::vector<double> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  const DoubledRanks ranks = doubled_mid_ranks(all);
  double rank2_sum_a = 0;
  for (std::size_t i = 0; i < a.size(); ++i) rank2_sum_a += ranks.rank2[i];
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  const double n = n1 + n2;
  if (ranks.tie_term == n * n * n - n) return 1;  // all values tie: no evidence
  if (a.size() <= kExactRankTestLimit && b.size() <= kExactRankTestLimit)
    return exact_rank_sum_p(ranks.rank2, a.size(), rank2_sum_a);
  const double u = rank2_sum_a / 2 - n1 * (n1 + 1) / 2;
  const double variance = n1 * n2 / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1)));
  if (variance <= 0) return 1;
  const double z = (std::abs(u - n1 * n2 / 2) - 0.5) / std::sqrt(variance);
  return std::min(1.0, 2 * normal_survival(std::max(z, 0.0)));
}

double smallest_p_value(std::size_t n1, std::size_t n2) {
  std::vector<double> low(n1), high(n2);
  for (std::size_t i = 0; i < n1; ++i) low[i] = static_cast<double>(i);
  for (std::size_t i = 0; i < n2; ++i) high[i] = static_cast<double>(n1 + i);
  return mann_whitney_p_value(low, high);
}

std::size_t processes_needed(double alpha) {
  std::size_t n = 2;
  while (n < 1000 && smallest_p_value(n, n) >= alpha) ++n;
  return n;
}

double wilcoxon_signed_rank_p_value(std::span<const double> differences) {
  std::vector<double> magnitudes;
  std::vector<bool> positive;
  for (double d : differences)
    if (d != 0 && std::isfinite(d)) {
      magnitudes.push_back(std::abs(d));
      positive.push_back(d > 0);
    }
  if (magnitudes.empty()) return 1;
  const DoubledRanks ranks = doubled_mid_ranks(magnitudes);
  double w2 = 0;  // doubled rank sum of the positive differences
  std::size_t total2 = 0;
  for (std::size_t i = 0; i < magnitudes.size(); ++i) {
    total2 += ranks.rank2[i];
    if (positive[i]) w2 += ranks.rank2[i];
  }
  const double n = static_cast<double>(magnitudes.size());
  if (magnitudes.size() <= kExactSignedRankLimit) {
    std::vector<double> ways(total2 + 1, 0);  // sign assignments reaching each sum
    ways[0] = 1;
    for (std::uint32_t r : ranks.rank2)
      for (std::size_t s = total2; s >= r; --s) ways[s] += ways[s - r];
    return two_sided_tail(ways, w2, static_cast<double>(total2) / 2);
  }
  const double variance = n * (n + 1) * (2 * n + 1) / 24 - ranks.tie_term / 48;
  if (variance <= 0) return 1;
  const double z = (std::abs(w2 / 2 - n * (n + 1) / 4) - 0.5) / std::sqrt(variance);
  return std::min(1.0, 2 * normal_survival(std::max(z, 0.0)));
}

double smallest_paired_p_value(std::size_t pairs) {
  return pairs == 0 ? 1 : std::min(1.0, 2 / std::pow(2.0, static_cast<double>(pairs)));
}

std::size_t pairs_needed(double alpha) {
  std::size_t n = 1;
  while (n < 1000 && smallest_paired_p_value(n) >= alpha) ++n;
  return n;
}

std::vector<double> process_medians(const ProcessSamples& processes) {
  std::vector<double> medians;
  medians.reserve(processes.size());
  for (const auto& sorted : processes) medians.push_back(quantile_of_sorted(sorted, 0.5));
  return medians;
}

namespace {

double beta_draw(std::mt19937_64& random, double a, double b) {
  const double x = std::gamma_distribution<double>(a, 1.0)(random);
  const double y = std::gamma_distribution<double>(b, 1.0)(random);
  return x / (x + y);
}

// The median of m draws with replacement from `sorted`, without drawing them:
// draw index i is floor(m U_i), so the resample's k-th smallest value is
// sorted[floor(m U_(k))], and U_(k) ~ Beta(k, m - k + 1). For even m the next
// order statistic follows from the remaining m - k uniforms above U_(k).
double resampled_median(std::mt19937_64& random, const std::vector<double>& sorted) {
  const std::size_t m = sorted.size();
  if (m == 1) return sorted[0];
  const auto at = [&](double u) {
    return sorted[std::min(m - 1, static_cast<std::size_t>(u * static_cast<double>(m)))];
  };
  const double md = static_cast<double>(m);
  if (m % 2 == 1) {
    const double k = (md + 1) / 2;
    return at(beta_draw(random, k, md - k + 1));
  }
  const double k = md / 2;
  const double u_k = beta_draw(random, k, md - k + 1);
  const double v = std::uniform_real_distribution<double>(0.0, 1.0)(random);
  const double u_next = u_k + (1 - u_k) * (1 - std::pow(v, 1 / (md - k)));
  return (at(u_k) + at(u_next)) / 2;
}

double resampled_median_of_medians(std::mt19937_64& random, const ProcessSamples& side,
                                   std::vector<double>& scratch) {
  scratch.clear();
  for (std::size_t i = 0; i < side.size(); ++i)
    scratch.push_back(resampled_median(random, side[random() % side.size()]));
  return median_of(scratch);
}

ChangeInterval percentile_interval(std::vector<double>& changes) {
  std::sort(changes.begin(), changes.end());
  return {quantile_of_sorted(changes, 0.025), quantile_of_sorted(changes, 0.975)};
}

}  // namespace

ChangeInterval hierarchical_bootstrap_change(const ProcessSamples& base,
                                             const ProcessSamples& current,
                                             std::uint32_t resamples) {
  std::mt19937_64 random(0x5eed);
  std::vector<double> changes, scratch;
  const auto nonempty = [](const ProcessSamples& side) {
    return !side.empty() && std::none_of(side.begin(), side.end(),
                                         [](const auto& process) { return process.empty(); });
  };
  for (std::uint32_t r = 0; r < resamples && nonempty(base) && nonempty(current); ++r) {
    const double b = resampled_median_of_medians(random, base, scratch);
    const double c = resampled_median_of_medians(random, current, scratch);
    if (b > 0) changes.push_back(c / b - 1);
  }
  if (changes.empty()) {
    const double b = median_of(process_medians(base));
    const double change = b > 0 ? median_of(process_medians(current)) / b - 1 : 0;
    return {change, change};
  }
  return percentile_interval(changes);
}

ChangeInterval paired_bootstrap_change(std::span<const double> log_ratios,
                                       std::uint32_t resamples) {
  const std::vector<double> rounds(log_ratios.begin(), log_ratios.end());
  if (rounds.empty()) return {};
  std::mt19937_64 random(0x5eed);
  std::vector<double> changes, draw(rounds.size());
  for (std::uint32_t r = 0; r < resamples; ++r) {
    for (double& v : draw) v = rounds[random() % rounds.size()];
    changes.push_back(std::expm1(median_of(draw)));
  }
  if (changes.empty()) {
    const double change = std::expm1(median_of(rounds));
    return {change, change};
  }
  return percentile_interval(changes);
}

}  // namespace costops::host
