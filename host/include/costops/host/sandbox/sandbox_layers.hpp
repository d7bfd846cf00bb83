// The layers of the worker sandbox, one function each. They run in the
// worker child between clone and exec, so each uses only async-signal-safe
// calls (no allocation, no locks) and returns the Layer bits that held; a
// layer the kernel refuses is skipped, never fatal (docs/isolation.md).
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "costops/host/sandbox/sandbox_policy.hpp"

namespace costops::host::sandbox::layers {

// A sanitizer build: its runtime reserves terabytes of address space for its
// shadow memory (no address-space limit) and LeakSanitizer stops the
// worker's threads with ptrace at exit (no ptrace refusal).
inline constexpr bool kSanitizerBuild =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

// Moves `report_fd` to descriptor 4 (kept across exec: the namespace's init
// reports on it and closes it in the worker) and closes every descriptor
// above it: the worker program starts with 0-3 only.
std::uint32_t close_inherited_descriptors(int report_fd);

// RLIMIT_CORE 0 (hard), RLIMIT_FSIZE and RLIMIT_AS from the policy.
std::uint32_t apply_resource_limits(const SandboxPolicy& policy);

// Creates the child (fork semantics) in a new user + mount + PID namespace,
// else mount + PID without a user namespace (root where user namespaces are
// refused), else PID only, else none; `namespaces` gets the Layer bits of
// the ones made. The child is pid 1 of its PID namespace: it execs the
// namespace's init (namespace_init.hpp), which forks the worker. Returns as
// fork() does.
pid_t clone_into_namespaces(std::uint32_t& namespaces);

// In a child born in a new user namespace: maps `uid` and `gid` (the host's,
// read before clone) to themselves. False if the kernel refused: the child
// is then "nobody" there.
bool map_ids(uid_t uid, gid_t gid);

// The descriptor the sandboxed child reports on: the Layer bits that held,
// written before exec, then (by the namespace's init) the worker's wait status.
inline constexpr int kReportFd = 4;

// Paths the mount layer needs, prepared before clone.
struct MountPlan {
  const char* private_tmp = nullptr;          // mount point of the worker's tmpfs
  const char* tmp_size_option = nullptr;      // "size=...,mode=0700"
  const char* const* hidden_paths = nullptr;  // null-terminated
  const char* writable_file = nullptr;        // bound writable (callgrind's output), or null
  const char* const* devices = nullptr;       // null-terminated: the device files left usable
};

// In the new mount namespace (and PID namespace): private propagation, every
// mount read-only, nosuid and nodev but `devices`, a fresh /proc, the
// hidden paths and /dev/pts covered by private_tmp's empty host directory,
// then a fresh tmpfs at private_tmp, bound at /dev/shm too.
std::uint32_t set_up_mounts(const MountPlan& plan, bool in_pid_namespace);

// Fallback without a mount namespace: Landlock allows writes only beneath
// `private_tmp`, to /dev/null, /dev/zero, /dev/full, /proc and `writable_file`.
std::uint32_t restrict_writes_with_landlock(const char* private_tmp, const char* writable_file);

// RLIMIT_NPROC; counted per user namespace, so only applied inside one.
std::uint32_t limit_processes(std::uint64_t max_processes);

// The seccomp program of the syscall_filter layer (syscall_filter.cpp),
// compiled with libseccomp on first use, in the host before fork; empty when
// it cannot be compiled (the layer then does not hold).
const std::vector<sock_filter>& syscall_filter_program();

// In the child, the last layer before exec: no_new_privs, then the filter.
std::uint32_t install_syscall_filter(const std::vector<sock_filter>& program);

// PR_SET_NO_NEW_PRIVS, and an empty capability bounding set, ambient set and
// capabilities: the program exec'd has no privilege, even as root.
std::uint32_t drop_privileges();

}  // namespace costops::host::sandbox::layers
