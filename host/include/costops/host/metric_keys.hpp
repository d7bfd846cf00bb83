// The metric names the host writes itself into every canonical record: a
// plugin may not report them (its value would be dropped or confuse readers).
#pragma once

#include <string_view>

namespace costops::host {

// Always present (the benchmark interface specification's list).
inline constexpr std::string_view kRequiredMetricKeys[] = {
    "operations_per_second", "avg_duration_ns",  "min_duration_ns",
    "max_duration_ns",       "p50_duration_ns",  "p95_duration_ns",
    "p99_duration_ns",       "total_iterations", "total_duration_ms"};

// Present when the target declares its work or the host measured it.
inline constexpr std::string_view kDerivedMetricKeys[] = {"bytes_per_operation",
                                                          "throughput_mb_per_sec",
                                                          "items_per_operation",
                                                          "items_per_second",
                                                          "peak_rss_bytes",
                                                          "leaked_file_descriptors",
                                                          "allocations_per_op",
                                                          "bytes_allocated_per_op",
                                                          "peak_live_bytes",
                                                          "cpu_time_per_op_ns",
                                                          "threads",
                                                          "operations_per_second_per_thread"};

}  // namespace costops::host
