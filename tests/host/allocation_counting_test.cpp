// Allocations counted by the host's malloc interposer: exact per operation
// for every way a plugin allocates, zero for a target that does not, leaks
// as bytes still live after teardown, CPU time beside wall time. This test
// binary links the interposer as cost-ops (--isolation none) does.
#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "costops/host/worker/allocation_counting.hpp"
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
  settings.min_samples = 3;
  settings.target_sample_seconds = 0.0002;
  return settings;
}

struct AllocatingPlugin {
  AllocatingPlugin()
      : plugin(std::string(COSTOPS_FIXTURE_DIR) + "/allocating/allocating_plugin.so") {
    REQUIRE(plugin.usable());
  }
  TargetMeasurement measure(const std::string& id) const {
    const auto call = find_target_call(plugin.descriptor(), id);
    REQUIRE(call.has_value());
    TargetMeasurement m = measure_target(*call, quick_settings());
    REQUIRE_MESSAGE(m.succeeded, m.failure_message);
    return m;
  }
  PluginLibrary plugin;
};

bool counting_available() {
  return allocation_counting_unavailable().empty();
}

}  // namespace

TEST_CASE("allocations: k blocks of s bytes per operation are counted exactly") {
  const AllocatingPlugin fixture;
  for (const int k : {1, 3, 8}) {
    CAPTURE(k);
    const TargetMeasurement m = fixture.measure("fixture_alloc_blocks_" + std::to_string(k));
    if (!counting_available()) {
      CHECK(m.allocations.unavailable.find("AddressSanitizer") != std::string::npos);
      continue;
    }
    const AllocationCounts& a = m.allocations;
    REQUIRE(a.counted());
    CHECK(a.iterations == std::min<std::uint64_t>(m.batch_iterations, 100000));
    CHECK(a.allocations == a.iterations * k);
    CHECK(a.frees == a.iterations * k);
    CHECK(a.bytes_allocated == a.iterations * k * 100);
    CHECK(a.per_operation(a.bytes_allocated) == doctest::Approx(100.0 * k));
    CHECK(a.peak_live_bytes == 100u * k);  // all k live at once, freed before the next operation
    CHECK(a.live_bytes_after_teardown == 0);
  }
}

TEST_CASE("allocations: calloc, realloc, posix_memalign, aligned_alloc and operator new count") {
  if (!counting_available()) return;
  const AllocatingPlugin fixture;
  const AllocationCounts variants = fixture.measure("fixture_alloc_variants").allocations;
  REQUIRE(variants.counted());
  // calloc, realloc (one free and one allocation), posix_memalign, aligned_alloc.
  CHECK(variants.allocations == 4 * variants.iterations);
  CHECK(variants.frees == 4 * variants.iterations);
  CHECK(variants.bytes_allocated == (100 + 200 + 64 + 128) * variants.iterations);
  CHECK(variants.live_bytes_after_teardown == 0);

  const AllocationCounts cxx = fixture.measure("fixture_alloc_cxx").allocations;
  REQUIRE(cxx.counted());
  // new char[48], the over-aligned new (operator new(size, align_val_t)), the vector.
  CHECK(cxx.allocations == 3 * cxx.iterations);
  CHECK(cxx.frees == 3 * cxx.iterations);
  CHECK(cxx.bytes_allocated == (48 + 128 + 40) * cxx.iterations);
  CHECK(cxx.live_bytes_after_teardown == 0);
}

TEST_CASE("allocations: a target that does not allocate counts zero, its state is not a leak") {
  const AllocatingPlugin fixture;
  const TargetMeasurement m = fixture.measure("fixture_alloc_none");
  if (!counting_available()) return;
  REQUIRE(m.allocations.counted());
  CHECK(m.allocations.allocations == 0);
  CHECK(m.allocations.bytes_allocated == 0);
  CHECK(m.allocations.peak_live_bytes == 0);
  // teardown() freed the state setup() made: not counted, not negative.
  CHECK(m.allocations.live_bytes_after_teardown == 0);
}

TEST_CASE("allocations: a leak is the bytes still live after teardown, per operation") {
  // Under AddressSanitizer the leak would only upset LeakSanitizer.
  if (!counting_available()) return;
  const AllocatingPlugin fixture;
  const AllocationCounts a = fixture.measure("fixture_alloc_leaks").allocations;
  REQUIRE(a.counted());
  CHECK(a.live_bytes_after_teardown == 64 * a.iterations);
  CHECK(a.per_operation(a.live_bytes_after_teardown) == doctest::Approx(64.0));
}

TEST_CASE("the counting window: only between start and finish, every thread, frees followed") {
  if (!counting_available()) {
    CHECK(finish_allocation_counting(10).unavailable.find("AddressSanitizer") != std::string::npos);
    return;
  }
  void* before = std::malloc(32);  // allocated before the window: a free is not a leak fix
  start_allocation_counting();
  void* counted = std::malloc(1000);
  bench_do_not_optimize(counted);
  std::free(before);
  std::thread other([] {
    for (int i = 0; i < 100; ++i) {
      void* p = std::malloc(10);
      bench_do_not_optimize(p);
      std::free(p);
    }
  });
  other.join();
  {
    const HostAllocations host_work;  // the host's copies are not the plugin's
    auto* text = new std::string(200, 'x');
    bench_do_not_optimize(text);
    delete text;
  }
  pause_allocation_counting();
  void* uncounted = std::malloc(5000);
  bench_do_not_optimize(uncounted);
  const AllocationCounts a = finish_allocation_counting(1);
  std::free(counted);
  std::free(uncounted);
  REQUIRE(a.counted());
  // 1000 bytes once, 10 bytes 100 times on the other thread, and whatever
  // starting a thread allocates; the uncounted 5000 and the host's string
  // are not in.
  CHECK(a.allocations >= 101);
  CHECK(a.bytes_allocated >= 2000);
  CHECK(a.bytes_allocated < 5000);
  CHECK(a.frees >= 101);  // `before` too: a free while counting is a free
  CHECK(a.live_bytes_after_teardown >= 1000);
  CHECK(a.peak_live_bytes >= 1000);
}

TEST_CASE("CPU time: every sample carries the process CPU time of its batch") {
  const AllocatingPlugin fixture;
  const TargetMeasurement m = fixture.measure("fixture_alloc_none");
  REQUIRE_FALSE(m.samples.empty());
  for (const Sample& s : m.samples) CHECK(s.cpu_ns >= 0);
  // A single-threaded target cannot use more CPU than wall time (plus the
  // clock's granularity); it may use much less on a loaded machine.
  const double cpu = cpu_ns_per_operation(m);
  CHECK(cpu >= 0);
  double total_cpu = 0, total_wall = 0;
  for (const Sample& s : m.samples) total_cpu += s.cpu_ns, total_wall += s.elapsed_ns;
  CHECK(total_cpu <= total_wall * 1.1 + 50000.0 * static_cast<double>(m.samples.size()));
}
