// Loads one plugin file with Boost.DLL and checks it before anything else
// touches it. This runs plugin code (static constructors, the entry
// function), so the host does it in a child process unless --isolation none.
#pragma once

#include <costops/bench_target_v1.h>

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <string>

#include "costops/host/plugin_probe.hpp"

namespace costops::host {

// The host's own identity as handed to plugins, with a buffer (may be NULL)
// for the reason a plugin declines (ABI 1.1).
bench_host_info_v1 host_info_for_plugins(char* decline_reason, std::uint32_t capacity);

// Reads the ELF header of `path` without loading it and returns a reason
// why this host cannot load it ("built for aarch64, host is x86_64"), or ""
// when it looks loadable. glibc reports a wrong architecture as "No such
// file", so the host checks first. Non-ELF files yield an `invalid` reason.
struct BinaryCheck {
  TargetStatus status = TargetStatus::ok;
  std::string reason;
};
BinaryCheck check_binary_format(const std::filesystem::path& path);

// Whether loading checks that none of the plugin's own calls is bound to
// another library of the process (symbol_interposition.hpp). The probe
// checks; a worker that runs a target of a probed plugin may skip it (the
// same worker executable, the same file, or the probe cache would not
// hold): reading the file costs 30-50 us a worker.
enum class OwnSymbolCheck { check, probed_already };

class PluginLibrary {
 public:
  // Loads (RTLD_NOW | RTLD_LOCAL, absolute path), calls the entry function and
  // validates the descriptor. Never throws: problems land in probe().
  explicit PluginLibrary(const std::filesystem::path& path,
                         OwnSymbolCheck own_symbols = OwnSymbolCheck::check);
  // Unloads the library, unless another thread of this process still runs
  // (a plugin's, left behind): then it stays loaded until the process ends,
  // for unmapping code under a running thread would crash the process.
  ~PluginLibrary();
  PluginLibrary(PluginLibrary&&) = default;
  PluginLibrary& operator=(PluginLibrary&&) = delete;

  const PluginProbe& probe() const { return probe_; }
  bool usable() const { return probe_.status == TargetStatus::ok; }
  // Valid only when usable(); the library stays loaded while *this lives.
  const bench_plugin_v1& descriptor() const { return *descriptor_; }

 private:
  bool refuse_other_major();

  boost::dll::shared_library library_;
  const bench_plugin_v1* descriptor_ = nullptr;
  PluginProbe probe_;
};

}  // namespace costops::host
