#include "costops/host/paired_ab.hpp"

#include <stdlib.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "costops/host/child_process.hpp"
#include "costops/host/target_rounds.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::host {

namespace fs = std::filesystem;

std::string_view to_string(PairedStop stop) {
  switch (stop) {
    case PairedStop::decided:
      return "decided";
    case PairedStop::max_processes:
      return "max_processes";
    case PairedStop::max_time:
      return "max_time";
    case PairedStop::interrupted:
      return "interrupted";
    case PairedStop::failed:
      break;
  }
  return "failed";
}

PairedAbSettings paired_settings(const RunOptions& options) {
  PairedAbSettings settings;
  settings.test.alpha = options.gate.comparison.alpha;
  settings.test.threshold = options.gate.comparison.threshold;
  settings.test.max_processes = options.ab_max_processes;
  settings.max_seconds = options.ab_max_seconds;
  settings.self_check = options.ab_self_check;
  return settings;
}

bool PairedAbReport::regression() const {
  return std::any_of(targets.begin(), targets.end(), [](const PairedTargetReport& t) {
    return t.comparison.evidence.verdict == PairedVerdict::slower;
  });
}

namespace {

using Clock = std::chrono::steady_clock;

// A copy of a plugin file in a private temporary directory, removed with the
// object. The dynamic loader keeps one copy of a file however it is named, so
// the two sides of a pair must be two files: an A/A run of one directory, and
// the self-check's A', load this copy (other addresses, the same code).
class LibraryCopy {
 public:
  explicit LibraryCopy(const fs::path& library) {
    std::string pattern = (fs::temp_directory_path() / "cost-ops-ab-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a temporary directory for a copy of " +
                               library.string() + " in " + fs::temp_directory_path().string() +
                               " (set TMPDIR to a writable directory)");
    directory_ = pattern;
    path_ = directory_ / library.filename();
    std::error_code error;
    fs::copy_file(library, path_, error);
    if (error) {
      fs::remove_all(directory_, error);
      throw std::runtime_error("cannot copy " + library.string() + " to " + path_.string() + ": " +
                               error.message());
    }
  }
  ~LibraryCopy() {
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
  }
  LibraryCopy(const LibraryCopy&) = delete;
  LibraryCopy& operator=(const LibraryCopy&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path directory_;
  fs::path path_;
};

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  return fs::equivalent(a, b, error) && !error;
}

// Both sides' batches, as ordinary samples (the process as repetition and
// process, as merge_round numbers rounds).
struct SideSamples {
  std::vector<Sample> baseline, current;
  std::vector<std::string> plugin_log;
  std::string plugin_output;
  double warmup_ns = 0;
  // The first worker's report of each side (work per operation, metrics,
  // counters), as a merged process-path result keeps its first round's.
  std::optional<PairedSideReport> baseline_reported, current_reported;
};

PairedOutcome guarded_paired_run(TargetExecutor& executor, const fs::path& baseline,
                                 const fs::path& current, const std::string& id,
                                 const MeasurementSettings& settings) {
  try {
    return executor.run_paired(baseline, current, id, settings);
  } catch (const std::exception& e) {
    PairedOutcome failed;
    failed.status = TargetStatus::invalid;
    failed.reason = std::string("the host could not handle the paired result: ") + e.what();
    return failed;
  }
}

void keep_samples(const PairedMeasurement& m, std::uint32_t process, SideSamples& out) {
  for (const TimedPair& pair : m.pairs) {
    out.baseline.push_back({m.batch_iterations, pair.baseline_ns, process, process});
    out.current.push_back({m.batch_iterations, pair.new_ns, process, process});
  }
  out.warmup_ns += m.warmup_ns;
  if (!out.baseline_reported) out.baseline_reported = m.baseline_reported;
  if (!out.current_reported) out.current_reported = m.new_reported;
  for (const std::string& line : m.plugin_log)
    if (out.plugin_log.size() < 1000) out.plugin_log.push_back(line);
}

// Worker after worker until the evidence decides, the processes or the time
// run out, or the user interrupts. `status` is the failed worker's status.
PairedComparison compare_sequentially(TargetExecutor& executor, const fs::path& baseline,
                                      const fs::path& current, const std::string& id,
                                      const PairedAbSettings& settings,
                                      MeasurementSettings measurement, SideSamples& kept,
                                      TargetStatus& status) {
  PairedComparison c;
  c.target_id = id;
  const auto start = Clock::now();
  const std::uint32_t most = std::max(1u, settings.test.max_processes);
  for (std::uint32_t k = 1; k <= most; ++k) {
    if (interrupt_requested()) {
      c.stop = PairedStop::interrupted;
      break;
    }
    PairedOutcome outcome = guarded_paired_run(executor, baseline, current, id, measurement);
    kept.plugin_output += outcome.plugin_output;
    if (outcome.status != TargetStatus::ok) {
      const bool interrupted = outcome.status == TargetStatus::not_run && interrupt_requested();
      c.stop = interrupted ? PairedStop::interrupted : PairedStop::failed;
      c.failure = "in worker " + std::to_string(k) + ": " + outcome.reason;
      status = outcome.status;
      break;
    }
    const PairedMeasurement& m = outcome.measurement;
    // Later workers reuse the first one's batch size, as later --rounds do.
    if (measurement.fixed_batch_iterations == 0)
      measurement.fixed_batch_iterations = m.batch_iterations;
    c.batch_iterations = measurement.fixed_batch_iterations;
    c.pairs += m.pairs.size();
    c.process_log_ratios.push_back(process_log_ratio(m.pairs));
    keep_samples(m, k - 1, kept);
    c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    c.evidence = evaluate_paired(c.process_log_ratios, settings.test, false);
    if (c.evidence.verdict != PairedVerdict::undecided) {
      c.stop = PairedStop::decided;
      return c;
    }
    // Stop when one more worker (at the mean so far) would pass the budget;
    // never before the first look, which a verdict needs.
    const bool out_of_time =
        k >= settings.test.min_processes && c.seconds + c.seconds / k > settings.max_seconds;
    if (k == most || out_of_time) {
      c.stop = k == most ? PairedStop::max_processes : PairedStop::max_time;
      break;
    }
  }
  c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (c.stop != PairedStop::failed && !c.process_log_ratios.empty())
    c.evidence = evaluate_paired(c.process_log_ratios, settings.test, true);
  return c;
}

// One side's result from its batches.
void fill_side(TargetResult& result, std::vector<Sample> samples,
               const std::optional<PairedSideReport>& reported, const PairedComparison& c,
               const SideSamples& kept, TargetStatus status, const RoundRunner& runner) {
  if (c.stop == PairedStop::failed || samples.empty()) {
    result.status =
        samples.empty() && c.stop == PairedStop::interrupted ? TargetStatus::not_run : status;
    result.reason = c.stop == PairedStop::failed ? "paired A/B " + c.failure
                                                 : "not run: the host was interrupted";
    result.plugin_output = kept.plugin_output;
    finish(result, runner);
    return;
  }
  TargetMeasurement m;
  m.succeeded = true;
  m.samples = std::move(samples);
  m.batch_iterations = c.batch_iterations;
  m.warmup_ns = kept.warmup_ns;
  if (reported) {
    m.bytes_per_operation = reported->bytes_per_operation;
    m.items_per_operation = reported->items_per_operation;
    m.plugin_metrics = reported->plugin_metrics;
    m.threads = reported->threads;
  }
  result.status = TargetStatus::ok;
  result.measurement = std::move(m);
  result.plugin_output = kept.plugin_output;
  finish(result, runner);
}

// The larger |end| of the self-check's interval: the A vs A' change it
// cannot rule out. Unknown (nullopt) when the check did not reach an interval.
std::optional<double> layout_sensitivity(const PairedComparison& check) {
  const PairedEvidence& e = check.evidence;
  if (check.stop == PairedStop::failed || !std::isfinite(e.low) || !std::isfinite(e.high))
    return std::nullopt;
  return std::max(std::abs(e.low), std::abs(e.high));
}

}  // namespace

PairedAbReport run_paired_ab(const RunOptions& options, const PairedAbSettings& settings,
                             const TargetPlan& new_plan, std::vector<TargetResult>& new_results,
                             AbBaseline& baseline, TargetExecutor& executor,
                             ProgressReporter& progress,
                             const std::function<void(const TargetResult&)>& save_new) {
  PairedAbReport report;
  MeasurementSettings measurement = options.measurement;
  measurement.target_sample_seconds = settings.batch_seconds;
  const RoundRunner runner{executor, progress, measurement, options.noisy_relative_mad};
  const std::size_t total = new_plan.planned.size();
  progress.run_started(2 * total);
  for (std::size_t i = 0; i < total; ++i) {
    const PlannedTarget& planned = new_plan.planned[i];
    const PlannedTarget& twin = baseline.plan.planned[i];
    TargetResult current = result_skeleton(planned), old = result_skeleton(twin);
    PairedTargetReport target;
    target.comparison.target_id = planned.target.id;
    target.threshold = settings.test.threshold;
    TargetStatus status = TargetStatus::failed;
    SideSamples kept;
    progress.target_started(planned.target.id, i, total);
    try {
      const fs::path new_path = planned.plugin->path;
      std::optional<LibraryCopy> copy;
      if (settings.self_check || same_file(twin.plugin->path, new_path)) copy.emplace(new_path);
      if (settings.self_check && !interrupt_requested()) {
        SideSamples discarded;
        TargetStatus ignored = TargetStatus::failed;
        target.self_check =
            compare_sequentially(executor, copy->path(), new_path, planned.target.id, settings,
                                 measurement, discarded, ignored);
        target.layout_sensitivity = layout_sensitivity(*target.self_check);
        if (target.layout_sensitivity)
          target.threshold = std::max(target.threshold, *target.layout_sensitivity);
      }
      const fs::path old_path =
          same_file(twin.plugin->path, new_path) ? copy->path() : fs::path(twin.plugin->path);
      PairedAbSettings gate = settings;
      gate.test.threshold = target.threshold;
      target.comparison = compare_sequentially(executor, old_path, new_path, planned.target.id,
                                               gate, measurement, kept, status);
    } catch (const std::exception& e) {  // the temporary copy could not be made
      target.comparison.stop = PairedStop::failed;
      target.comparison.failure = e.what();
      status = TargetStatus::invalid;
    }
    fill_side(old, std::move(kept.baseline), kept.baseline_reported, target.comparison, kept,
              status, runner);
    kept.plugin_output.clear();
    fill_side(current, std::move(kept.current), kept.current_reported, target.comparison, kept,
              status, runner);
    if (current.measurement) current.measurement->plugin_log = std::move(kept.plugin_log);
    baseline.report.targets.push_back(std::move(old));
    new_results.push_back(std::move(current));
    save_new(new_results.back());
    report.targets.push_back(std::move(target));
  }
  return report;
}

namespace {

namespace json = boost::json;

// A finite percentage, or null (an interval not reached yet is infinite).
json::value percent_json(double relative) {
  return std::isfinite(relative) ? json::value(100 * relative) : json::value(nullptr);
}

json::object comparison_json(const PairedComparison& c) {
  const PairedEvidence& e = c.evidence;
  json::array processes;
  for (double r : c.process_log_ratios) processes.push_back(percent_json(std::expm1(r)));
  json::object o{{"verdict", c.stop == PairedStop::failed ? "failed" : to_string(e.verdict)},
                 {"change_percent", percent_json(e.change)},
                 {"ci_low_percent", percent_json(e.low)},
                 {"ci_high_percent", percent_json(e.high)},
                 {"confidence", 1 - e.look_alpha},
                 {"p_value", e.p_value},
                 {"look_alpha", e.look_alpha},
                 {"processes", c.process_log_ratios.size()},
                 {"pairs", c.pairs},
                 {"batch_iterations", c.batch_iterations},
                 {"process_changes_percent", std::move(processes)},
                 {"between_process_sd_percent", 100 * e.between_process_sd},
                 {"processes_agree", e.processes_agree},
                 {"seconds", c.seconds},
                 {"stopped", to_string(c.stop)}};
  if (c.stop == PairedStop::failed) o["reason"] = c.failure;
  return o;
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string signed_percent(double relative) {
  return std::isfinite(relative) ? format("%+.2f%%", 100 * relative) : "unbounded";
}

// "slower +2.03% [+1.71% .. +2.35%] at 99.86%, p 1.2e-05"
std::string verdict_text(const PairedComparison& c) {
  if (c.stop == PairedStop::failed) return "failed: " + c.failure;
  const PairedEvidence& e = c.evidence;
  return std::string(to_string(e.verdict)) + " " + signed_percent(e.change) + " [" +
         signed_percent(e.low) + " .. " + signed_percent(e.high) + "] at " +
         format("%.2f%%", 100 * (1 - e.look_alpha)) + ", p " + format("%.2g", e.p_value);
}

std::string process_text(const PairedComparison& c) {
  return std::to_string(c.process_log_ratios.size()) + " processes, " + std::to_string(c.pairs) +
         " pairs, spread between processes " +
         format("%.2f%%", 100 * c.evidence.between_process_sd) + ", " +
         format("%.2f s", c.seconds) + " (" + std::string(to_string(c.stop)) + ")";
}

}  // namespace

json::object paired_ab_json(const PairedAbReport& report, const PairedAbSettings& settings) {
  json::array targets;
  for (const PairedTargetReport& t : report.targets) {
    json::object entry = comparison_json(t.comparison);
    entry["target_id"] = t.comparison.target_id;
    entry["threshold_percent"] = 100 * t.threshold;
    entry["layout_sensitivity_percent"] =
        t.layout_sensitivity ? json::value(100 * *t.layout_sensitivity) : json::value(nullptr);
    if (t.self_check) entry["self_check"] = comparison_json(*t.self_check);
    targets.push_back(std::move(entry));
  }
  return {{"test",
           "one-sample t-test of per-process trimmed-mean log ratios of (new, baseline) batch "
           "pairs; sequential, alpha spent alpha*t^2 over looks (union bound)"},
          {"basis", "processes"},
          {"alpha", settings.test.alpha},
          {"threshold_percent", 100 * settings.test.threshold},
          {"min_processes", settings.test.min_processes},
          {"max_processes", settings.test.max_processes},
          {"max_time_s", settings.max_seconds},
          {"batch_time_s", settings.batch_seconds},
          {"self_check", settings.self_check},
          {"targets", std::move(targets)}};
}

std::string paired_ab_markdown(const PairedAbReport& report, const PairedAbSettings& settings) {
  std::string out = "Paired A/B (both builds in each worker, batch by batch): alpha " +
                    format("%g", settings.test.alpha) + ", threshold " +
                    format("%g%%", 100 * settings.test.threshold) +
                    (settings.self_check ? ", raised per target to its layout sensitivity" : "") +
                    "\n\n" +
                    "| target | verdict, change [interval] | processes | layout sensitivity |\n"
                    "|---|---|---|---|\n";
  for (const PairedTargetReport& t : report.targets) {
    out += "| " + markdown_escaped(t.comparison.target_id) + " | " +
           markdown_escaped(verdict_text(t.comparison)) + " | " + process_text(t.comparison) +
           " | " + (t.layout_sensitivity ? format("%.2f%%", 100 * *t.layout_sensitivity) : "-") +
           " |\n";
  }
  return out;
}

std::string paired_ab_text(const PairedAbReport& report, const PairedAbSettings& settings) {
  std::string out = "alpha " + format("%g", settings.test.alpha) + ", threshold " +
                    format("%g%%", 100 * settings.test.threshold) + ":\n";
  for (const PairedTargetReport& t : report.targets) {
    out += "  " + t.comparison.target_id + ": " + verdict_text(t.comparison) + "; " +
           process_text(t.comparison);
    if (t.layout_sensitivity)
      out += "; layout sensitivity " + format("%.2f%%", 100 * *t.layout_sensitivity);
    out += "\n";
  }
  return out;
}

std::vector<std::string> paired_regression_lines(const PairedAbReport& report) {
  std::vector<std::string> lines;
  for (const PairedTargetReport& t : report.targets)
    if (t.comparison.evidence.verdict == PairedVerdict::slower)
      lines.push_back(t.comparison.target_id + ": " + verdict_text(t.comparison) + ", " +
                      std::to_string(t.comparison.process_log_ratios.size()) + " processes");
  return lines;
}

}  // namespace costops::host
