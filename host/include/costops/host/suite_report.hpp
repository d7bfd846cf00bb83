// The results of one `cost-ops run`, as the file writers see them.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "costops/host/environment_info.hpp"
#include "costops/host/measurement.hpp"
#include "costops/host/plugin_probe.hpp"
#include "costops/host/run_provenance.hpp"
#include "costops/host/sample_stats.hpp"

namespace costops::host {

struct TargetResult {
  std::string target_id;
  std::string description;
  // A member of a declared family (ABI 1.1): its family's id, its argument
  // and what the argument counts. "" / 0 / "" for a plain target.
  std::string family;
  std::int64_t argument = 0;
  std::string complexity_variable;
  std::uint32_t flags = 0;  // bench_target_v1.flags as declared (target_flags.hpp)
  TargetStatus status = TargetStatus::not_run;
  std::string reason;
  std::string timestamp;  // RFC 3339 UTC, when the target finished
  // The plugin file the target came from (name, version, build, ABI).
  PluginProbe plugin;
  // Present when the measurement finished (status ok).
  std::optional<TargetMeasurement> measurement;
  SampleStats stats;  // of ns per operation, one value per sample
  std::vector<std::string> warnings;
  std::string plugin_output;
  // Imported from a tool that kept only summary statistics (`cost-ops
  // import`): the one sample is the tool's median or mean, not a measurement.
  bool summary_only = false;
};

struct SuiteReport {
  std::string host_version;
  std::string started_at;  // RFC 3339 UTC
  std::vector<std::string> command_line;
  RunProvenance source;  // the code benchmarked (not the host's own build), the machine
  boost::json::object settings;
  EnvironmentInfo environment;
  std::vector<PluginProbe> plugin_files;  // every file probed, ok or not
  std::vector<TargetResult> targets;      // in run order; not_run for the rest
  // Markdown of the comparison with a baseline (--baseline), "" when none.
  std::string baseline_name;
  std::string baseline_comparison;
  // The same comparison for results.json's "comparison" block (verdicts,
  // test, basis, threshold, alpha, counts); empty when there is none.
  boost::json::object comparison_record;
  // The paired A/B comparison (`run --ab-paired`, paired_ab.hpp); written
  // to results.json as "ab_paired" when not empty.
  boost::json::object ab_paired;
};

}  // namespace costops::host
