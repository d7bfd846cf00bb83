// Layer: the worker's environment is built from an allowlist, so the host's
// secrets (PGPASSWORD, CI tokens, cloud credentials) never reach plugin code.
#include <string_view>

#include "costops/host/sandbox/worker_sandbox.hpp"

namespace costops::host::sandbox {

namespace {

// Exact names that pass: what programs need to find tools and libraries and
// to format text, and what the sanitizer runtimes read (the CI runs the
// suite under ASan/UBSan; their options must reach the worker).
constexpr std::string_view kAllowedNames[] = {
    "PATH",         "HOME",          "LANG",         "TZ",           "LD_LIBRARY_PATH",
    "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS", "TSAN_OPTIONS",
    "VALGRIND_LIB"};
// Prefixes that pass: the locale categories, and the documented namespace of
// variables meant for plugins (docs/plugin-authors.md).
constexpr std::string_view kAllowedPrefixes[] = {"LC_", "COSTOPS_PLUGIN_"};

bool allowed(std::string_view name) {
  for (std::string_view exact : kAllowedNames)
    if (name == exact) return true;
  for (std::string_view prefix : kAllowedPrefixes)
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) return true;
  return false;
}

}  // namespace

std::vector<std::string> allowlisted_environment(const char* const* host_environment,
                                                 const std::string& private_tmp) {
  std::vector<std::string> environment;
  for (const char* const* entry = host_environment; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || !allowed(text.substr(0, equals))) continue;
    environment.emplace_back(text);
  }
  environment.push_back("TMPDIR=" + private_tmp);
  return environment;
}

}  // namespace costops::host::sandbox
