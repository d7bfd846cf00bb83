// `cost-ops history TARGET --history FILE`: one target's trend over recorded runs.
#include <iostream>

#include "commands.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/run_history.hpp"

namespace costops::cli {

using namespace costops::host;

namespace {

po::options_description describe_history_options(bool& help, std::string& file,
                                                 ComparisonOptions& comparison_options) {
  po::options_description options("History options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "history", po::value<std::string>(&file)->value_name("FILE"),
      "the SQLite database written by `run --history`");
  options.add(comparison_options.describe("Step detection (between consecutive runs)"));
  return options;
}

}  // namespace

po::options_description history_options_for_documentation() {
  static bool help = false;
  static std::string file;
  static ComparisonOptions comparison_options(false);
  return describe_history_options(help, file, comparison_options);
}

int history_command(const Arguments& args, const CommandContext&) {
  std::string file;
  bool help = false;
  std::vector<std::string> positional;
  ComparisonOptions comparison_options(false);
  const po::options_description options = describe_history_options(help, file, comparison_options);
  parse_with_positionals(args, options, positional);
  if (help || positional.size() != 1 || file.empty()) {
    (help ? std::cout : std::cerr)
        << "Usage: cost-ops history TARGET --history FILE\n\n"
        << options
        << exit_codes_help(
               "0 the history was printed, 2 usage error, no database or no such target.");
    return help ? kExitOk : kExitUsage;
  }
  GateOptions gate;
  if (!comparison_options.apply(gate)) return kExitUsage;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::cerr << "error: history database " << file << " does not exist; record runs with "
              << "`cost-ops run --history " << file << "`\n";
    return kExitUsage;
  }
  try {
    RunHistory history(file);
    const auto entries = history.entries(positional[0]);
    std::cout << history_text(positional[0], entries, gate.comparison);
    return entries.empty() ? kExitUsage : kExitOk;
  } catch (const HistoryError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace costops::cli
