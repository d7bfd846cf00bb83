// Manual timing (ABI 1.3): a plugin's own reported time replaces the host's
// wall clock exactly; paused spans leave the sample; an implausible report is
// kept but noted; plugins built against 1.2 still run.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "costops/host/sample_stats.hpp"
#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {

MeasurementSettings quick_settings() {
  MeasurementSettings settings;
  settings.warmup_seconds = 0.005;
  settings.min_time_seconds = 0;
  settings.min_samples = 5;
  settings.target_sample_seconds = 0.001;
  return settings;
}

struct Loaded {
  explicit Loaded(const std::string& relative_path)
      : plugin(std::string(COSTOPS_FIXTURE_DIR) + "/" + relative_path) {
    REQUIRE(plugin.usable());
  }
  TargetMeasurement measure(const char* id) const {
    const bench_target_v1* target = find_target(plugin.descriptor(), id);
    REQUIRE(target != nullptr);
    TargetMeasurement m = measure_target(*target, quick_settings());
    REQUIRE_MESSAGE(m.succeeded, m.failure_phase << ": " << m.failure_message);
    REQUIRE(m.samples.size() >= 5);
    return m;
  }
  PluginLibrary plugin;
};

}  // namespace

TEST_CASE("manual timing: the time a plugin reports per iteration is the sample, exactly") {
  const Loaded fixture("manual_timing/manual_timing_plugin.so");
  for (const Sample& s : fixture.measure("fixture_manual_time").samples)
    CHECK(s.ns_per_operation() == 1000.0);  // exact: the host's clock plays no part
  for (const Sample& s : fixture.measure("fixture_manual_batch").samples)
    CHECK(s.ns_per_operation() == 1500.0);
}

TEST_CASE("manual timing: paused spans are not in the sample") {
  const Loaded fixture("manual_timing/manual_timing_plugin.so");
  const TargetMeasurement m = fixture.measure("fixture_paused");
  std::vector<double> per_operation;
  for (const Sample& s : m.samples) per_operation.push_back(s.ns_per_operation());
  // Each iteration spends 5 µs paused and a few additions timed: even on a
  // loaded machine the median stays far below the paused time.
  CHECK(median_of(per_operation) < 2500.0);
}

TEST_CASE("manual timing: a reported time above the wall clock is kept and noted") {
  const Loaded fixture("manual_timing/manual_timing_plugin.so");
  const TargetMeasurement m = fixture.measure("fixture_overreports");
  CHECK(m.samples.front().ns_per_operation() == 1e9);
  CHECK(std::any_of(m.plugin_log.begin(), m.plugin_log.end(), [](const std::string& line) {
    return line.find("exceeded the wall-clock time") != std::string::npos;
  }));
}

TEST_CASE("a plugin built against the 1.2 header runs on the 1.3 host") {
  const Loaded abi_1_2("abi_1_2/reset_plugin_abi_1_2.so");
  CHECK(abi_1_2.plugin.descriptor().abi_minor == 2);
  abi_1_2.measure("fixture_reset_sleeps");
}
