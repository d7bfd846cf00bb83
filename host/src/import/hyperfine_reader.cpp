// hyperfine --export-json: every run of a command is a fresh process, so
// each run is one sample of one process and the comparison's process-level
// statistics apply directly.
#include <boost/json.hpp>
#include <charconv>

#include "costops/host/import/import_readers.hpp"
#include "import_json.hpp"

namespace costops::host {

namespace json = boost::json;
using import_json::Where;

namespace {

// More runs than hyperfine is ever asked for: a file claiming more is
// damaged or not hyperfine's, and would cost memory for nothing.
constexpr std::size_t kMaxRuns = 10'000'000;

// One --parameter-scan/--parameter-list parameter with an integer value
// makes the command a member of a family: the command with that value
// replaced by the parameter's name.
void add_family(ImportedTarget& target, const std::string& command,
                const json::object& parameters) {
  if (parameters.size() != 1) return;
  const auto& [name, value] = *parameters.begin();
  if (!value.is_string()) return;
  const std::string text(value.get_string());
  std::int64_t argument = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), argument);
  if (ec != std::errc() || end != text.data() + text.size()) return;
  const std::size_t at = command.rfind(text);
  if (at == std::string::npos) return;
  std::string family_command = command;
  family_command.replace(at, text.size(), std::string(name));
  target.family = import_target_id(family_command, target.source);
  target.argument = argument;
  target.family_variable = std::string(name);
}

void read_file(const std::filesystem::path& file, ImportedRun&, ImportCollector& collector) {
  const json::value doc = import_json::parse_file(file);
  const Where top{file, ""};
  const json::object& root = import_json::object_of(doc, top);
  const json::array& results = import_json::array_member(root, "results", top);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Where at = top.at("results").at(i);
    const json::object& r = import_json::object_of(results[i], at);
    const std::string command = import_json::string_member(r, "command", at);
    ImportedTarget target;
    target.source = file.string() + ": command \"" + command + "\"";
    target.target_id = import_target_id(command, target.source);
    target.description = command;
    const json::array& times = import_json::array_member(r, "times", at);
    if (times.empty() || times.size() > kMaxRuns) {
      const json::value shown(times.size());
      import_json::refuse(at.at("times"), &shown, "between 1 and 10000000 run times");
    }
    for (std::size_t k = 0; k < times.size(); ++k) {
      const double seconds = import_json::number_of(times[k], at.at("times").at(k));
      const auto run = static_cast<std::uint32_t>(k);
      target.samples.push_back({1, seconds * 1e9, run, run});
    }
    if (const json::value* codes = r.if_contains("exit_codes"); codes && codes->is_array()) {
      std::size_t failed = 0;
      for (const json::value& code : codes->get_array())
        if (!(code.is_int64() && code.get_int64() == 0) &&
            !(code.is_uint64() && code.get_uint64() == 0))
          ++failed;
      if (failed > 0) {
        target.status = TargetStatus::failed;
        target.reason = "the command exited non-zero (or was killed) in " + std::to_string(failed) +
                        " of " + std::to_string(codes->get_array().size()) +
                        " runs; the times measure a failure";
        target.samples.clear();
      }
    }
    for (const char* key : {"user", "system"})
      if (auto seconds = import_json::optional_number(r, key, at))
        target.metrics.emplace_back(std::string("mean_") + key + "_seconds", *seconds);
    if (const json::value* parameters = r.if_contains("parameters");
        parameters && parameters->is_object()) {
      for (const auto& [name, value] : parameters->get_object())
        if (value.is_string())
          target.metrics.emplace_back("parameter_" + import_target_id(name, target.source),
                                      std::string(value.get_string()));
      add_family(target, command, parameters->get_object());
    }
    collector.add(std::move(target));
  }
}

}  // namespace

ImportedRun read_hyperfine(const ImportPaths& files) {
  return import_each("hyperfine", "hyperfine", files, read_file);
}

}  // namespace costops::host
