// The names in results.json (schemas/results.schema.json), spelled once for
// the writer (results_file.cpp) and every reader of the file.
#pragma once

#include <string_view>

namespace costops::host::results_key {

// Top level.
inline constexpr std::string_view schema_version = "schema_version";
inline constexpr std::string_view host_version = "host_version";
inline constexpr std::string_view timestamp = "timestamp";
inline constexpr std::string_view command_line = "command_line";
inline constexpr std::string_view settings = "settings";
inline constexpr std::string_view environment = "environment";
inline constexpr std::string_view plugins = "plugins";
inline constexpr std::string_view targets = "targets";
inline constexpr std::string_view summary = "summary";
inline constexpr std::string_view families = "families";
inline constexpr std::string_view source = "source";  // {commit, branch, dirty}
// The SHA-256 (hex) of each raw/ record the run wrote, by file name: signed
// with results.json, so `aggregate` takes from raw/ only what the run wrote.
inline constexpr std::string_view raw_record_digests = "raw_record_digests";
// The run's comparison with its baseline (--baseline or the A/B side), when
// there was one: comparison_json_object plus "baseline" and "baseline_results".
inline constexpr std::string_view comparison = "comparison";
inline constexpr std::string_view comparison_baseline = "baseline";
inline constexpr std::string_view comparison_baseline_results = "baseline_results";
inline constexpr std::string_view comparison_method = "method";

// One entry of "targets" (also "plugins" share path/name/version/status/reason).
inline constexpr std::string_view target_id = "target_id";
inline constexpr std::string_view description = "description";
inline constexpr std::string_view status = "status";
inline constexpr std::string_view reason = "reason";
inline constexpr std::string_view plugin = "plugin";
inline constexpr std::string_view metrics = "metrics";
inline constexpr std::string_view statistics = "statistics";
inline constexpr std::string_view measurement = "measurement";
inline constexpr std::string_view samples = "samples";
inline constexpr std::string_view warnings = "warnings";
inline constexpr std::string_view plugin_log = "plugin_log";
inline constexpr std::string_view plugin_output = "plugin_output";
// The flags the target declares: ["uses_threads", "does_io"] (target_flags.hpp).
inline constexpr std::string_view flags = "flags";
inline constexpr std::string_view family = "family";  // {name, argument, variable} or null
// true when the one sample is a summary value (`cost-ops import`); absent otherwise
inline constexpr std::string_view summary_only = "summary_only";

// "plugin" and each entry of "plugins".
inline constexpr std::string_view path = "path";
inline constexpr std::string_view name = "name";
inline constexpr std::string_view version = "version";
inline constexpr std::string_view build_info = "build_info";
inline constexpr std::string_view abi_version = "abi_version";
inline constexpr std::string_view plugin_targets = "targets";

// "measurement".
inline constexpr std::string_view instructions_per_operation = "instructions_per_operation";
// "measurement.allocations" (and, but for frees, "metrics"): counted by the
// host's malloc interposer in one untimed pass (docs/plugin-authors.md).
inline constexpr std::string_view allocations = "allocations";
inline constexpr std::string_view allocations_per_op = "allocations_per_op";
inline constexpr std::string_view frees_per_op = "frees_per_op";
inline constexpr std::string_view bytes_allocated_per_op = "bytes_allocated_per_op";
inline constexpr std::string_view peak_live_bytes = "peak_live_bytes";
inline constexpr std::string_view leaked_bytes_per_op = "leaked_bytes_per_op";

// "statistics": median process CPU time per operation (all the worker's
// threads) beside the wall-clock figures; null when not measured.
inline constexpr std::string_view cpu_time_per_op_ns = "cpu_time_per_op_ns";
// "statistics": rates from median_ns (metrics' operations_per_second,
// throughput_mb_per_sec and items_per_second are from total time); the
// last two only when the target declares bytes or items per operation.
inline constexpr std::string_view operations_per_second_median = "operations_per_second_median";
inline constexpr std::string_view throughput_mb_per_sec_median = "throughput_mb_per_sec_median";
inline constexpr std::string_view items_per_second_median = "items_per_second_median";

// "metrics" of a threaded target (ABI 1.4), present when threads > 1:
// run_thread() ran on `threads` threads at once; operations_per_second is
// then the aggregate, threads x operations_per_second_per_thread.
inline constexpr std::string_view threads = "threads";
inline constexpr std::string_view operations_per_second_per_thread =
    "operations_per_second_per_thread";

// "samples": parallel arrays, one element per timed batch.
inline constexpr std::string_view sample_iterations = "iterations";
inline constexpr std::string_view sample_elapsed_ns = "elapsed_ns";
inline constexpr std::string_view sample_repetition = "repetition";
inline constexpr std::string_view sample_process = "process";
inline constexpr std::string_view sample_cpu_ns = "cpu_ns";  // null: not measured

// "settings" entries readers use.
inline constexpr std::string_view settings_rounds = "rounds";
inline constexpr std::string_view settings_repetitions = "repetitions";
// The id shared by the two results.json of one A/B invocation: compare pairs
// their rounds when both carry the same one.
inline constexpr std::string_view settings_ab_pairing = "ab_pairing";

// "summary".
inline constexpr std::string_view total_benchmarks = "total_benchmarks";
inline constexpr std::string_view total_iterations = "total_iterations";
inline constexpr std::string_view total_duration_ms = "total_duration_ms";
inline constexpr std::string_view fastest_benchmark = "fastest_benchmark";
inline constexpr std::string_view slowest_benchmark = "slowest_benchmark";
inline constexpr std::string_view status_counts = "status_counts";

}  // namespace costops::host::results_key
