// bench_target_v1.hpp — optional C++17 helper for writing bench_target_v1
// plugins. It adds nothing to the ABI: it turns a C++ class into the C
// function table of bench_target_v1 and stops exceptions at the boundary.
//
//   class PriceOneRecord {
//    public:
//     explicit PriceOneRecord(costops::bench::Host& host);  // setup (untimed)
//     void run(std::uint64_t iterations);                    // timed
//     void teardown();                                       // optional: verify
//   };
//
//   static const bench_target_v1 kTargets[] = {
//       costops::bench::make_target<PriceOneRecord>("cost_calculator", "price one record"),
//   };
//   COSTOPS_BENCH_PLUGIN("costops-cost-calculator", "0.1.0", kTargets)
//
// Throw costops::bench::VerificationError when the code under test computed a
// wrong answer; any other exception becomes BENCH_STATUS_ERROR with its what().
#ifndef COSTOPS_BENCH_TARGET_V1_HPP
#define COSTOPS_BENCH_TARGET_V1_HPP

#include <costops/bench_target_v1.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace costops::bench {

/// Thrown by a target when the code it measures produced a wrong result.
class VerificationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Copies `message` into a caller buffer, truncating, always NUL-terminated.
inline void write_message(char* buffer, std::uint64_t capacity, const char* message) noexcept {
  if (buffer == nullptr || capacity == 0) return;
  const std::size_t length = message ? std::strlen(message) : 0;
  const std::size_t n = length < capacity - 1 ? length : static_cast<std::size_t>(capacity - 1);
  if (n != 0) std::memcpy(buffer, message, n);
  buffer[n] = '\0';
}

/// The host services, as a small C++ value. Cheap to copy.
class Host {
 public:
  explicit Host(const bench_host_services_v1* services) noexcept : services_(services) {}

  void set_bytes_per_operation(std::uint64_t bytes) const noexcept {
    if (has(offsetof(bench_host_services_v1, set_bytes_per_operation)) &&
        services_->set_bytes_per_operation)
      services_->set_bytes_per_operation(services_->host_context, bytes);
  }
  void set_items_per_operation(std::uint64_t items) const noexcept {
    if (has(offsetof(bench_host_services_v1, set_items_per_operation)) &&
        services_->set_items_per_operation)
      services_->set_items_per_operation(services_->host_context, items);
  }
  void report(const char* key, double value) const noexcept {
    if (has(offsetof(bench_host_services_v1, report_metric_number)) &&
        services_->report_metric_number)
      services_->report_metric_number(services_->host_context, key, value);
  }
  void report(const char* key, const char* value) const noexcept {
    if (has(offsetof(bench_host_services_v1, report_metric_string)) &&
        services_->report_metric_string)
      services_->report_metric_string(services_->host_context, key, value);
  }
  void log(bench_log_level level, const char* message) const noexcept {
    if (has(offsetof(bench_host_services_v1, log)) && services_->log)
      services_->log(services_->host_context, level, message);
  }

 private:
  // A field exists only if the host's struct is large enough to hold it.
  bool has(std::size_t offset) const noexcept {
    return services_ != nullptr && services_->struct_size >= offset + sizeof(void*);
  }
  const bench_host_services_v1* services_;
};

/// Keeps the compiler from deleting the computation that produced `value`.
template <class T>
inline void do_not_optimize(T& value) noexcept {
  bench_do_not_optimize(static_cast<void*>(std::addressof(value)));
}

namespace detail {

template <class T, class = void>
struct has_teardown : std::false_type {};
template <class T>
struct has_teardown<T, std::void_t<decltype(std::declval<T&>().teardown())>> : std::true_type {};

// Runs `body`, turning every exception into a status code and a message.
template <class Body>
bench_status guarded(char* error, std::uint64_t capacity, Body&& body) noexcept {
  try {
    body();
    return BENCH_STATUS_OK;
  } catch (const VerificationError& e) {
    write_message(error, capacity, e.what());
    return BENCH_STATUS_VERIFICATION_FAILED;
  } catch (const std::exception& e) {
    write_message(error, capacity, e.what());
    return BENCH_STATUS_ERROR;
  } catch (...) {
    write_message(error, capacity, "unknown C++ exception");
    return BENCH_STATUS_ERROR;
  }
}

template <class T>
struct TargetAdapter {
  static bench_status BENCH_TARGET_V1_CALL setup(const bench_host_services_v1* services,
                                                 void** state, char* error,
                                                 std::uint64_t capacity) noexcept {
    return guarded(error, capacity, [&] {
      Host host(services);
      *state = new T(host);
    });
  }
  static bench_status BENCH_TARGET_V1_CALL run(void* state, std::uint64_t iterations, char* error,
                                               std::uint64_t capacity) noexcept {
    return guarded(error, capacity, [&] { static_cast<T*>(state)->run(iterations); });
  }
  static bench_status BENCH_TARGET_V1_CALL teardown(void* state, char* error,
                                                    std::uint64_t capacity) noexcept {
    T* target = static_cast<T*>(state);
    const bench_status status = guarded(error, capacity, [&] {
      if constexpr (has_teardown<T>::value) target->teardown();
    });
    const bench_status freed = guarded(error, capacity, [&] { delete target; });
    return status != BENCH_STATUS_OK ? status : freed;
  }
};

}  // namespace detail

/// The C descriptor of target class T (see the example at the top).
template <class T>
constexpr bench_target_v1 make_target(const char* id, const char* description,
                                      bench_target_flags flags = 0) noexcept {
  return bench_target_v1{sizeof(bench_target_v1),
                         flags,
                         id,
                         description,
                         &detail::TargetAdapter<T>::setup,
                         &detail::TargetAdapter<T>::run,
                         &detail::TargetAdapter<T>::teardown,
                         nullptr,
                         nullptr,
                         nullptr,
                         0,
                         0,
                         0,
                         0};
}

}  // namespace costops::bench

#ifndef COSTOPS_BENCH_BUILD_TYPE
#define COSTOPS_BENCH_BUILD_TYPE "unknown build type"
#endif

#if defined(__clang__)
#define COSTOPS_BENCH_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define COSTOPS_BENCH_COMPILER "gcc " __VERSION__
#else
#define COSTOPS_BENCH_COMPILER "unknown compiler"
#endif

/// Defines the plugin descriptor and the exported entry function for a
/// static array of bench_target_v1. Use once per library, at file scope.
#define COSTOPS_BENCH_PLUGIN(plugin_name, plugin_version, targets_array)                      \
  namespace {                                                                                 \
  const bench_target_v1* BENCH_TARGET_V1_CALL costops_bench_get_target(std::uint32_t index) { \
    return index < sizeof(targets_array) / sizeof(targets_array[0]) ? &targets_array[index]   \
                                                                    : nullptr;                \
  }                                                                                           \
  const bench_plugin_v1 costops_bench_plugin_descriptor = {                                   \
      sizeof(bench_plugin_v1),                                                                \
      BENCH_TARGET_V1_ABI_MAJOR,                                                              \
      BENCH_TARGET_V1_ABI_MINOR,                                                              \
      static_cast<std::uint32_t>(sizeof(targets_array) / sizeof(targets_array[0])),           \
      plugin_name,                                                                            \
      plugin_version,                                                                         \
      COSTOPS_BENCH_COMPILER ", " COSTOPS_BENCH_BUILD_TYPE,                                   \
      &costops_bench_get_target,                                                              \
      nullptr};                                                                               \
  }                                                                                           \
  BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL bench_target_v1_entry(   \
      const bench_host_info_v1* host) {                                                       \
    if (host == nullptr || host->abi_major != BENCH_TARGET_V1_ABI_MAJOR) return nullptr;      \
    return &costops_bench_plugin_descriptor;                                                  \
  }

#endif  // COSTOPS_BENCH_TARGET_V1_HPP
