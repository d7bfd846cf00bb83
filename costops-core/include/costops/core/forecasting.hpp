// Forecasting of cost series: linear trend, moving average, simple and Holt
// (double) exponential smoothing, automatic model choice on a holdout,
// prediction intervals, accuracy metrics, anomaly detection and budget
// projection. Statistics are doubles: a forecast is an estimate, not money.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "costops/core/decimal.hpp"
#include "costops/core/timestamp.hpp"

namespace costops::core {

class ForecastError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct TimeSeries {
  std::vector<Timestamp> times;  // ascending, evenly spaced
  std::vector<double> values;
};

enum class ForecastModel {
  linear_trend,
  moving_average,
  exponential_smoothing,
  holt_linear,
  automatic
};
std::string_view model_name(ForecastModel model);

enum class Trend { increasing, decreasing, stable };
std::string_view trend_name(Trend trend);

struct ForecastOptions {
  std::size_t horizon = 7;   // periods ahead
  double confidence = 0.95;  // of the prediction intervals, in (0, 1)
  ForecastModel model = ForecastModel::automatic;
  std::size_t moving_average_window = 7;  // at least 1
  double holdout_fraction = 0.2;          // in [0, 1): the last part, for model choice and accuracy
  std::size_t min_points = 7;
};

struct AccuracyMetrics {
  std::size_t points = 0;  // holdout size; 0 when the series was too short
  double mae = 0;
  double rmse = 0;
  std::optional<double> mape;  // percent; none when every actual value is 0
  double r_squared = 0;
};

struct ForecastPoint {
  Timestamp time{};
  double value = 0;
  double lower = 0;  // prediction interval at options.confidence
  double upper = 0;
};

struct Forecast {
  ForecastModel model = ForecastModel::linear_trend;  // the model used (never automatic)
  double confidence = 0.95;
  std::vector<ForecastPoint> points;
  AccuracyMetrics holdout;  // of the chosen model on the last part of the series
  double residual_stddev = 0;
  Trend trend = Trend::stable;
};

// Throws ForecastError for too few points, uneven or unsorted times, values
// that are not finite, bad options (horizon 0, confidence outside (0,1),
// moving-average window 0, or as long as the data, or as long as the data
// before the holdout when moving_average is asked for; holdout_fraction
// outside [0, 1)). The model asked for is the model used: none is
// substituted.
Forecast forecast(const TimeSeries& series, const ForecastOptions& options);

// Accuracy of predictions against actual values.
AccuracyMetrics accuracy(std::span<const double> actual, std::span<const double> predicted);

enum class AnomalyMethod { z_score, iqr, modified_z_score };

struct Anomaly {
  std::size_t index = 0;
  double value = 0;
  double score = 0;  // how far beyond normal, in the method's unit
};

// z_score: |x - mean| / population stddev > threshold (default 3).
// iqr: outside [Q1 - k IQR, Q3 + k IQR] (k = threshold, default 1.5).
// modified_z_score: 0.6745 |x - median| / MAD > threshold (default 3.5), MAD
//   the median absolute deviation from the median. When more than half the
//   values are equal MAD is 0, so |x - median| / (1.253314 MeanAD) is used,
//   MeanAD the mean absolute deviation from the median (IBM SPSS's rule);
//   when every value is equal nothing is an anomaly.
// Throws ForecastError when a value is NaN or infinite, or the threshold is
// not a positive number. Fewer than 3 values have no anomalies.
std::vector<Anomaly> detect_anomalies(std::span<const double> values, AnomalyMethod method,
                                      std::optional<double> threshold = std::nullopt);

enum class BudgetAlert { none, warning, critical, projected_overrun };

struct BudgetProjection {
  Decimal spent;  // exact sum of the days so far
  Decimal limit;
  double utilization = 0;      // spent / limit
  double projected_total = 0;  // spent + forecast of the remaining days
  double projected_utilization = 0;
  double projected_upper = 0;  // with the upper prediction bound
  BudgetAlert alert = BudgetAlert::none;
};

// daily_spend: one exact amount per day so far; remaining_days ahead.
BudgetProjection project_budget(std::span<const Decimal> daily_spend, std::size_t remaining_days,
                                const Decimal& limit, double warning_threshold = 0.8,
                                double critical_threshold = 0.95);

}  // namespace costops::core
