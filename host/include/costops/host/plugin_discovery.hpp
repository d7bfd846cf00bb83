// Which files are plugin candidates. Plugins load only from directories the
// user named (--plugin-dir), COST_OPS_PLUGIN_PATH (ignored when set-uid), or
// the default next to the host binary; never from the current directory
// implicitly.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "costops/host/plugin_probe.hpp"

namespace costops::host {

class DiscoveryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when the host runs set-uid, set-gid or with file capabilities; then
// COST_OPS_PLUGIN_PATH is ignored.
bool running_privileged();

// Directories to search: the explicit ones, else COST_OPS_PLUGIN_PATH
// (colon-separated; not when running_privileged()), else the default for this host binary (the
// installed lib/cost-ops/plugins, or the build tree's plugins/).
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& explicit_dirs,
                                                      const std::filesystem::path& host_executable);

struct DiscoveredFile {
  std::filesystem::path path;  // absolute, symlinks resolved
  // Set when the file must not be loaded (e.g. writable by other users).
  std::string refusal;
};

// Shared-library files in `dirs`, absolute, de-duplicated, sorted by path.
// An entry named like a library that is not a regular file (a directory, a
// FIFO, a device, a dangling link or a link loop) is listed too, refused
// with not_a_plugin_file_reason (its path then is the entry's own).
// Throws DiscoveryError naming a directory that is missing or unreadable.
std::vector<DiscoveredFile> discover_plugin_files(const std::vector<std::filesystem::path>& dirs,
                                                  bool allow_insecure);

// "" when `path` is (or links to) a regular file, else what it really is
// ("... is a directory, not a shared library file ...", "a symbolic link
// loop", "a symbolic link to /dev/zero, a character device").
std::string not_a_plugin_file_reason(const std::filesystem::path& path);

// A file or directory anyone may write to can be replaced by anyone: "" when
// safe, else the explanation. Advises `chmod` only for a file or directory
// of your own, never for a device, a shared directory such as /tmp or
// anything of root's or another user's (it says what the path is and to
// move the plugin).
std::string insecure_permission_reason(const std::filesystem::path& path);

}  // namespace costops::host
