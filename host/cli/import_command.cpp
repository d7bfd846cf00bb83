// `cost-ops import FORMAT PATH... -o DIR [provenance] [--history URL]`: a
// run directory from another harness's output (host/src/import/).
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/history_outbox.hpp"
#include "costops/host/import/import_readers.hpp"
#include "costops/host/import/import_writer.hpp"
#include "costops/host/import/imported_environment.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;
namespace fs = std::filesystem;

struct ImportText {
  bool help = false;
  std::string output, tool_version, tool_command;
  StoreOptionValues history;
  ProvenanceOptions provenance;
};

std::string format_list() {
  std::string text;
  for (const ImportFormat& f : import_formats())
    text += "  " + std::string(f.name) +
            std::string(18 - std::min<std::size_t>(17, f.name.size()), ' ') +
            std::string(f.summary) + "\n";
  return text;
}

po::options_description describe_import_options(ImportText& text) {
  po::options_description options("Import options");
  options.add_options()("help,h", po::bool_switch(&text.help), "show this help")(
      "output,o", po::value<std::string>(&text.output)->value_name("DIR"),
      "write the run directory here (a new or empty directory; written whole or not at all); "
      "required")(
      "tool-version", po::value<std::string>(&text.tool_version)->value_name("TEXT"),
      "the tool's version, recorded with the run (default: what the files say, if anything)")(
      "tool-command", po::value<std::string>(&text.tool_command)->value_name("TEXT"),
      "the command that produced the files, recorded with the run (default: what the files "
      "say, if anything)");
  options.add(describe_provenance_options(text.provenance));
  options.add(describe_history_location(text.history));
  return options;
}

std::string usage() {
  return "Usage: cost-ops import FORMAT PATH... -o DIR [options]\n\n"
         "Writes a cost-ops run directory (results.json, raw/, summary.md, report.html) from\n"
         "another harness's output, for compare, a run's baseline, history, aggregate, report\n"
         "and export. Each PATH is one invocation of the tool (one process): give several to\n"
         "let compare test across processes. docs/import.md says what each format keeps.\n\n"
         "Formats:\n" +
         format_list() + "\n";
}

// Records the run in the store; when the store cannot take it, queues it in
// the run directory's outbox (like `run --history`). False when not stored.
bool record_in_store(const SuiteReport& report, const StoreOptionValues& location,
                     const fs::path& dir) {
  const RunRecord record = make_run_record(report);
  try {
    const auto store = open_result_store(location.location, location.open_for(StoreAccess::write));
    const std::int64_t run_id = store->append(record);
    std::cout << "Recorded as run " << run_id << " in " << store->location() << "\n";
    return true;
  } catch (const HistoryError& e) {
    std::cerr << "error: the run was not stored: " << costops::host::for_terminal(e.what()) << "\n";
    try {
      const fs::path file = queue_in_outbox(dir, record);
      std::cerr << "error: queued in " << file.string()
                << "; store it later with `cost-ops history upload --history "
                << pasteable_location(location.location) << " " << dir.string() << "`\n";
    } catch (const FileWriteError& queue_error) {
      std::cerr << "error: " << queue_error.what() << "\n";
    }
    return false;
  }
}

}  // namespace

po::options_description import_options_for_documentation() {
  static ImportText text;
  return describe_import_options(text);
}

int import_command(const Arguments& args, const CommandContext& context) {
  ImportText text;
  std::vector<std::string> positional;
  const po::options_description options = describe_import_options(text);
  parse_with_positionals(args, options, positional);
  const ImportFormat* format =
      positional.empty() ? nullptr : find_import_format(positional.front());
  if (text.help) {
    std::cout << usage() << options
              << exit_codes_help(
                     "0 imported, 2 usage error, input that cannot be imported (nothing is\n"
                     "            written), or a run that could not be recorded with --history.");
    return kExitOk;
  }
  if (positional.empty()) return usage_error("import", "name the format and the files to import");
  if (!format)
    return usage_error("import", "`" + positional.front() +
                                     "` is not a format cost-ops imports; the formats:\n" +
                                     format_list());
  if (positional.size() < 2)
    return usage_error("import", "name at least one file " + positional.front() + " wrote");
  if (text.output.empty())
    return usage_error("import", "name the run directory to write with -o DIR");
  // A store location that cannot be used is found before anything is written.
  if (!text.history.location.empty() && !check_store_options(text.history, false))
    return kExitUsage;
  try {
    ImportedRun run = format->read(ImportPaths(positional.begin() + 1, positional.end()));
    if (run.targets.empty()) throw ImportError(positional[1] + ": holds no benchmark to import");
    if (!text.tool_version.empty()) run.tool_version = text.tool_version;
    if (!text.tool_command.empty()) run.tool_command = text.tool_command;
    for (const std::string& note : run.notes) std::cerr << "note: " << note << "\n";
    RunProvenance source = collect_provenance(text.provenance, process_environment(), ".");
    const EnvironmentInfo here = collect_environment();
    const EnvironmentInfo environment = imported_environment(run.machine, here);
    identify_imported_machine(source, environment, here.host_name);
    const SuiteReport report =
        imported_suite_report(run, source, environment, context.command_line);
    write_imported_run(report, text.output);
    std::cout << "Imported " << report.targets.size()
              << (report.targets.size() == 1 ? " target" : " targets") << " from " << run.tool
              << " into " << fs::absolute(text.output).string() << "\n";
    if (!text.history.location.empty() && !record_in_store(report, text.history, text.output))
      return kExitUsage;
  } catch (const ImportError& e) {
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {  // FileWriteError, a report that cannot be written
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace costops::cli
