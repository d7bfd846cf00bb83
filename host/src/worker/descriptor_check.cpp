#include "costops/host/worker/descriptor_check.hpp"

#include <cctype>
#include <cstring>
#include <set>

#include "costops/host/untrusted_text.hpp"
#include "costops/host/worker/target_family.hpp"

namespace costops::host {

namespace {

// "1,000": an argument as the descriptions of plain targets write counts.
std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0 && digits[at - 1] != '-'; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

// A family member's description: the family's, with each standalone "N"
// (the convention for the argument, "aggregate N cost records") replaced
// by the member's argument, so that a list of targets tells them apart.
std::string member_description(const std::string& family_description, std::int64_t argument) {
  std::string text;
  for (std::size_t i = 0; i < family_description.size(); ++i) {
    const auto word_char = [&](std::size_t at) {
      const unsigned char c = static_cast<unsigned char>(family_description[at]);
      return std::isalnum(c) || c == '_';
    };
    const bool standalone = family_description[i] == 'N' && (i == 0 || !word_char(i - 1)) &&
                            (i + 1 == family_description.size() || !word_char(i + 1));
    if (standalone)
      text += with_thousands(argument);
    else
      text += family_description[i];
  }
  return text;
}

constexpr std::uint32_t kMaxTargets = 1024;
constexpr std::size_t kMaxStringLength = 4096;

// Plugin strings are read defensively: NULL becomes "", an absurdly long or
// unterminated string is cut (never read past the limit, never inside a
// character), and invalid UTF-8 is replaced.
std::string safe_string(const char* text) {
  return text_from_plugin(text, kMaxStringLength, kMaxStringLength);
}

PluginProbe refuse(PluginProbe probe, TargetStatus status, std::string reason) {
  probe.status = status;
  probe.reason = std::move(reason);
  probe.targets.clear();
  return probe;
}

// Offset just past the last field a v1.0 reader needs from each struct.
constexpr std::uint32_t kPluginMinSize =
    static_cast<std::uint32_t>(offsetof(bench_plugin_v1, get_target) + sizeof(void*));
constexpr std::uint32_t kTargetMinSize =
    static_cast<std::uint32_t>(offsetof(bench_target_v1, teardown) + sizeof(void*));
// A descriptor claiming more than this is corrupt, not merely newer.
constexpr std::uint32_t kMaxStructSize = 1u << 16;

}  // namespace

namespace {

constexpr const char* kIdRule = "ids are 1-64 characters of [a-z0-9_] starting with a letter";

// The plugin descriptor itself: "" when usable, else why not (and `status`).
std::string plugin_problem(const bench_plugin_v1& plugin, PluginProbe& probe,
                           TargetStatus& status) {
  status = TargetStatus::incompatible;
  if (plugin.abi_major != BENCH_TARGET_V1_ABI_MAJOR)
    return "plugin ABI major " + std::to_string(plugin.abi_major) + ", host ABI major " +
           std::to_string(BENCH_TARGET_V1_ABI_MAJOR) +
           "; rebuild the plugin against this host's bench_target_v1.h";
  if (plugin.struct_size < kPluginMinSize || plugin.struct_size > kMaxStructSize)
    return "plugin descriptor struct_size " + std::to_string(plugin.struct_size) + " is outside " +
           std::to_string(kPluginMinSize) + ".." + std::to_string(kMaxStructSize) +
           "; the descriptor is corrupt or from another ABI";
  probe.abi_minor = plugin.abi_minor;
  probe.name = safe_string(plugin.name);
  probe.version = safe_string(plugin.version);
  probe.build_info = safe_string(plugin.build_info);
  status = TargetStatus::invalid;
  if (probe.name.empty()) return "the plugin descriptor has no name";
  if (plugin.get_target == nullptr) return "the plugin descriptor's get_target is NULL";
  if (plugin.target_count == 0 || plugin.target_count > kMaxTargets)
    return "target_count " + std::to_string(plugin.target_count) + " is outside 1.." +
           std::to_string(kMaxTargets);
  return {};
}

// One target (a family: all its members) added to `probe`; "" or why not.
std::string add_target(const bench_plugin_v1& plugin, std::uint32_t index, PluginProbe& probe,
                       std::set<std::string, std::less<>>& seen, TargetStatus& status) {
  status = TargetStatus::invalid;
  const bench_target_v1* target = plugin.get_target(index);
  const std::string where = "target #" + std::to_string(index);
  if (target == nullptr)
    return "get_target(" + std::to_string(index) + ") returned NULL below target_count";
  if (target->struct_size < kTargetMinSize || target->struct_size > kMaxStructSize) {
    status = TargetStatus::incompatible;
    return where + " struct_size " + std::to_string(target->struct_size) + " is outside " +
           std::to_string(kTargetMinSize) + ".." + std::to_string(kMaxStructSize);
  }
  const std::string id = safe_string(target->id);
  if (!is_valid_target_id(id)) return where + " has id \"" + id + "\": " + kIdRule;
  if (target->setup == nullptr || target->run == nullptr)
    return "target " + id + " has a NULL setup or run function";
  TargetExpansion expansion = expand_target(*target);
  if (!expansion.error.empty()) return "target " + id + " " + expansion.error;
  for (TargetCall& call : expansion.calls) {
    if (!is_valid_target_id(call.id))
      return "family " + id + " gives the id \"" + call.id + "\": " + kIdRule;
    if (!seen.insert(call.id).second)
      return "target id " + call.id + " appears twice in the same plugin";
    if (probe.targets.size() >= kMaxTargets)
      return "more than " + std::to_string(kMaxTargets) + " targets after expanding families";
    const std::string description =
        call.family.empty() ? safe_string(target->description)
                            : member_description(safe_string(target->description), call.argument);
    probe.targets.push_back({std::move(call.id), description, target->flags, std::move(call.family),
                             call.argument, std::move(call.complexity_variable)});
  }
  return {};
}

}  // namespace

PluginProbe inspect_descriptor(const bench_plugin_v1* plugin, std::string_view decline_reason) {
  PluginProbe probe;
  if (plugin == nullptr && !decline_reason.empty())
    return refuse(probe, TargetStatus::incompatible,
                  "the plugin declined to load: " + std::string(decline_reason));
  if (plugin == nullptr)
    return refuse(probe, TargetStatus::incompatible,
                  "the plugin declined to load (bench_target_v1_entry returned NULL); it may "
                  "need a newer host: compare its documentation with `cost-ops --version`");
  probe.abi_major = plugin->abi_major;
  TargetStatus status = TargetStatus::invalid;
  if (std::string problem = plugin_problem(*plugin, probe, status); !problem.empty())
    return refuse(probe, status, std::move(problem));
  std::set<std::string, std::less<>> seen;
  for (std::uint32_t i = 0; i < plugin->target_count; ++i)
    if (std::string problem = add_target(*plugin, i, probe, seen, status); !problem.empty())
      return refuse(probe, status, std::move(problem));
  probe.status = TargetStatus::ok;
  return probe;
}

const bench_target_v1* find_target(const bench_plugin_v1& plugin, std::string_view id) {
  for (std::uint32_t i = 0; i < plugin.target_count; ++i) {
    const bench_target_v1* target = plugin.get_target(i);
    if (target != nullptr && target->id != nullptr && id == target->id) return target;
  }
  return nullptr;
}

}  // namespace costops::host
