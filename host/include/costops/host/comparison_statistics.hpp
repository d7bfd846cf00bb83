// The statistics behind compare's verdicts: a rank test for "is there a
// difference" and a bootstrap interval for "how large is it".
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace costops::host {

// Two-sided p-value of the Mann-Whitney U test (normal approximation with
// tie and continuity correction). 1 when either side has no values.
double mann_whitney_p_value(const std::vector<double>& a, const std::vector<double>& b);

// The smallest p-value mann_whitney_p_value can give for these sizes (two
// fully separated groups): at or above alpha, no difference can be
// significant, whatever the data.
double smallest_p_value(std::size_t base_count, std::size_t new_count);

// A 95% interval of the relative change new/base - 1 of the median.
struct ChangeInterval {
  double low = 0;
  double high = 0;
};

// Percentile bootstrap of the ratio of medians with a fixed seed, so the same
// inputs always give the same interval. Both at the point change when either
// side is empty or no resample has a positive base median.
ChangeInterval bootstrap_change_of_median(const std::vector<double>& base,
                                          const std::vector<double>& current,
                                          std::uint32_t resamples);

}  // namespace costops::host
