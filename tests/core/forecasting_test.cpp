#include "costops/core/forecasting.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>

using namespace costops::core;

namespace {

TimeSeries daily(const std::vector<double>& values) {
  TimeSeries s;
  for (std::size_t i = 0; i < values.size(); ++i) {
    s.times.push_back(parse_timestamp("2025-01-01T00:00:00Z") + std::chrono::days(i));
    s.values.push_back(values[i]);
  }
  return s;
}

}  // namespace

TEST_CASE(
    "linear trend forecasts at n-1+h (the original Rust cost-ops's x-position bug is fixed)") {
  ForecastOptions options;
  options.model = ForecastModel::linear_trend;
  options.horizon = 3;
  options.min_points = 5;
  const Forecast f = forecast(daily({10, 20, 30, 40, 50}), options);
  REQUIRE(f.points.size() == 3);
  CHECK(f.points[0].value == doctest::Approx(60));  // the original Rust cost-ops gave 220
  CHECK(f.points[2].value == doctest::Approx(80));
  CHECK(f.points[0].time == parse_timestamp("2025-01-06T00:00:00Z"));
  CHECK(f.trend == Trend::increasing);
  CHECK(f.residual_stddev == doctest::Approx(0).epsilon(1e-9));
}

TEST_CASE("prediction intervals contain the forecast and widen with the horizon") {
  std::vector<double> values;
  for (int i = 0; i < 100; ++i) values.push_back(100 + 2 * i + 5 * std::sin(i * 1.7));
  ForecastOptions options;
  options.horizon = 10;
  const Forecast f = forecast(daily(values), options);
  CHECK(f.model != ForecastModel::automatic);
  for (const auto& p : f.points) {
    CHECK(p.lower < p.value);
    CHECK(p.upper > p.value);
  }
  CHECK(f.points.back().upper - f.points.back().lower >
        f.points.front().upper - f.points.front().lower);
  CHECK(f.holdout.points == 20);
  // A trending series is not forecast flat: the chosen model follows the trend.
  CHECK(f.points.back().value > values.back());
  CHECK(f.holdout.mape.has_value());
  CHECK(*f.holdout.mape < 10);
}

TEST_CASE("automatic choice forecasts flat data flat and follows a clean trend") {
  std::vector<double> flat, trend;
  for (int i = 0; i < 60; ++i) {
    flat.push_back(50 + ((i * 7919) % 11) - 5);
    trend.push_back(10 + 3.0 * i);
  }
  ForecastOptions options;
  const Forecast flat_forecast = forecast(daily(flat), options);
  for (const auto& p : flat_forecast.points) {
    CHECK(p.value > 45);
    CHECK(p.value < 55);
  }
  CHECK(flat_forecast.trend == Trend::stable);
  const Forecast trend_forecast = forecast(daily(trend), options);
  CHECK((trend_forecast.model == ForecastModel::linear_trend ||
         trend_forecast.model == ForecastModel::holt_linear));
  CHECK(trend_forecast.points[0].value == doctest::Approx(10 + 3.0 * 60).epsilon(0.01));
}

TEST_CASE("moving average, simple and Holt smoothing on known series") {
  ForecastOptions options;
  options.horizon = 2;
  options.moving_average_window = 3;
  options.model = ForecastModel::moving_average;
  const Forecast ma = forecast(daily({1, 2, 3, 4, 5, 6, 7, 8, 9}), options);
  CHECK(ma.points[0].value == doctest::Approx(8));         // mean of 7, 8, 9
  CHECK(ma.points[1].value == doctest::Approx(25.0 / 3));  // mean of 8, 9, 8
  options.model = ForecastModel::exponential_smoothing;
  const Forecast ses = forecast(daily({5, 5, 5, 5, 5, 5, 5, 5}), options);
  CHECK(ses.points[0].value == doctest::Approx(5));
  options.model = ForecastModel::holt_linear;
  const Forecast holt = forecast(daily({2, 4, 6, 8, 10, 12, 14, 16}), options);
  CHECK(holt.points[0].value == doctest::Approx(18));
  CHECK(holt.points[1].value == doctest::Approx(20));
}

TEST_CASE("accuracy metrics on known values") {
  const std::vector<double> actual = {1, 2, 3, 4}, predicted = {1, 2, 3, 6};
  const AccuracyMetrics m = accuracy(actual, predicted);
  CHECK(m.mae == doctest::Approx(0.5));
  CHECK(m.rmse == doctest::Approx(1.0));
  CHECK(*m.mape == doctest::Approx(12.5));
  CHECK(m.r_squared == doctest::Approx(1 - 4.0 / 5.0));
  const std::vector<double> zeros = {0, 0};
  CHECK_FALSE(accuracy(zeros, zeros).mape.has_value());
}

TEST_CASE("bad series and options are refused with the reason") {
  ForecastOptions options;
  CHECK_THROWS_WITH_AS(forecast(daily({1, 2, 3}), options), doctest::Contains("at least 7"),
                       ForecastError);
  TimeSeries uneven = daily({1, 2, 3, 4, 5, 6, 7, 8});
  uneven.times[4] += std::chrono::hours(1);
  CHECK_THROWS_WITH_AS(forecast(uneven, options), doctest::Contains("evenly spaced"),
                       ForecastError);
  options.confidence = 1.0;
  CHECK_THROWS_AS(forecast(daily({1, 2, 3, 4, 5, 6, 7, 8}), options), ForecastError);
  options.confidence = 0.9;
  options.horizon = 0;
  CHECK_THROWS_AS(forecast(daily({1, 2, 3, 4, 5, 6, 7, 8}), options), ForecastError);
  options.horizon = 3;
  options.model = ForecastModel::moving_average;
  options.moving_average_window = 20;
  CHECK_THROWS_WITH_AS(forecast(daily({1, 2, 3, 4, 5, 6, 7, 8}), options),
                       doctest::Contains("window"), ForecastError);
}

TEST_CASE("anomaly detection by z-score, IQR and modified z-score") {
  std::vector<double> values(30, 10.0);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] += static_cast<double>(i % 3);
  values[17] = 100;
  for (auto method :
       {AnomalyMethod::z_score, AnomalyMethod::iqr, AnomalyMethod::modified_z_score}) {
    const auto found = detect_anomalies(values, method);
    REQUIRE(found.size() == 1);
    CHECK(found[0].index == 17);
    CHECK(found[0].score > 1);
  }
  const std::vector<double> constant(10, 4.0);
  CHECK(detect_anomalies(constant, AnomalyMethod::z_score).empty());
  CHECK(detect_anomalies(constant, AnomalyMethod::modified_z_score).empty());
}

TEST_CASE("budget projection with threshold alerts") {
  std::vector<Decimal> days(10, Decimal::parse("10.01"));
  const BudgetProjection p = project_budget(days, 20, Decimal::parse("250"));
  CHECK(p.spent == Decimal::parse("100.1"));
  CHECK(p.utilization == doctest::Approx(0.4004));
  CHECK(p.projected_total == doctest::Approx(300.3).epsilon(0.01));
  CHECK(p.alert == BudgetAlert::projected_overrun);
  const BudgetProjection safe = project_budget(days, 5, Decimal::parse("1000"));
  CHECK(safe.alert == BudgetAlert::none);
  const BudgetProjection warn = project_budget(days, 0, Decimal::parse("120"));
  CHECK(warn.alert == BudgetAlert::warning);
  const BudgetProjection critical = project_budget(days, 0, Decimal::parse("101"));
  CHECK(critical.alert == BudgetAlert::critical);
  CHECK_THROWS_AS(project_budget(days, 1, Decimal()), ForecastError);
}

TEST_CASE("bad forecasting options are errors, never a silently substituted model") {
  const TimeSeries series = daily({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  ForecastOptions options;
  options.horizon = 2;
  for (auto model : {ForecastModel::moving_average, ForecastModel::automatic}) {
    CAPTURE(model_name(model));
    options.model = model;
    options.moving_average_window = 0;  // once fell back to the linear trend
    CHECK_THROWS_WITH_AS(forecast(series, options), doctest::Contains("at least 1"), ForecastError);
  }
  options.moving_average_window = 3;
  for (double fraction : {-1.0, -0.01, 1.0, 2.0, std::nan(""), HUGE_VAL}) {
    CAPTURE(fraction);
    options.holdout_fraction = fraction;  // -1 once went through a double -> size_t cast
    CHECK_THROWS_WITH_AS(forecast(series, options), doctest::Contains("holdout_fraction"),
                         ForecastError);
  }
  // A moving average judged on the head before the holdout with the window
  // asked for, not a shorter one.
  options.model = ForecastModel::moving_average;
  options.holdout_fraction = 0.5;
  options.moving_average_window = 8;  // shorter than 12 points, not than the 6 before the holdout
  CHECK_THROWS_WITH_AS(forecast(series, options), doctest::Contains("before the holdout"),
                       ForecastError);
  options.holdout_fraction = 0;
  const Forecast f = forecast(series, options);
  CHECK(f.model == ForecastModel::moving_average);
  CHECK(f.points[0].value == doctest::Approx(8.5));  // the mean of 5..12
  options.holdout_fraction = 0.25;
  options.moving_average_window = 3;
  CHECK(forecast(series, options).model == ForecastModel::moving_average);
}

TEST_CASE("modified z-score finds a spike when more than half the values are equal") {
  // MAD is 0 here; the mean absolute deviation stands in for it.
  std::vector<double> values(20, 5.0);
  values[3] = 6;
  values[7] = 4;
  values[12] = 500;  // a 100x spike
  const auto found = detect_anomalies(values, AnomalyMethod::modified_z_score);
  REQUIRE(found.size() == 1);
  CHECK(found[0].index == 12);
  // 495 / (1.253314 * (495 + 1 + 1) / 20)
  CHECK(found[0].score == doctest::Approx(495 / (1.253314 * 497 / 20)));
  const std::vector<double> constant(10, 4.0);
  CHECK(detect_anomalies(constant, AnomalyMethod::modified_z_score).empty());
}

TEST_CASE("anomaly detection refuses NaN, infinity and a threshold that is not positive") {
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    std::vector<double> values(10, 1.0);
    values[4] = bad;
    for (auto method :
         {AnomalyMethod::z_score, AnomalyMethod::iqr, AnomalyMethod::modified_z_score}) {
      CHECK_THROWS_WITH_AS(detect_anomalies(values, method), doctest::Contains("value 4 is"),
                           ForecastError);
    }
  }
  const std::vector<double> values(10, 1.0);
  for (double threshold : {0.0, -1.0, std::nan("")})
    CHECK_THROWS_AS(detect_anomalies(values, AnomalyMethod::z_score, threshold), ForecastError);
}

namespace {

// Standard normal draws by Box-Muller from a fixed-seed engine: the same
// numbers with every standard library (std::normal_distribution's are not).
class Gaussian {
 public:
  explicit Gaussian(std::uint64_t seed) : engine_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(engine_() >> 11) + 1) / 9007199254740993.0;
    const double u2 = static_cast<double>(engine_() >> 11) / 9007199254740992.0;
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::mt19937_64 engine_;
};

struct Coverage {
  double overall = 0;
  double at_last_horizon = 0;
};

// The share of future values inside the intervals, over `series` simulated
// series of `length` points plus `horizon` future points, each drawn by
// `next(gaussian, i)`.
template <class Next>
Coverage coverage(ForecastModel model, double confidence, std::size_t series, Next next) {
  constexpr std::size_t kLength = 60, kHorizon = 7;
  Gaussian gaussian(20261202);
  std::size_t inside = 0, inside_last = 0;
  for (std::size_t k = 0; k < series; ++k) {
    std::vector<double> values;
    for (std::size_t i = 0; i < kLength + kHorizon; ++i) values.push_back(next(gaussian, i));
    ForecastOptions options;
    options.model = model;
    options.horizon = kHorizon;
    options.confidence = confidence;
    options.moving_average_window = 7;
    const Forecast f =
        forecast(daily(std::vector<double>(values.begin(), values.begin() + kLength)), options);
    for (std::size_t h = 0; h < kHorizon; ++h) {
      const double actual = values[kLength + h];
      const bool in = f.points[h].lower <= actual && actual <= f.points[h].upper;
      inside += in;
      if (h + 1 == kHorizon) inside_last += in;
    }
  }
  return {static_cast<double>(inside) / static_cast<double>(series * kHorizon),
          static_cast<double>(inside_last) / static_cast<double>(series)};
}

}  // namespace

// Once the intervals of moving average, simple and Holt smoothing grew as
// sqrt(h) whatever the model's parameters: a nominal 80% covered ~95% of
// independent Gaussian noise, a nominal 95% 99.2% (100% at h = 7). Now each
// model's interval comes from its own error variance. The bands are wide
// (about five standard errors of 300 simulated series) so a fixed seed on
// any machine never flakes, and narrow enough to catch the old formula.
TEST_CASE("prediction intervals are calibrated: coverage of simulated series near nominal") {
  const auto noise = [](Gaussian& g, std::size_t) { return 100 + 10 * g(); };
  for (ForecastModel model : {ForecastModel::moving_average, ForecastModel::exponential_smoothing,
                              ForecastModel::linear_trend}) {
    CAPTURE(model_name(model));
    const Coverage c80 = coverage(model, 0.80, 300, noise);
    const Coverage c95 = coverage(model, 0.95, 300, noise);
    MESSAGE(model_name(model), " on noise: 80% -> ", c80.overall, " (h=7 ", c80.at_last_horizon,
            "), 95% -> ", c95.overall, " (h=7 ", c95.at_last_horizon, ")");
    CHECK(c80.overall == doctest::Approx(0.80).epsilon(0.09 / 0.80));
    CHECK(c95.overall == doctest::Approx(0.95).epsilon(0.04 / 0.95));
    CHECK(c95.at_last_horizon < 0.995);
  }
  // Holt's model is a local linear trend; simulate that process itself
  // (level and slope driven by the same errors, alpha 0.3, beta 0.1).
  double level = 100, slope = 0.5;
  const auto local_trend = [&](Gaussian& g, std::size_t i) {
    if (i == 0) {
      level = 100;
      slope = 0.5;
    }
    const double e = 2 * g();
    const double y = level + slope + e;
    level += slope + 0.3 * e;
    slope += 0.3 * 0.1 * e;
    return y;
  };
  const Coverage c80 = coverage(ForecastModel::holt_linear, 0.80, 300, local_trend);
  const Coverage c95 = coverage(ForecastModel::holt_linear, 0.95, 300, local_trend);
  MESSAGE("holt_linear on a local linear trend: 80% -> ", c80.overall, " (h=7 ",
          c80.at_last_horizon, "), 95% -> ", c95.overall, " (h=7 ", c95.at_last_horizon, ")");
  // Holt's parameters come from a coarse grid (0.1 steps), so its intervals
  // run a little wide on this process (0.877 at nominal 0.80 with this
  // seed); the band allows that and still catches a sqrt(h) rule.
  CHECK(c80.overall == doctest::Approx(0.81).epsilon(0.11 / 0.81));
  CHECK(c95.overall == doctest::Approx(0.95).epsilon(0.04 / 0.95));
}

// Finite input whose sums or squares pass double's range once gave NaN or
// infinite forecasts; every model must refuse it as it refuses NaN input.
TEST_CASE("finite values too large for double arithmetic are a ForecastError in every model") {
  std::vector<double> alternating, huge;
  for (int i = 0; i < 30; ++i) {
    alternating.push_back(i % 2 ? -1e308 : 1e308);
    huge.push_back(1e299 * (1 + 0.5 * std::sin(i)));
  }
  for (ForecastModel model : {ForecastModel::linear_trend, ForecastModel::moving_average,
                              ForecastModel::exponential_smoothing, ForecastModel::holt_linear,
                              ForecastModel::automatic}) {
    CAPTURE(model_name(model));
    ForecastOptions options;
    options.model = model;
    options.moving_average_window = 3;
    for (const auto* values : {&alternating, &huge}) {
      try {
        const Forecast f = forecast(daily(*values), options);
        for (const auto& p : f.points) {  // a forecast that is given is finite
          CHECK(std::isfinite(p.value));
          CHECK(std::isfinite(p.lower));
          CHECK(std::isfinite(p.upper));
        }
        CHECK(std::isfinite(f.residual_stddev));
      } catch (const ForecastError& e) {
        CHECK(std::string(e.what()).find("range of double") != std::string::npos);
      }
    }
    CHECK_THROWS_WITH_AS(forecast(daily(alternating), options),
                         doctest::Contains("exceeds the range of double"), ForecastError);
  }
}
