// `cost-ops compare BASE NEW`: the verdict per target and the gate's exit code.
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "costops/host/comparison_report.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/terminal_style.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

enum class ComparisonFormat { text, markdown, json };

std::optional<ComparisonFormat> parse_format(const std::string& text) {
  if (text == "text") return ComparisonFormat::text;
  if (text == "markdown") return ComparisonFormat::markdown;
  if (text == "json") return ComparisonFormat::json;
  return std::nullopt;
}

std::string render(const RunComparison& comparison, ComparisonFormat format) {
  switch (format) {
    case ComparisonFormat::json:
      return comparison_json(comparison);
    case ComparisonFormat::markdown:
      return comparison_markdown(comparison);
    case ComparisonFormat::text:
      break;
  }
  // For a person: the terminal's charset and width (a pipe: no width limit
  // unless $COLUMNS says one), never colour codes in a file.
  const TerminalStyle style{false, TerminalStyle::detect(STDOUT_FILENO).unicode};
  return comparison_text(comparison, style, terminal_columns(STDOUT_FILENO));
}

constexpr const char* kCompareUsage =
    "Usage: cost-ops compare BASE NEW [options]\n\n"
    "BASE and NEW are output directories of `cost-ops run` (or their results.json), or\n"
    "runs in the result store given by --history: run:ID, or run:latest for the newest\n"
    "run the filters select (e.g. --branch main --machine ID).\n"
    "Verdicts per target: faster, slower, no change, noisy. A target ok in BASE and\n"
    "failed, crashed, timed out or invalid in NEW is a regression too; runs with no\n"
    "target in common are an error. The unit of the test is the worker process (one\n"
    "per `run --rounds` round; repetitions inside one process count once): Mann-Whitney\n"
    "U on the process medians, or for the two sides of an A/B run Wilcoxon signed-rank\n"
    "on the paired rounds. Too few processes for --alpha are reported and never gate\n"
    "(record 5 or more: `run --rounds 5`, or the paired gate, docs/comparison.md).\n\n";

po::options_description describe_compare_options(bool& help, bool& quiet, std::string& format_text,
                                                 ComparisonOptions& comparison_options,
                                                 StoreOptionValues& location,
                                                 HistoryFilter& filter) {
  po::options_description options("Compare options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "quiet,q", po::bool_switch(&quiet),
      "print only the regressions, one line each (nothing when there is none)")(
      "format", po::value<std::string>(&format_text)->default_value("text")->value_name("FORMAT"),
      "text, markdown or json");
  options.add(comparison_options.describe("Verdict options"));
  options.add(describe_history_location(location));
  options.add(describe_history_filter(filter));
  return options;
}

// A run from the store ("run:ID", "run:latest") or from files.
class RunSource {
 public:
  RunSource(StoreOptionValues location, HistoryFilter filter)
      : location_(std::move(location)), filter_(std::move(filter)) {}

  StoredRun load(const std::string& operand) {
    if (!operand.starts_with("run:")) return load_stored_run(operand);
    if (location_.location.empty())
      throw HistoryError(operand + " names a stored run: give the store with --history");
    if (!store_)
      store_ = open_result_store(location_.location, location_.open_for(StoreAccess::read));
    const std::string id = operand.substr(4);
    std::int64_t run_id = 0;
    if (id == "latest") {
      const auto runs = store_->runs(filter_);
      if (runs.empty())
        throw HistoryError("no run in " + store_->location() + " matches the filters");
      run_id = runs.back().run_id;
    } else if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
      throw HistoryError("`" + operand + "` is not run:ID (a number) or run:latest");
    } else {
      run_id = std::stoll(id);
    }
    const auto record = store_->run(run_id);
    if (!record) throw HistoryError("no run " + id + " in " + store_->location());
    return stored_run_from_record(*record, store_->location() + "#run=" + std::to_string(run_id));
  }

 private:
  StoreOptionValues location_;
  HistoryFilter filter_;
  std::unique_ptr<ResultStore> store_;
};

}  // namespace

po::options_description compare_options_for_documentation() {
  static bool help = false, quiet = false;
  static std::string format_text;
  static ComparisonOptions comparison_options(true);
  static StoreOptionValues location;
  static HistoryFilter filter;
  return describe_compare_options(help, quiet, format_text, comparison_options, location, filter);
}

int compare_command(const Arguments& args, const CommandContext&) {
  std::string format_text = "text";
  bool help = false, quiet = false;
  StoreOptionValues location;
  std::vector<std::string> positional;
  HistoryFilter filter;
  ComparisonOptions comparison_options(true);
  const po::options_description options =
      describe_compare_options(help, quiet, format_text, comparison_options, location, filter);
  parse_with_positionals(args, options, positional);
  if (help) {
    std::cout
        << kCompareUsage << options
        << exit_codes_help(
               "0 no regression, 2 usage error, a run that cannot be read, a partial run\n"
               "            (read from the journal of a host that did not finish) or no target\n"
               "            in common, 3 a target is significantly slower or no longer ok.");
    return kExitOk;
  }
  if (positional.size() != 2)
    return usage_error(
        "compare", positional.empty() ? "name the two runs to compare: BASE NEW"
                   : positional.size() == 1
                       ? "name the run to compare " + quoted_list(positional) + " with: BASE NEW"
                       : "compare takes two runs, BASE and NEW, not " +
                             std::to_string(positional.size()) + ": " + quoted_list(positional));
  const auto format = parse_format(format_text);
  if (!format) {
    std::cerr << "error: --format takes text, markdown or json, not `" << format_text << "`\n";
    return kExitUsage;
  }
  GateOptions gate;
  if (!comparison_options.apply(gate) || !apply_time_filters(filter)) return kExitUsage;
  RunComparison comparison;
  if (!location.location.empty() && !check_store_options(location)) return kExitUsage;
  bool partial = false;
  try {
    RunSource source(location, filter);
    const StoredRun base = source.load(positional[0]);
    const StoredRun current = source.load(positional[1]);
    // A run read from its journal is not a finished run: say so, and never
    // let it pass a gate (exit 2 after the comparison, unless a regression's 3).
    for (const StoredRun* run : {&base, &current}) {
      // Read, but not vouched for by this host (results_signature.hpp).
      if (!run->signature_note.empty()) std::cerr << "note: " << run->signature_note << "\n";
      if (!run->partial.empty()) {
        std::cerr << "warning: " << run->file.string() << ": " << run->partial << "\n";
        partial = true;
      }
    }
    comparison = compare_runs(base, current, gate.comparison);
  } catch (const std::runtime_error& e) {  // ResultsFileError, ComparisonError, HistoryError
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  if (quiet)
    for (const auto& line : comparison.regression_lines())
      std::cout << TerminalStyle::detect(STDOUT_FILENO).in_charset(line) << "\n";
  else
    std::cout << render(comparison, *format);
  if (comparison.has_regression() && gate.fail_on == FailOn::slower) return kExitRegression;
  return partial ? kExitUsage : kExitOk;
}

}  // namespace costops::cli
