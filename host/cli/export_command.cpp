// `cost-ops export RUN --format F [-o FILE] [--baseline NAME|DIR]`: a run's
// results in a format other tools read.
#include <boost/json.hpp>
#include <iostream>

#include "commands.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/baselines.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;
namespace fs = std::filesystem;

struct ExportText {
  bool help = false;
  std::string format, output, baseline;
};

po::options_description describe_export_options(ExportText& text, ComparisonOptions& comparison) {
  po::options_description options("Export options");
  options.add_options()("help,h", po::bool_switch(&text.help), "show this help")(
      "format", po::value<std::string>(&text.format)->value_name("FORMAT"),
      "gbench-json (Google Benchmark JSON, for compare.py), bmf (Bencher Metric Format), "
      "github-action-benchmark (customSmallerIsBetter), junit (JUnit XML), csv")(
      "output,o", po::value<std::string>(&text.output)->value_name("FILE"),
      "write here (atomically) instead of standard output")(
      "baseline", po::value<std::string>(&text.baseline)->value_name("NAME|DIR"),
      "junit: compare with this run (a baseline saved in RUN with --save-baseline NAME, or a "
      "run directory or results.json); regressions become failures");
  options.add(comparison.describe("Regressions (junit with --baseline)"));
  return options;
}

// Target id -> what regressed, from a comparison with the baseline: a name
// saved in the run's directory (signature checked, as `run --baseline`
// does) or a path.
std::map<std::string, std::string> regressions(const std::string& baseline, const std::string& run,
                                               const ComparisonOptions& comparison) {
  GateOptions gate;
  if (!comparison.apply(gate)) throw std::runtime_error("bad comparison options");
  const fs::path run_dir = fs::is_directory(run) ? fs::path(run) : fs::path(run).parent_path();
  std::string unsigned_note;
  StoredRun base = load_checked_baseline(run_dir, baseline, unsigned_note);
  if (!unsigned_note.empty()) std::cerr << "warning: " << unsigned_note << "\n";
  return regressions_by_target(compare_runs(base, load_stored_run(run), gate.comparison));
}

}  // namespace

po::options_description export_options_for_documentation() {
  static ExportText text;
  static ComparisonOptions comparison(false);
  return describe_export_options(text, comparison);
}

int export_command(const Arguments& args, const CommandContext&) {
  ExportText text;
  ComparisonOptions comparison(false);
  std::vector<std::string> positional;
  const po::options_description options = describe_export_options(text, comparison);
  parse_with_positionals(args, options, positional);
  const auto format = parse_export_format(text.format);
  if (text.help) {
    std::cout << "Usage: cost-ops export RUN --format FORMAT [-o FILE] [--baseline NAME|DIR]\n\n"
                 "RUN is an output directory of `cost-ops run` or its results.json.\n\n"
              << options
              << exit_codes_help("0 exported, 2 usage error or a run that cannot be read.");
    return kExitOk;
  }
  if (positional.size() != 1)
    return usage_error("export", positional.empty()
                                     ? "name the run to export: an output directory of `cost-ops "
                                       "run` or its results.json"
                                     : "export takes one run, not " + quoted_list(positional));
  if (!format)
    return usage_error(
        "export",
        text.format.empty()
            ? "name the format with --format: one of " + std::string(kExportFormatNames)
            : "--format `" + text.format + "` is not one of " + std::string(kExportFormatNames));
  try {
    const boost::json::value document = load_results_document(positional.front());
    ExportOptions export_options;
    if (!text.baseline.empty())
      export_options.regressions = regressions(text.baseline, positional.front(), comparison);
    export_options.run_name = run_name_of(positional.front());
    const ExportedText exported = export_results(document, *format, export_options);
    if (text.output.empty())
      std::cout << exported.text;
    else
      write_file_atomically(text.output, exported.text);
    if (const std::string warning = left_out_warning(*format, exported.left_out); !warning.empty())
      std::cerr << "warning: " << warning << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace costops::cli
