// `cost-ops history TARGET --history FILE|URL`: one target's trend over the
// stored runs; `cost-ops history --regressions`: what got slower in every
// series; `cost-ops history upload --history FILE|URL DIR`: store the runs
// queued in an outbox when the store could not take them.
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/history_outbox.hpp"
#include "costops/host/history_report.hpp"
#include "costops/host/store/fleet_regressions.hpp"
#include "costops/host/terminal_style.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

constexpr const char* kHistoryUsage =
    "Usage: cost-ops history TARGET --history FILE|URL [filters] [--format text|json|markdown]\n"
    "       cost-ops history --regressions --history FILE|URL [filters] [--last N]\n"
    "       cost-ops history upload --history FILE|URL DIR\n\n"
    "The first form prints TARGET's trend over the stored runs, oldest first by when they\n"
    "ran, with the change from the previous run of the same series (repository, branch,\n"
    "machine) and a step where it is significant, or where the series' run medians\n"
    "change level; runs of different series are never compared. The second lists every\n"
    "series (repository x branch x machine x target) whose newest runs show a slower\n"
    "level, with its first slow run (--since: first slow at or after then). The third\n"
    "stores the runs queued in DIR/history-outbox/ (an output directory of `cost-ops\n"
    "run`) when the store could not take them, removes each file once its run is stored\n"
    "(or was already), and moves a file the store must not take to\n"
    "DIR/history-outbox/rejected/ with the reason.\n\n";

constexpr const char* kHistoryExitCodes =
    "0 the history was printed (or every queued run stored), 1 some outbox file\n"
    "            rejected, 2 usage error, a store that is missing or cannot be reached, no\n"
    "            such target, 3 --regressions found a series that got slower.";

struct HistoryOptionValues {
  bool help = false, regressions = false;
  int last_runs = kDefaultRegressionRuns;
  std::string format_text = "text";
  StoreOptionValues store;
  HistoryFilter filter;
  ComparisonOptions comparison_options{false};
};

po::options_description describe_history_options(HistoryOptionValues& values) {
  po::options_description options("History options");
  options.add_options()("help,h", po::bool_switch(&values.help), "show this help")(
      "format",
      po::value<std::string>(&values.format_text)->default_value("text")->value_name("FORMAT"),
      "text, json or markdown")("regressions", po::bool_switch(&values.regressions),
                                "list the series that got slower instead of one target's trend")(
      "last",
      po::value<int>(&values.last_runs)->default_value(kDefaultRegressionRuns)->value_name("N"),
      "--regressions: test each series' newest N runs");
  options.add(describe_history_location(values.store));
  options.add(describe_history_filter(values.filter));
  options.add(values.comparison_options.describe("Step detection (between consecutive runs)"));
  return options;
}

int upload(const StoreOptionValues& options, const std::string& directory) {
  const auto store = open_result_store(options.location, options.open_for(StoreAccess::write));
  const OutboxUpload result = upload_outbox(*store, directory);
  for (const auto& [file, run_id] : result.stored)
    std::cerr << "stored " << file.string() << " as run " << run_id << " in " << store->location()
              << "\n";
  for (const auto& [file, run_id] : result.already_stored)
    std::cerr << "already stored: " << file.string() << " is run " << run_id << "\n";
  for (const auto& [file, reason] : result.rejected)
    std::cerr << "rejected, moved to " << file.string() << ": " << reason << "\n";
  if (result.stored.empty() && result.already_stored.empty() && result.rejected.empty())
    std::cerr << "nothing queued in " << directory << "\n";
  return result.rejected.empty() ? kExitOk : kExitTargetNotOk;
}

int regressions(const HistoryOptionValues& values, HistoryFormat format,
                const ComparisonSettings& comparison) {
  const SeriesStepSettings settings{comparison.threshold, comparison.alpha};
  const auto found = find_regressions(
      *open_result_store(values.store.location, values.store.open_for(StoreAccess::read)),
      values.filter, values.last_runs, settings);
  std::cout << render_regressions(found, settings, format);
  return found.empty() ? kExitOk : kExitRegression;
}

}  // namespace

po::options_description history_options_for_documentation() {
  static HistoryOptionValues values;
  return describe_history_options(values);
}

int history_command(const Arguments& args, const CommandContext&) {
  HistoryOptionValues values;
  std::vector<std::string> positional;
  const po::options_description options = describe_history_options(values);
  parse_with_positionals(args, options, positional);
  const bool uploading = !positional.empty() && positional[0] == "upload";
  const std::size_t operands = uploading ? 2u : values.regressions ? 0u : 1u;
  if (values.help) {
    std::cout << kHistoryUsage << options << exit_codes_help(kHistoryExitCodes);
    return kExitOk;
  }
  if (positional.size() != operands)
    return usage_error("history",
                       uploading ? "history upload takes one run directory: "
                                   "history upload --history FILE|URL DIR"
                       : values.regressions
                           ? "history --regressions takes no TARGET, not " + quoted_list(positional)
                       : positional.empty()
                           ? "name the TARGET whose history to show (or use "
                             "--regressions for every target)"
                           : "history takes one TARGET, not " + quoted_list(positional));
  if (values.store.location.empty())
    return usage_error("history", "name the result store with --history FILE|URL");
  const auto format = parse_history_format(values.format_text);
  GateOptions gate;
  if (!format)
    std::cerr << "error: --format takes text, json or markdown, not `" << values.format_text
              << "`\n";
  if (!format || !values.comparison_options.apply(gate) || !apply_time_filters(values.filter))
    return kExitUsage;
  if (values.last_runs < 10 || values.last_runs > 10000) {
    std::cerr << "error: --last " << values.last_runs << " is not between 10 and 10000 runs\n";
    return kExitUsage;
  }
  try {
    if (!check_store_options(values.store, !uploading)) return kExitUsage;
    if (uploading) return upload(values.store, positional[1]);
    if (values.regressions) return regressions(values, *format, gate.comparison);
    const auto entries =
        open_result_store(values.store.location, values.store.open_for(StoreAccess::read))
            ->entries(positional[0], values.filter);
    if (entries.empty()) {
      std::cerr << "error: " << redacted_location(values.store.location)
                << " holds no result of target `" << positional[0]
                << "` that the filters select: check the target id (`cost-ops run --list` "
                   "lists them) and --repository, --branch, --machine, --since, --until\n";
      return kExitUsage;
    }
    const std::string shown = render_history(positional[0], entries, gate.comparison, *format);
    // Text is for a terminal: its charset (LANG=C: "us", "^ step"); the
    // other formats are files and stay UTF-8.
    std::cout << (*format == HistoryFormat::text
                      ? TerminalStyle::detect(STDOUT_FILENO).in_charset(shown)
                      : shown);
    return kExitOk;
  } catch (const std::runtime_error& e) {  // HistoryError, FileWriteError (rejecting a file)
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
}

}  // namespace costops::cli
