// `cost-ops history TARGET --history FILE|URL`: one target's trend over the
// stored runs; `cost-ops history upload --history FILE|URL DIR`: store the
// runs queued in an outbox when the store could not take them.
#include <iostream>

#include "commands.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/history_outbox.hpp"
#include "costops/host/history_report.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

constexpr const char* kHistoryUsage =
    "Usage: cost-ops history TARGET --history FILE|URL [filters] [--format text|json|markdown]\n"
    "       cost-ops history upload --history FILE|URL DIR\n\n"
    "The first form prints TARGET's trend over the stored runs, with the change from the\n"
    "previous run on the same machine and a step where it is significant; runs on\n"
    "different machines are never compared. The second stores the runs queued in\n"
    "DIR/history-outbox/ (an output directory of `cost-ops run`) when the store could\n"
    "not take them, and removes each file once its run is stored.\n\n";

constexpr const char* kHistoryExitCodes =
    "0 the history was printed (or every queued run stored), 1 some outbox file refused,\n"
    "            2 usage error, a store that is missing or cannot be reached, no such target.";

struct HistoryOptionValues {
  bool help = false;
  std::string location, format_text = "text";
  HistoryFilter filter;
  ComparisonOptions comparison_options{false};
};

po::options_description describe_history_options(HistoryOptionValues& values) {
  po::options_description options("History options");
  options.add_options()("help,h", po::bool_switch(&values.help), "show this help")(
      "format",
      po::value<std::string>(&values.format_text)->default_value("text")->value_name("FORMAT"),
      "text, json or markdown");
  options.add(describe_history_location(values.location));
  options.add(describe_history_filter(values.filter));
  options.add(values.comparison_options.describe("Step detection (between consecutive runs)"));
  return options;
}

int upload(const std::string& location, const std::string& directory) {
  const auto store = open_result_store(location);
  const OutboxUpload result = upload_outbox(*store, directory);
  for (const auto& [file, run_id] : result.stored)
    std::cerr << "stored " << file.string() << " as run " << run_id << " in " << store->location()
              << "\n";
  for (const auto& [file, reason] : result.refused) std::cerr << "refused: " << reason << "\n";
  if (result.stored.empty() && result.refused.empty())
    std::cerr << "nothing queued in " << directory << "\n";
  return result.refused.empty() ? kExitOk : kExitTargetNotOk;
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
  if (values.help || positional.size() != (uploading ? 2u : 1u) || values.location.empty()) {
    (values.help ? std::cout : std::cerr)
        << kHistoryUsage << options << exit_codes_help(kHistoryExitCodes);
    return values.help ? kExitOk : kExitUsage;
  }
  const auto format = parse_history_format(values.format_text);
  GateOptions gate;
  if (!format)
    std::cerr << "error: --format takes text, json or markdown, not `" << values.format_text
              << "`\n";
  if (!format || !values.comparison_options.apply(gate)) return kExitUsage;
  try {
    if (uploading) return upload(values.location, positional[1]);
    if (!check_store_exists(values.location)) return kExitUsage;
    const auto entries = open_result_store(values.location)->entries(positional[0], values.filter);
    std::cout << render_history(positional[0], entries, gate.comparison, *format);
    return entries.empty() ? kExitUsage : kExitOk;
  } catch (const HistoryError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace costops::cli
