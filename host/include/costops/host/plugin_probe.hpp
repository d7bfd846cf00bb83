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
  std::string id;
  std::string description;
  std::uint32_t flags = 0;
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
// plugin declined). Fills everything but `path`.
PluginProbe inspect_descriptor(const bench_plugin_v1* plugin);

// The target with `id` in a descriptor already accepted by inspect_descriptor.
const bench_target_v1* find_target(const bench_plugin_v1& plugin, std::string_view id);

}  // namespace costops::host
