// Targets of costops-core's forecasting: a 30-day forecast with automatic
// model choice and prediction intervals from 30, 100 and 1,000 daily points.
#include <costops/bench_target_v1.hpp>
#include <costops/core/forecasting.hpp>

#include <cmath>
#include <string>

namespace {

using namespace costops::core;
using costops::bench::Host;
using costops::bench::VerificationError;

constexpr std::size_t kHorizon = 30;

// Daily spend with growth, a weekly rhythm and deterministic noise: the
// shape of real LLM bills (the original Rust cost-ops's series plus seasonality).
TimeSeries daily_spend(std::size_t days) {
  TimeSeries s;
  const Timestamp start = parse_timestamp("2024-01-01T00:00:00Z");
  std::uint64_t noise = 88172645463325252ull;
  for (std::size_t i = 0; i < days; ++i) {
    noise ^= noise << 13;
    noise ^= noise >> 7;
    noise ^= noise << 17;
    const double x = static_cast<double>(i);
    const double weekly = (i % 7 == 5 || i % 7 == 6) ? -15.0 : 5.0;
    s.times.push_back(start + std::chrono::days(i));
    s.values.push_back(100 + 2 * x + 0.1 * x * std::sin(x / 10) + weekly +
                       static_cast<double>(noise % 1000) / 100.0);
  }
  return s;
}

class ForecastDaily {
 public:
  ForecastDaily(Host& host, std::int64_t points)
      : series_(daily_spend(static_cast<std::size_t>(points))) {
    options_.horizon = kHorizon;
    options_.confidence = 0.95;
    const Forecast f = forecast(series_, options_);
    if (f.points.size() != kHorizon) throw VerificationError("wrong number of forecast points");
    for (const auto& p : f.points)
      if (!(p.lower <= p.value && p.value <= p.upper) || !std::isfinite(p.upper))
        throw VerificationError("a prediction interval does not contain its forecast");
    // The series grows about 2 per day: the forecast must keep growing.
    if (f.points.back().value <= series_.values.back() - 40)
      throw VerificationError("the forecast lost the series' upward trend");
    host.set_items_per_operation(static_cast<std::size_t>(points));
    host.report("data_points", static_cast<double>(points));
    host.report("horizon", static_cast<double>(kHorizon));
    host.report("chosen_model", std::string(model_name(f.model)).c_str());
    if (f.holdout.mape) host.report("holdout_mape_percent", *f.holdout.mape);
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      Forecast f = forecast(series_, options_);
      costops::bench::do_not_optimize(f);
    }
  }

 private:
  TimeSeries series_;
  ForecastOptions options_;
};

// The headline target: the family's member at 100.
class ForecastDailyDefault : public ForecastDaily {
 public:
  explicit ForecastDailyDefault(Host& host) : ForecastDaily(host, 100) {}
};

class DetectAnomalies {
 public:
  explicit DetectAnomalies(Host& host) : values_(daily_spend(100).values) {
    values_[40] *= 4;  // one spike
    const auto found = detect_anomalies(values_, AnomalyMethod::modified_z_score);
    if (found.empty() || found.front().index != 40)
      throw VerificationError("the spike at day 40 was not found");
    host.set_items_per_operation(values_.size());
    host.report("data_points", static_cast<double>(values_.size()));
  }
  void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      auto found = detect_anomalies(values_, AnomalyMethod::modified_z_score);
      costops::bench::do_not_optimize(found);
    }
  }

 private:
  std::vector<double> values_;
};

using costops::bench::make_family;
using costops::bench::make_target;

constexpr std::int64_t kPointCounts[] = {30, 100, 1000};

const bench_target_v1 kTargets[] = {
    make_target<ForecastDailyDefault>(
        "forecasting",
        "forecast 30 days from 100 daily points, automatic model choice, 95% intervals"),
    make_family<ForecastDaily>("forecasting", "the same from N daily points", kPointCounts,
                               "points"),
    make_target<DetectAnomalies>("forecasting_anomalies",
                                 "modified z-score anomaly detection over 100 daily points"),
};

}  // namespace

COSTOPS_BENCH_PLUGIN("costops-forecasting", COSTOPS_FIRST_PARTY_VERSION, kTargets)
