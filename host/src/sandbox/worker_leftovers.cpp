#include "costops/host/sandbox/worker_leftovers.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace costops::host::sandbox {

namespace {

std::uint64_t count_entries(const std::filesystem::path& directory) {
  std::error_code ec;
  std::uint64_t count = 0;
  for (auto it = std::filesystem::directory_iterator(directory, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++count;
  return count;
}

bool is_pid(const std::string& name) {
  return !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
}

// In the worker's own PID namespace (it is pid 2 under the sandbox's init,
// and /proc is that namespace's): every process there but the init and the
// worker was started by the plugin, whoever its parent is now.
std::uint64_t processes_in_own_namespace() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self", ec);
  if (ec || self.string() != std::to_string(::getpid()) || ::getpid() != 2) return 0;
  std::uint64_t count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_pid(name) && name != "1" && name != "2") ++count;
  }
  return count;
}

// Children of this process, from /proc/self/task/*/children, or at least
// whether there is one (waitid) where the kernel lacks that file.
std::uint64_t own_children() {
  std::uint64_t count = 0;
  bool readable = false;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::ifstream children(it->path() / "children");
    if (!children) continue;
    readable = true;
    for (std::string pid; children >> pid;) ++count;
  }
  if (readable) return count;
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 ? 1 : 0;
}

}  // namespace

std::uint64_t other_threads() {
  const std::uint64_t tasks = count_entries("/proc/self/task");
  return tasks > 1 ? tasks - 1 : 0;
}

WorkerLeftovers count_leftovers() {
  WorkerLeftovers leftovers;
  leftovers.threads = other_threads();
  const std::uint64_t in_namespace = processes_in_own_namespace();
  const std::uint64_t children = own_children();
  leftovers.processes = in_namespace > children ? in_namespace : children;
  return leftovers;
}

std::string describe_leftovers(const WorkerLeftovers& leftovers) {
  auto counted = [](std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string left;
  if (leftovers.threads != 0) left = counted(leftovers.threads, "thread", "threads");
  if (leftovers.processes != 0)
    left += (left.empty() ? "" : " and ") + counted(leftovers.processes, "process", "processes");
  std::string text = "the target left " + left +
                     " running after teardown; join every thread and reap every child process "
                     "before teardown returns";
  rlimit limit{};
  if (::getrlimit(RLIMIT_NPROC, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      // The worker, the sandbox's init and a thread being created count too.
      leftovers.threads + leftovers.processes + 4 >= limit.rlim_cur)
    text +=
        " (it reached the process limit " + std::to_string(limit.rlim_cur) + " of --max-processes)";
  return text;
}

}  // namespace costops::host::sandbox
