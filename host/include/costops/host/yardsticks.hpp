// Yardsticks: a target that names a peer to be measured against. A plugin
// declares one with two metrics on the target (documented for plugin
// authors): `yardstick_target` (string, the peer's target id) and
// `yardstick_goal_ratio` (number, the largest acceptable ratio of the
// target's median time per operation to the peer's). Exact pricing against
// the same formula in double, compression against bare zlib, aggregation
// against SQLite GROUP BY are the first-party ones.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costops/host/suite_report.hpp"

namespace costops::host {

inline constexpr std::string_view kYardstickTargetMetric = "yardstick_target";
inline constexpr std::string_view kYardstickGoalMetric = "yardstick_goal_ratio";

struct YardstickRow {
  std::string target_id;
  std::string peer_id;
  double goal_ratio = 0;        // target median / peer median must be at most this
  std::optional<double> ratio;  // absent when either side has no measurement
  std::string missing;          // why there is no ratio
  bool met() const { return ratio && *ratio <= goal_ratio; }
};

// One row per measured target that declares a yardstick, in report order.
std::vector<YardstickRow> yardsticks(const SuiteReport& report);

}  // namespace costops::host
