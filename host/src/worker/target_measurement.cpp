#include "costops/host/worker/target_measurement.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "costops/host/sample_stats.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/worker/allocation_counting.hpp"
#include "costops/host/worker/hardware_counters.hpp"
#include "costops/host/worker/instruction_count.hpp"
#include "costops/host/worker/peak_memory.hpp"
#include "costops/host/worker/thread_team.hpp"

namespace costops::host {

namespace {

using Clock = std::chrono::steady_clock;

double nanoseconds_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::nano>(end - start).count();
}

// CPU time of the whole process: the worker's thread plus any threads run()
// starts (they are joined before it returns, so their time is in).
double process_cpu_ns() {
  timespec now{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) return -1;
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// What the plugin's manual timing services (1.3) did during one run() call.
struct ManualTiming {
  bool reported = false;  // add_manual_time_ns was called
  double reported_ns = 0;
  bool paused = false;
  Clock::time_point paused_at;
  double paused_ns = 0;
  std::uint64_t implausible_batches = 0;  // reported more than the wall clock saw

  void begin_run() {
    reported = paused = false;
    reported_ns = paused_ns = 0;
  }
  // The sample's time from the wall-clock time of the run() call that
  // ended at `end`: the plugin's own time when it reported any, else the
  // wall time without the paused spans.
  double end_run(double wall_ns, Clock::time_point end) {
    if (paused) paused_ns += nanoseconds_between(paused_at, end);
    paused = false;
    if (!reported) return std::max(0.0, wall_ns - paused_ns);
    // A little slack: the plugin's clock and the host's are read at
    // different moments around the same work.
    if (reported_ns > wall_ns * 1.01 + 1000) ++implausible_batches;
    return reported_ns;
  }
};

// The host side of bench_host_services_v1. Every callback catches
// everything: nothing may unwind into plugin frames.
class HostServices {
 public:
  HostServices(TargetMeasurement& out, const TargetCall& call) : out_(out) {
    table_.struct_size = sizeof(bench_host_services_v1);
    table_.abi_minor = BENCH_TARGET_V1_ABI_MINOR;
    table_.host_context = this;
    table_.set_bytes_per_operation = &set_bytes;
    table_.set_items_per_operation = &set_items;
    table_.report_metric_number = &report_number;
    table_.report_metric_string = &report_string;
    table_.log = &log;
    table_.argument = call.argument;  // 1.1: which target setup() sets up
    table_.user_data = call.user_data;
    table_.target_id = call.id.c_str();
    table_.add_manual_time_ns = &add_manual_time;  // 1.3: manual timing
    table_.pause_timing = &pause;
    table_.resume_timing = &resume;
    table_.threads = call.threads;  // 1.4: threaded targets and counters
    table_.report_counter = &report_counter;
  }
  const bench_host_services_v1* table() const { return &table_; }
  ManualTiming& timing() { return timing_; }

  // While run_thread() runs on several threads, every service call is
  // ignored (the header's rule: none from run_thread) and counted, so no
  // two threads ever touch the services' state at once.
  void set_threaded_run(bool active) { threaded_run_.store(active, std::memory_order_relaxed); }

  // Turns the counters (1.4) into metrics once every run() call is over:
  // `operations` and `run_ns` are the totals of all run() calls.
  void finish_counters(std::uint64_t operations, double run_ns) {
    if (const std::uint64_t n = ignored_calls_.load(); n > 0)
      note("warning: (host) " + std::to_string(n) +
           " host service call(s) from run_thread() were ignored: report from setup(), reset() "
           "or teardown()");
    for (auto& [key, counter] : counters_) {
      const auto& [value, flags] = counter;
      if (flags == BENCH_COUNTER_RATE && run_ns > 0)
        put(key, value / (run_ns / 1e9));
      else if (flags == BENCH_COUNTER_AVG_ITERATIONS && operations > 0)
        put(key, value / static_cast<double>(operations));
      else if (flags == 0)
        put(key, value);
    }
  }

 private:
  static HostServices& self(void* context) { return *static_cast<HostServices*>(context); }
  // True (and the call counted) when the call comes from run_thread().
  static bool ignored(void* context) {
    HostServices& host = self(context);
    if (!host.threaded_run_.load(std::memory_order_relaxed)) return false;
    host.ignored_calls_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  static void BENCH_TARGET_V1_CALL report_counter(void* context, const char* key, double value,
                                                  std::uint32_t flags) {
    if (ignored(context)) return;
    const HostAllocations host_allocations;
    try {
      auto& host = self(context);
      if (key == nullptr) return host.note("report_counter called with a NULL key");
      const std::string name = plugin_text(key, kMaxKeyBytes + 1);
      if (!std::isfinite(value))
        return host.note("counter " + name + " is not finite and was dropped");
      if (flags != 0 && flags != BENCH_COUNTER_RATE && flags != BENCH_COUNTER_AVG_ITERATIONS)
        return host.note("counter " + name + " has flags " + std::to_string(flags) +
                         " (one of BENCH_COUNTER_RATE, BENCH_COUNTER_AVG_ITERATIONS or 0); "
                         "dropped");
      if (const std::string problem = metric_key_problem(name); !problem.empty())
        return host.note("counter key \"" + name + "\" " + problem + "; dropped");
      // Keyed by the reported name: one key may be both a rate and an average.
      const std::string reported = flags == BENCH_COUNTER_RATE             ? name + "_per_second"
                                   : flags == BENCH_COUNTER_AVG_ITERATIONS ? name + "_per_op"
                                                                           : name;
      if (host.counters_.size() >= kMaxMetrics && !host.counters_.contains(reported)) return;
      host.counters_[reported] = {value, flags};
    } catch (...) {
    }
  }
  static void BENCH_TARGET_V1_CALL add_manual_time(void* context, std::uint64_t nanoseconds) {
    if (ignored(context)) return;
    ManualTiming& timing = self(context).timing_;
    timing.reported = true;
    timing.reported_ns += static_cast<double>(nanoseconds);
  }
  static void BENCH_TARGET_V1_CALL pause(void* context) {
    if (ignored(context)) return;
    ManualTiming& timing = self(context).timing_;
    if (timing.paused) return;
    timing.paused = true;
    timing.paused_at = Clock::now();
  }
  static void BENCH_TARGET_V1_CALL resume(void* context) {
    if (ignored(context)) return;
    const auto now = Clock::now();
    ManualTiming& timing = self(context).timing_;
    if (!timing.paused) return;
    timing.paused = false;
    timing.paused_ns += nanoseconds_between(timing.paused_at, now);
  }
  static void BENCH_TARGET_V1_CALL set_bytes(void* context, std::uint64_t bytes) {
    if (ignored(context)) return;
    self(context).out_.bytes_per_operation = bytes;
  }
  static void BENCH_TARGET_V1_CALL set_items(void* context, std::uint64_t items) {
    if (ignored(context)) return;
    self(context).out_.items_per_operation = items;
  }
  static void BENCH_TARGET_V1_CALL report_number(void* context, const char* key, double value) {
    if (ignored(context)) return;
    const HostAllocations host_allocations;  // the host's copies are not the plugin's
    try {
      auto& host = self(context);
      if (key == nullptr) return host.note("report_metric_number called with a NULL key");
      if (!std::isfinite(value))
        return host.note("metric " + plugin_text(key, kMaxKeyBytes) +
                         " is not finite and was dropped");
      host.put(plugin_text(key, kMaxKeyBytes + 1), value);
    } catch (...) {
    }
  }
  static void BENCH_TARGET_V1_CALL report_string(void* context, const char* key,
                                                 const char* value) {
    if (ignored(context)) return;
    const HostAllocations host_allocations;
    try {
      auto& host = self(context);
      if (key == nullptr || value == nullptr)
        return host.note("report_metric_string called with a NULL key or value");
      host.put(plugin_text(key, kMaxKeyBytes + 1), plugin_text(value, kMaxValueBytes));
    } catch (...) {
    }
  }
  static void BENCH_TARGET_V1_CALL log(void* context, bench_log_level level, const char* message) {
    if (ignored(context)) return;
    const HostAllocations host_allocations;
    try {
      static constexpr std::array<std::string_view, 4> names = {"debug", "info", "warning",
                                                                "error"};
      const std::string_view name =
          level >= 0 && level < 4 ? names[static_cast<std::size_t>(level)] : "info";
      self(context).note(std::string(name) + ": " + plugin_text(message, kMaxLogLineBytes));
    } catch (...) {
    }
  }

  // Plugin strings have no declared capacity: read at most a bounded prefix.
  static std::string plugin_text(const char* text, std::size_t max_bytes) {
    return text_from_plugin(text, max_bytes, max_bytes);
  }

  void note(std::string line) {
    if (out_.plugin_log.size() < kMaxLogLines) out_.plugin_log.push_back(std::move(line));
  }
  // Keys are checked against the documented rule; a refused one is dropped
  // with a note, and the target is still measured. Linear: an index by key.
  void put(std::string key, MetricValue value) {
    if (const std::string problem = metric_key_problem(key); !problem.empty())
      return note("metric key \"" + key + "\" " + problem + "; dropped");
    if (const auto it = index_.find(key); it != index_.end()) {
      out_.plugin_metrics[it->second].second = std::move(value);
      return;
    }
    const std::size_t bytes = key.size() + (std::holds_alternative<std::string>(value)
                                                ? std::get<std::string>(value).size()
                                                : sizeof(double));
    if (index_.size() >= kMaxMetrics || metric_bytes_ + bytes > kMaxMetricBytes) {
      if (!cap_noted_)
        note("more than " + std::to_string(kMaxMetrics) + " metrics or " +
             std::to_string(kMaxMetricBytes >> 10) + " KiB of them; the rest were dropped");
      cap_noted_ = true;
      return;
    }
    metric_bytes_ += bytes;
    index_.emplace(key, out_.plugin_metrics.size());
    out_.plugin_metrics.emplace_back(std::move(key), std::move(value));
  }

  // Far above what any target reports, small enough that one target cannot
  // make results.json huge.
  static constexpr std::size_t kMaxMetrics = 10000;
  static constexpr std::size_t kMaxMetricBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMaxKeyBytes = 64;
  static constexpr std::size_t kMaxValueBytes = 4096;
  static constexpr std::size_t kMaxLogLineBytes = 4096;
  static constexpr std::size_t kMaxLogLines = 1000;

  TargetMeasurement& out_;
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t metric_bytes_ = 0;
  bool cap_noted_ = false;
  ManualTiming timing_;
  std::atomic<bool> threaded_run_{false};
  std::atomic<std::uint64_t> ignored_calls_{0};
  // Reported key ("<key>_per_second", ...) -> (value, BENCH_COUNTER_*
  // flags); the last report wins.
  std::map<std::string, std::pair<double, std::uint32_t>, std::less<>> counters_;
  bench_host_services_v1 table_{};
};

class TargetDriver {
 public:
  TargetDriver(const TargetCall& call, TargetMeasurement& out, HostServices& services)
      : target_(*call.target),
        out_(out),
        services_(services),
        timing_(services.timing()),
        threaded_(call.threaded),
        threads_(call.threaded ? std::max<std::uint32_t>(call.threads, 1) : 1) {
    out_.threads = threads_;
  }

  bool fail(const char* phase, bench_status status) {
    out_.succeeded = false;
    out_.failure_phase = phase;
    out_.failure_status = status;
    out_.failure_message = error_[0]
                               ? text_from_plugin(error_.data(), error_.size(), error_.size())
                               : "returned status " + std::to_string(status) + " without a message";
    // A status outside the enum (often 1 meant as "true"): say what the
    // ABI's codes are, since the plugin's author likely did not know.
    if (status > 0 || status < BENCH_STATUS_VERIFICATION_FAILED)
      out_.failure_message += " (status " + std::to_string(status) +
                              " is no bench_status: 0 is success, errors are -1 to -4)";
    return false;
  }

  // An exception escaping a plugin breaks the ABI (it works between g++
  // builds with unwind tables, aborts otherwise); when it arrives, it is
  // reported as the plugin's failure rather than taking the worker down.
  bool escaped(const char* phase, const char* what) {
    std::snprintf(error_.data(), error_.size(),
                  "the plugin let a C++ exception escape from %s() (%s); plugins must return a "
                  "status code instead (ABI rule: no exceptions across the boundary)",
                  phase, what);
    return fail(phase, BENCH_STATUS_ERROR);
  }

  bool setup(const bench_host_services_v1* services) {
    if (!untimed_call("setup", [&] {
          return target_.setup(services, &state_, error_.data(), error_.size());
        }))
      return false;
    has_state_ = true;
    // The helper threads start now, outside every timed and counted call.
    if (threaded_ && !team_) {
      team_ = std::make_unique<ThreadTeam>(threads_);
      thread_results_.resize(threads_);
    }
    return true;
  }

  // Operations and sample time of every run() call so far (counters, 1.4).
  std::uint64_t run_operations() const { return run_operations_; }
  double run_ns() const { return run_ns_; }

  // Whether a timed run also reads the process CPU time (a sample's cpu/op).
  // Only samples need it: it is a system call on each side, which the empty
  // batches, warm-up and calibration of every target would pay 200 times.
  enum class CpuTime { skip, read };

  // Times one run(state, iterations); returns elapsed ns, or < 0 on failure.
  // The process CPU time is read outside the wall-clock pair, so its cost
  // (a system call) does not show in the elapsed time.
  double timed_run(std::uint64_t iterations, CpuTime cpu_time = CpuTime::skip) {
    const bool read_cpu = cpu_time == CpuTime::read;
    const double elapsed =
        threaded_ ? threaded_run(iterations, read_cpu) : single_run(iterations, read_cpu);
    if (elapsed >= 0) {
      run_operations_ += iterations * threads_;
      run_ns_ += elapsed;
    }
    return elapsed;
  }

  double single_run(std::uint64_t iterations, bool read_cpu) {
    bench_status status;
    Clock::time_point start, end;
    double cpu_start = -1, cpu_end = -1;
    // A fresh buffer, before the clock starts: a run() that fails without a
    // message must not be reported with text setup() or an earlier run()
    // left behind (the buffer is only read after an error).
    error_[0] = '\0';
    try {
      timing_.begin_run();
      if (read_cpu) cpu_start = process_cpu_ns();
      start = Clock::now();
      status = target_.run(state_, iterations, error_.data(), error_.size());
      end = Clock::now();
      if (read_cpu) cpu_end = process_cpu_ns();
    } catch (const std::exception& e) {
      escaped("run", e.what());
      return -1;
    } catch (...) {
      escaped("run", "not a std::exception");
      return -1;
    }
    if (status != BENCH_STATUS_OK) {
      fail("run", status);
      return -1;
    }
    last_cpu_ns_ = cpu_start >= 0 && cpu_end >= cpu_start ? cpu_end - cpu_start : -1;
    return timing_.end_run(nanoseconds_between(start, end), end);
  }
  // run_thread(state, i, iterations) on every thread of the team (1.4),
  // timed from the start barrier's release to the last thread's end. The
  // process CPU time covers every thread. Manual timing is not offered to
  // run_thread (the services ignore calls during the batch).
  double threaded_run(std::uint64_t iterations, bool read_cpu) {
    batch_iterations_ = iterations;
    for (ThreadResult& r : thread_results_) {
      r.status = BENCH_STATUS_OK;
      r.error[0] = '\0';
      r.escaped = nullptr;
    }
    timing_.begin_run();
    services_.set_threaded_run(true);
    const double cpu_start = read_cpu ? process_cpu_ns() : -1;
    const ThreadTeam::Batch batch = team_->run(&run_one_thread, this);
    const double cpu_end = read_cpu ? process_cpu_ns() : -1;
    services_.set_threaded_run(false);
    for (std::uint32_t i = 0; i < threads_; ++i) {
      const ThreadResult& r = thread_results_[i];
      if (r.escaped != nullptr) {
        escaped("run", r.escaped);
        return -1;
      }
      if (r.status != BENCH_STATUS_OK) {
        std::snprintf(error_.data(), error_.size(), "thread %u of %u: %s", i, threads_,
                      r.error[0]
                          ? text_from_plugin(r.error.data(), r.error.size(), r.error.size()).c_str()
                          : "no message");
        fail("run", r.status);
        return -1;
      }
    }
    last_cpu_ns_ = cpu_start >= 0 && cpu_end >= cpu_start ? cpu_end - cpu_start : -1;
    return timing_.end_run(nanoseconds_between(batch.start, batch.end), batch.end);
  }

  // The process CPU time of the last successful timed_run; < 0 if unknown.
  double last_cpu_ns() const { return last_cpu_ns_; }

  // reset(state) (1.2), untimed; true when the target has none. Read only
  // when the plugin's struct_size covers the field: a 1.0 or 1.1 target's
  // struct ends before it.
  bool reset() {
    if (!BENCH_TARGET_V1_HAS_FIELD(&target_, bench_target_v1, reset) || target_.reset == nullptr)
      return true;
    return untimed_call("reset",
                        [&] { return target_.reset(state_, error_.data(), error_.size()); });
  }

  // One timed batch, then the untimed reset, so the next batch starts from
  // the same state; elapsed ns of run() alone, or < 0 on failure.
  double timed_batch(std::uint64_t iterations) {
    const double elapsed = timed_run(iterations);
    if (elapsed < 0 || iterations == 0) return elapsed;
    return reset() ? elapsed : -1;
  }

  bool teardown() {
    if (!has_state_) return true;
    has_state_ = false;
    if (target_.teardown == nullptr) return true;
    return untimed_call("teardown",
                        [&] { return target_.teardown(state_, error_.data(), error_.size()); });
  }

 private:
  // Calls setup, reset or teardown with a fresh message buffer; false (and
  // the failure recorded) on an error status or an escaping exception.
  template <class Call>
  bool untimed_call(const char* phase, Call&& call) {
    error_[0] = '\0';
    bench_status status;
    try {
      status = call();
    } catch (const std::exception& e) {
      return escaped(phase, e.what());
    } catch (...) {
      return escaped(phase, "not a std::exception");
    }
    if (status != BENCH_STATUS_OK) return fail(phase, status);
    return true;
  }

  // One thread's outcome of a threaded batch: its own message buffer, as
  // the header promises (preallocated: a batch allocates nothing).
  struct ThreadResult {
    bench_status status = BENCH_STATUS_OK;
    const char* escaped = nullptr;  // an exception escaped run_thread
    std::array<char, 1024> error{};
  };
  static void run_one_thread(void* context, std::uint32_t index) {
    auto& self = *static_cast<TargetDriver*>(context);
    ThreadResult& r = self.thread_results_[index];
    try {
      r.status = self.target_.run_thread(self.state_, index, self.batch_iterations_, r.error.data(),
                                         r.error.size());
    } catch (...) {
      r.escaped = "an exception";
    }
  }

  const bench_target_v1& target_;
  TargetMeasurement& out_;
  HostServices& services_;
  ManualTiming& timing_;
  const bool threaded_;
  const std::uint32_t threads_;
  std::unique_ptr<ThreadTeam> team_;
  std::vector<ThreadResult> thread_results_;
  std::uint64_t batch_iterations_ = 0;
  std::uint64_t run_operations_ = 0;
  double run_ns_ = 0;
  void* state_ = nullptr;
  bool has_state_ = false;
  double last_cpu_ns_ = -1;
  std::array<char, 4096> error_{};
};

double measure_clock_overhead() {
  std::vector<double> pairs(201);
  for (double& pair : pairs) {
    const auto a = Clock::now();
    const auto b = Clock::now();
    pair = nanoseconds_between(a, b);
  }
  return median_of(std::move(pairs));
}

// Iterations per batch so that one batch lasts about `target_ns`.
std::uint64_t batch_size_for(double ns_per_operation, double target_ns) {
  if (ns_per_operation <= 0) return 1;
  const double wanted = std::ceil(target_ns / ns_per_operation);
  return static_cast<std::uint64_t>(std::clamp(wanted, 1.0, 1e12));
}

// The hardware counters count the timed batches only, switched just outside
// the clock reads.
bool run_samples(TargetDriver& driver, const MeasurementSettings& settings,
                 std::uint32_t repetition, HardwareCounters& counters, TargetMeasurement& out) {
  const double min_time_ns = settings.min_time_seconds * 1e9;
  const auto start = Clock::now();
  std::uint32_t taken = 0;
  while (taken < settings.max_samples) {
    counters.start();  // around run() only, not the reset after it
    const double elapsed = driver.timed_run(out.batch_iterations, TargetDriver::CpuTime::read);
    counters.stop();
    if (elapsed >= 0 && !driver.reset()) return false;
    if (elapsed < 0) return false;
    out.samples.push_back({out.batch_iterations, elapsed, repetition, 0, driver.last_cpu_ns()});
    ++taken;
    if (taken >= settings.min_samples && nanoseconds_between(start, Clock::now()) >= min_time_ns)
      break;
  }
  return true;
}

// --measure instructions: one uncounted run(state, 1) (lazy symbol binding
// and first-call paths), then one run(state, N) with callgrind collecting.
// The host reads the count from callgrind's output; the one sample keeps the
// rest of the pipeline working (its time, under Valgrind, means nothing).
bool count_instructions(TargetDriver& driver, const MeasurementSettings& settings,
                        TargetMeasurement& out) {
  if (!running_under_valgrind()) {
    out.failure_phase = "run";
    out.failure_message = "--measure instructions: the worker is not running under valgrind";
    return false;
  }
  if (driver.timed_batch(1) < 0) return false;
  start_counting_instructions();
  const double elapsed = driver.timed_run(settings.instruction_iterations);
  stop_counting_instructions();  // before reset(): it is not the operation's work
  if (elapsed < 0 || !driver.reset()) return false;
  out.batch_iterations = settings.instruction_iterations;
  out.samples.push_back({settings.instruction_iterations, elapsed, 0});
  return true;
}

}  // namespace

TargetMeasurement measure_target(const bench_target_v1& target,
                                 const MeasurementSettings& settings) {
  return measure_target(plain_call(target), settings);
}

namespace {

// Empty batches: the fixed cost of one timed call (clock pair + indirect
// call + the plugin's own entry). Reported, never subtracted silently.
bool measure_empty_batches(TargetDriver& driver, TargetMeasurement& out) {
  std::vector<double> empty(101);
  for (double& e : empty)
    if ((e = driver.timed_run(0)) < 0) return false;
  out.empty_batch_ns = median_of(std::move(empty));
  return true;
}

// Warm-up: double the batch until the warm-up time is spent. Returns the
// last batch's time per operation (the first estimate), or -1 on failure.
double warm_up(TargetDriver& driver, const MeasurementSettings& settings, double target_ns,
               TargetMeasurement& out) {
  const auto warmup_start = Clock::now();
  std::uint64_t batch = 1;
  double ns_per_operation = 0;
  do {
    const double elapsed = driver.timed_batch(batch);
    if (elapsed < 0) return -1;
    out.warmup_iterations += batch;
    ns_per_operation = elapsed / static_cast<double>(batch);
    if (elapsed < target_ns)
      batch = std::min(batch * 2, batch_size_for(ns_per_operation, target_ns));
  } while (nanoseconds_between(warmup_start, Clock::now()) < settings.warmup_seconds * 1e9);
  out.warmup_ns = nanoseconds_between(warmup_start, Clock::now());
  return ns_per_operation;
}

// Calibrate: one batch at the estimated size, then fix the size for all
// samples of all repetitions (comparable samples share one batch size). A
// later round reuses the size the first round calibrated.
bool calibrate(TargetDriver& driver, const MeasurementSettings& settings, double ns_per_operation,
               double target_ns, TargetMeasurement& out) {
  if (settings.fixed_batch_iterations > 0) {
    out.batch_iterations = settings.fixed_batch_iterations;
    return true;
  }
  const std::uint64_t batch = batch_size_for(ns_per_operation, target_ns);
  const double calibration = driver.timed_batch(batch);
  if (calibration < 0) return false;
  out.batch_iterations = batch_size_for(calibration / static_cast<double>(batch), target_ns);
  return true;
}

// Everything between setup and teardown; false when a plugin call failed.
bool measure_between_setup_and_teardown(TargetDriver& driver, const MeasurementSettings& settings,
                                        TargetMeasurement& out) {
  if (!measure_empty_batches(driver, out)) return false;
  const double target_ns = std::max(settings.target_sample_seconds * 1e9,
                                    1000 * std::max(out.clock_overhead_ns, out.empty_batch_ns));
  const double ns_per_operation = warm_up(driver, settings, target_ns, out);
  if (ns_per_operation < 0 || !calibrate(driver, settings, ns_per_operation, target_ns, out))
    return false;
  HardwareCounters counters;
  for (std::uint32_t repetition = 0; repetition < std::max(1u, settings.repetitions); ++repetition)
    if (!run_samples(driver, settings, repetition, counters, out)) return false;
  out.hardware = counters.totals(totals_of(out).iterations);
  return true;
}

// After the timed samples, so they pay nothing: one untimed run(state, n)
// with every allocation counted, then reset() and teardown() with the
// blocks that run made still followed, so what is live after teardown is
// exactly what the target never frees (independent of how many iterations
// the samples ran). n is the calibrated batch size, capped so the blocks
// of a leaking target fit the counter's table. False when a call failed.
bool count_allocations_through_teardown(TargetDriver& driver, TargetMeasurement& out) {
  if (std::string why = allocation_counting_unavailable(); !why.empty()) {
    out.allocations.unavailable = std::move(why);
    return driver.teardown();
  }
  constexpr std::uint64_t kMaxCountedIterations = 100000;
  const std::uint64_t iterations =
      std::clamp<std::uint64_t>(out.batch_iterations, 1, kMaxCountedIterations);
  start_allocation_counting();
  const bool ran = driver.timed_run(iterations) >= 0;
  pause_allocation_counting();
  const bool reset = ran && driver.reset();
  const bool torn_down = driver.teardown();
  // A threaded batch does `iterations` on every thread.
  AllocationCounts counts = finish_allocation_counting(iterations * out.threads);
  if (!ran || !reset || !torn_down) return false;
  out.allocations = std::move(counts);
  return true;
}

}  // namespace

TargetMeasurement measure_target(const TargetCall& call, const MeasurementSettings& settings) {
  TargetMeasurement out;
  HostServices services(out, call);
  TargetDriver driver(call, out, services);
  out.clock_overhead_ns = measure_clock_overhead();
  reset_peak_rss();
  const std::int64_t fds_before = count_open_file_descriptors();
  const auto heap_before = static_cast<std::int64_t>(heap_in_use_bytes());
  if (!driver.setup(services.table())) return out;
  if (settings.instruction_iterations > 0) {
    out.allocations.unavailable = "not counted with --measure instructions";
    const bool counted = count_instructions(driver, settings, out);
    out.succeeded = driver.teardown() && counted;
    services.finish_counters(driver.run_operations(), driver.run_ns());
    return out;
  }
  if (!measure_between_setup_and_teardown(driver, settings, out)) {
    driver.teardown();  // the failure already recorded is the one reported
    return out;
  }
  if (!count_allocations_through_teardown(driver, out)) return out;
  // Over every run() call, the counted one included: the plugin's totals
  // cover the same calls.
  services.finish_counters(driver.run_operations(), driver.run_ns());
  out.peak_rss_bytes = read_peak_rss_bytes();
  out.leaked_file_descriptors = count_open_file_descriptors() - fds_before;
  out.heap_growth_bytes = static_cast<std::int64_t>(heap_in_use_bytes()) - heap_before;
  if (const std::uint64_t n = services.timing().implausible_batches; n > 0)
    out.plugin_log.push_back("warning: (host) in " + std::to_string(n) +
                             " batch(es) the time reported with add_manual_time_ns exceeded the "
                             "wall-clock time of run(): check the plugin's clock and that it "
                             "reports nanoseconds");
  out.succeeded = true;
  return out;
}

struct TargetSession::Parts {
  explicit Parts(const TargetCall& call) : services(record, call), driver(call, record, services) {}
  TargetMeasurement record;
  HostServices services;
  TargetDriver driver;
  bool counters_finished = false;
};

TargetSession::TargetSession(const TargetCall& call) : parts_(std::make_unique<Parts>(call)) {}

TargetSession::~TargetSession() {
  parts_->driver.teardown();
}

bool TargetSession::setup() {
  return parts_->driver.setup(parts_->services.table());
}

double TargetSession::timed_batch(std::uint64_t iterations) {
  return parts_->driver.timed_batch(iterations);
}

bool TargetSession::teardown() {
  const bool torn_down = parts_->driver.teardown();
  // Counters (1.4) arrive from reset() or teardown(): once teardown is over,
  // turn them into metrics over this session's run() totals, as
  // measure_target does, so the paired path reports them too.
  if (!parts_->counters_finished) {
    parts_->counters_finished = true;
    parts_->services.finish_counters(parts_->driver.run_operations(), parts_->driver.run_ns());
  }
  return torn_down;
}

const TargetMeasurement& TargetSession::record() const {
  return parts_->record;
}

}  // namespace costops::host
