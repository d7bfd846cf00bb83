// The layers of the worker sandbox (docs/isolation.md), as bits: each worker
// reports which of them held for it, and the run reports the layers that
// held for every worker (results.json environment.isolation, summary.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace costops::host::sandbox {

using Layer = std::uint32_t;

// setsid: own session, so no controlling terminal
inline constexpr Layer kSession = 1u << 0;
// stdin /dev/null, every descriptor above 3 closed
inline constexpr Layer kDescriptors = 1u << 1;
// environment built from the allowlist
inline constexpr Layer kEnvironment = 1u << 2;
// own user namespace (ids mapped, no capability outside)
inline constexpr Layer kUserNamespace = 1u << 3;
// own mount namespace
inline constexpr Layer kMountNamespace = 1u << 4;
// own PID namespace: the host's processes are not there
inline constexpr Layer kPidNamespace = 1u << 5;
// /proc of that PID namespace
inline constexpr Layer kFreshProc = 1u << 6;
// every mount read-only, nosuid
inline constexpr Layer kReadOnlyRoot = 1u << 7;
// a fresh size-limited tmpfs as cwd and TMPDIR
inline constexpr Layer kPrivateTmp = 1u << 8;
// an empty read-only directory bound over the output directory
inline constexpr Layer kHiddenOutput = 1u << 9;
// empty /dev/pts and a private /dev/shm
inline constexpr Layer kHiddenTerminals = 1u << 10;
// writes only under the private temp dir (fallback)
inline constexpr Layer kLandlock = 1u << 11;
// PR_SET_NO_NEW_PRIVS
inline constexpr Layer kNoNewPrivileges = 1u << 12;
// bounding set and capabilities emptied
inline constexpr Layer kCapabilitiesDropped = 1u << 13;
// RLIMIT_CORE 0, hard
inline constexpr Layer kCoreDumpsOff = 1u << 14;
// RLIMIT_FSIZE (--file-size-limit)
inline constexpr Layer kFileSizeLimit = 1u << 15;
// RLIMIT_AS (--memory-limit)
inline constexpr Layer kMemoryLimit = 1u << 16;
// RLIMIT_NPROC counted in the worker's own user namespace
inline constexpr Layer kProcessLimit = 1u << 17;
// seccomp: terminal injection, tracing, keyring, namespaces, mounts, kernel
// code and personality changes refused with EPERM
inline constexpr Layer kSyscallFilter = 1u << 18;
// nodev everywhere: only /dev/null, zero, full, random, urandom (and GPUs) open
inline constexpr Layer kDevices = 1u << 19;

struct LayerName {
  Layer layer;
  std::string_view name;  // the key in results.json
};

// Every layer in report order, with its results.json key.
inline constexpr LayerName kLayerNames[] = {
    {kSession, "session"},
    {kDescriptors, "descriptors"},
    {kEnvironment, "environment_allowlist"},
    {kUserNamespace, "user_namespace"},
    {kMountNamespace, "mount_namespace"},
    {kPidNamespace, "pid_namespace"},
    {kFreshProc, "fresh_proc"},
    {kReadOnlyRoot, "read_only_root"},
    {kPrivateTmp, "private_tmp"},
    {kHiddenOutput, "hidden_output"},
    {kHiddenTerminals, "hidden_terminals"},
    {kDevices, "devices"},
    {kLandlock, "landlock"},
    {kNoNewPrivileges, "no_new_privileges"},
    {kCapabilitiesDropped, "capabilities_dropped"},
    {kSyscallFilter, "syscall_filter"},
    {kCoreDumpsOff, "core_dumps_off"},
    {kFileSizeLimit, "file_size_limit"},
    {kMemoryLimit, "memory_limit"},
    {kProcessLimit, "process_limit"},
};

}  // namespace costops::host::sandbox
