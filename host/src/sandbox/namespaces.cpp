// Layers: the worker's own user, mount and PID namespaces. In its PID
// namespace the host and every other process are gone from /proc, and when
// the namespace's init dies the kernel kills everything left in it, whatever
// it did (setsid, double fork, another process group).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

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

// Maps the host's uid and gid to themselves, and only them: from inside the
// new namespace no more can be mapped without privilege in the parent one
// (not even by root). Files of other users then show as nobody's; their
// permission bits for "other" still apply.
bool map_ids(uid_t uid, gid_t gid) {
  char map[64];
  if (!write_file("/proc/self/setgroups", "deny")) return false;
  std::snprintf(map, sizeof map, "%u %u 1", static_cast<unsigned>(uid), static_cast<unsigned>(uid));
  if (!write_file("/proc/self/uid_map", map)) return false;
  std::snprintf(map, sizeof map, "%u %u 1", static_cast<unsigned>(gid), static_cast<unsigned>(gid));
  return write_file("/proc/self/gid_map", map);
}

// Ends this process the way `status` (a waitpid status) says its child
// ended, so the host sees the worker's own signal or exit code.
[[noreturn]] void end_like(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    ::signal(sig, SIG_DFL);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    ::sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
    ::kill(::getpid(), sig);
    ::_exit(128 + sig);
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

}  // namespace

ArgumentArea own_argument_area() {
  ArgumentArea area;
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  // After the command name (in parentheses, may hold spaces): fields 3 to 52.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return area;
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  for (int number = 3; number <= 49 && fields >> field; ++number) {
    if (number == 48) area.start = std::stoull(field);
    if (number == 49) area.end = std::stoull(field);
  }
  if (area.end <= area.start) area = {};
  return area;
}

void erase_argument_area(const ArgumentArea& area) {
  if (area.end > area.start)
    std::memset(reinterpret_cast<void*>(area.start), 0, area.end - area.start);
}

std::uint32_t enter_namespaces(uid_t uid, gid_t gid) {
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) == 0) {
    // A user namespace whose ids cannot be mapped would leave the worker as
    // "nobody": still contained, but it could not read the plugin's files.
    if (map_ids(uid, gid)) return kUserNamespace | kMountNamespace | kPidNamespace;
    return kMountNamespace | kPidNamespace;
  }
  if (::unshare(CLONE_NEWNS | CLONE_NEWPID) == 0) return kMountNamespace | kPidNamespace;
  if (::unshare(CLONE_NEWPID) == 0) return kPidNamespace;
  return 0;
}

bool continue_as_pid_namespace_worker() {
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) return false;
  const pid_t init = ::fork();
  if (init < 0) return false;
  if (init == 0) {  // pid 1 of the namespace
    ::close(status_pipe[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const pid_t worker = ::fork();
    if (worker == 0) {
      ::close(status_pipe[1]);
      return true;
    }
    int status = 127 << 8;
    while (worker > 0 && ::waitpid(worker, &status, 0) < 0 && errno == EINTR) {
    }
    (void)!::write(status_pipe[1], &status, sizeof status);
    ::_exit(0);
  }
  ::close(status_pipe[1]);
  int status = 0;
  const bool reported = ::read(status_pipe[0], &status, sizeof status) == sizeof status;
  while (::waitpid(init, nullptr, 0) < 0 && errno == EINTR) {
  }
  end_like(reported ? status : (127 << 8));
}

}  // namespace costops::host::sandbox::layers
