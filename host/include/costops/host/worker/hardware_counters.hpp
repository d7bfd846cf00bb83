// Hardware performance counters (instructions, cycles, branch misses) of the
// worker's own thread through perf_event_open, switched on only around the
// timed sample batches. Many machines have none to offer (virtual machines
// without a virtual PMU, containers without permission): then the counters
// say why, once, and the measurement carries that reason instead of numbers.
#pragma once

#include <array>
#include <string>

#include "costops/host/measurement.hpp"

namespace costops::host {

// Why perf_event_open failed, for people: the errno it set and, for
// permission errors, the kernel's perf_event_paranoid setting (-1 if unknown).
std::string hardware_counters_unavailable_reason(int error_number, int perf_event_paranoid);

class HardwareCounters {
 public:
  // Opens the three counters as one group (disabled); on failure keeps why.
  HardwareCounters();
  ~HardwareCounters();
  HardwareCounters(const HardwareCounters&) = delete;
  HardwareCounters& operator=(const HardwareCounters&) = delete;

  bool available() const { return leader_ >= 0; }
  const std::string& unavailable_reason() const { return unavailable_; }

  // Count between start() and stop() (no-ops when unavailable).
  void start();
  void stop();

  // The totals so far, for `iterations` operations; or the reason they are
  // missing.
  HardwareCounts totals(std::uint64_t iterations) const;

 private:
  int leader_ = -1;
  std::array<int, 2> members_{-1, -1};
  std::string unavailable_;
};

}  // namespace costops::host
