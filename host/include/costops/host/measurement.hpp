// What measuring one target produces, and the settings it takes: plain data
// shared by the worker that measures (worker/target_measurement.hpp) and the
// parent that merges rounds, checks and writes the results.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace costops::host {

struct MeasurementSettings {
  double warmup_seconds = 0.1;
  double min_time_seconds = 0.5;  // per repetition
  std::uint32_t min_samples = 10;
  std::uint32_t repetitions = 1;
  // One batch is calibrated to last about this long: far above the clock's
  // cost (~25 ns), short enough to give many samples.
  double target_sample_seconds = 0.002;
  std::uint32_t max_samples = 100000;
  // > 0: skip calibration and use this batch size (later --rounds reuse the
  // first round's, so every sample of a target has the same batch size).
  std::uint64_t fixed_batch_iterations = 0;
  // > 0: --measure instructions. The worker runs under callgrind and counts
  // the instructions of one run(state, N) call with N this (after an
  // uncounted run(state, 1)), instead of timing samples.
  std::uint64_t instruction_iterations = 0;
};

struct Sample {
  std::uint64_t iterations = 0;
  double elapsed_ns = 0;
  std::uint32_t repetition = 0;
  // The worker process the sample was measured in (0 for everything one
  // worker measures; merge_round numbers later rounds' processes). Unlike
  // repetitions, processes are independent of each other.
  std::uint32_t process = 0;
  // CPU time the worker process (all its threads) spent during the batch;
  // < 0 when not measured (a message from an older worker).
  double cpu_ns = -1;
  double ns_per_operation() const {
    return iterations ? elapsed_ns / static_cast<double>(iterations) : 0;
  }
};

using MetricValue = std::variant<double, std::string>;

// Hardware performance counters over the timed sample batches (the worker's
// thread, user space only). Either counted, for `iterations` operations, or
// `unavailable` says why not (no PMU, not permitted, ...).
struct HardwareCounts {
  std::string unavailable;
  std::uint64_t iterations = 0;
  std::uint64_t instructions = 0;
  std::uint64_t cycles = 0;
  std::uint64_t branch_misses = 0;

  bool counted() const { return unavailable.empty() && iterations > 0; }
};

// Heap allocations of the target, counted by the host's malloc interposer
// (worker/allocation_counting.hpp) during one untimed run(state, iterations)
// after the timed samples; the live blocks it made are followed through
// reset() and teardown(). Either counted, or `unavailable` says why not.
struct AllocationCounts {
  std::string unavailable;
  std::uint64_t iterations = 0;       // of the counted run() call(s)
  std::uint64_t allocations = 0;      // malloc, calloc, realloc, aligned, operator new
  std::uint64_t frees = 0;            // free, realloc of a block, operator delete
  std::uint64_t bytes_allocated = 0;  // bytes requested by those allocations
  // Highest sum of bytes requested by blocks the counted run() allocated and
  // had not freed yet (the heap the operation needs on top of its state).
  std::uint64_t peak_live_bytes = 0;
  // Bytes of blocks allocated by the counted run() still live after
  // teardown(): what the target never gives back.
  std::uint64_t live_bytes_after_teardown = 0;

  bool counted() const { return unavailable.empty() && iterations > 0; }
  double per_operation(std::uint64_t count) const {
    return iterations ? static_cast<double>(count) / static_cast<double>(iterations) : 0;
  }
};

struct TargetMeasurement {
  bool succeeded = false;
  std::string failure_phase;  // "setup", "run" or "teardown" when !succeeded
  std::string failure_message;
  std::int32_t failure_status = 0;

  std::vector<Sample> samples;
  std::uint64_t batch_iterations = 0;
  std::uint64_t warmup_iterations = 0;
  double warmup_ns = 0;
  double clock_overhead_ns = 0;  // median cost of one steady_clock::now() pair
  double empty_batch_ns = 0;     // median time of a timed run(state, 0)

  std::uint64_t bytes_per_operation = 0;  // 0 = not declared
  std::uint64_t items_per_operation = 0;
  std::vector<std::pair<std::string, MetricValue>> plugin_metrics;  // in report order
  std::vector<std::string> plugin_log;
  std::uint64_t peak_rss_bytes = 0;  // 0 = unknown
  // Instructions per operation counted by callgrind in run() only (0 = not
  // counted): deterministic, unlike times. Set by the host from callgrind's
  // output, not by the worker.
  double instructions_per_operation = 0;
  // Between just before setup and just after teardown: what the target did
  // not give back (open descriptors; heap bytes in use, which unlike resident
  // memory excludes what the allocator caches). Negative values mean it
  // released more than it took.
  std::int64_t leaked_file_descriptors = 0;
  std::int64_t heap_growth_bytes = 0;
  HardwareCounts hardware;
  AllocationCounts allocations;
  // Threads run_thread() ran on at once (ABI 1.4); 1 for an unthreaded
  // target. Each sample's `iterations` ran on every thread, so its time per
  // operation is one thread's and the target did threads x iterations
  // operations: the aggregate throughput is threads x the per-thread one.
  std::uint32_t threads = 1;
};

// Sums over every sample of a measurement.
struct MeasurementTotals {
  std::uint64_t iterations = 0;
  double nanoseconds = 0;
};
MeasurementTotals totals_of(const TargetMeasurement& measurement);

// The empty-batch time spread over one batch's iterations: what the harness
// adds to each operation (reported, never subtracted).
double overhead_per_iteration(const TargetMeasurement& measurement);

// Median over the samples of the process CPU time per operation (all the
// worker's threads, so a target running k busy threads shows about k times
// its wall time); < 0 when no sample carries a CPU time.
double cpu_ns_per_operation(const TargetMeasurement& measurement);

// Number of distinct repetitions (highest repetition index + 1).
std::uint32_t repetition_count(const TargetMeasurement& measurement);

// Number of distinct processes (highest process index + 1).
std::uint32_t process_count(const TargetMeasurement& measurement);

// Adds a later round's measurement of the same target (made with the first
// round's batch size) to `merged`: its samples, relabelled as repetitions
// after the ones already there and as the next process, and the worst of its resource figures.
void merge_round(TargetMeasurement& merged, TargetMeasurement&& round);

}  // namespace costops::host
