// The layers of the worker sandbox, one function each. They run in the
// worker child between fork and exec, so each uses only async-signal-safe
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

// Moves `report_fd` to descriptor 4 (close-on-exec) and closes every
// descriptor above it: the worker program starts with 0-3 only.
std::uint32_t close_inherited_descriptors(int report_fd);
inline constexpr int kReportFd = 4;

// RLIMIT_CORE 0 (hard), RLIMIT_FSIZE and RLIMIT_AS from the policy.
std::uint32_t apply_resource_limits(const SandboxPolicy& policy);

// unshare: user + mount + PID namespaces (uid and gid mapped to themselves),
// else mount + PID without a user namespace (root), else PID only. `uid`
// and `gid` are the host's, read before fork.
std::uint32_t enter_namespaces(uid_t uid, gid_t gid);

// Where this process's command line lies in its memory (/proc/self/stat
// arg_start, arg_end), read in the host before fork; {0, 0} if unknown.
struct ArgumentArea {
  std::uintptr_t start = 0, end = 0;
};
ArgumentArea own_argument_area();

// In the child after fork: zeroes its copy of the host's command line, so
// the PID namespace's init (a fork of the host, never exec'd) shows the
// worker no `--history postgresql://user:PASSWORD@...` in /proc/1/cmdline.
void erase_argument_area(const ArgumentArea& area);

// After unshare(CLONE_NEWPID): forks the namespace's init (pid 1), which
// forks the worker (pid 2) and waits for it. Returns true in the worker;
// the calling process waits for the init and ends as the worker ended, so
// the host's view of its child is unchanged; the init dies with it
// (PR_SET_PDEATHSIG), and with the init the whole namespace. False when no
// process could be forked (the caller goes on without).
bool continue_as_pid_namespace_worker();

// Paths the mount layer needs, prepared before fork.
struct MountPlan {
  const char* private_tmp = nullptr;          // mount point of the worker's tmpfs
  const char* tmp_size_option = nullptr;      // "size=...,mode=0700"
  const char* const* hidden_paths = nullptr;  // null-terminated
  const char* writable_file = nullptr;        // bound writable (callgrind's output), or null
  const char* const* devices = nullptr;       // null-terminated: the device files left usable
};

// In the new mount namespace (and PID namespace): private propagation, every
// mount read-only, nosuid and nodev but `devices`, a fresh /proc, a fresh tmpfs at private_tmp,
// empty tmpfs over the hidden paths, /dev/pts and /dev/shm.
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
