// `cost-ops run`: options to RunOptions, then the host library's run_suite.
#include <signal.h>

#include <iostream>

#include "commands.hpp"
#include "costops/host/baselines.hpp"
#include "costops/host/child_process.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/plugin_plan.hpp"
#include "costops/host/suite_run.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

// The values that need checking or converting before they become RunOptions.
struct RunOptionText {
  std::string targets, summary, output;
  bool no_summary = false, quiet = false, verbose = false, help = false;
};

po::options_description describe_run_options(RunOptions& options, RunOptionText& text) {
  po::options_description d("Run options");
  d.add_options()("help,h", po::bool_switch(&text.help), "show this help")(
      "output,o", po::value<std::string>(&text.output)->default_value("benchmarks/output"),
      "output directory: raw/<target_id>.json, results.json, summary.md")(
      "targets", po::value<std::string>(&text.targets),
      "comma-separated exact target ids to run (an unknown id is an error)")(
      "filter,f", po::value<std::string>(&options.filter),
      "run only targets whose id contains this substring")(
      "summary", po::value<std::string>(&text.summary),
      "write summary.md: true or false (default true)")(
      "no-summary", po::bool_switch(&text.no_summary), "same as --summary false")(
      "warmup-time",
      po::value<double>(&options.measurement.warmup_seconds)->default_value(0.1, "0.1"),
      "seconds of warm-up per target before calibration")(
      "min-time", po::value<double>(&options.measurement.min_time_seconds)->default_value(0.5),
      "minimum seconds of sampling per target and repetition")(
      "min-samples", po::value<std::uint32_t>(&options.measurement.min_samples)->default_value(10),
      "minimum number of samples (timed batches) per repetition")(
      "repetitions", po::value<std::uint32_t>(&options.measurement.repetitions)->default_value(1),
      "independent sampling rounds per target within one process (all samples are kept)")(
      "rounds", po::value<std::uint32_t>(&options.rounds)->default_value(1),
      "run the whole selection this many times, interleaved (round 1: every target, round 2: "
      "every target, ...), merging each target's samples: targets compared side by side then "
      "share the machine's drift")(
      "list", po::bool_switch(&options.list_only),
      "print the targets that would run (id, plugin and version, file) and exit")(
      "quiet,q", po::bool_switch(&text.quiet), "print only warnings and errors")(
      "verbose,v", po::bool_switch(&text.verbose), "also print plugin logs and output")(
      "baseline", po::value<std::string>(&options.baseline),
      "compare with this baseline after the run: an output directory, a results.json, or a "
      "name saved with --save-baseline; verdicts go to summary.md")(
      "save-baseline", po::value<std::string>(&options.save_baseline),
      "keep this run as a named baseline under <output>/baselines/NAME")(
      "history", po::value<std::string>(&options.history),
      (std::string("append this run (provenance, environment, every target's metrics and "
                   "samples) to ") +
       kHistoryLocationHelp +
       "; off by default. When the store cannot take the run, it is queued in "
       "<output>/history-outbox/ and the exit code is 2")
          .c_str());
  return d;
}

bool reject(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return false;
}

bool check_measurement(const RunOptions& options) {
  const auto& m = options.measurement;
  if (!(m.warmup_seconds >= 0) || !(m.min_time_seconds >= 0) || m.min_samples == 0 ||
      m.repetitions == 0 || options.rounds == 0)
    return reject(
        "--warmup-time and --min-time must be >= 0, --min-samples, --repetitions and --rounds "
        ">= 1");
  return true;
}

// Turns the checked text into `options`; false (with the error printed) when
// a value is not acceptable.
bool apply_run_text(const po::variables_map& vm, const RunOptionText& text, RunOptions& options) {
  options.output_dir = text.output;
  options.target_ids = split_commas(text.targets);
  if (vm.count("targets") && options.target_ids.empty())
    return reject("--targets needs at least one id");
  if (!text.summary.empty()) {
    const auto value = parse_bool(text.summary);
    if (!value) return reject("--summary takes true or false, not `" + text.summary + "`");
    options.write_summary = *value;
  }
  if (text.no_summary) options.write_summary = false;
  if (!options.save_baseline.empty() && !is_valid_baseline_name(options.save_baseline))
    return reject("--save-baseline `" + options.save_baseline +
                  "` is not a baseline name: use letters, digits, '.', '_' and '-'");
  if (text.quiet && text.verbose) return reject("--quiet and --verbose exclude each other");
  options.verbosity = text.quiet     ? Verbosity::quiet
                      : text.verbose ? Verbosity::verbose
                                     : Verbosity::normal;
  return check_measurement(options);
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = [](int) { request_interrupt(); };
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking poll wakes up at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

int run_command(const Arguments& args, const CommandContext& context) {
  RunOptions options;
  options.command_line = context.command_line;
  RunOptionText text;
  PluginOptions plugin_options;
  ComparisonOptions comparison_options(true);
  po::options_description all;
  all.add(describe_run_options(options, text))
      .add(comparison_options.describe("Baseline comparison (with --baseline)"))
      .add(describe_provenance_options(options.provenance))
      .add(plugin_options.describe());
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).run(), vm);
  po::notify(vm);
  if (text.help) {
    std::cout << "Usage: cost-ops run [options]\n\n"
                 "Runs every selected target with warm-up, calibrated batches and repeated\n"
                 "samples, and writes each result as soon as its target finishes.\n\n"
              << all << exit_codes_help(true);
    return kExitOk;
  }
  if (!plugin_options.apply(options.plugins) || !comparison_options.apply(options.gate) ||
      !apply_run_text(vm, text, options))
    return kExitUsage;
  install_interrupt_handlers();
  ProgressReporter progress(options.verbosity);
  const auto executor = make_executor(options.plugins, context.self);
  return run_suite(options, context.self, *executor, progress);
}

}  // namespace costops::cli
