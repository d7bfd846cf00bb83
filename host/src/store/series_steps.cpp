#include "costops/host/store/series_steps.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "costops/host/comparison_statistics.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

namespace {

double absolute_deviation(std::span<const double> values, double centre) {
  double sum = 0;
  for (double v : values) sum += std::fabs(v - centre);
  return sum;
}

}  // namespace

std::optional<SeriesStep> detect_series_step(const std::vector<double>& medians,
                                             const SeriesStepSettings& settings) {
  const std::size_t n = medians.size();
  const std::size_t min_runs = std::max<std::size_t>(settings.min_runs, 2);
  if (n < 2 * min_runs) return std::nullopt;
  const std::span<const double> all(medians);
  std::size_t best = 0;
  double best_cost = INFINITY;
  for (std::size_t k = min_runs; k + min_runs <= n; ++k) {
    const auto before = all.first(k), after = all.subspan(k);
    const double cost = absolute_deviation(before, median_of({before.begin(), before.end()})) +
                        absolute_deviation(after, median_of({after.begin(), after.end()}));
    if (cost < best_cost) {
      best_cost = cost;
      best = k;
    }
  }
  const auto before = all.first(best), after = all.subspan(best);
  SeriesStep step;
  step.first_after = best;
  step.before_median = median_of({before.begin(), before.end()});
  step.after_median = median_of({after.begin(), after.end()});
  if (!(step.before_median > 0)) return std::nullopt;
  step.change = step.after_median / step.before_median - 1;
  const double splits = static_cast<double>(n - 2 * min_runs + 1);
  step.p_value = std::min(1.0, mann_whitney_p_value(before, after) * splits);
  if (step.p_value < settings.alpha && std::fabs(step.change) >= settings.threshold) return step;
  return std::nullopt;
}

}  // namespace costops::host
