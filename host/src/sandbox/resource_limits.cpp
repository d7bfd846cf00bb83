// Layers: resource limits (no core dump, file size, address space, processes)
// and no privilege (no new privileges, no capabilities).
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

namespace costops::host::sandbox::layers {

namespace {

bool set_limit(int resource, std::uint64_t value) {
  const rlimit limit{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
  return ::setrlimit(resource, &limit) == 0;
}

}  // namespace

std::uint32_t apply_resource_limits(const SandboxPolicy& policy) {
  std::uint32_t held = 0;
  // Hard 0: the plugin cannot raise it back before it aborts.
  if (set_limit(RLIMIT_CORE, 0)) held |= kCoreDumpsOff;
  if (policy.file_size_limit_bytes != 0 && set_limit(RLIMIT_FSIZE, policy.file_size_limit_bytes))
    held |= kFileSizeLimit;
  if (policy.memory_limit_bytes != 0 && !kSanitizerBuild &&
      set_limit(RLIMIT_AS, policy.memory_limit_bytes))
    held |= kMemoryLimit;
  return held;
}

std::uint32_t limit_processes(std::uint64_t max_processes) {
  return max_processes != 0 && set_limit(RLIMIT_NPROC, max_processes) ? kProcessLimit : 0;
}

std::uint32_t drop_privileges() {
  std::uint32_t held = 0;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) held |= kNoNewPrivileges;
  // Without CAP_SETPCAP (an ordinary user outside a user namespace) the
  // bounding set cannot shrink, and need not: exec gives such a user nothing.
  bool bounding_emptied = true;
  for (int cap = 0; cap <= 63; ++cap)
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      bounding_emptied = false;
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  const bool cleared = ::syscall(SYS_capset, &header, none) == 0;
  if (cleared && (bounding_emptied || ::geteuid() != 0)) held |= kCapabilitiesDropped;
  return held;
}

}  // namespace costops::host::sandbox::layers
