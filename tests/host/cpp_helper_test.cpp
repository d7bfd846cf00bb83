// The C++ helper from the host's side: a class storing the Host& it got in
// its constructor works through run() and teardown() (it crashed when the
// helper kept Host on setup's stack; the sanitizer build runs this test with
// detect_stack_use_after_return=1), families built with make_family, and
// Unsupported ending as skipped.
#include <doctest/doctest.h>

#include <string>

#include "costops/host/target_executor.hpp"
#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_family.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {

struct CppHelperPlugin {
  PluginLibrary plugin{std::string(COSTOPS_FIXTURE_DIR) + "/cpp_helper/cpp_helper_plugin.so"};

  TargetMeasurement measure(const std::string& id) const {
    REQUIRE(plugin.usable());
    const auto call = find_target_call(plugin.descriptor(), id);
    REQUIRE(call);
    MeasurementSettings quick;
    quick.warmup_seconds = 0;
    quick.min_time_seconds = 0;
    quick.min_samples = 2;
    return measure_target(*call, quick);
  }
};

const MetricValue* metric(const TargetMeasurement& m, const std::string& key) {
  for (const auto& [name, value] : m.plugin_metrics)
    if (name == key) return &value;
  return nullptr;
}

}  // namespace

TEST_CASE("cpp helper: a class storing Host& uses it safely until teardown") {
  const CppHelperPlugin fixture;
  const TargetMeasurement m = fixture.measure("cpp_stores_host");
  REQUIRE(m.succeeded);
  REQUIRE(metric(m, "runs_seen") != nullptr);
  CHECK(std::get<double>(*metric(m, "runs_seen")) == 1);
  REQUIRE(metric(m, "reported_from_teardown") != nullptr);
  CHECK(std::get<std::string>(*metric(m, "reported_from_teardown")) == "cpp_stores_host");
}

TEST_CASE("cpp helper: make_family gives one verified target per argument") {
  const CppHelperPlugin fixture;
  std::vector<std::string> ids;
  for (const TargetDescription& t : fixture.plugin.probe().targets) ids.push_back(t.id);
  CHECK(ids == std::vector<std::string>{"cpp_stores_host", "cpp_sum_100", "cpp_sum_1000",
                                        "cpp_sum_10000", "cpp_needs_gpu", "cpp_resets"});
  CHECK(fixture.plugin.probe().targets[2].complexity_variable == "values");
  const TargetMeasurement m = fixture.measure("cpp_sum_1000");
  REQUIRE(m.succeeded);
  CHECK(m.items_per_operation == 1000);
  CHECK(fixture.plugin.probe().build_info.find("optimized") != std::string::npos);
}

TEST_CASE("cpp helper: Unsupported from the constructor is skipped") {
  const CppHelperPlugin fixture;
  const TargetOutcome outcome = outcome_from_measurement(fixture.measure("cpp_needs_gpu"));
  CHECK(outcome.status == TargetStatus::skipped);
  CHECK(outcome.reason.find("no GPU on this machine") != std::string::npos);
}

TEST_CASE("cpp helper: a reset() member becomes the target's reset, its exception an error") {
  const CppHelperPlugin fixture;
  REQUIRE(fixture.plugin.usable());
  const auto has_reset = [&](const char* id) {
    return find_target(fixture.plugin.descriptor(), id)->reset != nullptr;
  };
  CHECK_FALSE(has_reset("cpp_stores_host"));  // no reset() member: NULL, nothing to call
  REQUIRE(has_reset("cpp_resets"));
  // Three batches and resets pass, the fourth reset throws: the target fails
  // in phase reset with the exception's message.
  const TargetMeasurement m = fixture.measure("cpp_resets");
  CHECK_FALSE(m.succeeded);
  CHECK(m.failure_phase == "reset");
  CHECK(m.failure_message == "cpp_resets stops after three resets");
  REQUIRE(metric(m, "resets") != nullptr);
  CHECK(std::get<double>(*metric(m, "resets")) == 3);
}
