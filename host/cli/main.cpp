// cost-ops: the command line. Parses arguments and hands over to the host
// library; every subcommand's behaviour lives there.
#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "costops/host/build_info.hpp"
#include "costops/host/child_process.hpp"
#include "costops/host/suite_runner.hpp"
#include "costops/host/target_executor.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace costops::host;

namespace {

constexpr const char* kUsage =
    "Usage: cost-ops <command> [options]\n"
    "\n"
    "Benchmark host for LLM cost-operations code. Targets live in plugins: shared\n"
    "libraries exporting bench_target_v1_entry (see docs/plugin-authors.md).\n"
    "\n"
    "Commands:\n"
    "  run                 discover plugins, run their targets, write results\n"
    "  plugins list        list every plugin file found, its status and targets\n"
    "  plugins check FILE  load FILE as a plugin and explain what is wrong\n"
    "  compare BASE NEW    compare two runs (output directories or results.json)\n"
    "  history TARGET --history FILE\n"
    "                      the trend of one target over recorded runs, step changes flagged\n"
    "  aggregate DIR... -o OUT\n"
    "                      merge the raw/ records of many runs, a column per source\n"
    "\n"
    "Options:\n"
    "  -h, --help          show this help (`cost-ops run --help` for run's options)\n"
    "  -V, --version       show the version, ABI and build\n"
    "\n"
    "Exit codes: 0 all selected targets ok, 1 some target or plugin not ok,\n"
    "            2 usage or environment error, 3 comparison found a regression.\n";

fs::path own_executable(const char* argv0) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) self = fs::absolute(argv0, ec);
  return self;
}

po::options_description plugin_options(PluginSelection& s) {
  po::options_description d("Plugin options");
  d.add_options()(
      "plugin-dir", po::value<std::vector<std::string>>(&s.plugin_dirs)->composing(),
      "directory to load plugins from (repeatable). Default: $COST_OPS_PLUGIN_PATH "
      "(colon-separated), else the plugins installed with this binary. Never the current "
      "directory implicitly")(
      "isolation", po::value<std::string>(&s.isolation)->default_value("process"),
      "`process`: every probe and target runs in a child process (safe). `none`: load "
      "plugins into the host itself, for debugging only: a crashing plugin kills the host")(
      "timeout", po::value<double>(&s.run_timeout_seconds)->default_value(120),
      "seconds one target may run before its process group is killed")(
      "probe-timeout", po::value<double>(&s.probe_timeout_seconds)->default_value(10),
      "seconds loading one plugin file may take")(
      "allow-insecure-plugins", po::bool_switch(&s.allow_insecure),
      "load plugin files or directories that other users can write to");
  return d;
}

bool validate_selection(const PluginSelection& s) {
  if (s.isolation != "process" && s.isolation != "none") {
    std::cerr << "error: --isolation must be `process` or `none`, not `" << s.isolation << "`\n";
    return false;
  }
  if (!(s.run_timeout_seconds > 0) || !(s.probe_timeout_seconds > 0)) {
    std::cerr << "error: --timeout and --probe-timeout must be positive numbers of seconds\n";
    return false;
  }
  return true;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == ',') {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

bool parse_bool(const std::string& text, bool& value) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return value = true, true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return value = false, true;
  return false;
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = [](int) { request_interrupt(); };
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking poll wakes up at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int command_run(const std::vector<std::string>& args, const fs::path& self,
                std::vector<std::string> command_line) {
  RunOptions options;
  options.command_line = std::move(command_line);
  std::string targets, summary, output, fail_on = "slower", history;
  bool no_summary = false, quiet = false, verbose = false, help = false;
  double threshold_percent = 5;
  po::options_description run_options("Run options");
  run_options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "output,o", po::value<std::string>(&output)->default_value("benchmarks/output"),
      "output directory: raw/<target_id>.json, results.json, summary.md")(
      "targets", po::value<std::string>(&targets),
      "comma-separated exact target ids to run (an unknown id is an error)")(
      "filter,f", po::value<std::string>(&options.filter),
      "run only targets whose id contains this substring")(
      "summary", po::value<std::string>(&summary),
      "write summary.md: true or false (default true)")("no-summary", po::bool_switch(&no_summary),
                                                        "same as --summary false")(
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
      "quiet,q", po::bool_switch(&quiet), "print only warnings and errors")(
      "verbose,v", po::bool_switch(&verbose), "also print plugin logs and output")(
      "baseline", po::value<std::string>(&options.baseline),
      "compare with this baseline after the run: an output directory, a results.json, or a "
      "name saved with --save-baseline; verdicts go to summary.md")(
      "save-baseline", po::value<std::string>(&options.save_baseline),
      "keep this run as a named baseline under <output>/baselines/NAME")(
      "threshold", po::value<double>(&threshold_percent)->default_value(5),
      "with --baseline: minimum change in percent that counts")(
      "alpha", po::value<double>(&options.comparison.alpha)->default_value(0.05, "0.05"),
      "with --baseline: significance level of the Mann-Whitney U test")(
      "fail-on", po::value<std::string>(&fail_on)->default_value("slower"),
      "with --baseline: `slower` exits 3 on a significant slowdown; `none` only reports")(
      "history", po::value<std::string>(&history),
      "append this run (environment, commit, every target's metrics and samples) to an SQLite "
      "database; off by default");
  po::options_description all;
  all.add(run_options).add(plugin_options(options.plugins));
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).run(), vm);
  po::notify(vm);
  if (help) {
    std::cout << "Usage: cost-ops run [options]\n\n"
                 "Runs every selected target with warm-up, calibrated batches and repeated\n"
                 "samples, and writes each result as soon as its target finishes.\n\n"
              << all
              << "\nExit codes: 0 all ok, 1 some target or plugin not ok, 2 usage or "
                 "environment error.\n";
    return kExitOk;
  }
  if (!validate_selection(options.plugins)) return kExitUsage;
  options.output_dir = output;
  options.target_ids = split_commas(targets);
  if (vm.count("targets") && options.target_ids.empty()) {
    std::cerr << "error: --targets needs at least one id\n";
    return kExitUsage;
  }
  if (!summary.empty() && !parse_bool(summary, options.write_summary)) {
    std::cerr << "error: --summary takes true or false, not `" << summary << "`\n";
    return kExitUsage;
  }
  if (no_summary) options.write_summary = false;
  if (fail_on != "slower" && fail_on != "none") {
    std::cerr << "error: --fail-on takes slower or none, not `" << fail_on << "`\n";
    return kExitUsage;
  }
  options.fail_on_regression = fail_on == "slower";
  if (!(threshold_percent >= 0) ||
      !(options.comparison.alpha > 0 && options.comparison.alpha < 1)) {
    std::cerr << "error: --threshold must be >= 0 and --alpha within (0, 1)\n";
    return kExitUsage;
  }
  options.comparison.threshold = threshold_percent / 100;
  options.history = history;
  if (quiet && verbose) {
    std::cerr << "error: --quiet and --verbose exclude each other\n";
    return kExitUsage;
  }
  options.verbosity = quiet ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal;
  const auto& m = options.measurement;
  if (!(m.warmup_seconds >= 0) || !(m.min_time_seconds >= 0) || m.min_samples == 0 ||
      m.repetitions == 0 || options.rounds == 0) {
    std::cerr << "error: --warmup-time and --min-time must be >= 0, --min-samples, "
                 "--repetitions and --rounds >= 1\n";
    return kExitUsage;
  }
  install_interrupt_handlers();
  return run_suite(options, self);
}

// Parses `args` against `options`, collecting the arguments that are not
// options, in order, into `positional`.
void parse_with_positionals(const std::vector<std::string>& args,
                            const po::options_description& options,
                            std::vector<std::string>& positional) {
  po::options_description hidden;
  hidden.add_options()("positional", po::value<std::vector<std::string>>(&positional));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
}

int command_plugins(const std::vector<std::string>& args, const fs::path& self) {
  PluginSelection selection;
  bool json = false, help = false;
  std::vector<std::string> positional;
  po::options_description options("Options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "json", po::bool_switch(&json), "`list`: print JSON instead of text");
  options.add(plugin_options(selection));
  parse_with_positionals(args, options, positional);
  if (help || positional.empty()) {
    std::cout << "Usage: cost-ops plugins list [--json] [options]\n"
                 "       cost-ops plugins check FILE... [options]\n\n"
              << options;
    return help ? kExitOk : kExitUsage;
  }
  if (!validate_selection(selection)) return kExitUsage;
  const std::string sub = positional.front();
  positional.erase(positional.begin());
  if (sub == "list") return list_plugins(selection, json, self);
  if (sub == "check") {
    if (positional.empty()) {
      std::cerr << "error: `cost-ops plugins check` needs at least one FILE\n";
      return kExitUsage;
    }
    return check_plugins(selection, positional, self);
  }
  std::cerr << "error: unknown `plugins` command `" << sub << "`; use list or check\n";
  return kExitUsage;
}

int command_compare(const std::vector<std::string>& args) {
  ComparisonSettings settings;
  double threshold_percent = 5;
  std::string format = "text", fail_on = "slower";
  bool help = false;
  std::vector<std::string> positional;
  po::options_description options("Compare options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "threshold", po::value<double>(&threshold_percent)->default_value(5),
      "minimum change in percent that counts as faster or slower")(
      "alpha", po::value<double>(&settings.alpha)->default_value(0.05, "0.05"),
      "significance level of the two-sided Mann-Whitney U test")(
      "format", po::value<std::string>(&format)->default_value("text"), "text, markdown or json")(
      "fail-on", po::value<std::string>(&fail_on)->default_value("slower"),
      "`slower`: exit 3 when a target is significantly slower; `none`: only report");
  parse_with_positionals(args, options, positional);
  if (help || positional.size() != 2) {
    (help ? std::cout : std::cerr)
        << "Usage: cost-ops compare BASE NEW [options]\n\n"
           "BASE and NEW are output directories of `cost-ops run` (or their results.json).\n"
           "Verdicts per target: faster, slower, no change, noisy. The test uses the\n"
           "per-repetition medians when both runs have two or more repetitions (record\n"
           "them with `run --rounds 5`: a fresh process each), else the samples.\n\n"
        << options << "\nExit codes: 0 no regression, 2 usage error, 3 a target is slower.\n";
    return help ? kExitOk : kExitUsage;
  }
  if (format != "text" && format != "markdown" && format != "json") {
    std::cerr << "error: --format takes text, markdown or json\n";
    return kExitUsage;
  }
  if (fail_on != "slower" && fail_on != "none") {
    std::cerr << "error: --fail-on takes slower or none\n";
    return kExitUsage;
  }
  if (!(threshold_percent >= 0) || !(settings.alpha > 0 && settings.alpha < 1)) {
    std::cerr << "error: --threshold must be >= 0 and --alpha within (0, 1)\n";
    return kExitUsage;
  }
  settings.threshold = threshold_percent / 100;
  return compare_command(positional[0], positional[1], settings, format, fail_on == "slower");
}

int command_history(const std::vector<std::string>& args) {
  std::string file;
  double threshold_percent = 5;
  ComparisonSettings settings;
  bool help = false;
  std::vector<std::string> positional;
  po::options_description options("History options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "history", po::value<std::string>(&file), "the SQLite database written by `run --history`")(
      "threshold", po::value<double>(&threshold_percent)->default_value(5),
      "minimum change in percent between consecutive runs that counts as a step")(
      "alpha", po::value<double>(&settings.alpha)->default_value(0.05, "0.05"),
      "significance level of the Mann-Whitney U test");
  parse_with_positionals(args, options, positional);
  if (help || positional.size() != 1 || file.empty()) {
    (help ? std::cout : std::cerr) << "Usage: cost-ops history TARGET --history FILE\n\n"
                                   << options;
    return help ? kExitOk : kExitUsage;
  }
  settings.threshold = threshold_percent / 100;
  return history_command(file, positional[0], settings);
}

int command_aggregate(const std::vector<std::string>& args) {
  std::string output;
  bool help = false;
  std::vector<std::string> positional;
  po::options_description options("Aggregate options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "output,o", po::value<std::string>(&output),
      "directory for the merged results.json and summary.md");
  parse_with_positionals(args, options, positional);
  if (help || positional.empty() || output.empty()) {
    (help ? std::cout : std::cerr)
        << "Usage: cost-ops aggregate DIR... -o OUT\n\n"
           "Merges the raw/<target_id>.json records of each DIR (an output directory of any\n"
           "program writing the canonical record) into OUT/results.json and OUT/summary.md,\n"
           "with a column per source. Records that do not match the schema are refused by name.\n\n"
        << options << "\nExit codes: 0 all records merged, 1 some file refused, 2 usage error.\n";
    return help ? kExitOk : kExitUsage;
  }
  return aggregate_command(positional, output);
}

// Hidden subcommands: the host re-executes itself as a worker child.
int command_worker(const std::string& name, const std::vector<std::string>& args) {
  std::string plugin, target;
  MeasurementSettings m;
  po::options_description d;
  d.add_options()("plugin", po::value<std::string>(&plugin)->required())(
      "target", po::value<std::string>(&target))("warmup-time",
                                                 po::value<double>(&m.warmup_seconds))(
      "min-time", po::value<double>(&m.min_time_seconds))("min-samples",
                                                          po::value<std::uint32_t>(&m.min_samples))(
      "repetitions", po::value<std::uint32_t>(&m.repetitions))(
      "batch-iterations", po::value<std::uint64_t>(&m.fixed_batch_iterations));
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).run(), vm);
  po::notify(vm);
  if (name == "__probe") return run_probe_worker(plugin);
  return run_target_worker(plugin, target, m);
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path self = own_executable(argv[0]);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<std::string> command_line(argv, argv + argc);
  try {
    if (args.empty()) {
      std::cerr << kUsage;
      return kExitUsage;
    }
    const std::string command = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "-h" || command == "--help" || command == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (command == "-V" || command == "--version") {
      std::cout << "cost-ops " << kHostVersion << "\nplugin ABI bench_target_v1 "
                << BENCH_TARGET_V1_ABI_MAJOR << "." << BENCH_TARGET_V1_ABI_MINOR << "\nbuilt with "
                << kHostCompiler << ", " << kHostBuildType
                << (std::string(kHostGitCommit).empty() ? ""
                                                        : std::string(", commit ") + kHostGitCommit)
                << "\n";
      return kExitOk;
    }
    if (command == "run") return command_run(rest, self, command_line);
    if (command == "plugins") return command_plugins(rest, self);
    if (command == "compare") return command_compare(rest);
    if (command == "aggregate") return command_aggregate(rest);
    if (command == "history") return command_history(rest);
    if (command == "__probe" || command == "__run-target") return command_worker(command, rest);
    std::cerr << "error: unknown command `" << command << "`\n\n" << kUsage;
    return kExitUsage;
  } catch (const po::error& e) {
    std::cerr << "error: " << e.what() << "\nSee `cost-ops --help`.\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
}
