// ABI 1.1 on the host side: families expanded into targets, arguments and
// user data handed to setup, skipped targets, reasoned declines, and the
// min(struct_size) rule for 1.0-sized structs.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "costops/host/target_executor.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_family.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {

std::string fixture(const std::string& relative) {
  return std::string(COSTOPS_FIXTURE_DIR) + "/" + relative;
}

bench_status BENCH_TARGET_V1_CALL no_setup(const bench_host_services_v1*, void**, char*,
                                           std::uint64_t) {
  return BENCH_STATUS_OK;
}
bench_status BENCH_TARGET_V1_CALL no_run(void*, std::uint64_t, char*, std::uint64_t) {
  return BENCH_STATUS_OK;
}

bench_target_v1 target_named(const char* id) {
  bench_target_v1 target{};
  target.struct_size = sizeof target;
  target.id = id;
  target.description = "";
  target.setup = &no_setup;
  target.run = &no_run;
  return target;
}

std::vector<std::string> expanded_ids(const bench_target_v1& target) {
  std::vector<std::string> ids;
  for (const TargetCall& call : expand_target(target).calls) ids.push_back(call.id);
  return ids;
}

MeasurementSettings quick() {
  MeasurementSettings settings;
  settings.warmup_seconds = 0;
  settings.min_time_seconds = 0;
  settings.min_samples = 1;
  return settings;
}

}  // namespace

TEST_CASE("range arguments follow Google Benchmark's Range rule") {
  using V = std::vector<std::int64_t>;
  CHECK(range_arguments(8, 1024, 8) == V{8, 64, 512, 1024});
  CHECK(range_arguments(100, 10000, 10) == V{100, 1000, 10000});
  CHECK(range_arguments(3, 20, 2) == V{3, 4, 8, 16, 20});
  CHECK(range_arguments(0, 4, 2) == V{0, 1, 2, 4});
  CHECK(range_arguments(5, 5, 2) == V{5});
  const V huge = range_arguments(1, INT64_MAX, 2);  // no overflow, ends at last
  CHECK(huge.size() == 64);
  CHECK(huge.back() == INT64_MAX);
}

TEST_CASE("a family expands into <id>_<argument> members with their arguments") {
  static const std::int64_t sizes[] = {10, 1000};
  bench_target_v1 target = target_named("myhash");
  target.arguments = sizes;
  target.argument_count = 2;
  target.complexity_variable = "bytes";
  const TargetExpansion expansion = expand_target(target);
  REQUIRE(expansion.error.empty());
  REQUIRE(expansion.calls.size() == 2);
  CHECK(expansion.calls[1].id == "myhash_1000");
  CHECK(expansion.calls[1].family == "myhash");
  CHECK(expansion.calls[1].argument == 1000);
  CHECK(expansion.calls[1].complexity_variable == "bytes");

  target.complexity_variable = nullptr;  // default
  CHECK(expand_target(target).calls[0].complexity_variable == "n");
  CHECK(expanded_ids(target_named("plain")) == std::vector<std::string>{"plain"});
}

TEST_CASE("bad family declarations are refused saying what is wrong") {
  static const std::int64_t negative[] = {4, -1};
  const auto error_of = [](const bench_target_v1& t) { return expand_target(t).error; };
  bench_target_v1 both = target_named("f");
  both.arguments = negative;
  both.argument_count = 1;
  both.range_multiplier = 2;
  both.range_last = 8;
  CHECK(error_of(both).find("both a list of arguments and a range") != std::string::npos);
  bench_target_v1 list = target_named("f");
  list.arguments = negative;
  list.argument_count = 2;
  CHECK(error_of(list).find("argument -1 is negative") != std::string::npos);
  list.arguments = nullptr;
  CHECK(error_of(list).find("arguments is NULL") != std::string::npos);
  bench_target_v1 range = target_named("f");
  range.range_multiplier = 1;
  range.range_first = 1;
  range.range_last = 8;
  CHECK(error_of(range).find("range_multiplier >= 2") != std::string::npos);
  range.range_multiplier = 2;
  range.range_first = 9;
  CHECK(error_of(range).find("range 9..8") != std::string::npos);
  range.range_first = 1;
  range.complexity_variable = "Not Valid";
  CHECK(error_of(range).find("complexity_variable must be") != std::string::npos);
  bench_target_v1 plain = target_named("f");
  plain.complexity_variable = "n";
  CHECK(error_of(plain).find("but no arguments") != std::string::npos);
}

TEST_CASE("a 1.0-sized target is plain whatever lies past its struct_size") {
  static const std::int64_t sizes[] = {1, 2};
  bench_target_v1 target = target_named("old");
  target.arguments = sizes;  // as if the bytes after a 1.0 struct were not zero
  target.argument_count = 2;
  target.user_data = "stale";
  target.struct_size =
      static_cast<std::uint32_t>(offsetof(bench_target_v1, teardown) + sizeof(target.teardown));
  const TargetExpansion expansion = expand_target(target);
  REQUIRE(expansion.calls.size() == 1);
  CHECK(expansion.calls[0].id == "old");
  CHECK(expansion.calls[0].family.empty());
  CHECK(expansion.calls[0].user_data == nullptr);
}

TEST_CASE("the family fixture's probe lists every member with family and argument") {
  PluginLibrary plugin(fixture("family/family_plugin.so"));
  REQUIRE(plugin.usable());
  std::vector<std::string> ids;
  for (const TargetDescription& t : plugin.probe().targets) ids.push_back(t.id);
  CHECK(ids == std::vector<std::string>{"fixture_scan_64", "fixture_scan_256", "fixture_scan_1024",
                                        "fixture_doubling_8", "fixture_doubling_64",
                                        "fixture_doubling_512", "fixture_doubling_1024",
                                        "fixture_greeting", "fixture_needs_gpu"});
  const TargetDescription& scan = plugin.probe().targets[2];
  CHECK(scan.family == "fixture_scan");
  CHECK(scan.argument == 1024);
  CHECK(scan.complexity_variable == "values");
  CHECK(plugin.probe().targets[7].family.empty());
  CHECK(plugin.probe().abi_minor == BENCH_TARGET_V1_ABI_MINOR);  // built against today's header
  CHECK(plugin.probe().build_info.find("optimized") != std::string::npos);
  CHECK_FALSE(find_target_call(plugin.descriptor(), "fixture_scan"));  // the family is no target
}

TEST_CASE("setup receives the member's argument, id and the target's user data") {
  PluginLibrary plugin(fixture("family/family_plugin.so"));
  REQUIRE(plugin.usable());
  const auto scan = find_target_call(plugin.descriptor(), "fixture_doubling_512");
  REQUIRE(scan);
  const TargetMeasurement m = measure_target(*scan, quick());
  REQUIRE(m.succeeded);
  CHECK(m.items_per_operation == 512);
  REQUIRE(m.plugin_metrics.size() == 2);
  CHECK(std::get<double>(m.plugin_metrics[0].second) == 512);
  CHECK(std::get<std::string>(m.plugin_metrics[1].second) == "fixture_doubling_512");

  const auto greeting = find_target_call(plugin.descriptor(), "fixture_greeting");
  REQUIRE(greeting);
  const TargetMeasurement g = measure_target(*greeting, quick());
  REQUIRE(g.plugin_metrics.size() == 1);
  CHECK(std::get<std::string>(g.plugin_metrics[0].second) == "hello from user_data");
}

TEST_CASE("BENCH_STATUS_UNSUPPORTED from setup is skipped, not failed") {
  PluginLibrary plugin(fixture("family/family_plugin.so"));
  REQUIRE(plugin.usable());
  const auto gpu = find_target_call(plugin.descriptor(), "fixture_needs_gpu");
  REQUIRE(gpu);
  const TargetOutcome outcome = outcome_from_measurement(measure_target(*gpu, quick()));
  CHECK(outcome.status == TargetStatus::skipped);
  CHECK(outcome.reason == "the target cannot run here: no GPU on this machine");
  CHECK(counts_as_success(TargetStatus::skipped));
  CHECK_FALSE(counts_as_success(TargetStatus::failed));
  CHECK(parse_target_status("skipped") == TargetStatus::skipped);
}

TEST_CASE("a declining plugin's reason becomes the file's reason") {
  PluginLibrary plugin(fixture("family_declines/declining_plugin.so"));
  CHECK(plugin.probe().status == TargetStatus::incompatible);
  CHECK(plugin.probe().reason ==
        "the plugin declined to load: needs a licence file at /etc/fixture.lic");
}
