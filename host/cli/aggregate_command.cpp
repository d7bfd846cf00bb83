// `cost-ops aggregate DIR... -o OUT`: many runs' raw records, a column per source.
#include <iostream>

#include "commands.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/output_directory.hpp"
#include "costops/host/result_aggregation.hpp"
#include "costops/host/results_signature.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;
namespace fs = std::filesystem;

constexpr const char* kAggregateUsage =
    "Usage: cost-ops aggregate DIR... -o OUT\n"
    "       cost-ops aggregate --history FILE|URL [--repository R]... [--machine M]...\n"
    "                          [--by repository|machine] [--branch B] -o OUT\n\n"
    "Merges the raw/<target_id>.json records of each DIR (an output directory of any\n"
    "program writing the canonical record) into OUT/results.json and OUT/summary.md,\n"
    "with a column per source. Records that do not match the schema are refused by name.\n"
    "OUT must not be, or lie inside, one of the DIRs.\n"
    "From the result store: a column per repository (or per machine with --by machine),\n"
    "each the newest stored run of that repository (machine) the filters select; without\n"
    "--repository (--machine) every one in the store.\n\n";

// The store form's options.
struct StoreSelection {
  StoreOptionValues store;
  std::string by = "repository";
  std::vector<std::string> repositories, machines;
  HistoryFilter filter;
};

po::options_description describe_store_selection(StoreSelection& s) {
  po::options_description d("From the result store (with --history)");
  d.add_options()(
      "repository",
      po::value<std::vector<std::string>>(&s.repositories)->composing()->value_name("NAME"),
      "a repository to aggregate (repeatable)")(
      "machine", po::value<std::vector<std::string>>(&s.machines)->composing()->value_name("ID"),
      "a machine id to aggregate (repeatable)")(
      "by", po::value<std::string>(&s.by)->default_value("repository")->value_name("KEY"),
      "one column per `repository` or per `machine`")(
      "branch", po::value<std::string>(&s.filter.branch)->value_name("NAME"),
      "only runs of this branch");
  d.add(describe_time_filters(s.filter));
  return d;
}

// The sources from the store; throws HistoryError.
AggregateReport aggregate_from_store(StoreSelection s) {
  const bool by_machine = s.by == "machine";
  if (!by_machine && s.by != "repository")
    throw HistoryError("--by takes repository or machine, not `" + s.by + "`");
  // The keys are the columns; a single value of the other kind filters.
  auto& keys = by_machine ? s.machines : s.repositories;
  const auto& other = by_machine ? s.repositories : s.machines;
  if (other.size() > 1)
    throw HistoryError(std::string("with --by ") + s.by + ", give at most one --" +
                       (by_machine ? "repository" : "machine") + " (it filters)");
  if (!other.empty()) (by_machine ? s.filter.repository : s.filter.machine) = other[0];
  const auto store = open_result_store(s.store.location, s.store.open_for(StoreAccess::read));
  return aggregate_store(*store, keys,
                         by_machine ? AggregateColumns::machine : AggregateColumns::repository,
                         s.filter);
}

void write_aggregate(const AggregateReport& report, const fs::path& output) {
  make_output_directories(output);
  write_signed_results_file(output / "results.json", aggregate_results_json(report));
  write_file_atomically(output / "summary.md", aggregate_summary_markdown(report));
}

po::options_description describe_aggregate_options(bool& help, std::string& output,
                                                   StoreSelection& store) {
  po::options_description options("Aggregate options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "output,o", po::value<std::string>(&output)->value_name("DIR"),
      "directory for the merged results.json and summary.md");
  options.add(describe_history_location(store.store)).add(describe_store_selection(store));
  return options;
}

}  // namespace

po::options_description aggregate_options_for_documentation() {
  static bool help = false;
  static std::string output;
  static StoreSelection store;
  return describe_aggregate_options(help, output, store);
}

int aggregate_command(const Arguments& args, const CommandContext&) {
  std::string output;
  bool help = false;
  std::vector<std::string> positional;
  StoreSelection store;
  const po::options_description options = describe_aggregate_options(help, output, store);
  parse_with_positionals(args, options, positional);
  const bool from_store = !store.store.location.empty();
  if (help) {
    std::cout << kAggregateUsage << options
              << exit_codes_help("0 every record merged, 1 some file refused, 2 usage error.");
    return kExitOk;
  }
  if (positional.empty() && !from_store)
    return usage_error("aggregate", "name the run directories to merge, or a store with --history");
  if (!positional.empty() && from_store)
    return usage_error("aggregate", "merge either run directories (" + quoted_list(positional) +
                                        ") or the store given by --history, not both");
  if (output.empty()) return usage_error("aggregate", "name the directory to write with -o DIR");
  if (from_store && (!check_store_options(store.store) || !apply_time_filters(store.filter)))
    return kExitUsage;
  const std::vector<fs::path> directories(positional.begin(), positional.end());
  AggregateReport report;
  try {
    check_aggregate_output(output, directories);
    report = from_store ? aggregate_from_store(store) : aggregate_sources(directories);
    write_aggregate(report, output);
  } catch (const std::runtime_error& e) {  // AggregateError, HistoryError, FileWriteError
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  bool any_refused = false;
  for (const auto& source : report.sources) {
    for (const auto& note : source.notes) std::cerr << "note: " << note << "\n";
    for (const auto& refused : source.refused) {
      std::cerr << "refused: " << refused.file.string() << ": " << refused.reason << "\n";
      any_refused = true;
    }
  }
  std::cerr << "Aggregated " << report.sources.size() << " sources into "
            << (fs::path(output) / "results.json").string() << " and "
            << (fs::path(output) / "summary.md").string() << "\n";
  return any_refused ? kExitTargetNotOk : kExitOk;
}

}  // namespace costops::cli
