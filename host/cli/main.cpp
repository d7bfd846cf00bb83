// cost-ops: the command line. Finds the command and hands over to its file
// (<name>_command.cpp); a worker child (hidden subcommands) goes straight to
// the worker side, which runs with plugin code loaded.
#include <iostream>
#include <string>
#include <vector>

#include <costops/bench_target_v1.h>
#include "commands.hpp"
#include "did_you_mean.hpp"

#include "costops/host/build_info.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/store/store_location.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/worker/worker_main.hpp"
#include "costops/host/worker_protocol.hpp"

namespace fs = std::filesystem;
using namespace costops;

namespace {

// A message without any password that one of the arguments carries.
std::string without_secrets(std::string message, const std::vector<std::string>& args) {
  for (const std::string& arg : args) message = host::without_store_secrets(message, arg);
  return message;
}

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
                    : std::string(", commit ") + host::kHostGitCommit +
                          (host::kHostGitDirty ? " (with uncommitted changes)" : ""))
            << "\n";
}

int dispatch(const std::string& name, const cli::Arguments& rest,
             const cli::CommandContext& context) {
  if (name == "-h" || name == "--help") {
    std::cout << cli::general_usage();
    return host::kExitOk;
  }
  if (name == "-V" || name == "--version") {
    print_version();
    return host::kExitOk;
  }
  if (const cli::CommandSpec* command = cli::find_command(name)) return command->run(rest, context);
  std::vector<std::string> names;
  for (const cli::CommandSpec& command : cli::command_table()) names.emplace_back(command.name);
  const auto meant = cli::closest_name(name, names);
  std::cerr << "error: unknown command `" << host::without_store_passwords(name) << "`."
            << (meant ? " Did you mean `" + *meant + "`?" : std::string())
            << " `cost-ops --help` lists the commands.\n";
  return host::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  // A store password given on the command line is used to connect and shown
  // nowhere: not in the recorded command line, not in `ps`.
  std::vector<std::string> recorded_command_line;
  for (int i = 0; i < argc; ++i)
    recorded_command_line.push_back(host::without_store_passwords(argv[i]));
  if (args.empty() || !host::is_worker_subcommand(args.front())) {
    host::scrub_store_passwords_in_argv(argc, argv);
    host::hide_environment_password();
  }
  try {
    if (!args.empty() && host::is_worker_subcommand(args.front())) return host::run_worker(args);
    if (args.empty()) {
      std::cerr << cli::general_usage();
      return host::kExitUsage;
    }
    const cli::CommandContext context{own_executable(argv[0]), recorded_command_line};
    return dispatch(args.front(), cli::Arguments(args.begin() + 1, args.end()), context);
  } catch (const boost::program_options::error& e) {
    const bool command = args.size() > 1 && cli::find_command(args.front());
    // The option parser quotes the word it refuses, which may be a location
    // with a password ("unrecognised option '--histroy=postgresql://u:pw@h'").
    std::cerr << "error: " << costops::host::for_terminal(without_secrets(e.what(), args))
              << "\nSee `cost-ops " << (command ? args.front() + " " : "") << "--help`.\n";
    return host::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: " << costops::host::for_terminal(without_secrets(e.what(), args)) << "\n";
    return host::kExitUsage;
  }
}
