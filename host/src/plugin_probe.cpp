#include "costops/host/plugin_probe.hpp"

namespace costops::host {

PluginProbe without_targets(const PluginProbe& probe) {
  return PluginProbe{probe.path,       probe.status,    probe.reason,    probe.name, probe.version,
                     probe.build_info, probe.abi_major, probe.abi_minor, {}};
}

bool is_valid_target_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  if (id.front() < 'a' || id.front() > 'z') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace costops::host
