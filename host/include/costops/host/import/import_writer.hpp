// Writes an ImportedRun as a cost-ops run directory, through the same
// writers `cost-ops run` uses (results.json, raw/, summary.md:
// OutputDirectory; report.html: write_html_report), so `compare`,
// `aggregate`, `report`, `export` and `run --baseline` read it unchanged.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "costops/host/environment_info.hpp"
#include "costops/host/import/imported_run.hpp"
#include "costops/host/run_provenance.hpp"
#include "costops/host/suite_report.hpp"

namespace costops::host {

// The warning a summary-only target carries (results.json, summary.md).
inline constexpr const char* kSummaryOnlyWarning =
    "samples: summary only (the tool kept no per-sample times; its median or mean stands for "
    "the target, and `compare` tests nothing on it)";

// The run as the file writers see it. The settings say where it came from
// (imported_from, tool, tool_version, tool_command, input_files); `source`
// is the provenance of the benchmarked code; the environment is this
// machine's (import right after the benchmark, on the machine that ran it).
SuiteReport imported_suite_report(const ImportedRun& run, const RunProvenance& source,
                                  const EnvironmentInfo& environment,
                                  const std::vector<std::string>& command_line);

// Writes the run directory `output` whole or not at all: everything is
// written into a temporary directory beside it, which is then renamed to
// `output`. `output` must not exist or be an empty directory. Throws
// ImportError (output not usable) or FileWriteError (the disk refused).
void write_imported_run(const SuiteReport& report, const std::filesystem::path& output);

// The tool's own time stamp in the store's form (UTC, milliseconds:
// canonical_utc_time): with any offset ("+02:00": Google Benchmark writes
// local time), "Z", or without a zone (pytest-benchmark writes UTC that
// way); "" for anything that is not a time stamp.
std::string utc_timestamp_of(const std::string& text);

}  // namespace costops::host
