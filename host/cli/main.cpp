// cost-ops: the command line. Finds the command and hands over to its file
// (<name>_command.cpp); a worker child (hidden subcommands) goes straight to
// the worker side, which runs with plugin code loaded.
#include <array>
#include <iostream>
#include <string>
#include <vector>

#include <costops/bench_target_v1.h>
#include "commands.hpp"

#include "costops/host/build_info.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/worker/worker_main.hpp"
#include "costops/host/worker_protocol.hpp"

namespace fs = std::filesystem;
using namespace costops;

namespace {

struct Command {
  const char* name;
  int (*function)(const cli::Arguments&, const cli::CommandContext&);
};

constexpr std::array<Command, 5> kCommands = {{{"run", cli::run_command},
                                               {"plugins", cli::plugins_command},
                                               {"compare", cli::compare_command},
                                               {"history", cli::history_command},
                                               {"aggregate", cli::aggregate_command}}};

constexpr const char* kUsage =
    "Usage: cost-ops <command> [options]\n"
    "\n"
    "Benchmark host for LLM cost-operations code. Targets live in plugins: shared\n"
    "libraries exporting bench_target_v1_entry (see docs/plugin-authors.md).\n"
    "\n"
    "Commands:\n"
    "  run                 discover plugins, run their targets, write results\n"
    "  plugins list        list every plugin file found, its status and targets\n"
    "  plugins check FILE  load FILE as a plugin and explain what is wrong\n"
    "  compare BASE NEW    compare two runs (output directories or results.json)\n"
    "  history TARGET --history FILE\n"
    "                      the trend of one target over recorded runs, step changes flagged\n"
    "  aggregate DIR... -o OUT\n"
    "                      merge the raw/<target_id>.json records of many runs, a column per "
    "source\n"
    "\n"
    "Options:\n"
    "  -h, --help          show this help (`cost-ops run --help` for run's options)\n"
    "  -V, --version       show the version, ABI and build\n"
    "\n"
    "Exit codes: 0 all selected targets ok, 1 some target or plugin not ok,\n"
    "            2 usage or environment error, 3 comparison found a regression.\n";

fs::path own_executable(const char* argv0) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) self = fs::absolute(argv0, ec);
  return self;
}

void print_version() {
  std::cout << "cost-ops " << host::kHostVersion << "\nplugin ABI bench_target_v1 "
            << BENCH_TARGET_V1_ABI_MAJOR << "." << BENCH_TARGET_V1_ABI_MINOR << "\nbuilt with "
            << host::kHostCompiler << ", " << host::kHostBuildType
            << (std::string(host::kHostGitCommit).empty()
                    ? ""
                    : std::string(", commit ") + host::kHostGitCommit)
            << "\n";
}

int dispatch(const std::string& name, const cli::Arguments& rest,
             const cli::CommandContext& context) {
  if (name == "-h" || name == "--help" || name == "help") {
    std::cout << kUsage;
    return host::kExitOk;
  }
  if (name == "-V" || name == "--version") {
    print_version();
    return host::kExitOk;
  }
  for (const Command& command : kCommands)
    if (name == command.name) return command.function(rest, context);
  std::cerr << "error: unknown command `" << name << "`\n\n" << kUsage;
  return host::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && host::is_worker_subcommand(args.front())) return host::run_worker(args);
    if (args.empty()) {
      std::cerr << kUsage;
      return host::kExitUsage;
    }
    const cli::CommandContext context{own_executable(argv[0]),
                                      std::vector<std::string>(argv, argv + argc)};
    return dispatch(args.front(), cli::Arguments(args.begin() + 1, args.end()), context);
  } catch (const boost::program_options::error& e) {
    std::cerr << "error: " << e.what() << "\nSee `cost-ops --help`.\n";
    return host::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return host::kExitUsage;
  }
}
