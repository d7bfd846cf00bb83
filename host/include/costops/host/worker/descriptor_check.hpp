// Checks what a plugin's entry function returned. Runs where plugin code is
// loaded (the probe worker, or the host with --isolation none): it reads the
// plugin's memory.
#pragma once

#include <costops/bench_target_v1.h>

#include <string_view>

#include "costops/host/plugin_probe.hpp"

namespace costops::host {

// Checks a descriptor returned by bench_target_v1_entry: ABI major, struct
// sizes, target count, ids and function pointers. `plugin` may be NULL (the
// plugin declined; `decline_reason` is what it wrote into the host's buffer).
// Expands families into their members. Fills everything but `path`.
PluginProbe inspect_descriptor(const bench_plugin_v1* plugin, std::string_view decline_reason = {});

// The target with `id` in a descriptor already accepted by inspect_descriptor.
const bench_target_v1* find_target(const bench_plugin_v1& plugin, std::string_view id);

}  // namespace costops::host
