#include "costops/host/paired_statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <numeric>

namespace costops::host {

double trimmed_mean(std::vector<double> values, double trim_fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto cut = static_cast<std::size_t>(
      std::floor(std::clamp(trim_fraction, 0.0, 0.49) * static_cast<double>(values.size())));
  const auto first = values.begin() + static_cast<std::ptrdiff_t>(cut);
  const auto last = values.end() - static_cast<std::ptrdiff_t>(cut);
  return std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
}

std::vector<double> pair_log_ratios(std::span<const TimedPair> pairs) {
  std::vector<double> ratios;
  ratios.reserve(pairs.size());
  for (const TimedPair& pair : pairs)
    if (pair.baseline_ns > 0 && pair.new_ns > 0 && std::isfinite(pair.baseline_ns) &&
        std::isfinite(pair.new_ns))
      ratios.push_back(std::log(pair.new_ns / pair.baseline_ns));
  return ratios;
}

double process_log_ratio(std::span<const TimedPair> pairs) {
  return trimmed_mean(pair_log_ratios(pairs), kPairTrimFraction);
}

std::string_view to_string(PairedVerdict verdict) {
  switch (verdict) {
    case PairedVerdict::no_change:
      return "no change";
    case PairedVerdict::faster:
      return "faster";
    case PairedVerdict::slower:
      return "slower";
    case PairedVerdict::noisy:
      return "noisy";
    case PairedVerdict::undecided:
      break;
  }
  return "undecided";
}

double look_alpha(std::uint32_t processes, const PairedTestSettings& settings) {
  const std::uint32_t first = std::max(2u, settings.min_processes);
  if (processes < first || processes > settings.max_processes || settings.max_processes == 0)
    return 0;
  const auto spent = [&](std::uint32_t k) {
    const double t = static_cast<double>(k) / settings.max_processes;
    return settings.alpha * t * t;
  };
  return processes == first ? spent(first) : spent(processes) - spent(processes - 1);
}

namespace {

struct MeanAndSpread {
  double mean = 0;
  double sd = 0;
};

MeanAndSpread mean_and_sd(std::span<const double> values) {
  MeanAndSpread m;
  if (values.empty()) return m;
  const double n = static_cast<double>(values.size());
  m.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  if (values.size() < 2) return m;
  double squares = 0;
  for (double v : values) squares += (v - m.mean) * (v - m.mean);
  m.sd = std::sqrt(squares / (n - 1));
  return m;
}

}  // namespace

double one_sample_t_p_value(std::span<const double> values) {
  if (values.size() < 2) return 1;
  const MeanAndSpread m = mean_and_sd(values);
  if (m.sd == 0) return m.mean == 0 ? 1 : 0;
  const double n = static_cast<double>(values.size());
  const double t = std::abs(m.mean) / (m.sd / std::sqrt(n));
  const boost::math::students_t distribution(n - 1);
  return std::min(1.0, 2 * boost::math::cdf(boost::math::complement(distribution, t)));
}

PairedEvidence evaluate_paired(std::span<const double> process_log_ratios,
                               const PairedTestSettings& settings, bool final_look) {
  PairedEvidence e;
  e.processes = process_log_ratios.size();
  const MeanAndSpread m = mean_and_sd(process_log_ratios);
  e.change = std::expm1(m.mean);
  e.between_process_sd = m.sd;
  e.processes_agree = e.processes > 0 &&
                      std::all_of(process_log_ratios.begin(), process_log_ratios.end(),
                                  [&](double v) { return m.mean == 0 || (v > 0) == (m.mean > 0); });
  e.look_alpha = look_alpha(static_cast<std::uint32_t>(e.processes), settings);
  e.p_value = one_sample_t_p_value(process_log_ratios);
  if (e.processes >= 2 && e.look_alpha > 0) {
    const double n = static_cast<double>(e.processes);
    const boost::math::students_t distribution(n - 1);
    const double half =
        boost::math::quantile(boost::math::complement(distribution, e.look_alpha / 2)) * m.sd /
        std::sqrt(n);
    e.low = std::expm1(m.mean - half);
    e.high = std::expm1(m.mean + half);
  } else {
    e.low = -INFINITY;  // no interval yet
    e.high = INFINITY;
  }
  const bool significant = e.look_alpha > 0 && e.p_value < e.look_alpha;
  const bool large = std::abs(e.change) >= settings.threshold;
  if (significant && large)
    e.verdict = e.change > 0 ? PairedVerdict::slower : PairedVerdict::faster;
  else if (e.low > -settings.threshold && e.high < settings.threshold)
    e.verdict = PairedVerdict::no_change;
  else if (final_look)
    e.verdict = large ? PairedVerdict::noisy : PairedVerdict::no_change;
  return e;
}

}  // namespace costops::host
