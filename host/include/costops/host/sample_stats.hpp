// Summary statistics of benchmark samples.
//
// A sample is one timed batch; its value is the batch's mean time per
// operation (elapsed / iterations). Percentiles are therefore percentiles of
// batch means, not of single-call latency, and are named so in every file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace costops::host {

struct OutlierCounts {
  std::uint32_t low_severe = 0;   // below Q1 - 3 IQR
  std::uint32_t low_mild = 0;     // between Q1 - 3 IQR and Q1 - 1.5 IQR
  std::uint32_t high_mild = 0;    // between Q3 + 1.5 IQR and Q3 + 3 IQR
  std::uint32_t high_severe = 0;  // above Q3 + 3 IQR
  std::uint32_t total() const { return low_severe + low_mild + high_mild + high_severe; }
};

struct SampleStats {
  std::size_t count = 0;
  double mean = 0;
  double median = 0;
  double min = 0;
  double max = 0;
  double stddev = 0;                    // sample standard deviation (n - 1)
  double coefficient_of_variation = 0;  // stddev / mean, 0 when mean is 0
  double median_absolute_deviation = 0;
  double p5 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0, p99 = 0;
  // Distribution-free 95% confidence interval of the median from order
  // statistics (binomial ranks); equals [min, max] for very small samples.
  double median_ci_low = 0;
  double median_ci_high = 0;
  OutlierCounts outliers;  // Tukey fences; outliers are counted, never dropped
};

// Quantile of already sorted values, linear interpolation between closest
// ranks (Hyndman & Fan type 7, the default of R and NumPy). q in [0, 1].
double quantile_of_sorted(std::span<const double> sorted, double q);

// The median (quantile_of_sorted at 0.5: the mean of the two middle values
// for an even count); 0 when `values` is empty. The one median of the host:
// calibration, statistics, comparison and history all use it.
double median_of(std::vector<double> values);

// Statistics of `values`; all zero when `values` is empty.
SampleStats compute_sample_stats(std::span<const double> values);

}  // namespace costops::host
