// Probe results remembered per plugin file, as GStreamer's registry does:
// probing loads a library in a fresh worker process (about 7 ms a file), and
// a file that has not changed gives the same answer. An entry is used only
// when the file's path and content (its SHA-256: a file rewritten in place
// with the same size and times is a new plugin) and the host's identity
// (version, plugin ABI, the host binary's path, size, modification and
// change times, inode and device) are all unchanged. Only `ok` probes are
// remembered: failures are probed again, so a fixed environment is seen at
// once.
//
// The cache lives in $XDG_CACHE_HOME/cost-ops/probe-cache.json (default
// ~/.cache/...), directory mode 0700 (the file inside it: 0644): the user's cache, never a
// plugin or output directory. The file is signed with the host key
// (host_key.hpp); a cache that does not verify (edited by a plugin,
// damaged, a FIFO or link in its place) is ignored and every plugin probed
// again, never trusted. Writers merge under an exclusive lock and replace
// the file atomically, so concurrent runs never corrupt it; readers need no
// lock. COST_OPS_NO_PROBE_CACHE=1 turns it off.
#pragma once

#include <filesystem>
#include <memory>

#include "costops/host/target_executor.hpp"

namespace costops::host {

// The cache file for this user, or "" when caching is off (the variable
// above, or neither XDG_CACHE_HOME nor HOME set).
std::filesystem::path default_probe_cache_file();

// Wraps `inner`: probe() answers from `cache_file` when the entry is valid,
// else probes through `inner` and remembers ok results (written when the
// executor is destroyed; a cache that cannot be written is silently not
// used). run() is passed through.
std::unique_ptr<TargetExecutor> make_caching_executor(std::unique_ptr<TargetExecutor> inner,
                                                      std::filesystem::path cache_file,
                                                      const std::filesystem::path& host_executable);

}  // namespace costops::host
