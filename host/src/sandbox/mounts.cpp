// Layers: what the worker sees of the file system. In its own mount
// namespace every mount is read-only, nosuid and nodev (the store, the probe
// cache, the host's configuration, the plugins themselves; no device file
// opens but /dev/null, zero, full, random, urandom and GPUs, bound back:
// as root the others are the disks, consoles and kernel log), the output directory
// and the host key's and probe cache's directories are covered by an empty
// read-only tmpfs, its cwd and TMPDIR are a fresh tmpfs
// of limited size that vanishes with it, /proc is its PID namespace's, and
// the users' terminals under /dev/pts are gone.
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

bool mount_empty(const char* path) {
  return ::mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "size=4k,mode=0555") == 0;
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
  if (in_pid_namespace &&
      ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0)
    held |= kFreshProc;
  if (::mount("tmpfs", plan.private_tmp, "tmpfs", MS_NOSUID | MS_NODEV, plan.tmp_size_option) == 0)
    held |= kPrivateTmp;
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
    if (::access(*path, F_OK) == 0 && !mount_empty(*path)) hidden = false;
  if (hidden) held |= kHiddenOutput;
  // Shared memory is a second writable place outside the size limit: a
  // private one instead (size-limited like the temporary directory).
  const bool private_shm =
      ::access("/dev/shm", F_OK) != 0 ||
      ::mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, plan.tmp_size_option) == 0;
  if ((::access("/dev/pts", F_OK) != 0 || mount_empty("/dev/pts")) && private_shm)
    held |= kHiddenTerminals;
  return held;
}

}  // namespace costops::host::sandbox::layers
