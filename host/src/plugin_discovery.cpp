#include "costops/host/plugin_discovery.hpp"

#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "costops/host/build_info.hpp"

namespace costops::host {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_path_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto colon = text.find(':', start);
    const std::string part =
        text.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!part.empty()) parts.push_back(part);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return parts;
}

bool is_shared_library_name(const fs::path& path) {
#if defined(_WIN32)
  return path.extension() == ".dll";
#elif defined(__APPLE__)
  return path.extension() == ".dylib" || path.extension() == ".so";
#else
  return path.extension() == ".so";
#endif
}

}  // namespace

// A set-uid, set-gid or file-capability host must not let the caller's
// environment pick code to run. AT_SECURE is the kernel's own verdict on that
// (the one glibc uses to drop LD_LIBRARY_PATH).
bool running_privileged() {
  return ::getauxval(AT_SECURE) != 0 || ::getuid() != ::geteuid() || ::getgid() != ::getegid();
}

std::vector<fs::path> plugin_search_path(const std::vector<std::string>& explicit_dirs,
                                         const fs::path& host_executable) {
  std::vector<fs::path> dirs;
  for (const auto& d : explicit_dirs) dirs.emplace_back(d);
  if (!dirs.empty()) return dirs;
  if (const char* env = std::getenv("COST_OPS_PLUGIN_PATH"); env && !running_privileged()) {
    for (const auto& d : split_path_list(env)) dirs.emplace_back(d);
    if (!dirs.empty()) return dirs;
  }
  const fs::path bin = host_executable.parent_path();
  for (const fs::path& candidate : {bin / kInstalledPluginDirFromBin, bin / ".." / "plugins"}) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return {fs::weakly_canonical(candidate, ec)};
  }
  return dirs;
}

std::string insecure_permission_reason(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  if (info.st_mode & S_IWOTH)
    return path.string() +
           " is writable by every user, so anyone could replace the code the host runs; fix "
           "it with `chmod o-w " +
           path.string() + "` or pass --allow-insecure-plugins";
  return {};
}

std::vector<DiscoveredFile> discover_plugin_files(const std::vector<fs::path>& dirs,
                                                  bool allow_insecure) {
  std::set<fs::path> seen;
  std::vector<DiscoveredFile> files;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    const fs::path canonical_dir = fs::canonical(dir, ec);
    if (ec || !fs::is_directory(canonical_dir, ec))
      throw DiscoveryError("plugin directory " + dir.string() +
                           " does not exist or is not a directory; check --plugin-dir or "
                           "COST_OPS_PLUGIN_PATH");
    const std::string dir_refusal = allow_insecure ? "" : insecure_permission_reason(canonical_dir);
    fs::directory_iterator it(canonical_dir, ec);
    if (ec)
      throw DiscoveryError("cannot read plugin directory " + canonical_dir.string() + ": " +
                           ec.message());
    std::vector<fs::path> here;
    for (const auto& entry : it) {
      if (!is_shared_library_name(entry.path())) continue;
      std::error_code entry_ec;
      const fs::path real = fs::canonical(entry.path(), entry_ec);
      if (entry_ec || !fs::is_regular_file(real, entry_ec)) continue;
      here.push_back(real);
    }
    std::sort(here.begin(), here.end());
    for (const fs::path& file : here) {
      if (!seen.insert(file).second) continue;
      std::string refusal = dir_refusal;
      if (refusal.empty() && !allow_insecure) refusal = insecure_permission_reason(file);
      files.push_back({file, std::move(refusal)});
    }
  }
  return files;
}

}  // namespace costops::host
