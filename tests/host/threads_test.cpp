// Threaded targets and counter flags (ABI 1.4): run_thread on N threads at
// once with a start barrier, families over thread counts, the CPU time of
// all threads, and counters divided by the host's run() totals. Every
// assertion is on structure, exact counts or CPU time against CPU time:
// nothing here depends on the machine's speed or load.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <variant>

#include "costops/host/worker/descriptor_check.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker/target_family.hpp"
#include "costops/host/worker/target_measurement.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;

namespace {

MeasurementSettings quick_settings() {
  MeasurementSettings settings;
  settings.warmup_seconds = 0.005;
  settings.min_time_seconds = 0;
  settings.min_samples = 5;
  settings.target_sample_seconds = 0.002;
  return settings;
}

PluginLibrary threaded_fixture() {
  PluginLibrary plugin(std::string(COSTOPS_FIXTURE_DIR) + "/threaded/threaded_plugin.so");
  REQUIRE(plugin.usable());
  return plugin;
}

TargetMeasurement measure(const PluginLibrary& plugin, const char* id) {
  const std::optional<TargetCall> call = find_target_call(plugin.descriptor(), id);
  REQUIRE(call.has_value());
  return measure_target(*call, quick_settings());
}

const double* number_metric(const TargetMeasurement& m, const std::string& key) {
  for (const auto& [name, value] : m.plugin_metrics)
    if (name == key) return std::get_if<double>(&value);
  return nullptr;
}

bench_status BENCH_TARGET_V1_CALL no_setup(const bench_host_services_v1*, void**, char*,
                                           std::uint64_t) {
  return BENCH_STATUS_OK;
}
bench_status BENCH_TARGET_V1_CALL no_run(void*, std::uint64_t, char*, std::uint64_t) {
  return BENCH_STATUS_OK;
}
bench_status BENCH_TARGET_V1_CALL no_run_thread(void*, std::uint32_t, std::uint64_t, char*,
                                                std::uint64_t) {
  return BENCH_STATUS_OK;
}

std::vector<std::string> ids_of(const TargetExpansion& expansion) {
  std::vector<std::string> ids;
  for (const TargetCall& call : expansion.calls) ids.push_back(call.id);
  return ids;
}

}  // namespace

TEST_CASE("thread counts follow Google Benchmark's ThreadRange: doubling, then the last") {
  CHECK(thread_counts(1, 8) == std::vector<std::uint32_t>{1, 2, 4, 8});
  CHECK(thread_counts(2, 6) == std::vector<std::uint32_t>{2, 4, 6});
  CHECK(thread_counts(3, 3) == std::vector<std::uint32_t>{3});
}

TEST_CASE("threaded targets expand into one target per thread count, after the argument") {
  static constexpr std::int64_t kSizes[] = {8, 64};
  bench_target_v1 target =
      BENCH_TARGET_V1_FAMILY("hash", "", no_setup, no_run, nullptr, "bytes", kSizes);
  target.threads = 1;
  target.threads_last = 2;
  target.run_thread = no_run_thread;
  const TargetExpansion family = expand_target(target);
  REQUIRE(family.error.empty());
  CHECK(ids_of(family) ==
        std::vector<std::string>{"hash_8_t1", "hash_8_t2", "hash_64_t1", "hash_64_t2"});
  CHECK(family.calls[1].threads == 2);
  CHECK(family.calls[1].threaded);
  CHECK(family.calls[1].argument == 8);
  CHECK(family.calls[1].family == "hash_t2");  // one complexity fit per thread count

  bench_target_v1 fixed =
      BENCH_TARGET_V1_THREADED("count", "", no_setup, no_run, no_run_thread, nullptr, 4, 4);
  const TargetExpansion one = expand_target(fixed);
  REQUIRE(ids_of(one) == std::vector<std::string>{"count"});  // one count: the plain id
  CHECK(one.calls[0].threads == 4);
}

TEST_CASE("bad thread declarations are refused with a reason") {
  bench_target_v1 target = BENCH_TARGET_V1_TARGET("count", "", no_setup, no_run, nullptr);
  target.threads = 4;  // but no run_thread
  CHECK(expand_target(target).error.find("no run_thread") != std::string::npos);
  target.run_thread = no_run_thread;
  target.threads_last = 2;  // below threads
  CHECK(expand_target(target).error.find("not a range") != std::string::npos);
  target.threads = 1;
  target.threads_last = 257;
  CHECK(!expand_target(target).error.empty());
}

TEST_CASE("a 1.3-sized target is never threaded, whatever lies past its struct_size") {
  bench_target_v1 target =
      BENCH_TARGET_V1_THREADED("count", "", no_setup, no_run, no_run_thread, nullptr, 2, 4);
  target.struct_size = static_cast<std::uint32_t>(offsetof(bench_target_v1, threads));
  const TargetExpansion plain = expand_target(target);
  REQUIRE(ids_of(plain) == std::vector<std::string>{"count"});
  CHECK(!plain.calls[0].threaded);
  CHECK(plain.calls[0].threads == 1);
}

TEST_CASE("threads: run_thread runs on every thread at once, each on its own slot") {
  const PluginLibrary plugin = threaded_fixture();
  const TargetMeasurement m = measure(plugin, "fixture_threads");
  // teardown() verified that every thread ran the same iterations and that
  // all threads of each batch were inside run_thread together.
  REQUIRE_MESSAGE(m.succeeded, m.failure_phase << ": " << m.failure_message);
  CHECK(m.threads == 2);
  const double* distinct = number_metric(m, "distinct_threads");
  REQUIRE(distinct != nullptr);
  CHECK(*distinct == 2.0);
  // The fixture's manual-timing call from run_thread was ignored and noted.
  CHECK(std::any_of(m.plugin_log.begin(), m.plugin_log.end(), [](const std::string& line) {
    return line.find("from run_thread() were ignored") != std::string::npos;
  }));
  for (const Sample& s : m.samples) CHECK(s.cpu_ns >= 0);
}

TEST_CASE("threads: CPU time grows with the thread count for fixed per-thread work") {
  // CPU time against CPU time: the per-thread work is fixed, so a batch on
  // 4 threads costs about 4 times the CPU of a batch on 1, however loaded
  // the machine is (load stretches wall time, not CPU time).
  const PluginLibrary plugin = threaded_fixture();
  const TargetMeasurement one = measure(plugin, "fixture_thread_range_t1");
  const TargetMeasurement four = measure(plugin, "fixture_thread_range_t4");
  REQUIRE(one.succeeded);
  REQUIRE(four.succeeded);
  CHECK(one.threads == 1);
  CHECK(four.threads == 4);
  const double cpu_one = cpu_ns_per_operation(one);
  const double cpu_four = cpu_ns_per_operation(four);
  REQUIRE(cpu_one > 0);
  CHECK(cpu_four >= 0.5 * 4 * cpu_one);
  // Each sample's CPU time covers every thread's share: at least half of
  // threads x the work one thread's CPU time shows.
  for (const Sample& s : four.samples)
    CHECK(s.cpu_ns >= 0.5 * 4 * cpu_one * static_cast<double>(s.iterations));
}

TEST_CASE("threads: a failing thread fails the target with its index and message") {
  const PluginLibrary plugin = threaded_fixture();
  const TargetMeasurement m = measure(plugin, "fixture_thread_fails");
  CHECK_FALSE(m.succeeded);
  CHECK(m.failure_phase == "run");
  CHECK(m.failure_message.find("thread 1 of 2") != std::string::npos);
  CHECK(m.failure_message.find("thread one gives up") != std::string::npos);
}

TEST_CASE("counters: per-iteration averages are exact, rates are per second of run()") {
  const PluginLibrary plugin = threaded_fixture();
  const TargetMeasurement m = measure(plugin, "fixture_threads");
  REQUIRE(m.succeeded);
  // 3 units per operation on every thread, over every run() call: exactly 3.
  const double* per_op = number_metric(m, "work_units_per_op");
  REQUIRE(per_op != nullptr);
  CHECK(*per_op == doctest::Approx(3.0).epsilon(1e-12));
  const double* rate = number_metric(m, "work_units_per_second");
  REQUIRE(rate != nullptr);
  CHECK(*rate > 0);
  CHECK(number_metric(m, "work_units") == nullptr);  // only the flagged forms
}

TEST_CASE("a plugin built against the 1.3 header runs on the 1.4 host") {
  // Its target and services tables end before 1.4's fields: one thread, and
  // the manual timing it uses still replaces the host's clock exactly.
  PluginLibrary plugin(std::string(COSTOPS_FIXTURE_DIR) +
                       "/abi_1_3/manual_timing_plugin_abi_1_3.so");
  REQUIRE(plugin.usable());
  CHECK(plugin.descriptor().abi_minor == 3);
  const TargetMeasurement m = measure(plugin, "fixture_manual_time");
  REQUIRE_MESSAGE(m.succeeded, m.failure_phase << ": " << m.failure_message);
  CHECK(m.threads == 1);
  for (const Sample& s : m.samples) CHECK(s.ns_per_operation() == 1000.0);
}

TEST_CASE("threads and counters through the C++ helper; product families keep valid ids") {
  PluginLibrary plugin(std::string(COSTOPS_FIXTURE_DIR) + "/cpp_threads/cpp_threads_plugin.so");
  REQUIRE(plugin.usable());
  const PluginProbe probe = inspect_descriptor(&plugin.descriptor(), "");
  REQUIRE(probe.status == TargetStatus::ok);
  std::vector<std::string> ids;
  for (const TargetDescription& t : probe.targets) ids.push_back(t.id);
  CHECK(ids == std::vector<std::string>{"cpp_grid_2_16", "cpp_grid_2_1024", "cpp_grid_8_16",
                                        "cpp_grid_8_1024", "cpp_threads_t1", "cpp_threads_t2"});
  CHECK(probe.targets[1].family == "cpp_grid_2");  // the fit runs over the width
  CHECK(probe.targets[1].argument == 1024);

  const TargetMeasurement grid = measure(plugin, "cpp_grid_8_1024");
  REQUIRE_MESSAGE(grid.succeeded, grid.failure_phase << ": " << grid.failure_message);
  CHECK(*number_metric(grid, "rows") == 8.0);
  CHECK(*number_metric(grid, "width") == 1024.0);
  const double* cells = number_metric(grid, "cells_per_op");
  REQUIRE(cells != nullptr);
  CHECK(*cells == doctest::Approx(8.0 * 1024).epsilon(1e-12));

  const TargetMeasurement two = measure(plugin, "cpp_threads_t2");
  REQUIRE_MESSAGE(two.succeeded, two.failure_phase << ": " << two.failure_message);
  CHECK(two.threads == 2);
  CHECK(*number_metric(two, "slots") == 2.0);
}
