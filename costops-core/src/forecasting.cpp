#include "costops/core/forecasting.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/statistics/univariate_statistics.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace costops::core {

namespace {

using Series = std::span<const double>;

// A fitted model: in-sample one-step predictions and a forecast function.
struct Fit {
  ForecastModel model;
  std::vector<double> one_step;  // prediction of values[i] from values[0..i-1]; NaN if none
  std::vector<double> ahead;     // forecasts for h = 1..horizon
  // Linear trend only: what its exact prediction interval needs.
  double slope = 0, intercept = 0, x_mean = 0, sxx = 0;
  // Smoothing parameters (simple: alpha; Holt: alpha and beta, the trend's
  // weight on the change of level) and the moving-average window: the
  // prediction intervals come from them (see error_variance_factors).
  double alpha = 0, beta = 0;
  std::size_t window = 0;
};

// A value beyond the range of double: the series is finite, but a model's
// sums or squares of it are not, so a forecast would be NaN or infinite.
[[noreturn]] void too_large(ForecastModel model, const char* what) {
  throw ForecastError(std::string("forecasting with ") + std::string(model_name(model)) + ": " +
                      what +
                      " exceeds the range of double arithmetic (about 1.8e308); the series' "
                      "values or their spread are too large: scale the series down (for "
                      "instance to millions) and scale the forecast back");
}

void require_finite(double value, ForecastModel model, const char* what) {
  if (!std::isfinite(value)) too_large(model, what);
}

// Every in-sample prediction and every forecast of a fit must be finite.
void require_finite(const Fit& fit) {
  for (double v : fit.one_step)
    if (!std::isnan(v)) require_finite(v, fit.model, "an in-sample prediction");
  for (double v : fit.ahead) require_finite(v, fit.model, "a forecast");
}

Fit fit_linear(Series y, std::size_t horizon) {
  const std::size_t n = y.size();
  Fit fit{ForecastModel::linear_trend, {}, {}};
  fit.x_mean = static_cast<double>(n - 1) / 2.0;
  const double y_mean = boost::math::statistics::mean(y);
  double sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = static_cast<double>(i) - fit.x_mean;
    fit.sxx += dx * dx;
    sxy += dx * (y[i] - y_mean);
  }
  fit.slope = fit.sxx > 0 ? sxy / fit.sxx : 0;
  fit.intercept = y_mean - fit.slope * fit.x_mean;
  for (std::size_t i = 0; i < n; ++i)
    fit.one_step.push_back(fit.intercept + fit.slope * static_cast<double>(i));
  // The reference forecast at x = |intercept| + |slope| + i; the right x is n - 1 + h.
  for (std::size_t h = 1; h <= horizon; ++h)
    fit.ahead.push_back(fit.intercept + fit.slope * static_cast<double>(n - 1 + h));
  return fit;
}

Fit fit_moving_average(Series y, std::size_t horizon, std::size_t window) {
  Fit fit{ForecastModel::moving_average, {}, {}};
  fit.window = window;
  std::vector<double> extended(y.begin(), y.end());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (i < window) {
      fit.one_step.push_back(nan);
      continue;
    }
    fit.one_step.push_back(std::accumulate(y.begin() + static_cast<std::ptrdiff_t>(i - window),
                                           y.begin() + static_cast<std::ptrdiff_t>(i), 0.0) /
                           static_cast<double>(window));
  }
  for (std::size_t h = 0; h < horizon; ++h) {
    const double next =
        std::accumulate(extended.end() - static_cast<std::ptrdiff_t>(window), extended.end(), 0.0) /
        static_cast<double>(window);
    fit.ahead.push_back(next);
    extended.push_back(next);
  }
  return fit;
}

double sum_squared_errors(Series y, const std::vector<double>& one_step) {
  double sse = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!std::isnan(one_step[i])) sse += (y[i] - one_step[i]) * (y[i] - one_step[i]);
  return sse;
}

// Simple exponential smoothing; alpha chosen on a grid by one-step SSE.
Fit fit_exponential(Series y, std::size_t horizon) {
  Fit best{ForecastModel::exponential_smoothing, {}, {}};
  double best_sse = std::numeric_limits<double>::infinity();
  for (int step = 1; step <= 19; ++step) {
    const double alpha = step * 0.05;
    std::vector<double> one_step{std::numeric_limits<double>::quiet_NaN()};
    double level = y[0];
    for (std::size_t i = 1; i < y.size(); ++i) {
      one_step.push_back(level);
      level = alpha * y[i] + (1 - alpha) * level;
    }
    const double sse = sum_squared_errors(y, one_step);
    if (sse < best_sse) {
      best_sse = sse;
      best.one_step = std::move(one_step);
      best.ahead.assign(horizon, level);
      best.alpha = alpha;
    }
  }
  if (best.one_step.empty()) too_large(best.model, "the sum of squared errors");
  return best;
}

// Holt's linear (double) exponential smoothing; alpha and beta on a grid.
Fit fit_holt(Series y, std::size_t horizon) {
  Fit best{ForecastModel::holt_linear, {}, {}};
  double best_sse = std::numeric_limits<double>::infinity();
  for (int a = 1; a <= 9; ++a) {
    for (int b = 1; b <= 9; ++b) {
      const double alpha = a * 0.1, beta = b * 0.1;
      double level = y[0], trend = y[1] - y[0];
      // The first two points set the level and trend; the "prediction" of
      // y[1] would be y[1] itself, not an error of the model.
      const double nan = std::numeric_limits<double>::quiet_NaN();
      std::vector<double> one_step{nan};
      for (std::size_t i = 1; i < y.size(); ++i) {
        one_step.push_back(i == 1 ? nan : level + trend);
        const double previous = level;
        level = alpha * y[i] + (1 - alpha) * (level + trend);
        trend = beta * (level - previous) + (1 - beta) * trend;
      }
      const double sse = sum_squared_errors(y, one_step);
      if (sse < best_sse) {
        best_sse = sse;
        best.one_step = std::move(one_step);
        best.ahead.clear();
        for (std::size_t h = 1; h <= horizon; ++h)
          best.ahead.push_back(level + static_cast<double>(h) * trend);
        best.alpha = alpha;
        best.beta = beta;
      }
    }
  }
  if (best.one_step.empty()) too_large(best.model, "the sum of squared errors");
  return best;
}

Fit fit_unchecked(ForecastModel model, Series y, std::size_t horizon,
                  const ForecastOptions& options) {
  switch (model) {
    case ForecastModel::linear_trend:
      return fit_linear(y, horizon);
    case ForecastModel::moving_average:
      return fit_moving_average(y, horizon, options.moving_average_window);
    case ForecastModel::exponential_smoothing:
      return fit_exponential(y, horizon);
    case ForecastModel::holt_linear:
      return fit_holt(y, horizon);
    case ForecastModel::automatic:
      break;
  }
  throw ForecastError("automatic is not a model that can be fitted");
}

// Every model's fit is checked for values beyond double's range here, once.
Fit fit_model(ForecastModel model, Series y, std::size_t horizon, const ForecastOptions& options) {
  Fit fit = fit_unchecked(model, y, horizon, options);
  require_finite(fit);
  return fit;
}

// The variance of the h-step forecast error as a multiple of the one-step
// error variance (so factor 1 at h = 1), for h = 1..horizon, from the
// model's own parameters (Hyndman & Athanasopoulos, "Forecasting:
// Principles and Practice", 3rd ed., table 5.2 and section 8.7):
//  - simple smoothing, alpha:  1 + (h-1) alpha^2;
//  - Holt, alpha and beta (b = alpha beta in the error-correction form):
//    1 + sum_{j=1}^{h-1} (alpha + j b)^2;
//  - moving average of window k, forecasts fed back (recursive): the forecast
//    is sum_i w_i y_i over the last k points; with independent errors of
//    variance s^2 the error variance is s^2 (1 + sum w_i^2), and the
//    one-step error's is s^2 (1 + 1/k).
// Linear trend has its exact OLS interval instead (see forecast()).
std::vector<double> error_variance_factors(const Fit& fit, std::size_t horizon) {
  std::vector<double> factors;
  switch (fit.model) {
    case ForecastModel::exponential_smoothing:
      for (std::size_t h = 1; h <= horizon; ++h)
        factors.push_back(1 + static_cast<double>(h - 1) * fit.alpha * fit.alpha);
      break;
    case ForecastModel::holt_linear: {
      const double b = fit.alpha * fit.beta;
      double sum = 0;
      for (std::size_t h = 1; h <= horizon; ++h) {
        factors.push_back(1 + sum);
        const double term = fit.alpha + static_cast<double>(h) * b;
        sum += term * term;
      }
      break;
    }
    case ForecastModel::moving_average: {
      // weights[i]: the weight of the i-th of the last k observations in the
      // next forecast; each forecast joins the window as a combination too.
      const std::size_t k = fit.window;
      std::vector<std::vector<double>> window;  // the k newest values' weights
      for (std::size_t i = 0; i < k; ++i) {
        std::vector<double> unit(k, 0.0);
        unit[i] = 1;
        window.push_back(std::move(unit));
      }
      for (std::size_t h = 1; h <= horizon; ++h) {
        std::vector<double> weights(k, 0.0);
        for (const auto& member : window)
          for (std::size_t i = 0; i < k; ++i) weights[i] += member[i] / static_cast<double>(k);
        double squares = 0;
        for (double w : weights) squares += w * w;
        factors.push_back((1 + squares) / (1 + 1.0 / static_cast<double>(k)));
        window.erase(window.begin());
        window.push_back(std::move(weights));
      }
      break;
    }
    case ForecastModel::linear_trend:
    case ForecastModel::automatic:
      factors.assign(horizon, 1.0);
      break;
  }
  return factors;
}

double residual_stddev(Series y, const Fit& fit, std::size_t parameters) {
  double sse = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(fit.one_step[i])) continue;
    sse += (y[i] - fit.one_step[i]) * (y[i] - fit.one_step[i]);
    ++n;
  }
  return n > parameters ? std::sqrt(sse / static_cast<double>(n - parameters)) : 0;
}

// The direction of the forecast path itself (not of the last noisy
// observation): its change over the horizon relative to the series' mean.
Trend trend_of(const Fit& fit, Series y) {
  const double scale = std::max(std::abs(boost::math::statistics::mean(y)), 1e-12);
  const std::size_t h = fit.ahead.size();
  double change;
  if (h >= 2)
    change = (fit.ahead.back() - fit.ahead.front()) * static_cast<double>(h) /
             static_cast<double>(h - 1);
  else
    change = fit.ahead.front() - (std::isnan(fit.one_step.back()) ? y.back() : fit.one_step.back());
  change /= scale;
  if (change > 0.01) return Trend::increasing;
  if (change < -0.01) return Trend::decreasing;
  return Trend::stable;
}

void check_series(const TimeSeries& series, const ForecastOptions& options) {
  if (series.values.size() != series.times.size())
    throw ForecastError("the series has " + std::to_string(series.times.size()) + " times but " +
                        std::to_string(series.values.size()) + " values");
  if (series.values.size() < std::max<std::size_t>(options.min_points, 3))
    throw ForecastError("forecasting needs at least " +
                        std::to_string(std::max<std::size_t>(options.min_points, 3)) +
                        " points; the series has " + std::to_string(series.values.size()));
  if (options.horizon == 0) throw ForecastError("the horizon must be at least 1 period");
  if (!(options.confidence > 0 && options.confidence < 1))
    throw ForecastError("confidence must lie strictly between 0 and 1, not " +
                        std::to_string(options.confidence));
  if (options.moving_average_window == 0)
    throw ForecastError("the moving-average window must be at least 1 point");
  if (!(options.holdout_fraction >= 0 && options.holdout_fraction < 1))
    throw ForecastError("holdout_fraction must lie within [0, 1), not " +
                        std::to_string(options.holdout_fraction));
  if (options.model == ForecastModel::moving_average &&
      options.moving_average_window >= series.values.size())
    throw ForecastError(
        "the moving-average window (" + std::to_string(options.moving_average_window) +
        ") must be shorter than the series (" + std::to_string(series.values.size()) + ")");
  const auto step = series.times[1] - series.times[0];
  if (step.count() <= 0) throw ForecastError("times must be strictly ascending");
  for (std::size_t i = 1; i < series.times.size(); ++i)
    if (series.times[i] - series.times[i - 1] != step)
      throw ForecastError("times must be evenly spaced; the gap before point " + std::to_string(i) +
                          " differs");
  for (double v : series.values)
    if (!std::isfinite(v))
      throw ForecastError("the series contains a value that is not a finite number");
}

}  // namespace

std::string_view model_name(ForecastModel model) {
  switch (model) {
    case ForecastModel::linear_trend:
      return "linear_trend";
    case ForecastModel::moving_average:
      return "moving_average";
    case ForecastModel::exponential_smoothing:
      return "exponential_smoothing";
    case ForecastModel::holt_linear:
      return "holt_linear";
    case ForecastModel::automatic:
      return "automatic";
  }
  return "automatic";
}

std::string_view trend_name(Trend trend) {
  switch (trend) {
    case Trend::increasing:
      return "increasing";
    case Trend::decreasing:
      return "decreasing";
    case Trend::stable:
      return "stable";
  }
  return "stable";
}

AccuracyMetrics accuracy(std::span<const double> actual, std::span<const double> predicted) {
  AccuracyMetrics m;
  m.points = std::min(actual.size(), predicted.size());
  if (m.points == 0) return m;
  double abs_sum = 0, sq_sum = 0, pct_sum = 0;
  std::size_t pct_n = 0;
  for (std::size_t i = 0; i < m.points; ++i) {
    const double e = actual[i] - predicted[i];
    abs_sum += std::abs(e);
    sq_sum += e * e;
    if (actual[i] != 0) {
      pct_sum += std::abs(e / actual[i]);
      ++pct_n;
    }
  }
  const double n = static_cast<double>(m.points);
  m.mae = abs_sum / n;
  m.rmse = std::sqrt(sq_sum / n);
  if (pct_n) m.mape = 100 * pct_sum / static_cast<double>(pct_n);
  const double mean =
      std::accumulate(actual.begin(), actual.begin() + static_cast<std::ptrdiff_t>(m.points), 0.0) /
      n;
  double total = 0;
  for (std::size_t i = 0; i < m.points; ++i) total += (actual[i] - mean) * (actual[i] - mean);
  m.r_squared = total > 0 ? 1 - sq_sum / total : (sq_sum == 0 ? 1 : 0);
  return m;
}

Forecast forecast(const TimeSeries& series, const ForecastOptions& options) {
  check_series(series, options);
  const Series y = series.values;
  const std::size_t n = y.size();
  const std::size_t holdout = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(static_cast<double>(n) * options.holdout_fraction)), 0,
      n - 3);
  const Series head = y.first(n - holdout);
  const Series tail = y.subspan(n - holdout);
  // The model asked for is judged as asked for: never with a shorter window.
  if (options.model == ForecastModel::moving_average && holdout != 0 &&
      options.moving_average_window >= head.size())
    throw ForecastError(
        "the moving-average window (" + std::to_string(options.moving_average_window) +
        ") must be shorter than the series before the holdout (" + std::to_string(head.size()) +
        " points); use a smaller window or holdout_fraction");

  std::vector<ForecastModel> candidates;
  if (options.model == ForecastModel::automatic) {
    candidates = {ForecastModel::linear_trend, ForecastModel::exponential_smoothing,
                  ForecastModel::holt_linear};
    if (options.moving_average_window < head.size())
      candidates.push_back(ForecastModel::moving_average);
  } else {
    candidates = {options.model};
  }

  // Each candidate is fitted on the head and judged on the holdout tail;
  // the lowest RMSE wins (ties keep the simpler, earlier model).
  Forecast result;
  result.confidence = options.confidence;
  double best_rmse = std::numeric_limits<double>::infinity();
  for (ForecastModel candidate : candidates) {
    if (holdout == 0) {
      result.model = candidate;
      break;
    }
    const Fit fit = fit_model(candidate, head, holdout, options);
    const AccuracyMetrics m = accuracy(tail, fit.ahead);
    require_finite(m.rmse, candidate, "the holdout's root mean squared error");
    require_finite(m.r_squared, candidate, "the holdout's R squared");
    if (m.rmse < best_rmse) {
      best_rmse = m.rmse;
      result.model = candidate;
      result.holdout = m;
    }
  }

  const Fit fit = fit_model(result.model, y, options.horizon, options);
  const std::size_t parameters = result.model == ForecastModel::linear_trend  ? 2
                                 : result.model == ForecastModel::holt_linear ? 2
                                                                              : 1;
  result.residual_stddev = residual_stddev(y, fit, parameters);
  require_finite(result.residual_stddev, result.model, "the residual standard deviation");
  const std::vector<double> factors = error_variance_factors(fit, options.horizon);
  const double dof = static_cast<double>(std::max<std::size_t>(n - parameters, 1));
  const double quantile = 0.5 + options.confidence / 2;
  const double t = boost::math::quantile(boost::math::students_t(dof), quantile);

  const auto step = series.times[1] - series.times[0];
  for (std::size_t h = 1; h <= options.horizon; ++h) {
    double spread;
    if (result.model == ForecastModel::linear_trend) {
      // The OLS prediction interval for a new observation at x0.
      const double x0 = static_cast<double>(n - 1 + h);
      spread = t * result.residual_stddev *
               std::sqrt(1 + 1.0 / static_cast<double>(n) +
                         (x0 - fit.x_mean) * (x0 - fit.x_mean) / fit.sxx);
    } else {
      spread = t * result.residual_stddev * std::sqrt(factors[h - 1]);
    }
    const double value = fit.ahead[h - 1];
    require_finite(value - spread, result.model, "a prediction interval's lower bound");
    require_finite(value + spread, result.model, "a prediction interval's upper bound");
    result.points.push_back(
        {series.times.back() + step * static_cast<int>(h), value, value - spread, value + spread});
  }
  result.trend = trend_of(fit, y);
  return result;
}

namespace {

// NaN would make the sorts and medians below undefined, infinity every
// statistic meaningless; a threshold must be a positive number.
void check_anomaly_input(std::span<const double> values, std::optional<double> threshold) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw ForecastError("anomaly detection: value " + std::to_string(i) + " is " +
                          std::to_string(values[i]) + ", not a finite number");
  if (threshold && !(std::isfinite(*threshold) && *threshold > 0))
    throw ForecastError("anomaly detection: the threshold must be a positive number, not " +
                        std::to_string(*threshold));
}

}  // namespace

std::vector<Anomaly> detect_anomalies(std::span<const double> values, AnomalyMethod method,
                                      std::optional<double> threshold) {
  std::vector<Anomaly> anomalies;
  check_anomaly_input(values, threshold);
  if (values.size() < 3) return anomalies;
  switch (method) {
    case AnomalyMethod::z_score: {
      const double limit = threshold.value_or(3.0);
      const auto [mean, variance] = boost::math::statistics::mean_and_sample_variance(values);
      const double n = static_cast<double>(values.size());
      const double sd = std::sqrt(variance * (n - 1) / n);  // population
      if (sd <= 0) return anomalies;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double z = std::abs(values[i] - mean) / sd;
        if (z > limit) anomalies.push_back({i, values[i], z});
      }
      break;
    }
    case AnomalyMethod::iqr: {
      const double k = threshold.value_or(1.5);
      std::vector<double> sorted(values.begin(), values.end());
      std::sort(sorted.begin(), sorted.end());
      const auto q = [&](double p) {
        const double pos = p * static_cast<double>(sorted.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
      };
      const double q1 = q(0.25), q3 = q(0.75), iqr = q3 - q1;
      const double low = q1 - k * iqr, high = q3 + k * iqr;
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] < low || values[i] > high) {
          const double beyond = values[i] < low ? low - values[i] : values[i] - high;
          anomalies.push_back({i, values[i], iqr > 0 ? beyond / iqr : beyond});
        }
      }
      break;
    }
    case AnomalyMethod::modified_z_score: {
      const double limit = threshold.value_or(3.5);
      std::vector<double> copy(values.begin(), values.end());
      const double median = boost::math::statistics::median(copy);
      std::vector<double> deviations;
      for (double v : values) deviations.push_back(std::abs(v - median));
      // Both scales estimate the standard deviation of normal data: 1.4826
      // MAD (= MAD / 0.6745) and, when more than half the values are equal
      // and so MAD is 0, 1.253314 MeanAD (the mean absolute deviation from
      // the median; IBM SPSS's rule, after Iglewicz and Hoaglin).
      const double mean_deviation = std::accumulate(deviations.begin(), deviations.end(), 0.0) /
                                    static_cast<double>(deviations.size());
      const double mad = boost::math::statistics::median(deviations);
      const double scale = mad > 0 ? mad / 0.6745 : 1.253314 * mean_deviation;
      if (scale <= 0) return anomalies;  // every value equal: nothing stands out
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double score = std::abs(values[i] - median) / scale;
        if (score > limit) anomalies.push_back({i, values[i], score});
      }
      break;
    }
  }
  return anomalies;
}

BudgetProjection project_budget(std::span<const Decimal> daily_spend, std::size_t remaining_days,
                                const Decimal& limit, double warning_threshold,
                                double critical_threshold) {
  if (limit.is_negative() || limit.is_zero())
    throw ForecastError("the budget limit must be positive, not " + limit.to_string());
  BudgetProjection p;
  p.limit = limit;
  for (const Decimal& day : daily_spend) p.spent += day;
  const double limit_value = limit.to_double();
  p.utilization = p.spent.to_double() / limit_value;
  p.projected_total = p.spent.to_double();
  p.projected_upper = p.projected_total;
  if (remaining_days > 0 && daily_spend.size() >= 7) {
    TimeSeries series;
    for (std::size_t i = 0; i < daily_spend.size(); ++i) {
      series.times.push_back(from_unix_ms(static_cast<std::int64_t>(i) * 86'400'000));
      series.values.push_back(daily_spend[i].to_double());
    }
    ForecastOptions options;
    options.horizon = remaining_days;
    const Forecast f = forecast(series, options);
    for (const auto& point : f.points) {
      p.projected_total += std::max(point.value, 0.0);
      p.projected_upper += std::max(point.upper, 0.0);
    }
  } else if (remaining_days > 0 && !daily_spend.empty()) {
    // Too short to forecast: extend the average day.
    const double average = p.spent.to_double() / static_cast<double>(daily_spend.size());
    p.projected_total += average * static_cast<double>(remaining_days);
    p.projected_upper = p.projected_total;
  }
  p.projected_utilization = p.projected_total / limit_value;
  if (p.utilization >= critical_threshold)
    p.alert = BudgetAlert::critical;
  else if (p.projected_utilization > 1.0)
    p.alert = BudgetAlert::projected_overrun;
  else if (p.utilization >= warning_threshold)
    p.alert = BudgetAlert::warning;
  return p;
}

}  // namespace costops::core
