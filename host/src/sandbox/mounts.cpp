// Layers: what the worker sees of the file system. In its own mount
// namespace every mount is read-only, nosuid and nodev (the store, the probe
// cache, the host's configuration, the plugins themselves; no device file
// opens but /dev/null, zero, full, random, urandom and GPUs, bound back:
// as root the others are the disks, consoles and kernel log), the output
// directory, the host key's and probe cache's directories and /dev/pts (the
// users' terminals) are covered by an empty read-only directory, its cwd and
// TMPDIR (and /dev/shm) are a fresh tmpfs of limited size that vanishes with
// it, and /proc is its PID namespace's.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

namespace costops::host::sandbox::layers {

namespace {

bool make_every_mount_read_only() {
  mount_attr attributes{};
  attributes.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  return ::syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attributes,
                   sizeof attributes) == 0;
}

// Each device a program may need, bound onto itself with nodev cleared
// (read-only does not stop writes to a device: /dev/null stays writable).
bool bind_devices_back(const char* const* devices) {
  mount_attr usable{};
  usable.attr_clr = MOUNT_ATTR_NODEV;
  bool all = true;
  for (const char* const* device = devices; device && *device; ++device)
    if (::mount(*device, *device, nullptr, MS_BIND, nullptr) != 0 ||
        ::syscall(SYS_mount_setattr, AT_FDCWD, *device, 0, &usable, sizeof usable) != 0)
      all = false;
  return all;
}

// Binds `empty` (the private directory before its tmpfs covers it: an empty
// host directory, read-only by now) over `path`: one bind, no new file
// system to create and tear down with every worker.
bool cover_with_empty(const char* path, const char* empty) {
  return ::access(path, F_OK) != 0 || ::mount(empty, path, nullptr, MS_BIND, nullptr) == 0;
}

}  // namespace

std::uint32_t set_up_mounts(const MountPlan& plan, bool in_pid_namespace) {
  // Nothing done here propagates back to the host's mounts.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 0;
  std::uint32_t held = 0;
  if (make_every_mount_read_only()) {
    held |= kReadOnlyRoot;
    if (bind_devices_back(plan.devices)) held |= kDevices;
  }
  // A bind mount starts with its source's flags (read-only by now): the
  // read-only flag is then cleared on that one file.
  if (plan.writable_file != nullptr &&
      ::mount(plan.writable_file, plan.writable_file, nullptr, MS_BIND, nullptr) == 0) {
    mount_attr writable{};
    writable.attr_clr = MOUNT_ATTR_RDONLY;
    ::syscall(SYS_mount_setattr, AT_FDCWD, plan.writable_file, 0, &writable, sizeof writable);
  }
  bool hidden = true;
  for (const char* const* path = plan.hidden_paths; path && *path; ++path)
    if (!cover_with_empty(*path, plan.private_tmp)) hidden = false;
  if (hidden) held |= kHiddenOutput;
  const bool terminals_hidden = cover_with_empty("/dev/pts", plan.private_tmp);
  if (in_pid_namespace &&
      ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0)
    held |= kFreshProc;
  const bool private_tmp =
      ::mount("tmpfs", plan.private_tmp, "tmpfs", MS_NOSUID | MS_NODEV, plan.tmp_size_option) == 0;
  if (private_tmp) held |= kPrivateTmp;
  // Shared memory is a second writable place outside the size limit: it is
  // the private tmpfs too, so one limit covers both.
  const bool private_shm =
      ::access("/dev/shm", F_OK) != 0 ||
      (private_tmp && ::mount(plan.private_tmp, "/dev/shm", nullptr, MS_BIND, nullptr) == 0);
  if (terminals_hidden && private_shm) held |= kHiddenTerminals;
  return held;
}

}  // namespace costops::host::sandbox::layers
