// One reader per harness whose output `cost-ops import` takes (docs/import.md
// says what each keeps). Every reader takes the files of one or more
// invocations of the tool (each path one invocation, i.e. one process) and
// throws ImportError naming the file, the field and the value on bad input.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "costops/host/import/imported_run.hpp"

namespace costops::host {

using ImportPaths = std::vector<std::filesystem::path>;

// Google Benchmark --benchmark_format=json / --benchmark_out: every
// iteration run is a sample (iterations and real time), its
// repetition_index the repetition; aggregates are used only when the file
// has no iteration runs of that benchmark (--benchmark_report_aggregates_only:
// summary only); error_occurred makes a failed target.
ImportedRun read_google_benchmark(const ImportPaths& files);

// hyperfine --export-json: each command a target, each of its runs a sample
// of one process; --parameter-scan values as a family.
ImportedRun read_hyperfine(const ImportPaths& files);

// Criterion.rs: a target/criterion directory (or any directory under it);
// every <benchmark>/new/ with benchmark.json and sample.json is a target,
// each sample its iteration count and time; throughput from benchmark.json.
ImportedRun read_criterion(const ImportPaths& directories);

// pytest-benchmark --benchmark-json: stats.data (the per-round times, saved
// unless --benchmark-save-data was off) as samples, else the stats as a summary.
ImportedRun read_pytest_benchmark(const ImportPaths& files);

// Bencher Metric Format: {"name": {"latency": {"value": ns, ...}, ...}}:
// summary only, one value per benchmark.
ImportedRun read_bmf(const ImportPaths& files);

// The benchmark interface specification's canonical records (a raw/
// directory or record files): summary only, avg_duration_ns per target.
ImportedRun read_raw_records(const ImportPaths& paths);

struct ImportFormat {
  std::string_view name;     // as typed: `cost-ops import NAME`
  std::string_view summary;  // what PATH is, for --help
  ImportedRun (*read)(const ImportPaths&);
};

// Every format, in the order --help lists them.
std::span<const ImportFormat> import_formats();
const ImportFormat* find_import_format(std::string_view name);

}  // namespace costops::host
