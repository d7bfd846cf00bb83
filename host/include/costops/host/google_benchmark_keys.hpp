// The keys Google Benchmark's JSON reporter gives a benchmark row itself
// (its own fields, not a benchmark's state.counters): the import reads every
// other number of a row as a counter, and the gbench-json export never
// writes a plugin metric under one of these names (a metric named
// "error_occurred" or "aggregate_name" would make readers take a measured
// row for a failed one or an aggregate).
#pragma once

#include <algorithm>
#include <iterator>
#include <string_view>

namespace costops::host {

inline bool is_google_benchmark_row_key(std::string_view key) {
  static constexpr std::string_view kKeys[] = {"name",
                                               "family_index",
                                               "per_family_instance_index",
                                               "run_name",
                                               "run_type",
                                               "repetitions",
                                               "repetition_index",
                                               "threads",
                                               "iterations",
                                               "real_time",
                                               "cpu_time",
                                               "time_unit",
                                               "bytes_per_second",
                                               "items_per_second",
                                               "label",
                                               "error_occurred",
                                               "error_message",
                                               "skipped",
                                               "skip_message",
                                               "aggregate_name",
                                               "aggregate_unit",
                                               "big_o",
                                               "rms",
                                               "complexity_n",
                                               "cpu_coefficient",
                                               "real_coefficient"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

}  // namespace costops::host
