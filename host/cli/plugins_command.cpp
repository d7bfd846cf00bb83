// `cost-ops plugins list` and `cost-ops plugins check FILE...`.
#include <iostream>

#include "commands.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/plugin_plan.hpp"
#include "costops/host/results_file.hpp"
#include "costops/host/untrusted_text.hpp"

namespace costops::cli {

namespace {

using namespace costops::host;

bool all_ok(const std::vector<PluginProbe>& probes) {
  return std::all_of(probes.begin(), probes.end(),
                     [](const PluginProbe& p) { return p.status == TargetStatus::ok; });
}

// Every field is plugin text or a file name a plugin author chose: one
// line each, no control characters or escape sequences (for_terminal).
std::string line_text(std::string_view text) {
  return for_terminal(text, false);
}

void print_probe(const PluginProbe& p) {
  std::cout << line_text(p.path) << "\n  status: " << to_string(p.status);
  if (!p.reason.empty()) std::cout << " — " << line_text(p.reason);
  std::cout << "\n";
  if (p.status != TargetStatus::ok) return;
  std::cout << "  plugin: " << line_text(p.name) << " " << line_text(p.version) << " (ABI "
            << p.abi_major << "." << p.abi_minor
            << (p.build_info.empty() ? "" : ", " + line_text(p.build_info)) << ")\n";
  for (const auto& t : p.targets)
    std::cout << "  target: " << line_text(t.id) << " — " << line_text(t.description) << "\n";
}

int list_plugins(const PluginSelection& selection, bool as_json, const CommandContext& context) {
  std::vector<DiscoveredFile> files;
  try {
    files = discover_plugins(selection, context.self);
  } catch (const DiscoveryError& e) {
    std::cerr << "error: " << costops::host::for_terminal(e.what()) << "\n";
    return kExitUsage;
  }
  const auto executor = make_executor(selection, context.self);
  const auto probes = probe_all(files, *executor);
  if (as_json)
    std::cout << to_pretty_json(plugins_json(probes));
  else
    for (const auto& p : probes) print_probe(p);
  return all_ok(probes) ? kExitOk : kExitTargetNotOk;
}

// One named file, checked like discovery would (permissions), then probed.
PluginProbe check_file(const std::string& name, const PluginSelection& selection,
                       TargetExecutor& executor) {
  PluginProbe probe;
  std::error_code ec;
  const std::filesystem::path path = std::filesystem::canonical(name, ec);
  probe.path = ec ? name : path.string();
  std::error_code exists_ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(name, exists_ec))) {
    probe.reason = "the file does not exist";
    return probe;
  }
  if (const std::string not_file = not_a_plugin_file_reason(name); !not_file.empty()) {
    probe.reason = not_file;  // a link loop, a directory or a device: said what it is
    return probe;
  }
  if (const std::string insecure = selection.allow_insecure ? "" : insecure_permission_reason(path);
      !insecure.empty()) {
    probe.reason = "refused: " + insecure;
    return probe;
  }
  return executor.probe(path);
}

void print_check(const PluginProbe& probe) {
  std::cout << line_text(probe.path) << ": " << to_string(probe.status);
  if (!probe.reason.empty()) std::cout << " — " << line_text(probe.reason);
  std::cout << "\n";
  if (probe.status != TargetStatus::ok) return;
  std::cout << "  plugin " << line_text(probe.name) << " " << line_text(probe.version) << ", ABI "
            << probe.abi_major << "." << probe.abi_minor << ", " << probe.targets.size()
            << " target(s): ";
  for (std::size_t i = 0; i < probe.targets.size(); ++i)
    std::cout << (i ? ", " : "") << line_text(probe.targets[i].id);
  std::cout << "\n";
}

// Runs one target once, as a run would but as short as possible: setup,
// run(1), teardown, in a worker of its own. Prints what happened and what the
// plugin logged (refused metrics among it). True when it counts as success.
bool exercise_target(TargetExecutor& executor, const PluginProbe& probe,
                     const TargetDescription& target) {
  MeasurementSettings once;
  once.warmup_seconds = 0;
  once.min_time_seconds = 0;
  once.min_samples = 1;
  once.repetitions = 1;
  once.fixed_batch_iterations = 1;
  const TargetOutcome outcome = executor.run(probe.path, target.id, once);
  std::cout << "  " << line_text(target.id) << ": " << to_string(outcome.status);
  if (outcome.status == TargetStatus::ok) std::cout << " (setup, run and teardown succeeded)";
  if (!outcome.reason.empty()) std::cout << " — " << line_text(outcome.reason);
  std::cout << "\n";
  for (const auto& line : outcome.measurement.plugin_log)
    std::cout << "    log: " << line_text(line) << "\n";
  return counts_as_success(outcome.status);
}

int check_plugins(const PluginSelection& selection, const std::vector<std::string>& files,
                  const CommandContext& context) {
  const auto executor = make_executor(selection, context.self);
  bool all_targets_ok = true;
  std::vector<PluginProbe> probes;
  for (const auto& name : files) {
    probes.push_back(check_file(name, selection, *executor));
    print_check(probes.back());
    if (probes.back().status != TargetStatus::ok) continue;
    for (const auto& target : probes.back().targets)
      all_targets_ok = exercise_target(*executor, probes.back(), target) && all_targets_ok;
  }
  return all_ok(probes) && all_targets_ok ? kExitOk : kExitTargetNotOk;
}

po::options_description describe_plugins_options(bool& help, bool& json,
                                                 PluginOptions& plugin_options) {
  po::options_description options("Options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "json", po::bool_switch(&json), "`list`: print JSON instead of text");
  options.add(plugin_options.describe());
  return options;
}

}  // namespace

po::options_description plugins_options_for_documentation() {
  static bool help = false, json = false;
  static PluginOptions plugin_options;
  return describe_plugins_options(help, json, plugin_options);
}

int plugins_command(const Arguments& args, const CommandContext& context) {
  bool json = false, help = false;
  std::vector<std::string> positional;
  PluginOptions plugin_options;
  const po::options_description options = describe_plugins_options(help, json, plugin_options);
  parse_with_positionals(args, options, positional);
  if (help) {
    std::cout
        << "Usage: cost-ops plugins list [--json] [options]\n"
           "       cost-ops plugins check FILE... [options]\n\n"
        << options
        << exit_codes_help(
               "0 every plugin file is ok, 1 some file is not, 2 usage or environment error.");
    return kExitOk;
  }
  if (positional.empty())
    return usage_error("plugins", "name what to do: `plugins list` or `plugins check FILE...`");
  PluginSelection selection;
  if (!plugin_options.apply(selection)) return kExitUsage;
  const std::string sub = positional.front();
  positional.erase(positional.begin());
  if (sub == "list") return list_plugins(selection, json, context);
  if (sub == "check") {
    if (positional.empty()) {
      std::cerr << "error: `cost-ops plugins check` needs at least one FILE\n";
      return kExitUsage;
    }
    return check_plugins(selection, positional, context);
  }
  std::cerr << "error: unknown `plugins` command `" << sub << "`; use list or check\n";
  return kExitUsage;
}

}  // namespace costops::cli
