// `cost-ops report RUN [--baseline DIR|NAME] [--history FILE|URL] -o report.html`:
// a run as one self-contained HTML page with charts.
#include <iostream>

#include "commands.hpp"
#include "costops/host/ab_rounds.hpp"
#include "costops/host/baselines.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/report/html_report.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;
namespace fs = std::filesystem;

struct ReportText {
  bool help = false;
  std::string output, baseline;
  StoreOptionValues history;
  HistoryFilter filter;
};

po::options_description describe_report_options(ReportText& text, ComparisonOptions& comparison) {
  po::options_description options("Report options");
  options.add_options()("help,h", po::bool_switch(&text.help), "show this help")(
      "output,o", po::value<std::string>(&text.output)->value_name("FILE"),
      "write the HTML page here (atomically); required")(
      "baseline", po::value<std::string>(&text.baseline)->value_name("DIR|NAME"),
      "compare with this run: an output directory, a results.json, or a name saved with "
      "`run --save-baseline` in RUN's baselines/")(
      "history", po::value<std::string>(&text.history.location)->value_name("FILE|URL"),
      (std::string("draw each target's trend from ") + kHistoryLocationHelp +
       ", written by `run --history`")
          .c_str())("store-timeout",
                    po::value<double>(&text.history.timeout_s)
                        ->default_value(kDefaultStoreTimeoutSeconds)
                        ->value_name("S"),
                    kStoreTimeoutHelp);
  options.add(describe_history_filter(text.filter));
  options.add(comparison.describe("Comparison and step changes"));
  return options;
}

constexpr const char* kUsage =
    "Usage: cost-ops report RUN [--baseline DIR|NAME] [--history FILE|URL] -o report.html\n\n"
    "RUN is an output directory of `cost-ops run` or its results.json. The page is one\n"
    "file that works offline: per-target sample distributions, scaling families on\n"
    "log-log axes with their fitted growth, the comparison with a baseline and its\n"
    "confidence intervals, history trends with step changes, environment and settings.\n"
    "With a comparison the page opens with its verdicts, regressions first. An A/B run\n"
    "is compared with its RUN/ab-baseline side without --baseline; the threshold and\n"
    "alpha default to those the run compared with.\n"
    "`cost-ops run` writes it to <output>/report.html unless --no-report.\n\n";

}  // namespace

po::options_description report_options_for_documentation() {
  static ReportText text;
  static ComparisonOptions comparison(false);
  return describe_report_options(text, comparison);
}

int report_command(const Arguments& args, const CommandContext&) {
  ReportText text;
  ComparisonOptions comparison(false);
  std::vector<std::string> positional;
  const po::options_description options = describe_report_options(text, comparison);
  parse_with_positionals(args, options, positional);
  if (text.help) {
    std::cout << kUsage << options
              << exit_codes_help(
                     "0 written, 2 usage error, or a run, baseline or history that\n"
                     "            cannot be read, or a page that cannot be written.");
    return kExitOk;
  }
  if (positional.size() != 1)
    return usage_error("report", positional.empty()
                                     ? "name the run to report: an output directory of `cost-ops "
                                       "run` or its results.json"
                                     : "report takes one run, not " + quoted_list(positional));
  if (text.output.empty()) return usage_error("report", "name the page to write with -o FILE");
  GateOptions gate;
  if (!comparison.apply(gate) || !apply_time_filters(text.filter)) return kExitUsage;
  if (!text.history.location.empty() && !check_store_options(text.history)) return kExitUsage;
  ReportRequest request{positional.front(), std::nullopt, text.baseline, text.history.location,
                        gate.comparison};
  request.history_filter = text.filter;
  request.store_timeout_s = text.history.timeout_s;
  try {
    const fs::path run_dir =
        fs::is_directory(request.run) ? request.run : request.run.parent_path();
    // The run's own threshold and alpha unless overridden: the page then
    // states the verdicts `run` gated on.
    if (const auto recorded = recorded_comparison_settings(load_results_document(request.run))) {
      if (!comparison.threshold_given()) request.comparison.threshold = recorded->threshold;
      if (!comparison.alpha_given()) request.comparison.alpha = recorded->alpha;
    }
    if (!text.baseline.empty()) {  // a saved baseline must carry this host's signature
      std::string unsigned_note;
      request.baseline = load_checked_baseline(run_dir, text.baseline, unsigned_note);
      if (!unsigned_note.empty()) std::cerr << "warning: " << unsigned_note << "\n";
    } else if ((request.baseline = ab_baseline_of(run_dir))) {
      request.baseline_label = "A/B baseline " + (run_dir / kAbBaselineDirectory).string();
    }
    write_html_report(request, text.output);
  } catch (const std::exception& e) {  // ResultsFileError, HistoryError, FileWriteError, ...
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  std::cout << "Report: " << fs::absolute(text.output).string() << "\n";
  return kExitOk;
}

}  // namespace costops::cli
