// Thread scaling (ABI 1.4): the members of a family over thread counts
// (`<id>_t<count>`, one target per count) side by side, with the aggregate
// and per-thread throughput and the parallel efficiency of each count. One
// function of (id, threads, median) so summary.md (from the run) and the
// report (from results.json) compute the same figures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace costops::host {

// A measured target: its id, the threads run_thread() ran on, its median
// time per operation as one thread sees it.
struct ThreadScalingInput {
  std::string target_id;
  std::uint32_t threads = 1;
  double median_ns = 0;
};

struct ThreadScalingPoint {
  std::string target_id;
  std::uint32_t threads = 1;
  double operations_per_second = 0;             // aggregate: threads x per thread
  double operations_per_second_per_thread = 0;  // 1e9 / median
  // operations_per_second / (threads x the smallest count's per-thread
  // figure): 1.0 is perfect scaling; with a range from 1 the baseline is
  // the single-thread throughput.
  double efficiency = 0;
};

struct ThreadScaling {
  std::string name;                        // the id without "_t<count>"
  std::vector<ThreadScalingPoint> points;  // by thread count, at least two
};

// Groups targets whose id is "<name>_t<threads>" with `threads` their own
// recorded count (a threaded target's range; the host gives no other target
// such an id and count), keeping names with two or more counts, in order of
// first appearance. Targets without a positive median are left out.
std::vector<ThreadScaling> thread_scaling(const std::vector<ThreadScalingInput>& targets);

}  // namespace costops::host
