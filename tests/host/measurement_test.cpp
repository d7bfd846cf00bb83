// Calibration and the measurement loop, driven through the real C fixture.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {

// The good C fixture's fixture_sum_array target; the library stays loaded as
// long as this object lives.
struct SumArrayTarget {
  PluginLibrary plugin{std::string(COSTOPS_FIXTURE_DIR) + "/good/good_c_plugin.so"};
  const bench_target_v1& get() const {
    REQUIRE(plugin.usable());
    const bench_target_v1* target = find_target(plugin.descriptor(), "fixture_sum_array");
    REQUIRE(target != nullptr);
    return *target;
  }
};

}  // namespace

TEST_CASE("calibration sizes batches to the target sample time and meets the minimums") {
  const SumArrayTarget sum_array;
  MeasurementSettings settings;
  settings.warmup_seconds = 0.01;
  settings.min_time_seconds = 0.02;
  settings.min_samples = 7;
  settings.repetitions = 2;
  settings.target_sample_seconds = 0.001;
  const TargetMeasurement m = measure_target(sum_array.get(), settings);
  REQUIRE(m.succeeded);
  CHECK(m.batch_iterations > 1);  // ~100 ns per sum, so a 1 ms batch holds thousands
  CHECK(m.samples.size() >= 14);
  std::size_t second_round = 0;
  double total_ns = 0;
  for (const Sample& s : m.samples) {
    CHECK(s.iterations == m.batch_iterations);  // one batch size for all samples
    total_ns += s.elapsed_ns;
    second_round += s.repetition == 1;
  }
  CHECK(second_round >= 7);
  // --min-time counts wall time (resets included, docs/measurement.md), so
  // under load the timed samples may add up to less than it: only their
  // presence is certain, not their sum.
  CHECK(total_ns > 0);
  // Each batch lasts around its target: the requested sample time, or 1,000
  // times the harness's own cost where that is more (slow clocks, sanitizers).
  const double target_ns = std::max(settings.target_sample_seconds * 1e9,
                                    1000 * std::max(m.clock_overhead_ns, m.empty_batch_ns));
  // Load only lengthens a batch, and a calibration batch lengthened by load
  // makes the later ones shorter than planned; so the fastest batch bounds
  // the batch size from above and the slowest from below, whatever the
  // machine is doing.
  double fastest_batch_ns = static_cast<double>(m.samples.front().elapsed_ns);
  double slowest_batch_ns = fastest_batch_ns;
  for (const Sample& s : m.samples) {
    fastest_batch_ns = std::min(fastest_batch_ns, static_cast<double>(s.elapsed_ns));
    slowest_batch_ns = std::max(slowest_batch_ns, static_cast<double>(s.elapsed_ns));
  }
  CHECK(slowest_batch_ns > 0.3 * target_ns);
  CHECK(fastest_batch_ns < 5 * target_ns);
  CHECK(m.empty_batch_ns > 0);
  CHECK(m.clock_overhead_ns > 0);
  CHECK(m.items_per_operation == 1000);
  REQUIRE(m.plugin_metrics.size() == 2);
  CHECK(m.plugin_metrics[0].first == "values_per_sum");
  CHECK(std::get<double>(m.plugin_metrics[0].second) == 1000);
  CHECK(std::get<std::string>(m.plugin_metrics[1].second) == "c99");
  REQUIRE(m.plugin_log.size() == 1);
  CHECK(m.plugin_log[0] == "info: sum_array ready");
}

TEST_CASE("a later round reuses the first round's batch size and merges as new repetitions") {
  const SumArrayTarget sum_array;
  MeasurementSettings settings;
  settings.warmup_seconds = 0;
  settings.min_time_seconds = 0;
  settings.min_samples = 3;
  settings.repetitions = 2;
  TargetMeasurement first = measure_target(sum_array.get(), settings);
  REQUIRE(first.succeeded);
  REQUIRE(first.samples.size() == 6);

  settings.fixed_batch_iterations = 12345;  // no calibration: exactly this size
  TargetMeasurement second = measure_target(sum_array.get(), settings);
  REQUIRE(second.succeeded);
  CHECK(second.batch_iterations == 12345);
  for (const Sample& s : second.samples) CHECK(s.iterations == 12345);
  second.peak_rss_bytes = first.peak_rss_bytes + 4096;
  second.leaked_file_descriptors = 2;
  const std::uint64_t higher_peak = second.peak_rss_bytes;
  const std::uint64_t first_warmup = first.warmup_iterations;

  merge_round(first, std::move(second));
  REQUIRE(first.samples.size() == 12);
  CHECK(first.samples[5].repetition == 1);
  CHECK(first.samples[6].repetition == 2);  // round 2's repetitions follow round 1's
  CHECK(first.samples[11].repetition == 3);
  CHECK(first.samples[6].iterations == 12345);
  CHECK(first.peak_rss_bytes == higher_peak);
  CHECK(first.leaked_file_descriptors == 2);  // the worst round counts
  CHECK(first.warmup_iterations > first_warmup);
  CHECK(first.plugin_log.size() == 2);  // both rounds' setup logged
}

TEST_CASE("plugin errors end the measurement with phase and message") {
  const auto measure = [](const char* file) {
    PluginLibrary plugin(std::string(COSTOPS_FIXTURE_DIR) + "/hostile/" + file);
    REQUIRE(plugin.usable());
    MeasurementSettings quick;
    quick.warmup_seconds = 0;
    quick.min_time_seconds = 0;
    quick.min_samples = 1;
    return measure_target(*plugin.descriptor().get_target(0), quick);
  };
  const TargetMeasurement setup = measure("misbehaving_setup_error.so");
  CHECK_FALSE(setup.succeeded);
  CHECK(setup.failure_phase == "setup");
  CHECK(setup.failure_message == "cannot open the input fixture.csv");
  const TargetMeasurement verify = measure("misbehaving_verify_error.so");
  CHECK_FALSE(verify.succeeded);
  CHECK(verify.failure_phase == "teardown");
  CHECK(verify.failure_status == BENCH_STATUS_VERIFICATION_FAILED);
}
