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

// A usage error: "error: MESSAGE" and where the command's help is, on
// stderr, instead of the whole help, so that what is missing or wrong is the
// one thing read. Returns kExitUsage.
int usage_error(std::string_view command, std::string_view message);

// The operands as given, for a message: "`a`, `b`".
std::string quoted_list(const std::vector<std::string>& items);

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

// po::store and po::notify, with the errors a person can act on: an unknown
// option names the closest known one ("Did you mean `--min-time`?"), a value
// that is not of the option's form names the value and the form expected.
// Throws po::error.
void parse_arguments(const std::vector<std::string>& args, const po::options_description& options,
                     const po::positional_options_description& positional, po::variables_map& vm);

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
  // Whether --threshold / --alpha were given (not defaulted).
  bool threshold_given() const { return threshold_given_; }
  bool alpha_given() const { return alpha_given_; }

 private:
  bool gating_;
  double threshold_percent_ = 5;
  double alpha_ = 0.05;
  bool threshold_given_ = false, alpha_given_ = false;
  std::string fail_on_ = "slower";
};

// The result store: --history FILE (SQLite) or a postgresql:// URL.
inline constexpr const char* kHistoryLocationHelp =
    "the result store: an SQLite file, or PostgreSQL as a URL (postgresql://[user@]host/db, "
    "postgresql:///db?host=/socket/dir) or a libpq key=value string (\"host=db dbname=costops\"); "
    "PG* variables, PGSERVICE and ~/.pgpass (PGPASSFILE) fill what it omits. A password in it "
    "is used to connect and written nowhere";

inline constexpr const char* kStoreTimeoutHelp =
    "the longest wait for the result store, in seconds: connecting, each statement, each lock; "
    "SIGINT/SIGTERM cancel a wait sooner";

// --history and --store-timeout of a command that uses the result store.
struct StoreOptionValues {
  std::string location;
  double timeout_s = host::kDefaultStoreTimeoutSeconds;
  host::StoreOpenOptions open_for(host::StoreAccess access) const { return {access, timeout_s}; }
};

// A location that is no store, a timeout out of range, or (`reading`) an
// SQLite file that does not exist (a typo, not an empty history: it would be
// created on first use): false with the error printed.
bool check_store_options(const StoreOptionValues& store, bool reading = true);

// --store-timeout S: above 0 and at most a day. False with the error printed.
bool check_store_timeout(double seconds);

// --repository, --commit, --branch, --machine, --label of `run`: where the
// run came from, as results.json and the result store record it.
po::options_description describe_provenance_options(host::ProvenanceOptions& provenance);

// --history FILE|URL and --store-timeout of `history`, `compare` and
// `aggregate`: the store to read.
po::options_description describe_history_location(StoreOptionValues& store);

// --repository, --branch, --machine, --commit, --since, --until of
// `history`, `compare` and `report`: which stored runs to read.
po::options_description describe_history_filter(host::HistoryFilter& filter);

// Turns --since/--until text into the RFC 3339 bounds the store compares
// with. False with the error printed.
bool apply_time_filters(host::HistoryFilter& filter);

// --since and --until alone (for `aggregate`, whose other filters differ).
po::options_description describe_time_filters(host::HistoryFilter& filter);

// "a,b , c" -> {"a", "b", "c"}.
std::vector<std::string> split_commas(const std::string& text);

// true/1/yes/on or false/0/no/off; nullopt for anything else.
std::optional<bool> parse_bool(const std::string& text);

}  // namespace costops::cli
