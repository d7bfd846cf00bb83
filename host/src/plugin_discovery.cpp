#include "costops/host/plugin_discovery.hpp"

#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "costops/host/build_info.hpp"
#include "costops/host/files/safe_open.hpp"

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
  if (!explicit_dirs.empty() && running_privileged())
    throw DiscoveryError(
        "--plugin-dir is refused because cost-ops runs set-uid or set-gid: it loads plugins "
        "only from its installed plugin directory. Run it without the set-uid bit to load "
        "others");
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

namespace {

// Why one path on the way from a plugin to / lets another user change what
// the host loads, or "". `is_ancestor`: above the plugin's own directory,
// where a sticky bit suffices (others cannot rename or remove what they do
// not own); in the plugin's own directory it does not (anyone may add a file).
//
// The advice is safe to follow: changing the mode of a device, of a shared
// directory like /tmp, or of anything that is not yours would break the
// system or is not yours to change, so those cases say what the path is and
// to move the plugin instead.
std::string unsafe_link(const fs::path& path, bool is_ancestor) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  const uid_t user = ::getuid();
  constexpr const char* kMove =
      "; copy the plugin into a directory that only you can write and load it from there";
  if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode))
    return path.string() + " is " + describe_path_kind(path) + ", not a plugin file" + kMove;
  if (info.st_uid != 0 && info.st_uid != user)
    return path.string() + " belongs to user " + std::to_string(info.st_uid) +
           ", neither root nor you, who could replace the code the host runs" + kMove;
  const bool writable_by_others = (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  // In a sticky directory owned by root or you, others cannot rename or
  // remove what they do not own (like /tmp above a private directory).
  const bool sticky = S_ISDIR(info.st_mode) && (info.st_mode & S_ISVTX);
  if (!writable_by_others || (is_ancestor && sticky)) return {};
  const std::string who = (info.st_mode & S_IWOTH) ? "every user" : "its group";
  if (sticky || info.st_uid != user)  // a shared directory (/tmp) or a system one
    return path.string() + " is " + (sticky ? "a shared directory" : "a directory of root's") +
           " writable by " + who + ", so another user could replace the code the host runs" + kMove;
  return path.string() + " is writable by " + who +
         ", so another user could replace the code the host runs; fix it with `chmod go-w " +
         path.string() + "`";
}

}  // namespace

std::string not_a_plugin_file_reason(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {};
  return path.string() + " is " + describe_path_kind(path) +
         ", not a shared library file; remove it or point --plugin-dir elsewhere";
}

// Like OpenSSH's StrictModes: the file and every directory from it up to /.
// `path` is already canonical (symbolic links resolved), so a link into an
// unsafe directory is judged by where it leads.
std::string insecure_permission_reason(const fs::path& path) {
  std::string reason = unsafe_link(path, false);
  std::error_code ec;
  bool own_directory = !fs::is_directory(path, ec);  // a file's own directory is strict too
  for (fs::path dir = path.parent_path(); reason.empty() && !dir.empty(); dir = dir.parent_path()) {
    reason = unsafe_link(dir, !own_directory);
    own_directory = false;
    if (dir == dir.root_path()) break;
  }
  return reason.empty() ? reason : reason + ", or pass --allow-insecure-plugins";
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
    std::vector<DiscoveredFile> not_files;
    for (const auto& entry : it) {
      if (!is_shared_library_name(entry.path())) continue;
      std::error_code entry_ec;
      const fs::path real = fs::canonical(entry.path(), entry_ec);
      if (entry_ec || !fs::is_regular_file(real, entry_ec)) {
        // Said, not skipped: a directory, FIFO, device or broken link named *.so.
        not_files.push_back({entry.path(), not_a_plugin_file_reason(entry.path())});
        continue;
      }
      here.push_back(real);
    }
    std::sort(here.begin(), here.end());
    std::sort(not_files.begin(), not_files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    for (auto& refused : not_files)
      if (seen.insert(refused.path).second) files.push_back(std::move(refused));
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
