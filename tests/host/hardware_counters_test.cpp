#include <doctest/doctest.h>

#include <cerrno>

#include "costops/host/measurement.hpp"
#include "costops/host/worker/hardware_counters.hpp"

using namespace costops::host;

TEST_CASE("why hardware counters are missing is said in words, with what to do") {
  const std::string no_pmu = hardware_counters_unavailable_reason(ENOENT, 2);
  CHECK(no_pmu.find("no hardware PMU") != std::string::npos);
  CHECK(no_pmu.find("--measure instructions") != std::string::npos);
  const std::string forbidden = hardware_counters_unavailable_reason(EACCES, 3);
  CHECK(forbidden.find("perf_event_paranoid = 3") != std::string::npos);
  CHECK(forbidden.find("CAP_PERFMON") != std::string::npos);
  CHECK(hardware_counters_unavailable_reason(EINVAL, 2).find("perf_event_open failed") == 0);
}

TEST_CASE("the counters either count this thread's work or say why they cannot") {
  HardwareCounters counters;
  volatile std::uint64_t sink = 0;
  counters.start();
  for (std::uint64_t i = 0; i < 100000; ++i) sink = sink + i;
  counters.stop();
  const HardwareCounts counts = counters.totals(100000);
  if (counters.available()) {
    CHECK(counts.counted());
    CHECK(counts.instructions >= 100000);  // at least one instruction per loop turn
    CHECK(counts.cycles > 0);
  } else {
    CHECK_FALSE(counts.counted());
    CHECK(counts.unavailable == counters.unavailable_reason());
    CHECK_FALSE(counts.unavailable.empty());
  }
}

TEST_CASE("rounds add their counts; one round that could not count makes the total unknown") {
  TargetMeasurement merged;
  merged.hardware = {"", 100, 1000, 500, 3};
  TargetMeasurement round;
  round.hardware = {"", 100, 1100, 520, 4};
  merge_round(merged, std::move(round));
  CHECK(merged.hardware.iterations == 200);
  CHECK(merged.hardware.instructions == 2100);
  TargetMeasurement missing;
  missing.hardware = {"no PMU", 0, 0, 0, 0};
  merge_round(merged, std::move(missing));
  CHECK_FALSE(merged.hardware.counted());
  CHECK(merged.hardware.unavailable == "no PMU");
}
