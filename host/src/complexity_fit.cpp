#include "costops/host/complexity_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

namespace costops::host {

std::string big_o_notation(Complexity complexity, std::string_view variable) {
  const std::string n(variable);
  switch (complexity) {
    case Complexity::constant:
      return "O(1)";
    case Complexity::logarithmic:
      return "O(log " + n + ")";
    case Complexity::linear:
      return "O(" + n + ")";
    case Complexity::linearithmic:
      return "O(" + n + " log " + n + ")";
    case Complexity::quadratic:
      return "O(" + n + "^2)";
    case Complexity::cubic:
      return "O(" + n + "^3)";
  }
  return "O(?)";
}

double complexity_curve(Complexity complexity, double n) {
  switch (complexity) {
    case Complexity::constant:
      return 1;
    case Complexity::logarithmic:
      return std::log2(n);
    case Complexity::linear:
      return n;
    case Complexity::linearithmic:
      return n * std::log2(n);
    case Complexity::quadratic:
      return n * n;
    case Complexity::cubic:
      return n * n * n;
  }
  return 1;
}

std::string why_no_complexity_fit(const std::vector<ComplexityPoint>& points) {
  std::set<std::int64_t> arguments;
  for (const ComplexityPoint& p : points) {
    if (p.argument < 1)
      return "argument " + std::to_string(p.argument) +
             " is below 1; a complexity fit needs arguments >= 1";
    if (!std::isfinite(p.ns) || p.ns <= 0)
      return "the time for argument " + std::to_string(p.argument) + " is not a positive number";
    arguments.insert(p.argument);
  }
  if (arguments.size() < 2)
    return "a complexity fit needs at least two distinct arguments, got " +
           std::to_string(arguments.size());
  return {};
}

ComplexityFit fit_complexity(const std::vector<ComplexityPoint>& points, Complexity complexity) {
  // Least squares through the origin: c = sum(t * g) / sum(g * g).
  double sum_time = 0, sum_time_curve = 0, sum_curve_squared = 0;
  for (const ComplexityPoint& p : points) {
    const double g = complexity_curve(complexity, static_cast<double>(p.argument));
    sum_time += p.ns;
    sum_time_curve += p.ns * g;
    sum_curve_squared += g * g;
  }
  ComplexityFit fit;
  fit.complexity = complexity;
  // log2(1) = 0: a curve that is zero everywhere cannot explain any time.
  fit.coefficient_ns = sum_curve_squared > 0 ? sum_time_curve / sum_curve_squared : 0;
  double squared_residuals = 0;
  for (const ComplexityPoint& p : points) {
    const double predicted =
        fit.coefficient_ns * complexity_curve(complexity, static_cast<double>(p.argument));
    squared_residuals += (p.ns - predicted) * (p.ns - predicted);
  }
  const double count = static_cast<double>(points.size());
  fit.normalized_rms = std::sqrt(squared_residuals / count) / (sum_time / count);
  // Relative misfit: log(t / f(n)) is log c plus noise if the order is right.
  std::vector<double> log_ratios;
  for (const ComplexityPoint& p : points) {
    const double g = complexity_curve(complexity, static_cast<double>(p.argument));
    if (!(g > 0)) {
      fit.relative_rms = std::numeric_limits<double>::infinity();
      return fit;
    }
    log_ratios.push_back(std::log(p.ns / g));
  }
  double mean = 0;
  for (const double r : log_ratios) mean += r / count;
  double squares = 0;
  for (const double r : log_ratios) squares += (r - mean) * (r - mean);
  fit.relative_rms = std::sqrt(squares / count);
  return fit;
}

ComplexityFit best_complexity_fit(const std::vector<ComplexityPoint>& points) {
  std::vector<ComplexityFit> fits;
  for (Complexity candidate : kAllComplexities) fits.push_back(fit_complexity(points, candidate));
  // Stable: equal misfits keep the candidates' order, so O(1) wins ties.
  std::stable_sort(fits.begin(), fits.end(), [](const ComplexityFit& a, const ComplexityFit& b) {
    return a.relative_rms < b.relative_rms;
  });
  ComplexityFit best = fits[0];
  best.next_best = fits[1].complexity;
  const double next = fits[1].relative_rms;
  best.separation = best.relative_rms > 0 ? next / best.relative_rms
                    : next > 0            ? std::numeric_limits<double>::infinity()
                                          : 1;
  return best;
}

}  // namespace costops::host
