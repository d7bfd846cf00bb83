// `cost-ops aggregate DIR... -o OUT`: many runs' raw records, a column per source.
#include <iostream>

#include "commands.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/output_directory.hpp"
#include "costops/host/result_aggregation.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;
namespace fs = std::filesystem;

constexpr const char* kAggregateUsage =
    "Usage: cost-ops aggregate DIR... -o OUT\n\n"
    "Merges the raw/<target_id>.json records of each DIR (an output directory of any\n"
    "program writing the canonical record) into OUT/results.json and OUT/summary.md,\n"
    "with a column per source. Records that do not match the schema are refused by name.\n"
    "OUT must not be, or lie inside, one of the DIRs.\n\n";

void write_aggregate(const AggregateReport& report, const fs::path& output) {
  make_private_directories(output);
  write_file_atomically(output / "results.json", aggregate_results_json(report));
  write_file_atomically(output / "summary.md", aggregate_summary_markdown(report));
}

po::options_description describe_aggregate_options(bool& help, std::string& output) {
  po::options_description options("Aggregate options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "output,o", po::value<std::string>(&output)->value_name("DIR"),
      "directory for the merged results.json and summary.md");
  return options;
}

}  // namespace

po::options_description aggregate_options_for_documentation() {
  static bool help = false;
  static std::string output;
  return describe_aggregate_options(help, output);
}

int aggregate_command(const Arguments& args, const CommandContext&) {
  std::string output;
  bool help = false;
  std::vector<std::string> positional;
  const po::options_description options = describe_aggregate_options(help, output);
  parse_with_positionals(args, options, positional);
  if (help || positional.empty() || output.empty()) {
    (help ? std::cout : std::cerr)
        << kAggregateUsage << options
        << exit_codes_help("0 every record merged, 1 some file refused, 2 usage error.");
    return help ? kExitOk : kExitUsage;
  }
  const std::vector<fs::path> directories(positional.begin(), positional.end());
  AggregateReport report;
  try {
    check_aggregate_output(output, directories);
    report = aggregate_sources(directories);
    write_aggregate(report, output);
  } catch (const std::runtime_error& e) {  // AggregateError, FileWriteError
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
  bool any_refused = false;
  for (const auto& source : report.sources)
    for (const auto& refused : source.refused) {
      std::cerr << "refused: " << refused.file.string() << ": " << refused.reason << "\n";
      any_refused = true;
    }
  std::cerr << "Aggregated " << report.sources.size() << " sources into "
            << (fs::path(output) / "results.json").string() << " and "
            << (fs::path(output) / "summary.md").string() << "\n";
  return any_refused ? kExitTargetNotOk : kExitOk;
}

}  // namespace costops::cli
