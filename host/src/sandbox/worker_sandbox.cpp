#include "costops/host/sandbox/worker_sandbox.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/namespace_init.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"

extern char** environ;

namespace costops::host::sandbox {

namespace {

// A directory only this user can enter, under $TMPDIR (else /tmp): the mount
// point of each worker's tmpfs, or with Landlock the directory it writes.
std::string make_private_tmp() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base == '/' ? base : "/tmp") + "/cost-ops-worker-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create the workers' private temporary directory " + pattern +
                             ": " + std::strerror(errno) + "; set TMPDIR to a writable directory");
  return pattern;
}

// The device files a worker may still open under nodev (docs/isolation.md):
// what ordinary programs read and write, and the GPUs a plugin may offload
// to. The rest of /dev (disks, consoles, the kernel log) stays closed: as
// root the worker would otherwise open them by owner permission alone.
std::vector<std::string> usable_devices() {
  std::vector<std::string> devices;
  for (const char* name : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"})
    if (::access(name, F_OK) == 0) devices.emplace_back(name);
  std::error_code ec;
  for (const char* directory : {"/dev", "/dev/dri"})
    for (auto it = std::filesystem::directory_iterator(directory, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const bool gpu = std::string_view(directory) == "/dev/dri" || name.rfind("nvidia", 0) == 0 ||
                       name == "kfd";
      if (gpu && it->is_character_file(ec)) devices.push_back(it->path().string());
    }
  return devices;
}

}  // namespace

WorkerSandbox::WorkerSandbox(SandboxPolicy policy, std::string init_program)
    : policy_(std::move(policy)),
      init_program_(std::move(init_program)),
      private_tmp_(make_private_tmp()),
      syscall_filter_(layers::syscall_filter_program()),
      uid_(::getuid()),
      gid_(::getgid()) {
  tmp_size_option_ = "mode=0700";
  // Twice the largest file: a file at the limit fits, so exceeding the limit
  // is named as such, not as a full directory.
  if (policy_.file_size_limit_bytes != 0)
    tmp_size_option_ += ",size=" + std::to_string(2 * policy_.file_size_limit_bytes);
  for (const auto& path : policy_.hidden_paths) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    hidden_paths_.push_back((ec ? path : absolute).lexically_normal().string());
  }
  for (const auto& path : hidden_paths_) hidden_path_pointers_.push_back(path.c_str());
  hidden_path_pointers_.push_back(nullptr);
  devices_ = usable_devices();
  for (const auto& device : devices_) device_pointers_.push_back(device.c_str());
  device_pointers_.push_back(nullptr);
  environment_ = allowlisted_environment(environ, private_tmp_);
  for (auto& entry : environment_) envp_.push_back(entry.data());
  envp_.push_back(nullptr);
}

WorkerSandbox::~WorkerSandbox() {
  std::error_code ignored;
  std::filesystem::remove_all(private_tmp_, ignored);
}

std::vector<std::string> WorkerSandbox::command_line(
    const std::string& executable, const std::vector<std::string>& arguments) const {
  return namespace_init_command(init_program_, executable, arguments);
}

pid_t WorkerSandbox::clone_child(std::uint32_t& namespaces) const {
  return layers::clone_into_namespaces(namespaces);
}

void WorkerSandbox::enter_and_exec(char* const argv[], int report_fd, std::uint32_t held,
                                   const char* writable_file) const noexcept {
  held |= kEnvironment;
  if ((held & kUserNamespace) && !layers::map_ids(uid_, gid_)) held &= ~kUserNamespace;
  held |= layers::close_inherited_descriptors(report_fd);
  held |= layers::apply_resource_limits(policy_);
  if (held & kMountNamespace) {
    const layers::MountPlan plan{private_tmp_.c_str(), tmp_size_option_.c_str(),
                                 hidden_path_pointers_.data(), writable_file,
                                 device_pointers_.data()};
    held |= layers::set_up_mounts(plan, (held & kPidNamespace) != 0);
  } else {
    held |= layers::restrict_writes_with_landlock(private_tmp_.c_str(), writable_file);
  }
  if (::chdir(private_tmp_.c_str()) != 0) held &= ~std::uint32_t{kPrivateTmp};
  // The kernel never applies RLIMIT_NPROC to the global root user, user
  // namespace or not: as root there is no process limit (docs/isolation.md).
  if ((held & kUserNamespace) && uid_ != 0) held |= layers::limit_processes(policy_.max_processes);
  held |= layers::drop_privileges();
  held |= layers::install_syscall_filter(syscall_filter_);
  // If the host is gone, this write to its closed pipe ends the child
  // (SIGPIPE): no plugin runs for nobody.
  (void)!::write(layers::kReportFd, &held, sizeof held);
  ::execve(argv[0], argv, envp_.data());
  const char message[] = "cost-ops: cannot execute the worker\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(127);
}

}  // namespace costops::host::sandbox
