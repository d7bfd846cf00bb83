// reset() (ABI 1.2): called untimed after every batch, a failure fails the
// target, and targets built before 1.2 (whose struct ends before the field)
// run as they always did.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {

// A fixture plugin, loaded for as long as this object lives.
struct Fixture {
  explicit Fixture(const std::string& relative_path)
      : plugin(std::string(COSTOPS_FIXTURE_DIR) + "/" + relative_path) {}
  const bench_target_v1& target(const char* id) const {
    REQUIRE(plugin.usable());
    const bench_target_v1* found = find_target(plugin.descriptor(), id);
    REQUIRE(found != nullptr);
    return *found;
  }
  PluginLibrary plugin;
};

MeasurementSettings quick_settings() {
  MeasurementSettings settings;
  settings.warmup_seconds = 0.01;
  settings.min_time_seconds = 0;
  settings.min_samples = 5;
  settings.target_sample_seconds = 0.0001;  // batches far shorter than the 5 ms reset
  return settings;
}

double metric(const TargetMeasurement& m, const std::string& key) {
  for (const auto& [name, value] : m.plugin_metrics)
    if (name == key) return std::get<double>(value);
  FAIL("no metric " << key);
  return 0;
}

constexpr std::uint32_t kStructSizeOf1_1 = offsetof(bench_target_v1, reset);

}  // namespace

TEST_CASE("reset() runs after every batch and is not timed") {
  const Fixture fixture("reset/reset_plugin.so");
  const TargetMeasurement m =
      measure_target(fixture.target("fixture_reset_sleeps"), quick_settings());
  REQUIRE_MESSAGE(m.succeeded, m.failure_phase << ": " << m.failure_message);
  REQUIRE(m.samples.size() >= 5);
  // The fixture fails run() called twice without a reset, and reset() called
  // without a batch (so not after run(state, 0)); its teardown fails when
  // the last batch was not reset. Here it counts: one reset per batch, and
  // the batches are at least the warm-up's, the calibration's and the samples.
  CHECK(metric(m, "resets") == metric(m, "batches"));
  CHECK(metric(m, "batches") >= static_cast<double>(m.samples.size() + 2));
  // A timed 5 ms sleep would put every sample above 5 ms; the batches
  // themselves last about 0.1 ms. The median leaves room for a preempted one.
  std::vector<double> elapsed;
  for (const Sample& s : m.samples) elapsed.push_back(s.elapsed_ns);
  std::nth_element(elapsed.begin(), elapsed.begin() + elapsed.size() / 2, elapsed.end());
  CHECK(elapsed[elapsed.size() / 2] < 2.5e6);
}

TEST_CASE("a failing reset() fails the target in phase reset with its message") {
  const Fixture fixture("reset/reset_plugin.so");
  const TargetMeasurement m =
      measure_target(fixture.target("fixture_reset_fails"), quick_settings());
  CHECK_FALSE(m.succeeded);
  CHECK(m.failure_phase == "reset");
  CHECK(m.failure_status == BENCH_STATUS_ERROR);
  CHECK(m.failure_message == "fixture_reset_fails cannot restore its state (on purpose)");
  CHECK(m.samples.empty());  // the first warm-up batch's reset already failed
}

TEST_CASE("reset is read only when the target's struct_size covers it") {
  const Fixture fixture("reset/reset_plugin.so");
  // The failing target as a 1.1 plugin would describe it: the same memory,
  // a struct_size that ends before reset. The host must not call it.
  bench_target_v1 as_1_1 = fixture.target("fixture_reset_fails");
  as_1_1.struct_size = kStructSizeOf1_1;
  const TargetMeasurement m = measure_target(as_1_1, quick_settings());
  CHECK_MESSAGE(m.succeeded, m.failure_phase << ": " << m.failure_message);
}

TEST_CASE("plugins built against the 1.0 and 1.1 headers have no reset and still run") {
  const Fixture abi_1_0("abi_1_0/good_c_plugin_abi_1_0.so");
  const bench_target_v1& sum_array = abi_1_0.target("fixture_sum_array");
  CHECK(sum_array.struct_size < kStructSizeOf1_1);
  const TargetMeasurement old = measure_target(sum_array, quick_settings());
  CHECK_MESSAGE(old.succeeded, old.failure_phase << ": " << old.failure_message);
  CHECK(old.samples.size() >= 5);

  const Fixture abi_1_1("abi_1_1/family_plugin_abi_1_1.so");
  REQUIRE(abi_1_1.plugin.usable());
  CHECK(abi_1_1.plugin.descriptor().abi_minor == 1);
  const bench_target_v1& scan = abi_1_1.target("fixture_scan");
  CHECK(scan.struct_size == kStructSizeOf1_1);
  const TargetExpansion family = expand_target(scan);
  REQUIRE(family.calls.size() == 3);
  const TargetMeasurement member = measure_target(family.calls[1], quick_settings());
  CHECK_MESSAGE(member.succeeded, member.failure_phase << ": " << member.failure_message);
  CHECK(metric(member, "values_summed") == 256);
}
