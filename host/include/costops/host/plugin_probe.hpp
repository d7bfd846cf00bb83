// What a plugin file is: the result of loading it and checking its
// descriptor. Plain data, so it can travel from the probing child process to
// the parent as JSON.
#pragma once

#include <costops/bench_target_v1.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "costops/host/target_status.hpp"

namespace costops::host {

struct TargetDescription {
  std::string id;  // after family expansion, e.g. "myhash_1024"
  std::string description;
  std::uint32_t flags = 0;
  // A member of a family (ABI 1.1): the family's id, its argument and the
  // name of what the argument counts. "" / 0 / "" for a plain target.
  std::string family = {};
  std::int64_t argument = 0;
  std::string complexity_variable = {};
};

struct PluginProbe {
  std::string path;  // absolute path of the library file
  TargetStatus status = TargetStatus::invalid;
  std::string reason;  // why status is not ok, with what to do about it
  std::string name;
  std::string version;
  std::string build_info;
  std::uint32_t abi_major = 0;
  std::uint32_t abi_minor = 0;
  std::vector<TargetDescription> targets;
};

// True for 1..64 characters of [a-z0-9_] starting with a letter.
bool is_valid_target_id(std::string_view id);

// Checks a descriptor returned by bench_target_v1_entry: ABI major, struct
// sizes, target count, ids and function pointers. `plugin` may be NULL (the
// plugin declined; `decline_reason` is what it wrote into the host's buffer).
// Expands families into their members. Fills everything but `path`.
PluginProbe inspect_descriptor(const bench_plugin_v1* plugin, std::string_view decline_reason = {});

// The target with `id` in a descriptor already accepted by inspect_descriptor.
const bench_target_v1* find_target(const bench_plugin_v1& plugin, std::string_view id);

}  // namespace costops::host
