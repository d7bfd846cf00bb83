// How often the series step detection of `history --regressions` fires on
// A/A history (no change at all), and how often it finds a real step: for
// run-to-run noise of several sizes, SERIES synthetic series of RUNS run
// medians each, with the default settings (threshold 5%, alpha 0.05, five
// runs a side at least). Deterministic (fixed seeds).
//   series_step_false_alarms [SERIES=10000] [RUNS=50]
// docs/fleet.md quotes its output.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "costops/host/store/fleet_regressions.hpp"
#include "costops/host/store/series_steps.hpp"

using namespace costops::host;

namespace {

// The share of `series` series that get a step: `step` from run `at` on;
// `outliers` of the runs (a busy CI neighbour) 30% slow.
double step_rate(int series, int runs, double noise, double step, int at, double outliers,
                 bool slower_only) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal(0, noise);
  std::bernoulli_distribution outlier(outliers);
  int found = 0;
  for (int s = 0; s < series; ++s) {
    std::vector<double> medians;
    for (int r = 0; r < runs; ++r)
      medians.push_back(100 * (r >= at ? 1 + step : 1) * (1 + normal(random)) *
                        (outlier(random) ? 1.3 : 1));
    const auto detected = detect_series_step(medians, {});
    if (detected && (!slower_only || detected->slower())) ++found;
  }
  return static_cast<double>(found) / series;
}

}  // namespace

int main(int argc, char** argv) {
  const int series = argc > 1 ? std::stoi(argv[1]) : 10000;
  const int runs = argc > 2 ? std::stoi(argv[2]) : kDefaultRegressionRuns;
  std::printf("%d series of %d runs each, threshold 5%%, alpha 0.05\n", series, runs);
  std::printf("%-34s %12s %12s %12s %12s\n", "run-to-run noise (sd of median)", "A/A: any",
              "A/A: slower", "+5% step", "+20% step");
  for (const double noise : {0.005, 0.01, 0.02, 0.03, 0.05, 0.10}) {
    std::printf("%-34s %11.3f%% %11.3f%% %11.1f%% %11.1f%%\n",
                (std::to_string(noise * 100).substr(0, 4) + "%").c_str(),
                100 * step_rate(series, runs, noise, 0, runs, 0, false),
                100 * step_rate(series, runs, noise, 0, runs, 0, true),
                100 * step_rate(series, runs, noise, 0.05, runs * 3 / 4, 0, true),
                100 * step_rate(series, runs, noise, 0.20, runs * 3 / 4, 0, true));
  }
  std::printf("%-34s %11.3f%% %11.3f%% %11.1f%% %11.1f%%\n", "2%, and 5% of runs 30% slow",
              100 * step_rate(series, runs, 0.02, 0, runs, 0.05, false),
              100 * step_rate(series, runs, 0.02, 0, runs, 0.05, true),
              100 * step_rate(series, runs, 0.02, 0.05, runs * 3 / 4, 0.05, true),
              100 * step_rate(series, runs, 0.02, 0.20, runs * 3 / 4, 0.05, true));
  return 0;
}
