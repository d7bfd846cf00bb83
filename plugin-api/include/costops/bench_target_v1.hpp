// bench_target_v1.hpp — optional C++17 helper for writing bench_target_v1
// plugins. It adds nothing to the ABI: it turns C++ classes into the C
// tables of bench_target_v1.h and stops exceptions at the boundary.
//
//   using namespace costops::bench;
//   class SumValues {                                  // one object per target run
//    public:
//     SumValues(Host& host, std::int64_t n)             // setup, untimed; or SumValues(Host&)
//         : values_(static_cast<std::size_t>(n), 1) { host.set_items_per_operation(n); }
//     void run(std::uint64_t iterations) {              // timed
//       for (std::uint64_t i = 0; i < iterations; ++i) {
//         clobber_memory();
//         sum_ = std::accumulate(values_.begin(), values_.end(), std::int64_t{0});
//         do_not_optimize(sum_);
//       }
//     }
//     void reset() {}                                   // optional (ABI 1.2): untimed, after
//                                                       // every batch; restore the state
//     void teardown() {                                 // optional: verify
//       if (sum_ != static_cast<std::int64_t>(values_.size())) throw VerificationError("bad sum");
//     }
//    private:
//     std::vector<std::int64_t> values_;
//     std::int64_t sum_ = 0;
//   };
//   constexpr std::int64_t kSizes[] = {1000, 10000, 100000};
//   const bench_target_v1 kTargets[] = {
//       make_family<SumValues>("sum_values", "sum n values", kSizes, "values"),  //
//       sum_values_1000...
//   };
//   COSTOPS_BENCH_PLUGIN("my-plugin", "1.0.0", kTargets)
//
// Lifetimes: the helper keeps the Host your constructor receives inside the
// same allocation as your object, so a `Host&` member stays valid exactly as
// long as the object (setup to teardown). Host is also a cheap handle you may
// copy.
//
// Errors: throw VerificationError when the code under test computed a wrong
// answer (the target fails as "verification failed"), Unsupported from the
// constructor when the target cannot run on this machine (the target is
// skipped), anything else for other failures (its what() is the reason).
#ifndef COSTOPS_BENCH_TARGET_V1_HPP
#define COSTOPS_BENCH_TARGET_V1_HPP

// C++17 or later (MSVC reports it in _MSVC_LANG). Said in one line, before
// the dozens of errors an older -std= would give; a C++11 or C++14 plugin
// includes bench_target_v1.h alone, which needs no helper.
#if !(__cplusplus >= 201703L || (defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error \
    "bench_target_v1.hpp needs C++17 or later (-std=c++17); with C++11 or C++14 include <costops/bench_target_v1.h> alone"
#elif (defined(__GNUC__) && !defined(__cpp_exceptions)) || \
    (defined(_MSC_VER) && !defined(_CPPUNWIND))
// Errors travel as exceptions inside the helper (VerificationError,
// Unsupported), caught at the boundary: without exceptions it cannot work.
#error \
    "bench_target_v1.hpp needs C++ exceptions (it reports errors with VerificationError and Unsupported); with -fno-exceptions include <costops/bench_target_v1.h> alone"
#else  // the helper, C++17 and later, with exceptions

#include <costops/bench_target_v1.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace costops::bench {

/// Thrown by a target when the code it measures produced a wrong result.
class VerificationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown from a target's constructor when it cannot run here (a missing
/// resource, an unsupported CPU): the target ends as `skipped`, not failed.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Copies `message` into a caller buffer, truncating, always NUL-terminated.
inline void write_message(char* buffer, std::uint64_t capacity, const char* message) noexcept {
  bench_write_message(buffer, capacity, message);
}

/// The host services for one target: a cheap handle, valid from setup until
/// teardown returns (the host keeps the table alive that long).
class Host {
 public:
  explicit Host(const bench_host_services_v1* services) noexcept : services_(services) {}

  /// Work of one operation in bytes: the host reports MB/s.
  void set_bytes_per_operation(std::uint64_t bytes) const noexcept {
    if (has(offsetof(bench_host_services_v1, set_bytes_per_operation)) &&
        services_->set_bytes_per_operation)
      services_->set_bytes_per_operation(services_->host_context, bytes);
  }
  /// Work of one operation in items (records, rows): the host reports items/s.
  void set_items_per_operation(std::uint64_t items) const noexcept {
    if (has(offsetof(bench_host_services_v1, set_items_per_operation)) &&
        services_->set_items_per_operation)
      services_->set_items_per_operation(services_->host_context, items);
  }
  /// A numeric metric: lowercase snake_case key, finite value.
  void report(const char* key, double value) const noexcept {
    if (has(offsetof(bench_host_services_v1, report_metric_number)) &&
        services_->report_metric_number)
      services_->report_metric_number(services_->host_context, key, value);
  }
  /// A string metric.
  void report(const char* key, const char* value) const noexcept {
    if (has(offsetof(bench_host_services_v1, report_metric_string)) &&
        services_->report_metric_string)
      services_->report_metric_string(services_->host_context, key, value);
  }
  /// A line in the host's log (--verbose).
  void log(bench_log_level level, const char* message) const noexcept {
    if (has(offsetof(bench_host_services_v1, log)) && services_->log)
      services_->log(services_->host_context, level, message);
  }
  /// The family member's argument (1.1); 0 for a plain target or a 1.0 host.
  std::int64_t argument() const noexcept { return bench_host_argument(services_); }
  /// The target's user_data (1.1); nullptr when absent.
  const void* user_data() const noexcept { return bench_host_user_data(services_); }
  /// The expanded id being set up, e.g. "sum_values_1000" (1.1); "" when absent.
  const char* target_id() const noexcept {
    return BENCH_TARGET_V1_HAS_FIELD(services_, bench_host_services_v1, target_id) &&
                   services_->target_id
               ? services_->target_id
               : "";
  }
  /// (1.3) Adds time the plugin measured itself to the current run() call;
  /// the sample's time is then the sum reported (bench_host_add_manual_time_ns).
  /// False on an older host, which times run() with its own clock.
  bool add_manual_time_ns(std::uint64_t nanoseconds) const noexcept {
    return bench_host_add_manual_time_ns(services_, nanoseconds) != 0;
  }
  /// (1.3) Stops and restarts the host's clock inside run() around work that
  /// is not the operation (two clock reads per pair; see the C header).
  bool pause_timing() const noexcept { return bench_host_pause_timing(services_) != 0; }
  bool resume_timing() const noexcept { return bench_host_resume_timing(services_) != 0; }
  /// (1.4) Threads run_thread() runs on for this target (1 when unthreaded or
  /// on an older host): size per-thread state with it in the constructor.
  std::uint32_t threads() const noexcept { return bench_host_threads(services_); }
  /// (1.4) A counter: a total accumulated over every run()/run_thread()
  /// call, turned by the host into "<key>_per_second" (kCounterRate) or
  /// "<key>_per_op" (kCounterAvgIterations), or kept as is (0). Report it
  /// from reset() or teardown(), never from run_thread(). False on an older
  /// host (nothing reported).
  bool report_counter(const char* key, double value, std::uint32_t flags) const noexcept {
    return bench_host_report_counter(services_, key, value, flags) != 0;
  }

 private:
  // A function exists only if the host's table is large enough to hold it.
  bool has(std::size_t offset) const noexcept {
    return services_ != nullptr && services_->struct_size >= offset + sizeof(void*);
  }
  const bench_host_services_v1* services_;
};

/// Counter flags of Host::report_counter (Google Benchmark's Counter::kIsRate
/// and Counter::kAvgIterations).
inline constexpr std::uint32_t kCounterRate = BENCH_COUNTER_RATE;
inline constexpr std::uint32_t kCounterAvgIterations = BENCH_COUNTER_AVG_ITERATIONS;

/// (1.3) Pauses the host's clock for its lifetime, inside run():
///   { costops::bench::UntimedScope untimed(host); refill(buffer); }
class UntimedScope {
 public:
  explicit UntimedScope(const Host& host) noexcept : host_(host) { host_.pause_timing(); }
  ~UntimedScope() { host_.resume_timing(); }
  UntimedScope(const UntimedScope&) = delete;
  UntimedScope& operator=(const UntimedScope&) = delete;

 private:
  const Host& host_;
};

/// Keeps the compiler from deleting the computation that produced `value`:
/// it must assume the value is read. Takes anything: lvalues, const values,
/// temporaries (Google Benchmark's DoNotOptimize, without its code).
template <class T>
inline void do_not_optimize(const T& value) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __asm__ __volatile__("" : : "m"(value) : "memory");
#else
  bench_do_not_optimize(const_cast<void*>(static_cast<const void*>(std::addressof(value))));
#endif
}
/// For a non-const lvalue: the value is also assumed to be modified, so
/// later reads cannot reuse what the compiler knew about it.
template <class T>
inline void do_not_optimize(T& value) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __asm__ __volatile__("" : "+m"(value) : : "memory");
#else
  bench_do_not_optimize(static_cast<void*>(std::addressof(value)));
#endif
}
/// All pending writes reach memory; every value may have changed.
inline void clobber_memory() noexcept {
  bench_clobber_memory();
}

namespace detail {

template <class T, class = void>
struct has_teardown : std::false_type {};
template <class T>
struct has_teardown<T, std::void_t<decltype(std::declval<T&>().teardown())> > : std::true_type {};
template <class T, class = void>
struct has_run : std::false_type {};
template <class T>
struct has_run<T, std::void_t<decltype(std::declval<T&>().run(std::uint64_t{}))> >
    : std::true_type {};
template <class T, class = void>
struct has_run_thread : std::false_type {};
template <class T>
struct has_run_thread<
    T, std::void_t<decltype(std::declval<T&>().run_thread(std::uint32_t{}, std::uint64_t{}))> >
    : std::true_type {};
template <class T, class = void>
struct has_reset : std::false_type {};
template <class T>
struct has_reset<T, std::void_t<decltype(std::declval<T&>().reset())> > : std::true_type {};

// Runs `body`, turning every exception into a status code and a message.
template <class Body>
bench_status guarded(char* error, std::uint64_t capacity, Body&& body) noexcept {
  try {
    body();
    return BENCH_STATUS_OK;
  } catch (const VerificationError& e) {
    write_message(error, capacity, e.what());
    return BENCH_STATUS_VERIFICATION_FAILED;
  } catch (const Unsupported& e) {
    write_message(error, capacity, e.what());
    return BENCH_STATUS_UNSUPPORTED;
  } catch (const std::exception& e) {
    write_message(error, capacity, e.what());
    return BENCH_STATUS_ERROR;
  } catch (...) {
    write_message(error, capacity, "unknown C++ exception");
    return BENCH_STATUS_ERROR;
  }
}

// The per-target state: the Host first, then the user's object built with a
// reference to it. One allocation, one lifetime: a stored Host& cannot dangle.
template <class T>
struct Instance {
  explicit Instance(const bench_host_services_v1* services) : host(services), target(make()) {}
  Host host;
  T target;

 private:
  T make() {
    // A product family member (make_product_family): the first parameter
    // arrives through user_data, the second as the argument.
    if constexpr (std::is_constructible_v<T, Host&, std::int64_t, std::int64_t>)
      return T(host, host.user_data() ? *static_cast<const std::int64_t*>(host.user_data()) : 0,
               host.argument());
    else if constexpr (std::is_constructible_v<T, Host&, std::int64_t>)
      return T(host, host.argument());
    else
      return T(host);
  }
};

template <class T>
struct TargetAdapter {
  static_assert(std::is_constructible_v<T, Host&, std::int64_t, std::int64_t> ||
                    std::is_constructible_v<T, Host&, std::int64_t> ||
                    std::is_constructible_v<T, Host&>,
                "a target class needs a constructor T(Host&) or T(Host&, std::int64_t argument)");
  static_assert(has_run<T>::value || has_run_thread<T>::value,
                "a target class needs run(std::uint64_t iterations) or (1.4) "
                "run_thread(std::uint32_t thread_index, std::uint64_t iterations)");

  static bench_status BENCH_TARGET_V1_CALL setup(const bench_host_services_v1* services,
                                                 void** state, char* error,
                                                 std::uint64_t capacity) noexcept {
    return guarded(error, capacity, [&] { *state = new Instance<T>(services); });
  }
  static bench_status BENCH_TARGET_V1_CALL run(void* state, std::uint64_t iterations, char* error,
                                               std::uint64_t capacity) noexcept {
    return guarded(error, capacity, [&] {
      // Without run(), an older host's one-thread run is thread 0's work.
      if constexpr (has_run<T>::value)
        static_cast<Instance<T>*>(state)->target.run(iterations);
      else
        static_cast<Instance<T>*>(state)->target.run_thread(0, iterations);
    });
  }
  // (1.4) On `threads` threads at once: only the thread's own slot of the
  // object may be written (see the C header's rules).
  static bench_status BENCH_TARGET_V1_CALL run_thread(void* state, std::uint32_t thread_index,
                                                      std::uint64_t iterations, char* error,
                                                      std::uint64_t capacity) noexcept {
    return guarded(error, capacity, [&] {
      static_cast<Instance<T>*>(state)->target.run_thread(thread_index, iterations);
    });
  }
  static bench_status BENCH_TARGET_V1_CALL reset(void* state, char* error,
                                                 std::uint64_t capacity) noexcept {
    return guarded(error, capacity, [&] { static_cast<Instance<T>*>(state)->target.reset(); });
  }
  static bench_status BENCH_TARGET_V1_CALL teardown(void* state, char* error,
                                                    std::uint64_t capacity) noexcept {
    auto* instance = static_cast<Instance<T>*>(state);
    const bench_status status = guarded(error, capacity, [&] {
      if constexpr (has_teardown<T>::value) instance->target.teardown();
    });
    const bench_status freed = guarded(error, capacity, [&] { delete instance; });
    return status != BENCH_STATUS_OK ? status : freed;
  }
};

// TargetAdapter<T>::reset when T has a reset() member, else NULL (no call).
template <class T>
constexpr auto reset_of() noexcept -> decltype(bench_target_v1::reset) {
  if constexpr (has_reset<T>::value)
    return &TargetAdapter<T>::reset;
  else
    return nullptr;
}

// TargetAdapter<T>::run_thread when T has run_thread(), else NULL.
template <class T>
constexpr auto run_thread_of() noexcept -> decltype(bench_target_v1::run_thread) {
  if constexpr (has_run_thread<T>::value)
    return &TargetAdapter<T>::run_thread;
  else
    return nullptr;
}

template <class T>
constexpr bench_target_v1 descriptor(const char* id, const char* description,
                                     bench_target_flags flags, const char* variable,
                                     const std::int64_t* arguments, std::uint32_t count,
                                     std::uint32_t multiplier, std::int64_t first,
                                     std::int64_t last) noexcept {
  return bench_target_v1{sizeof(bench_target_v1), flags, id, description, &TargetAdapter<T>::setup,
                         &TargetAdapter<T>::run, &TargetAdapter<T>::teardown, nullptr, variable,
                         arguments, count, multiplier, first, last, reset_of<T>(), nullptr,
                         // (1.4) threaded when with_threads() sets a count
                         0, 0, run_thread_of<T>(), nullptr};
}

}  // namespace detail

/// A plain target of class T (constructor T(Host&)).
template <class T>
constexpr bench_target_v1 make_target(const char* id, const char* description,
                                      bench_target_flags flags = 0) noexcept {
  return detail::descriptor<T>(id, description, flags, nullptr, nullptr, 0, 0, 0, 0);
}

/// A family of class T, one target per argument, ids "<id>_<argument>"
/// (constructor T(Host&, std::int64_t argument), or T(Host&) reading
/// host.argument()). `arguments` must be a static array; `variable` names
/// what the argument counts, for the complexity fit ("n", "records").
template <class T, std::size_t N>
constexpr bench_target_v1 make_family(const char* id, const char* description,
                                      const std::int64_t (&arguments)[N],
                                      const char* variable = "n",
                                      bench_target_flags flags = 0) noexcept {
  return detail::descriptor<T>(id, description, flags, variable, arguments,
                               static_cast<std::uint32_t>(N), 0, 0, 0);
}

/// A family over a range: `first`, every power of `multiplier` strictly
/// between, then `last` (Google Benchmark's Range): 8, 1024, 8 gives 8, 64,
/// 512, 1024.
template <class T>
constexpr bench_target_v1 make_range_family(const char* id, const char* description,
                                            std::int64_t first, std::int64_t last,
                                            std::uint32_t multiplier, const char* variable = "n",
                                            bench_target_flags flags = 0) noexcept {
  return detail::descriptor<T>(id, description, flags, variable, nullptr, 0, multiplier, first,
                               last);
}

/// (1.4) The same target run on `threads` threads at once (T needs
/// run_thread(thread_index, iterations)), or with `last` > `threads` a family
/// over thread counts: threads, doubled while below last, then last, ids
/// "<id>_t<count>" (Google Benchmark's Threads / ThreadRange):
///   with_threads(make_target<Counter>("count", "count"), 1, 8)  // _t1 _t2 _t4 _t8
constexpr bench_target_v1 with_threads(bench_target_v1 target, std::uint32_t threads,
                                       std::uint32_t last = 0) noexcept {
  target.threads = threads;
  target.threads_last = last > threads ? last : 0;
  return target;
}

/// A plugin's target list built at load time, for what a static array cannot
/// spell: product families. Keeps every id string it makes alive as long as
/// the list (a function-local static of COSTOPS_BENCH_PLUGIN_TARGETS).
class Targets {
 public:
  /// Any target from make_target, make_family, with_threads, ...
  Targets& add(const bench_target_v1& target) {
    targets_.push_back(target);
    return *this;
  }

  /// Every combination of two parameters (Google Benchmark's ArgsProduct):
  /// targets "<id>_<a>_<b>" for each a in `first` and b in `second`, set up
  /// as T(Host&, a, b). Made of one list family "<id>_<a>" per a, over the
  /// arguments `second`, so the ids stay valid family ids and the host fits
  /// the complexity over the second parameter for each a. Uses the target's
  /// user_data (for a); `first` and `second` must be static arrays.
  template <class T, std::size_t N1, std::size_t N2>
  Targets& add_product(const char* id, const char* description, const std::int64_t (&first)[N1],
                       const std::int64_t (&second)[N2], const char* variable = "n",
                       bench_target_flags flags = 0) {
    static_assert(std::is_constructible_v<T, Host&, std::int64_t, std::int64_t>,
                  "a product family's class needs a constructor T(Host&, std::int64_t a, "
                  "std::int64_t b)");
    for (const std::int64_t& a : first) {
      ids_.push_back(std::string(id) + "_" + std::to_string(a));
      bench_target_v1 target =
          detail::descriptor<T>(ids_.back().c_str(), description, flags, variable, second,
                                static_cast<std::uint32_t>(N2), 0, 0, 0);
      target.user_data = &a;
      targets_.push_back(target);
    }
    return *this;
  }

  std::size_t size() const noexcept { return targets_.size(); }
  const bench_target_v1& operator[](std::size_t i) const noexcept { return targets_[i]; }

 private:
  std::vector<bench_target_v1> targets_;
  std::deque<std::string> ids_;  // a deque: c_str() pointers survive later additions
};

}  // namespace costops::bench

/// Set by costops_add_bench_plugin to the CMake build type.
#ifndef COSTOPS_BENCH_BUILD_TYPE
#define COSTOPS_BENCH_BUILD_TYPE "unknown build type"
#endif

/// Defines the plugin descriptor and the exported entry function for a
/// static array of bench_target_v1 (BENCH_TARGET_V1_PLUGIN with a build_info
/// of compiler, build type and optimisation, e.g. "gcc 12.2.0, Release,
/// optimized"). Use once per library, at file scope.
#define COSTOPS_BENCH_PLUGIN(plugin_name, plugin_version, targets_array)             \
  BENCH_TARGET_V1_PLUGIN(plugin_name, plugin_version,                                \
                         BENCH_TARGET_V1_COMPILER ", " COSTOPS_BENCH_BUILD_TYPE      \
                                                  ", " BENCH_TARGET_V1_OPTIMIZATION, \
                         targets_array)

/// COSTOPS_BENCH_PLUGIN for a list built at load time: `make_targets` is a
/// function returning costops::bench::Targets, called once (on the first
/// call of the entry function; it must be cheap, and an exception from it
/// declines the plugin):
///   costops::bench::Targets targets() {
///     static constexpr std::int64_t kRows[] = {8, 64}, kWidth[] = {16, 1024};
///     costops::bench::Targets t;
///     t.add_product<Scan>("scan", "scan rows x width", kRows, kWidth, "width");
///     return t;  // scan_8_16, scan_8_1024, scan_64_16, scan_64_1024
///   }
///   COSTOPS_BENCH_PLUGIN_TARGETS("my-plugin", "1.0.0", targets)
#define COSTOPS_BENCH_PLUGIN_TARGETS(plugin_name, plugin_version, make_targets)                  \
  static const ::costops::bench::Targets& costops_bench_targets() {                              \
    static const ::costops::bench::Targets list = make_targets();                                \
    return list;                                                                                 \
  }                                                                                              \
  static const bench_target_v1* BENCH_TARGET_V1_CALL costops_bench_get_target(std::uint32_t i) { \
    const ::costops::bench::Targets& list = costops_bench_targets();                             \
    return i < list.size() ? &list[i] : nullptr;                                                 \
  }                                                                                              \
  BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL bench_target_v1_entry(      \
      const bench_host_info_v1* host) {                                                          \
    if (host == nullptr || host->abi_major != BENCH_TARGET_V1_ABI_MAJOR) return nullptr;         \
    try {                                                                                        \
      const ::costops::bench::Targets& list = costops_bench_targets();                           \
      for (std::size_t i = 0; i < list.size(); ++i)                                              \
        if (host->abi_minor < 1 && bench_target_is_family(&list[i])) return nullptr;             \
      static const bench_plugin_v1 plugin = {sizeof(bench_plugin_v1),                            \
                                             BENCH_TARGET_V1_ABI_MAJOR,                          \
                                             BENCH_TARGET_V1_ABI_MINOR,                          \
                                             static_cast<std::uint32_t>(list.size()),            \
                                             plugin_name,                                        \
                                             plugin_version,                                     \
                                             BENCH_TARGET_V1_COMPILER                            \
                                             ", " COSTOPS_BENCH_BUILD_TYPE                       \
                                             ", " BENCH_TARGET_V1_OPTIMIZATION,                  \
                                             costops_bench_get_target,                           \
                                             nullptr};                                           \
      return &plugin;                                                                            \
    } catch (...) {                                                                              \
      return nullptr;                                                                            \
    }                                                                                            \
  }

#endif  // C++17 and later, with exceptions
#endif  // COSTOPS_BENCH_TARGET_V1_HPP
