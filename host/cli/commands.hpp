// The cost-ops commands, one file each (<name>_command.cpp). Each parses its
// own options, validates them, calls the host library and returns the exit
// code (costops/host/exit_codes.hpp).
#pragma once

#include <string>
#include <vector>

#include "command_line.hpp"

namespace costops::cli {

using Arguments = std::vector<std::string>;

int run_command(const Arguments& args, const CommandContext& context);
int plugins_command(const Arguments& args, const CommandContext& context);
int compare_command(const Arguments& args, const CommandContext& context);
int history_command(const Arguments& args, const CommandContext& context);
int aggregate_command(const Arguments& args, const CommandContext& context);

}  // namespace costops::cli
