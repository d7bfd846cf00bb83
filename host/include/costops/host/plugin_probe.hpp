// What a plugin file is: the result of loading it and checking its
// descriptor. Plain data, so it can travel from the probing child process to
// the parent as JSON.
#pragma once

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

// The plugin file's identity without its target list: what each of its
// targets' results keeps. (A copy with the list, even cleared, held every
// target's description once per target: O(targets^2) memory and time, and a
// slower fork for each worker as the host grew.)
PluginProbe without_targets(const PluginProbe& probe);

// True for 1..64 characters of [a-z0-9_] starting with a letter.
bool is_valid_target_id(std::string_view id);

}  // namespace costops::host
