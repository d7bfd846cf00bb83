#include "command_line.hpp"

#include "did_you_mean.hpp"

#include <cmath>
#include <iostream>
#include <tuple>

#include "costops/host/exit_codes.hpp"
#include "costops/host/store/store_location.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::cli {

std::string exit_codes_help(std::string_view codes) {
  return "\nExit codes: " + std::string(codes) + "\n";
}

int usage_error(std::string_view command, std::string_view message) {
  std::cerr << "error: " << message << "\nSee `cost-ops " << command << " --help`.\n";
  return host::kExitUsage;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "`" : ", `") + item + "`";
  return text;
}

void parse_with_positionals(const std::vector<std::string>& args,
                            const po::options_description& options,
                            std::vector<std::string>& positional) {
  po::options_description hidden;
  hidden.add_options()("positional", po::value<std::vector<std::string>>(&positional));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", -1);
  po::variables_map vm;
  parse_arguments(args, all, pos, vm);
}

void parse_arguments(const std::vector<std::string>& args, const po::options_description& options,
                     const po::positional_options_description& positional, po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    throw po::error(std::string(e.what()) + "." + option_suggestion(e.get_option_name(), options));
  } catch (const po::invalid_option_value& e) {
    throw po::error(invalid_value_message(e, args, options));
  }
}

bool check_store_timeout(double seconds) {
  if (seconds > 0 && seconds <= 86400) return true;
  std::cerr << "error: --store-timeout " << seconds
            << " is not a number of seconds above 0 and at most 86400 (a day)\n";
  return false;
}

bool check_store_options(const StoreOptionValues& store, bool reading) {
  if (!check_store_timeout(store.timeout_s)) return false;
  try {
    const host::StoreLocation where(store.location);
    std::error_code ec;
    if (!reading || where.is_postgres() || std::filesystem::exists(store.location, ec)) return true;
  } catch (const host::HistoryError& e) {
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return false;
  }
  std::cerr << "error: history database " << store.location << " does not exist; record runs with "
            << "`cost-ops run --history " << host::pasteable_location(store.location) << "`\n";
  return false;
}

po::options_description describe_provenance_options(host::ProvenanceOptions& provenance) {
  po::options_description d(
      "Provenance (all of it in the result store with --history; commit and branch also in "
      "results.json)");
  d.add_options()("repository", po::value<std::string>(&provenance.repository)->value_name("NAME"),
                  "the benchmarked repository (default: git's origin remote of the current "
                  "directory, else $GITHUB_REPOSITORY, $CI_PROJECT_PATH, ...)")(
      "commit", po::value<std::string>(&provenance.commit)->value_name("SHA"),
      "the commit being benchmarked (default: git rev-parse HEAD in the current directory, "
      "else $GITHUB_SHA, $CI_COMMIT_SHA, ...)")(
      "branch", po::value<std::string>(&provenance.branch)->value_name("NAME"),
      "the branch being benchmarked (default: the current directory's git branch, else "
      "$GITHUB_HEAD_REF or $GITHUB_REF_NAME, $CI_COMMIT_REF_NAME, ...)")(
      "machine", po::value<std::string>(&provenance.machine)->value_name("ID"),
      "a stable name for this machine (default: a hash of /etc/machine-id); history "
      "compares runs of one machine only")(
      "label",
      po::value<std::vector<std::string>>(&provenance.labels)->composing()->value_name("TEXT"),
      "a free label stored with the run, e.g. nightly or compiler=gcc-12 (repeatable)");
  return d;
}

po::options_description describe_history_location(StoreOptionValues& store) {
  po::options_description d("Result store");
  d.add_options()("history", po::value<std::string>(&store.location)->value_name("FILE|URL"),
                  kHistoryLocationHelp)("store-timeout",
                                        po::value<double>(&store.timeout_s)
                                            ->default_value(host::kDefaultStoreTimeoutSeconds)
                                            ->value_name("S"),
                                        kStoreTimeoutHelp);
  return d;
}

po::options_description describe_time_filters(host::HistoryFilter& filter) {
  po::options_description d("Stored runs by time (when they ran, UTC, inclusive)");
  d.add_options()("since", po::value<std::string>(&filter.since)->value_name("WHEN"),
                  "only runs from WHEN on: YYYY-MM-DD (a UTC day), an RFC 3339 time with its "
                  "zone (YYYY-MM-DDTHH:MM:SSZ, ...+02:00), or Nd/Nh ago")(
      "until", po::value<std::string>(&filter.until)->value_name("WHEN"),
      "only runs up to WHEN (a date: to its end)");
  return d;
}

bool apply_time_filters(host::HistoryFilter& filter) {
  const std::string now = host::rfc3339_now();
  for (auto [option, value, until] :
       {std::tuple{"--since", &filter.since, false}, std::tuple{"--until", &filter.until, true}}) {
    if (value->empty()) continue;
    const auto bound = host::parse_time_bound(*value, until, now);
    if (!bound) {
      std::cerr << "error: " << option << " `" << *value
                << "` is not YYYY-MM-DD (a UTC day), an RFC 3339 time with its zone "
                   "(YYYY-MM-DDTHH:MM:SSZ, YYYY-MM-DDTHH:MM:SS+02:00) or Nd/Nh (days/hours "
                   "ago)\n";
      return false;
    }
    *value = *bound;
  }
  return true;
}

po::options_description describe_history_filter(host::HistoryFilter& filter) {
  po::options_description d(
      "Stored runs to read (exact values; a hexadecimal commit also by prefix, any case)");
  d.add_options()("repository", po::value<std::string>(&filter.repository)->value_name("NAME"),
                  "only runs of this repository")(
      "branch", po::value<std::string>(&filter.branch)->value_name("NAME"),
      "only runs of this branch")(
      "machine", po::value<std::string>(&filter.machine)->value_name("NAME"),
      "only runs of this machine (its name, as `run --machine` set it and history shows "
      "it)")("commit", po::value<std::string>(&filter.commit)->value_name("SHA"),
             "only runs of this commit");
  d.add(describe_time_filters(filter));
  return d;
}

po::options_description PluginOptions::describe() {
  po::options_description d("Plugin options");
  d.add_options()(
      "plugin-dir",
      po::value<std::vector<std::string>>(&values_.plugin_dirs)->composing()->value_name("DIR"),
      "directory to load plugins from (repeatable). Default: $COST_OPS_PLUGIN_PATH "
      "(colon-separated), else the plugins installed with this binary. Never the current "
      "directory implicitly")(
      "isolation",
      po::value<std::string>(&isolation_)->default_value("process")->value_name("MODE"),
      "`process`: every probe and target runs in a child process (safe). `none`: load "
      "plugins into the host itself, for debugging only: a crashing plugin kills the host")(
      "timeout",
      po::value<double>(&values_.run_timeout_seconds)->default_value(120)->value_name("S"),
      "seconds one target may run before its process group is killed")(
      "probe-timeout",
      po::value<double>(&values_.probe_timeout_seconds)->default_value(10)->value_name("S"),
      "seconds loading one plugin file may take")(
      "allow-insecure-plugins", po::bool_switch(&values_.allow_insecure),
      "load plugin files or directories that other users can write to")(
      "memory-limit", po::value<std::string>(&memory_limit_)->value_name("SIZE"),
      "address space one worker may use, e.g. 4G or 512M, or `none` (default: the machine's "
      "physical memory); see docs/isolation.md")(
      "max-processes",
      po::value<std::uint64_t>(&values_.sandbox.max_processes)
          ->default_value(values_.sandbox.max_processes)
          ->value_name("N"),
      "processes and threads one worker may have at once, itself included (0: no limit)")(
      "file-size-limit",
      po::value<std::string>(&file_size_limit_)->default_value("1G")->value_name("SIZE"),
      "largest file a worker may write; its private temporary directory holds twice that "
      "(`none`: no limit)");
  return d;
}

bool PluginOptions::apply(host::PluginSelection& selection) const {
  if (isolation_ != "process" && isolation_ != "none") {
    std::cerr << "error: --isolation must be `process` or `none`, not `" << isolation_ << "`\n";
    return false;
  }
  // Capped so that no deadline computed from them can overflow.
  constexpr double kMaxTimeout = 7 * 86400;
  for (const auto& [option, value] : {std::pair{"--timeout", values_.run_timeout_seconds},
                                      std::pair{"--probe-timeout", values_.probe_timeout_seconds}})
    if (!(value > 0) || !(value <= kMaxTimeout)) {
      std::cerr << "error: " << option << " " << value
                << " is not a number of seconds above 0 and at most " << kMaxTimeout
                << " (a week)\n";
      return false;
    }
  selection = values_;
  for (const auto& [option, text, into] :
       {std::tuple{"--memory-limit", &memory_limit_, &selection.sandbox.memory_limit_bytes},
        std::tuple{"--file-size-limit", &file_size_limit_,
                   &selection.sandbox.file_size_limit_bytes}}) {
    if (text->empty()) continue;
    const auto bytes = host::sandbox::parse_byte_size(*text);
    if (!bytes) {
      std::cerr << "error: " << option << " " << *text
                << " is not a size: give bytes with an optional k, M, G or T (e.g. 4G), or "
                   "`none`\n";
      return false;
    }
    *into = *bytes;
  }
  if (memory_limit_.empty())
    selection.sandbox.memory_limit_bytes = host::sandbox::default_memory_limit();
  selection.isolation =
      isolation_ == "none" ? host::IsolationMode::none : host::IsolationMode::process;
  return true;
}

po::options_description ComparisonOptions::describe(const char* caption) {
  po::options_description d(caption);
  // No po default_value: a value given on the command line is told apart
  // from the default (report then keeps the run's own recorded settings).
  d.add_options()("threshold", po::value<double>()->value_name("PCT")->notifier([this](double v) {
    threshold_percent_ = v;
    threshold_given_ = true;
  }),
                  "minimum change in percent that counts as faster or slower (default 5)")(
      "alpha", po::value<double>()->value_name("P")->notifier([this](double v) {
        alpha_ = v;
        alpha_given_ = true;
      }),
      "significance level of the two-sided test: Mann-Whitney U on process medians, or "
      "Wilcoxon signed-rank on the pairs of an A/B run (default 0.05)");
  if (gating_)
    d.add_options()("fail-on",
                    po::value<std::string>(&fail_on_)->default_value("slower")->value_name("WHEN"),
                    "`slower`: exit 3 when a target is significantly slower; `none`: only report");
  return d;
}

bool ComparisonOptions::apply(host::GateOptions& gate) const {
  if (!(threshold_percent_ >= 0) || !std::isfinite(threshold_percent_)) {
    std::cerr << "error: --threshold must be a percentage >= 0, not " << threshold_percent_ << "\n";
    return false;
  }
  if (!(alpha_ > 0 && alpha_ < 1)) {
    std::cerr << "error: --alpha must be within (0, 1), not " << alpha_ << "\n";
    return false;
  }
  if (fail_on_ != "slower" && fail_on_ != "none") {
    std::cerr << "error: --fail-on takes slower or none, not `" << fail_on_ << "`\n";
    return false;
  }
  gate.comparison.threshold = threshold_percent_ / 100;
  gate.comparison.alpha = alpha_;
  gate.fail_on = fail_on_ == "slower" ? host::FailOn::slower : host::FailOn::none;
  return true;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == ',') {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

std::optional<bool> parse_bool(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return std::nullopt;
}

}  // namespace costops::cli
