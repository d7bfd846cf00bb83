// `cost-ops export RUN --format F [-o FILE] [--baseline DIR]`: a run's
// results in a format other tools read.
#include <boost/json.hpp>
#include <iostream>

#include "commands.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/exports.hpp"
#include "costops/host/results_file.hpp"

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
      "baseline", po::value<std::string>(&text.baseline)->value_name("DIR"),
      "junit: compare with this run; regressions become failures");
  options.add(comparison.describe("Regressions (junit with --baseline)"));
  return options;
}

// Target id -> what regressed, from a comparison with the baseline.
std::map<std::string, std::string> regressions(const std::string& baseline, const std::string& run,
                                               const ComparisonOptions& comparison) {
  GateOptions gate;
  if (!comparison.apply(gate)) throw std::runtime_error("bad comparison options");
  return regressions_by_target(
      compare_runs(load_stored_run(baseline), load_stored_run(run), gate.comparison));
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
  if (text.help || positional.size() != 1 || !format) {
    if (!text.help && !text.format.empty() && !format)
      std::cerr << "error: --format `" << text.format << "` is not one of " << kExportFormatNames
                << "\n";
    (text.help ? std::cout : std::cerr)
        << "Usage: cost-ops export RUN --format FORMAT [-o FILE] [--baseline DIR]\n\n"
           "RUN is an output directory of `cost-ops run` or its results.json.\n\n"
        << options << exit_codes_help("0 exported, 2 usage error or a run that cannot be read.");
    return text.help ? kExitOk : kExitUsage;
  }
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
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace costops::cli
