#include "costops/host/worker/target_family.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "costops/host/plugin_probe.hpp"

namespace costops::host {

namespace {

constexpr std::uint32_t kMaxFamilyArguments = 1024;
constexpr std::size_t kMaxVariableLength = 32;

// The complexity variable: like an id, shorter; NULL means "n".
std::optional<std::string> complexity_variable_of(const bench_target_v1& target) {
  if (!BENCH_TARGET_V1_HAS_FIELD(&target, bench_target_v1, complexity_variable) ||
      target.complexity_variable == nullptr)
    return std::string("n");
  const std::string name(target.complexity_variable,
                         strnlen(target.complexity_variable, kMaxVariableLength + 1));
  if (name.size() > kMaxVariableLength || !is_valid_target_id(name)) return std::nullopt;
  return name;
}

// The arguments a family declares, or an error message.
std::vector<std::int64_t> declared_arguments(const bench_target_v1& t, std::string& error) {
  const bool is_list = t.argument_count != 0;
  const bool is_range = t.range_multiplier != 0;
  if (is_list && is_range) {
    error = "declares both a list of arguments and a range; keep one";
    return {};
  }
  if (is_list) {
    if (t.arguments == nullptr) {
      error = "argument_count is " + std::to_string(t.argument_count) + " but arguments is NULL";
      return {};
    }
    if (t.argument_count > kMaxFamilyArguments) {
      error = "argument_count " + std::to_string(t.argument_count) + " is above " +
              std::to_string(kMaxFamilyArguments);
      return {};
    }
    return {t.arguments, t.arguments + t.argument_count};
  }
  if (t.range_multiplier < 2 || t.range_first < 0 || t.range_last < t.range_first) {
    error = "range " + std::to_string(t.range_first) + ".." + std::to_string(t.range_last) +
            " by " + std::to_string(t.range_multiplier) +
            " is not a range: it needs 0 <= range_first <= range_last and range_multiplier >= 2";
    return {};
  }
  return range_arguments(t.range_first, t.range_last, t.range_multiplier);
}

constexpr std::uint32_t kMaxThreads = 256;

// The thread counts a threaded target declares ({1} for an unthreaded one),
// or an error message.
std::vector<std::uint32_t> declared_threads(const bench_target_v1& t, std::string& error) {
  if (!BENCH_TARGET_V1_HAS_FIELD(&t, bench_target_v1, run_thread)) return {1};
  if (t.run_thread == nullptr) {
    if (t.threads > 1 || t.threads_last != 0) error = "declares threads but no run_thread function";
    return {1};
  }
  const std::uint32_t first = std::max<std::uint32_t>(t.threads, 1);
  const std::uint32_t last = t.threads_last == 0 ? first : t.threads_last;
  if (last < first || last > kMaxThreads) {
    error = "threads " + std::to_string(first) + ".." + std::to_string(last) +
            " is not a range of 1.." + std::to_string(kMaxThreads) + " threads";
    return {};
  }
  return thread_counts(first, last);
}

// One call per thread count; a range of counts gets "_t<count>" ids.
void add_thread_counts(const bench_target_v1& target, TargetCall call,
                       const std::vector<std::uint32_t>& counts, TargetExpansion& out) {
  const bool threaded = BENCH_TARGET_V1_HAS_FIELD(&target, bench_target_v1, run_thread) &&
                        target.run_thread != nullptr;
  for (const std::uint32_t threads : counts) {
    TargetCall member = call;
    member.threads = threads;
    member.threaded = threaded;
    if (counts.size() > 1) {
      member.id += "_t" + std::to_string(threads);
      // Each thread count is its own family over the arguments: the
      // complexity fit compares one count's members only.
      if (!member.family.empty()) member.family += "_t" + std::to_string(threads);
    }
    out.calls.push_back(std::move(member));
  }
}

}  // namespace

std::vector<std::uint32_t> thread_counts(std::uint32_t first, std::uint32_t last) {
  std::vector<std::uint32_t> counts;
  for (std::uint64_t n = std::max<std::uint32_t>(first, 1); n < last; n *= 2)
    counts.push_back(static_cast<std::uint32_t>(n));
  counts.push_back(std::max<std::uint32_t>(last, 1));
  return counts;
}

TargetCall plain_call(const bench_target_v1& target) {
  TargetCall call;
  call.target = &target;
  call.id = target.id ? std::string(target.id, strnlen(target.id, 65)) : std::string();
  if (BENCH_TARGET_V1_HAS_FIELD(&target, bench_target_v1, user_data))
    call.user_data = target.user_data;
  return call;
}

std::vector<std::int64_t> range_arguments(std::int64_t first, std::int64_t last,
                                          std::uint32_t multiplier) {
  std::vector<std::int64_t> arguments{first};
  const auto limit = std::numeric_limits<std::int64_t>::max() / multiplier;
  for (std::int64_t power = 1; power < last; power *= multiplier) {
    if (power > first) arguments.push_back(power);
    if (power > limit) break;
  }
  if (last != first) arguments.push_back(last);
  return arguments;
}

TargetExpansion expand_target(const bench_target_v1& target) {
  TargetExpansion out;
  const TargetCall plain = plain_call(target);
  const std::vector<std::uint32_t> counts = declared_threads(target, out.error);
  if (!out.error.empty()) return out;
  if (!bench_target_is_family(&target)) {
    if (BENCH_TARGET_V1_HAS_FIELD(&target, bench_target_v1, complexity_variable) &&
        target.complexity_variable != nullptr)
      out.error = "declares a complexity_variable but no arguments; give it a list or a range";
    else
      add_thread_counts(target, plain, counts, out);
    return out;
  }
  const std::vector<std::int64_t> arguments = declared_arguments(target, out.error);
  const std::optional<std::string> variable = complexity_variable_of(target);
  if (out.error.empty() && !variable)
    out.error = "complexity_variable must be 1-32 characters of [a-z0-9_] starting with a letter";
  for (std::int64_t argument : arguments) {
    if (!out.error.empty()) break;
    if (argument < 0) {
      out.error = "argument " + std::to_string(argument) + " is negative; arguments are >= 0";
      break;
    }
    TargetCall call = plain;
    call.family = plain.id;
    call.id = plain.id + "_" + std::to_string(argument);
    call.argument = argument;
    call.complexity_variable = *variable;
    add_thread_counts(target, std::move(call), counts, out);
  }
  if (!out.error.empty()) out.calls.clear();
  return out;
}

std::optional<TargetCall> find_target_call(const bench_plugin_v1& plugin, std::string_view id) {
  for (std::uint32_t i = 0; i < plugin.target_count; ++i) {
    const bench_target_v1* target = plugin.get_target(i);
    if (target == nullptr) continue;
    for (TargetCall& call : expand_target(*target).calls)
      if (call.id == id) return std::move(call);
  }
  return std::nullopt;
}

}  // namespace costops::host
