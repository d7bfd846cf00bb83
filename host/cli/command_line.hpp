// What every cost-ops command shares on the command line: the plugin
// options, the comparison options (declared and validated once for
// `compare`, `run --baseline` and `history`), positional arguments, and the
// text of the exit codes.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "costops/host/result_store.hpp"
#include "costops/host/run_options.hpp"

namespace costops::cli {

namespace po = boost::program_options;

// What a command learns about its own invocation.
struct CommandContext {
  std::filesystem::path self;             // this executable, resolved
  std::vector<std::string> command_line;  // argv as given
};

// "\nExit codes: CODES\n" for a command's --help.
std::string exit_codes_help(std::string_view codes);

// The codes of commands that run targets (run, plugins, the top level).
inline constexpr std::string_view kRunExitCodes =
    "0 all selected targets ok, 1 some target or plugin not ok (or interrupted),\n"
    "            2 usage or environment error, 3 the comparison with --baseline found a "
    "regression.";

// Parses `args` against `options`, collecting the arguments that are not
// options, in order, into `positional`.
void parse_with_positionals(const std::vector<std::string>& args,
                            const po::options_description& options,
                            std::vector<std::string>& positional);

// --plugin-dir, --isolation, --timeout, --probe-timeout, --allow-insecure-plugins, and the
// worker sandbox's limits (--memory-limit, --max-processes, --file-size-limit).
class PluginOptions {
 public:
  po::options_description describe();
  // Validates into `selection`; on a bad value prints the error and returns false.
  bool apply(host::PluginSelection& selection) const;

 private:
  host::PluginSelection values_;
  std::string isolation_ = "process";
  std::string memory_limit_;  // "" = default_memory_limit()
  std::string file_size_limit_ = "1G";
};

// --threshold and --alpha (and --fail-on when gating): the same names,
// defaults, help and checks for every command that compares runs.
class ComparisonOptions {
 public:
  explicit ComparisonOptions(bool gating) : gating_(gating) {}
  po::options_description describe(const char* caption);
  // Validates into `gate`; on a bad value prints the error and returns false.
  bool apply(host::GateOptions& gate) const;

 private:
  bool gating_;
  double threshold_percent_ = 5;
  double alpha_ = 0.05;
  std::string fail_on_ = "slower";
};

// The result store: --history FILE (SQLite) or a postgresql:// URL.
inline constexpr const char* kHistoryLocationHelp =
    "the result store: an SQLite file, or a PostgreSQL URL (postgresql://[user@]host/db, "
    "postgresql:///db?host=/socket/dir; PG* environment variables fill what the URL omits)";

// Reading a store that does not exist is a typo, not an empty history (an
// SQLite file would be created on first use): false with the error printed.
bool check_store_exists(const std::string& location);

// --repository, --commit, --branch, --machine, --label of `run`: where the
// run came from, as results.json and the result store record it.
po::options_description describe_provenance_options(host::ProvenanceOptions& provenance);

// --history FILE|URL of `history`, `compare` and `aggregate`: the store to read.
po::options_description describe_history_location(std::string& location);

// --repository, --branch, --machine, --commit of `history` and `compare`:
// which stored runs to read.
po::options_description describe_history_filter(host::HistoryFilter& filter);

// "a,b , c" -> {"a", "b", "c"}.
std::vector<std::string> split_commas(const std::string& text);

// true/1/yes/on or false/0/no/off; nullopt for anything else.
std::optional<bool> parse_bool(const std::string& text);

}  // namespace costops::cli
