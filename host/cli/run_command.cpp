// `cost-ops run`: options to RunOptions, then the host library's run_suite.
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "costops/host/baselines.hpp"
#include "costops/host/child_process.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/plugin_discovery.hpp"
#include "costops/host/plugin_plan.hpp"
#include "costops/host/run_provenance.hpp"
#include "costops/host/suite_run.hpp"
#include "costops/host/untrusted_text.hpp"
#include "paired_options.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

// The values that need checking or converting before they become RunOptions.
// Iterations of the one counted run() call of --measure instructions: enough
// to spread the call's own cost thin, few enough for Valgrind's ~50x.
constexpr std::uint64_t kInstructionIterations = 100;

struct RunOptionText {
  std::string targets, summary, output, measure = "time";
  ProvenanceOptions provenance;
  bool no_summary = false, no_report = false, quiet = false, verbose = false, help = false;
  double noise_percent = 5;
  // Counts are read signed, so "-3" is refused rather than wrapped to 4294967293.
  std::int64_t min_samples = 10, repetitions = 1, rounds = 1;
  std::vector<std::string> unexpected;  // positional arguments: run takes none
  std::vector<std::string> exports;     // --export FORMAT=FILE
};

// The largest values accepted: far beyond any real use, small enough that
// no arithmetic on them overflows (a deadline of now + 1e10 s did).
constexpr double kMaxSeconds = 86400;
constexpr std::int64_t kMaxSamples = 100000;
constexpr std::int64_t kMaxRepetitions = 10000;

po::options_description describe_run_options(RunOptions& options, RunOptionText& text) {
  po::options_description d("Run options");
  d.add_options()("help,h", po::bool_switch(&text.help), "show this help")(
      "output,o",
      po::value<std::string>(&text.output)->default_value("benchmarks/output")->value_name("DIR"),
      "output directory: raw/<target_id>.json, results.json, summary.md, report.html")(
      "run-name", po::value<std::string>(&options.run_name)->value_name("NAME"),
      "the run's name in exports: the JUnit testsuite and the classname prefix "
      "(cost-ops.NAME.PLUGIN), gbench-json's context; recorded in results.json "
      "(default: the output directory's name)")(
      "targets", po::value<std::string>(&text.targets)->value_name("ID,..."),
      "comma-separated exact target ids to run (an unknown id is an error)")(
      "filter,f", po::value<std::string>(&options.filter)->value_name("SUBSTR"),
      "run only targets whose id contains this substring")(
      "summary", po::value<std::string>(&text.summary)->value_name("BOOL"),
      "write summary.md: true or false (default true)")(
      "no-summary", po::bool_switch(&text.no_summary), "same as --summary false")(
      "no-report", po::bool_switch(&text.no_report),
      "do not write <output>/report.html (the HTML report with charts)")(
      "export",
      po::value<std::vector<std::string>>(&text.exports)->composing()->value_name("FORMAT=FILE"),
      "after the run, also write results.json as FORMAT (gbench-json, bmf, "
      "github-action-benchmark, junit, csv; as `cost-ops export` does) to FILE; repeatable")(
      "warmup-time",
      po::value<double>(&options.measurement.warmup_seconds)
          ->default_value(0.1, "0.1")
          ->value_name("S"),
      "seconds of warm-up per target before calibration")(
      "min-time",
      po::value<double>(&options.measurement.min_time_seconds)->default_value(0.5)->value_name("S"),
      "minimum seconds of sampling per target and repetition")(
      "min-samples", po::value<std::int64_t>(&text.min_samples)->default_value(10)->value_name("N"),
      "minimum number of samples (timed batches) per repetition")(
      "repetitions", po::value<std::int64_t>(&text.repetitions)->default_value(1)->value_name("N"),
      "independent sampling rounds per target within one process (all samples are kept)")(
      "rounds", po::value<std::int64_t>(&text.rounds)->default_value(1)->value_name("N"),
      "run the whole selection this many times, interleaved (round 1: every target, round 2: "
      "every target, ...), merging each target's samples: targets compared side by side then "
      "share the machine's drift")(
      "list", po::bool_switch(&options.list_only),
      "print the targets that would run (id, plugin and version, file) and exit")(
      "json", po::bool_switch(&options.list_as_json), "with --list: print a JSON array")(
      "noise-threshold",
      po::value<double>(&text.noise_percent)->default_value(5)->value_name("PCT"),
      "flag a target as noisy when its samples' median absolute deviation exceeds this percent "
      "of the median")("quiet,q", po::bool_switch(&text.quiet), "print only warnings and errors")(
      "verbose,v", po::bool_switch(&text.verbose), "also print plugin logs and output")(
      "baseline", po::value<std::string>(&options.baseline)->value_name("DIR|NAME"),
      "compare with this baseline after the run: an output directory, a results.json, or a "
      "name saved with --save-baseline; verdicts go to summary.md")(
      "save-baseline", po::value<std::string>(&options.save_baseline)->value_name("NAME"),
      "keep this run as a named baseline under <output>/baselines/NAME")(
      "measure", po::value<std::string>(&text.measure)->default_value("time")->value_name("WHAT"),
      "time (the default) or instructions: each target's worker runs under valgrind's "
      "callgrind and counts the instructions of run() per operation (deterministic: compare "
      "gates on it with a plain --threshold); needs valgrind and --isolation process")(
      "ab-baseline-plugin-dir",
      po::value<std::string>(&options.ab_baseline_plugin_dir)->value_name("DIR"),
      "A/B mode: also run the same targets from the plugins in this directory (the old build), "
      "alternating with the new one in fresh processes every round (--rounds N: N pairs), and "
      "compare them pair by pair; the old side is kept in <output>/ab-baseline/. With "
      "--ab-paired, both builds run inside each worker instead: the gating workflow of "
      "docs/comparison.md")(
      "history", po::value<std::string>(&options.history)->value_name("FILE|URL"),
      (std::string("append this run (provenance, environment, every target's metrics and "
                   "samples) to ") +
       kHistoryLocationHelp +
       "; off by default. When the store cannot take the run, it is queued in "
       "<output>/history-outbox/ and the exit code is 2")
          .c_str())("store-timeout",
                    po::value<double>(&options.store_timeout_s)
                        ->default_value(kDefaultStoreTimeoutSeconds)
                        ->value_name("S"),
                    kStoreTimeoutHelp);
  return d;
}

bool reject(const std::string& message) {
  std::cerr << "error: " << for_terminal(message) << "\n";  // it may quote a plugin or a file
  return false;
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

bool check_seconds(const char* option, double value) {
  if (std::isfinite(value) && value >= 0 && value <= kMaxSeconds) return true;
  return reject(std::string(option) + " " + number_text(value) +
                " is not a number of seconds from 0 to " + number_text(kMaxSeconds));
}

bool check_count(const char* option, std::int64_t value, std::int64_t max, std::uint32_t& out) {
  if (value < 1 || value > max)
    return reject(std::string(option) + " " + std::to_string(value) + " is not a count from 1 to " +
                  std::to_string(max));
  out = static_cast<std::uint32_t>(value);
  return true;
}

bool check_measurement(const RunOptionText& text, RunOptions& options) {
  auto& m = options.measurement;
  if (!check_seconds("--warmup-time", m.warmup_seconds) ||
      !check_seconds("--min-time", m.min_time_seconds) ||
      !check_count("--min-samples", text.min_samples, kMaxSamples, m.min_samples) ||
      !check_count("--repetitions", text.repetitions, kMaxRepetitions, m.repetitions) ||
      !check_count("--rounds", text.rounds, kMaxRepetitions, options.rounds))
    return false;
  // One target's worker needs at least its warm-up and its sampling time.
  const double needed = m.warmup_seconds + m.min_time_seconds * m.repetitions;
  if (options.plugins.run_timeout_seconds <= needed)
    return reject("--timeout " + number_text(options.plugins.run_timeout_seconds) +
                  " s is not above what one target needs (--warmup-time + --min-time x "
                  "--repetitions = " +
                  number_text(needed) + " s); raise --timeout or lower the others");
  return true;
}

// `cost-ops run storage` means --targets storage (or -f storage) far more
// often than anything else.
bool reject_unexpected(const std::vector<std::string>& unexpected) {
  if (unexpected.empty()) return true;
  const std::string& word = unexpected.front();
  return reject("unexpected argument `" + word + "`: run takes options only; did you mean " +
                "--targets " + word + " (exact ids) or -f " + word + " (ids containing it)?");
}

// Turns the checked text into `options`; false (with the error printed) when
// a value is not acceptable.
bool apply_run_text(const po::variables_map& vm, const RunOptionText& text, RunOptions& options) {
  options.output_dir = text.output;
  options.source = collect_provenance(text.provenance, process_environment(), ".");
  options.target_ids = split_commas(text.targets);
  if (vm.count("targets") && options.target_ids.empty())
    return reject("--targets needs at least one id");
  if (!text.summary.empty()) {
    const auto value = parse_bool(text.summary);
    if (!value) return reject("--summary takes true or false, not `" + text.summary + "`");
    options.write_summary = *value;
  }
  if (text.no_summary) options.write_summary = false;
  options.write_report = !text.no_report;
  try {  // before anything runs: a typo must not cost the minutes of a run
    options.exports = parse_export_requests(text.exports);
  } catch (const std::invalid_argument& e) {
    return reject(e.what());
  }
  if (options.list_as_json && !options.list_only) return reject("--json goes with --list");
  if (vm.count("run-name") && (options.run_name.empty() || options.run_name.size() > 200 ||
                               std::any_of(options.run_name.begin(), options.run_name.end(),
                                           [](unsigned char c) { return c < 0x20 || c == 0x7f; })))
    return reject(
        "--run-name takes a name of 1 to 200 characters without control characters, "
        "not `" +
        for_terminal(options.run_name, false) + "`");
  if (!options.save_baseline.empty() && !is_valid_baseline_name(options.save_baseline))
    return reject("--save-baseline `" + options.save_baseline +
                  "` is not a baseline name: use letters, digits, '.', '_' and '-'");
  if (text.quiet && text.verbose) return reject("--quiet and --verbose exclude each other");
  if (!options.history.empty() &&
      !check_store_options({options.history, options.store_timeout_s}, false))
    return false;
  if (!(text.noise_percent > 0) || !std::isfinite(text.noise_percent))
    return reject("--noise-threshold must be a positive percentage, not " +
                  std::to_string(text.noise_percent));
  options.noisy_relative_mad = text.noise_percent / 100;
  if (text.measure == "instructions")
    options.measurement.instruction_iterations = kInstructionIterations;
  else if (text.measure != "time")
    return reject("--measure takes time or instructions, not `" + text.measure + "`");
  if (text.measure == "instructions" && options.plugins.isolation != IsolationMode::process)
    return reject(
        "--measure instructions runs each worker under valgrind: it needs "
        "--isolation process");
  if (!options.ab_baseline_plugin_dir.empty() && !options.baseline.empty())
    return reject(
        "--ab-baseline-plugin-dir and --baseline exclude each other: the A/B run is "
        "its own baseline");
  options.verbosity = text.quiet     ? Verbosity::quiet
                      : text.verbose ? Verbosity::verbose
                                     : Verbosity::normal;
  return reject_unexpected(text.unexpected) && check_measurement(text, options);
}

// Ctrl-C, SIGTERM (a CI runner cancelling) and SIGHUP (a closed terminal or
// SSH session) all stop the run the same way: the current target is
// stopped, finished results are written, exit 1. A closed stderr pipe
// (`cost-ops run 2>&1 | head -1`) must not kill the run: SIGPIPE is ignored,
// progress output is dropped, the files are still written.
void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = [](int) { request_interrupt(); };
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking poll wakes up at once
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal_number, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// Every option of `run`, bound to the given storage.
po::options_description all_run_options(RunOptions& options, RunOptionText& text,
                                        PluginOptions& plugin_options,
                                        ComparisonOptions& comparison_options,
                                        PairedOptions& paired_options) {
  po::options_description all;
  all.add(describe_run_options(options, text))
      .add(comparison_options.describe("Baseline comparison (with --baseline)"))
      .add(paired_options.describe())
      .add(describe_provenance_options(text.provenance))
      .add(plugin_options.describe());
  return all;
}

}  // namespace

po::options_description run_options_for_documentation() {
  static RunOptions options;
  static RunOptionText text;
  static PluginOptions plugin_options;
  static ComparisonOptions comparison_options(true);
  static PairedOptions paired_options;
  return all_run_options(options, text, plugin_options, comparison_options, paired_options);
}

int run_command(const Arguments& args, const CommandContext& context) {
  RunOptions options;
  options.command_line = context.command_line;
  RunOptionText text;
  PluginOptions plugin_options;
  ComparisonOptions comparison_options(true);
  PairedOptions paired_options;
  const po::options_description all =
      all_run_options(options, text, plugin_options, comparison_options, paired_options);
  po::options_description with_positionals;
  with_positionals.add(all).add_options()("unexpected",
                                          po::value<std::vector<std::string>>(&text.unexpected));
  po::positional_options_description positional;
  positional.add("unexpected", -1);
  po::variables_map vm;
  parse_arguments(args, with_positionals, positional, vm);
  if (text.help) {
    std::cout << "Usage: cost-ops run [options]\n\n"
                 "Runs every selected target with warm-up, calibrated batches and repeated\n"
                 "samples; journals each result as soon as its target finishes\n"
                 "(<output>/.journal.jsonl) and writes the files at the end, also after Ctrl-C.\n\n"
              << all << exit_codes_help(kRunExitCodes);
    return kExitOk;
  }
  if (!plugin_options.apply(options.plugins) || !comparison_options.apply(options.gate) ||
      !apply_run_text(vm, text, options) || !paired_options.apply(options))
    return kExitUsage;
  install_interrupt_handlers();
  ProgressReporter progress(options.verbosity);
  // Workers must not read or change the run's files, nor earlier runs'.
  auto needed_by_workers = plugin_search_path(options.plugins.plugin_dirs, context.self);
  needed_by_workers.push_back(context.self);
  if (!options.ab_baseline_plugin_dir.empty())  // A/B: the old build's plugins, loaded too
    needed_by_workers.push_back(options.ab_baseline_plugin_dir);
  sandbox::hide_output_directory(options.plugins.sandbox, options.output_dir, needed_by_workers);
  const auto executor = make_executor(options.plugins, context.self);
  return run_suite(options, context.self, *executor, progress);
}

}  // namespace costops::cli
