// What `cost-ops import` reads from another harness's files, before it is
// written as a run directory: targets with the samples the tool kept (or one
// summary value where it kept none), under ids mapped to the host's target-id
// rules, with the tool, version and command that produced them. Shared by
// every format's reader (import_readers.hpp) and the writer (import_writer.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "costops/host/environment_info.hpp"
#include "costops/host/measurement.hpp"
#include "costops/host/target_status.hpp"

namespace costops::host {

// Input that cannot be imported. The message names the file, the field and
// the value, and what to do; `cost-ops import` prints it and exits 2.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where the tool's numbers come from, per target. A summary-only target is
// written with `"summary_only": true` in results.json and the warning
// `samples: summary only` (results.json, summary.md; the report's samples
// column says `summary only`); `compare` then compares
// its one value by the threshold alone and says that no test applies.
enum class SampleOrigin {
  per_sample,    // the tool's own samples (batch iterations and elapsed time each)
  summary_only,  // the tool kept only summary statistics: one value stands for the target
};

struct ImportedTarget {
  std::string target_id;    // mapped (import_target_id), valid for the host
  std::string source;       // "FILE: benchmark NAME": for messages about collisions
  std::string description;  // the tool's own name of the benchmark
  TargetStatus status = TargetStatus::ok;
  std::string reason;  // why status is not ok (the tool's error message)
  // Each sample's process is the index of the input file (one file is one
  // invocation of the tool), or for hyperfine the run; repetitions are the
  // tool's repetitions inside one invocation.
  std::vector<Sample> samples;
  SampleOrigin origin = SampleOrigin::per_sample;
  std::uint64_t bytes_per_operation = 0;  // Criterion throughput; 0 = not declared
  std::uint64_t items_per_operation = 0;
  std::vector<std::pair<std::string, MetricValue>> metrics;  // the tool's counters, kept as is
  // A scaling family (hyperfine --parameter-scan, Criterion BenchmarkId
  // parameters): family id, numeric argument, what the argument counts.
  std::string family;
  std::int64_t argument = 0;
  std::string family_variable;
};

// What a tool's files say about the machine that ran the benchmarks and its
// state then (Google Benchmark's `context` block). Empty or zero: not said.
struct ImportedMachine {
  std::string host_name;
  unsigned logical_cpus = 0;
  double cpu_mhz = 0;
  std::vector<CpuCache> caches;
  double load_average_1m = -1;            // -1 = not said
  std::optional<bool> frequency_scaling;  // the tool saw CPU frequency scaling enabled
  std::string library_build_type;         // the tool library's build: "debug", "release"
};

struct ImportedRun {
  std::string format;        // as given to `cost-ops import` (google-benchmark, hyperfine, ...)
  std::string tool;          // "Google Benchmark", "hyperfine", ...
  std::string tool_version;  // "" when the files do not say
  std::string tool_command;  // the command that produced them, "" when the files do not say
  std::string started_at;    // RFC 3339 UTC when the files say when they ran, else ""
  ImportedMachine machine;   // from the first file that says, else empty
  std::vector<std::string> files;       // every input file read, in order
  std::vector<ImportedTarget> targets;  // ids unique, in first-seen order
  // What was read but not imported, in words (a BMF benchmark without a
  // latency measure): `cost-ops import` prints each.
  std::vector<std::string> notes;
};

// The documented id mapping: lowercase; every run of characters outside
// [a-z0-9] becomes one `_`; leading and trailing `_` dropped; a name not
// starting with a letter gets `b_` in front; names longer than 64 characters
// keep their first 55 and `_` and 8 hex digits of a hash of the whole name.
// Throws ImportError naming `source` when nothing is left (a name with no
// letter or digit).
std::string import_target_id(std::string_view name, std::string_view source);

// Collects one input file's targets into a run. A target whose id the same
// file already gave is refused (ImportError naming both sources: two names
// that map to one id); a target an earlier file gave is merged as a further
// invocation of the same benchmark: its samples' processes and repetitions
// are numbered on after the earlier files'.
class ImportCollector {
 public:
  explicit ImportCollector(ImportedRun& run) : run_(run) {}
  // Starts the next input file (each file is one process).
  void begin_file(const std::filesystem::path& file);
  void add(ImportedTarget target);

 private:
  ImportedRun& run_;
  std::map<std::string, std::size_t> index_;              // id -> position in run_.targets
  std::map<std::string, std::string> sources_this_file_;  // id -> source, this file only
};

// A run of `format` by `tool` from `paths`, each read by `read_one` as
// the next input file (ImportCollector::begin_file): the loop every reader shares.
using ReadOneInput =
    std::function<void(const std::filesystem::path&, ImportedRun&, ImportCollector&)>;
ImportedRun import_each(std::string format, std::string tool,
                        const std::vector<std::filesystem::path>& paths,
                        const ReadOneInput& read_one);

// The whole of `file` as text; ImportError naming the file when it is not a
// regular file, is larger than `max_bytes` or cannot be read.
std::string read_import_file(const std::filesystem::path& file,
                             std::uintmax_t max_bytes = std::uintmax_t{1} << 30);

}  // namespace costops::host
