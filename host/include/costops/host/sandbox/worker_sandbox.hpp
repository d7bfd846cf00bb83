// The sandbox a worker child enters between clone and exec (docs/isolation.md).
// Built once per executor: it creates the private temporary directory (the
// mount point of each worker's tmpfs, or with the Landlock fallback the one
// directory workers may write) and prepares everything the child needs, so
// the child itself only makes system calls. The child execs the PID
// namespace's init (namespace_init.hpp), which runs the worker.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "costops/host/sandbox/sandbox_layers.hpp"
#include "costops/host/sandbox/sandbox_policy.hpp"

namespace costops::host::sandbox {

class WorkerSandbox {
 public:
  // `init_program`: a cost-ops worker program (it understands
  // `__sandbox-init`), exec'd by every sandboxed child.
  WorkerSandbox(SandboxPolicy policy, std::string init_program);
  ~WorkerSandbox();  // removes the private temporary directory
  WorkerSandbox(const WorkerSandbox&) = delete;
  WorkerSandbox& operator=(const WorkerSandbox&) = delete;

  const SandboxPolicy& policy() const { return policy_; }
  const std::string& private_tmp() const { return private_tmp_; }
  // The worker's whole environment (allowlist, TMPDIR = private_tmp), NAME=VALUE.
  const std::vector<std::string>& environment() const { return environment_; }

  // What the child execs to run `executable` with `arguments`: the init
  // program's command line (namespace_init_command). Prepared before clone.
  std::vector<std::string> command_line(const std::string& executable,
                                        const std::vector<std::string>& arguments) const;

  // Creates the child in the namespaces the kernel allows (fork semantics);
  // `namespaces` gets their Layer bits, in the child too.
  pid_t clone_child(std::uint32_t& namespaces) const;

  // In the child, once its descriptors 0-3 are in place: enters every other
  // layer the kernel allows, writes the Layer bits that held (`held`: those
  // so far, the namespaces among them) to `report_fd` and execs `argv`
  // (command_line). Never returns. `writable_file` (or null) stays writable.
  [[noreturn]] void enter_and_exec(char* const argv[], int report_fd, std::uint32_t held,
                                   const char* writable_file) const noexcept;

 private:
  SandboxPolicy policy_;
  std::string init_program_;
  std::string private_tmp_;
  std::string tmp_size_option_;
  std::vector<std::string> hidden_paths_;
  std::vector<const char*> hidden_path_pointers_;  // null-terminated
  std::vector<std::string> devices_;               // usable under nodev (worker_sandbox.cpp)
  std::vector<const char*> device_pointers_;       // null-terminated
  std::vector<std::string> environment_;
  std::vector<char*> envp_;
  // The seccomp program, compiled once per host process (syscall_filter.cpp).
  const std::vector<sock_filter>& syscall_filter_;
  uid_t uid_;
  gid_t gid_;
};

// The worker's environment from the host's: PATH, HOME, LANG, LC_*, TZ,
// LD_LIBRARY_PATH, the sanitizers' *SAN_OPTIONS, VALGRIND_LIB and
// COSTOPS_PLUGIN_*; TMPDIR is `private_tmp`. Nothing else (no PG*, tokens).
std::vector<std::string> allowlisted_environment(const char* const* host_environment,
                                                 const std::string& private_tmp);

}  // namespace costops::host::sandbox
