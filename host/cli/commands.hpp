// The cost-ops commands, one file each (<name>_command.cpp). Each parses its
// own options, validates them, calls the host library and returns the exit
// code (costops/host/exit_codes.hpp). The table below is the one list of
// commands: dispatch, `help`, shell completion and the man page read it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.hpp"

namespace costops::cli {

using Arguments = std::vector<std::string>;

int run_command(const Arguments& args, const CommandContext& context);
int plugins_command(const Arguments& args, const CommandContext& context);
int compare_command(const Arguments& args, const CommandContext& context);
int history_command(const Arguments& args, const CommandContext& context);
int aggregate_command(const Arguments& args, const CommandContext& context);
int new_plugin_command(const Arguments& args, const CommandContext& context);
int export_command(const Arguments& args, const CommandContext& context);
int report_command(const Arguments& args, const CommandContext& context);
int store_command(const Arguments& args, const CommandContext& context);
int import_command(const Arguments& args, const CommandContext& context);
int help_command(const Arguments& args, const CommandContext& context);
int completion_command(const Arguments& args, const CommandContext& context);
int manpage_command(const Arguments& args, const CommandContext& context);

// Each command's options (bound to storage of its own) for documentation.
po::options_description run_options_for_documentation();
po::options_description plugins_options_for_documentation();
po::options_description compare_options_for_documentation();
po::options_description history_options_for_documentation();
po::options_description aggregate_options_for_documentation();
po::options_description new_plugin_options_for_documentation();
po::options_description export_options_for_documentation();
po::options_description report_options_for_documentation();
po::options_description store_options_for_documentation();
po::options_description import_options_for_documentation();

struct CommandSpec {
  std::string_view name;
  std::string_view synopsis;  // what follows "cost-ops" in a usage line
  std::string_view summary;   // one line
  int (*run)(const Arguments&, const CommandContext&);
  // Null for commands without options of their own.
  po::options_description (*documented_options)();
  // Words completed after the command (subcommands, shells), space-separated.
  std::string_view first_words = {};
};

std::span<const CommandSpec> command_table();

// The top-level --help text, generated from the table.
std::string general_usage();
const CommandSpec* find_command(std::string_view name);

}  // namespace costops::cli
