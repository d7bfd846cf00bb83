// Families (ABI 1.1): one target declared once with a list or range of
// arguments, which the host expands into one target per argument
// ("myhash" with 64 and 1024 -> "myhash_64", "myhash_1024"), and, for a
// threaded target (1.4) with a range of thread counts, one per count
// ("mycount_t1", "mycount_t2"; "myhash_64_t2" for both). Reads the 1.1
// fields of bench_target_v1 with the min(struct_size) rule, so a 1.0 target
// is a plain target. Runs where plugin code is loaded (it reads plugin memory).
#pragma once

#include <costops/bench_target_v1.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace costops::host {

// One runnable target as setup() will see it: a plain target, or one member
// of a family with its argument.
struct TargetCall {
  const bench_target_v1* target = nullptr;
  std::string id;                   // the expanded id, e.g. "myhash_1024"
  std::string family;               // the family's id; "" for a plain target
  std::int64_t argument = 0;        // 0 for a plain target
  std::string complexity_variable;  // "n" by default; "" for a plain target
  const void* user_data = nullptr;  // bench_target_v1.user_data (1.1)
  // Threads run_thread() runs on (1.4); 1 for an unthreaded target, whose
  // run() the host calls on its own thread.
  std::uint32_t threads = 1;
  bool threaded = false;  // run_thread() rather than run()
};

// A plain call for `target` (argument 0), as a 1.0 host would make it.
TargetCall plain_call(const bench_target_v1& target);

// Google Benchmark's Range rule: `first`, every power of `multiplier`
// strictly between first and last, then `last`. 8..1024 by 8 -> 8 64 512 1024.
std::vector<std::int64_t> range_arguments(std::int64_t first, std::int64_t last,
                                          std::uint32_t multiplier);

// Google Benchmark's ThreadRange rule: `first`, doubled while below
// `last`, then `last`. 1..8 -> 1 2 4 8; 2..6 -> 2 4 6.
std::vector<std::uint32_t> thread_counts(std::uint32_t first, std::uint32_t last);

// Expands `target` (already known to be non-NULL with a sane struct_size).
// A plain target gives one call with its own id. `error` says what is wrong
// with a bad declaration (both a list and a range, a negative argument, ...)
// and then `calls` is empty. Member ids are not validated here.
struct TargetExpansion {
  std::vector<TargetCall> calls;
  std::string error;
};
TargetExpansion expand_target(const bench_target_v1& target);

// The call with the (expanded) id `id` in a descriptor already accepted by
// inspect_descriptor, or nullopt.
std::optional<TargetCall> find_target_call(const bench_plugin_v1& plugin, std::string_view id);

}  // namespace costops::host
