// Layer (fallback where no mount namespace can be made): Landlock limits the
// worker's writes to its private temporary directory and a few devices. It
// also keeps the worker from ptrace-like access to processes outside its
// domain: the host's /proc/PID/environ and fd/ are refused.
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

namespace costops::host::sandbox::layers {

namespace {

constexpr __u64 kFileWrites = LANDLOCK_ACCESS_FS_WRITE_FILE;
constexpr __u64 kTreeWrites = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                              LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                              LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                              LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
                              LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

bool allow(int ruleset, const char* path, __u64 access) {
  const int fd = ::open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return false;
  landlock_path_beneath_attr rule{};
  rule.allowed_access = access;
  rule.parent_fd = fd;
  const bool added =
      ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0;
  ::close(fd);
  return added;
}

}  // namespace

std::uint32_t restrict_writes_with_landlock(const char* private_tmp, const char* writable_file) {
  const long abi =
      ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) return 0;
  __u64 tree = kTreeWrites;
  __u64 file = kFileWrites;
  if (abi >= 2) tree |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) {
    tree |= LANDLOCK_ACCESS_FS_TRUNCATE;
    file |= LANDLOCK_ACCESS_FS_TRUNCATE;
  }
  landlock_ruleset_attr attributes{};
  attributes.handled_access_fs = tree;
  const int ruleset =
      static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attributes, sizeof attributes, 0));
  if (ruleset < 0) return 0;
  bool ok = allow(ruleset, private_tmp, tree);
  // The worker resets its peak RSS through /proc/self/clear_refs; other
  // processes' files there are refused by Landlock's ptrace scoping.
  ok = ok && allow(ruleset, "/proc", file);
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/full"}) allow(ruleset, device, file);
  if (writable_file != nullptr) allow(ruleset, writable_file, file);
  ok = ok && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
       ::syscall(SYS_landlock_restrict_self, ruleset, 0) == 0;
  ::close(ruleset);
  return ok ? kLandlock : 0;
}

}  // namespace costops::host::sandbox::layers
