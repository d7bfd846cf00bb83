// Layers: the worker's own user, mount and PID namespaces, entered by the
// clone() that creates the child: that child is at once pid 1 of its PID
// namespace (no relay process outside it). In its PID namespace the host
// and every other process are gone from /proc, and when the namespace's init
// dies the kernel kills everything left in it, whatever it did (setsid,
// double fork, another process group).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

namespace costops::host::sandbox::layers {

namespace {

bool write_file(const char* path, const char* text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const auto size = static_cast<ssize_t>(std::strlen(text));
  const bool written = ::write(fd, text, static_cast<std::size_t>(size)) == size;
  ::close(fd);
  return written;
}

struct NamespaceChoice {
  unsigned long clone_flags;
  std::uint32_t layers;
};

// Tried in this order: an unprivileged user gets all three only with the
// user namespace; root without one (a kernel that refuses user namespaces)
// still gets mount and PID namespaces; then a PID namespace alone.
constexpr NamespaceChoice kChoices[] = {
    {CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID, kUserNamespace | kMountNamespace | kPidNamespace},
    {CLONE_NEWNS | CLONE_NEWPID, kMountNamespace | kPidNamespace},
    {CLONE_NEWPID, kPidNamespace},
};

}  // namespace

pid_t clone_into_namespaces(std::uint32_t& namespaces) {
  for (const NamespaceChoice& choice : kChoices) {
    // clone() with fork semantics (no CLONE_VM): a copy of the caller, like
    // fork(), but born in the new namespaces.
    const long pid =
        ::syscall(SYS_clone, choice.clone_flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid >= 0) {
      namespaces = choice.layers;
      return static_cast<pid_t>(pid);
    }
    // Refused (EPERM, EINVAL, ENOSPC for too many namespaces): the next.
  }
  namespaces = 0;
  return ::fork();
}

bool map_ids(uid_t uid, gid_t gid) {
  // Maps the host's uid and gid to themselves, and only them: from inside
  // the new namespace no more can be mapped without privilege in the parent
  // one (not even by root). Files of other users then show as nobody's;
  // their permission bits for "other" still apply.
  char map[64];
  if (!write_file("/proc/self/setgroups", "deny")) return false;
  std::snprintf(map, sizeof map, "%u %u 1", static_cast<unsigned>(uid), static_cast<unsigned>(uid));
  if (!write_file("/proc/self/uid_map", map)) return false;
  std::snprintf(map, sizeof map, "%u %u 1", static_cast<unsigned>(gid), static_cast<unsigned>(gid));
  return write_file("/proc/self/gid_map", map);
}

}  // namespace costops::host::sandbox::layers
