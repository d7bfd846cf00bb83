#include <array>

#include "commands.hpp"

namespace costops::cli {

namespace {

constexpr std::array<CommandSpec, 13> kCommands = {{
    {"run", "run [options]", "discover plugins, run their targets, write results", run_command,
     run_options_for_documentation},
    {"plugins", "plugins list|check [FILE...] [options]",
     "list the plugin files found, or check named files, and say what is wrong", plugins_command,
     plugins_options_for_documentation, "list check"},
    {"compare", "compare BASE NEW [options]",
     "compare two runs (output directories, results.json, or run:ID in the result store); exit 3 "
     "on a regression",
     compare_command, compare_options_for_documentation},
    {"history", "history TARGET|--regressions|upload DIR --history FILE|URL [options]",
     "the trend of one target over stored runs, steps flagged per series; `--regressions` "
     "lists the series that got slower; `upload` stores the runs queued in an outbox",
     history_command, history_options_for_documentation, "upload"},
    {"aggregate", "aggregate DIR...|--history FILE|URL -o OUT",
     "merge the raw/<target_id>.json records of many runs (or stored runs of many repositories "
     "or machines), a column per source",
     aggregate_command, aggregate_options_for_documentation},
    {"export", "export RUN --format FORMAT [-o FILE]",
     "a run's results as Google Benchmark JSON, Bencher BMF, github-action-benchmark, JUnit or "
     "CSV",
     export_command, export_options_for_documentation},
    {"report", "report RUN [--baseline DIR|NAME] [--history FILE] -o FILE",
     "a run as one self-contained HTML page with charts (distributions, scaling, baseline, "
     "history)",
     report_command, report_options_for_documentation},
    {"store", "store migrate --history FILE|URL",
     "create or upgrade the result store's schema, as its owner (readers and writers never "
     "need to)",
     store_command, store_options_for_documentation, "migrate"},
    {"import", "import FORMAT PATH... -o DIR [options]",
     "a run directory from Criterion, Google Benchmark, hyperfine, pytest-benchmark, BMF or "
     "canonical records, for compare, history and the report",
     import_command, import_options_for_documentation,
     "google-benchmark hyperfine criterion pytest-benchmark bmf raw"},
    {"new-plugin", "new-plugin NAME [--lang c|cpp|rust] [-o DIR]",
     "write a plugin project (C, C++ or Rust) against the installed SDK", new_plugin_command,
     new_plugin_options_for_documentation},
    {"help", "help [COMMAND]", "show the help of cost-ops or of one command", help_command, nullptr,
     "run plugins compare history aggregate export report store import new-plugin completion "
     "manpage"},
    {"completion", "completion bash|zsh|fish",
     "print a shell completion script (installed with cost-ops)", completion_command, nullptr,
     "bash zsh fish"},
    {"manpage", "manpage", "print the cost-ops(1) man page (installed with cost-ops)",
     manpage_command, nullptr},
}};

}  // namespace

std::span<const CommandSpec> command_table() {
  return kCommands;
}

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& command : kCommands)
    if (command.name == name) return &command;
  return nullptr;
}

}  // namespace costops::cli
