// Runs one worker child: re-executes the host binary in its own process
// group, hands it a dedicated result pipe as fd 3, captures its stdout and
// stderr, enforces a timeout on the whole group (SIGTERM, then SIGKILL after
// a grace period) and always reaps it. POSIX only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace costops::host {

namespace sandbox {
class WorkerSandbox;
}

// The file descriptor on which a worker child writes its result message.
inline constexpr int kWorkerResultFd = 3;

struct ChildRequest {
  std::string executable;              // absolute path
  std::vector<std::string> arguments;  // argv[1..]
  double timeout_seconds = 60;
  double grace_seconds = 2;              // between SIGTERM and SIGKILL
  std::size_t max_output_bytes = 65536;  // captured stdout+stderr kept (head and tail)
  // A result message beyond this ends the child: far above any real one (a
  // worker sends at most 100,000 samples, about 4 MiB with everything
  // else), far below what would hurt the host's memory.
  std::size_t max_result_bytes = std::size_t{16} << 20;
  // When set, the child enters this sandbox (its own session, allowlisted
  // environment, namespaces or Landlock, limits: docs/isolation.md) instead
  // of only its own process group and PID namespace. Must outlive the call.
  const sandbox::WorkerSandbox* sandbox = nullptr;
  // A host file the sandboxed child may write (callgrind's output), or "".
  std::string writable_file = {};
};

struct ChildResult {
  enum class Ending { exited, signaled, timed_out, interrupted, spawn_failed, result_too_large };
  Ending ending = Ending::spawn_failed;
  int exit_code = -1;     // when exited
  int signal_number = 0;  // when signaled
  std::string result;     // everything the child wrote to fd 3
  std::string output;     // captured stdout+stderr (possibly cut in the middle)
  std::size_t output_bytes_dropped = 0;
  std::string spawn_error;     // when spawn_failed
  double elapsed_seconds = 0;  // from fork to reaping, by the parent's clock
  // With a sandbox: the sandbox::Layer bits that held, as the child reported
  // them before the worker program started (0 when it never got that far).
  std::uint32_t isolation_layers = 0;
};

// The host adopts orphans (PR_SET_CHILD_SUBREAPER): a worker's descendants
// that leave its process group (setsid, double fork) are reparented to the
// host instead of init, and run_child kills them when their worker ends.
// Called once at start-up; false where the kernel does not support it.
bool adopt_orphaned_descendants();

ChildResult run_child(const ChildRequest& request);

// Async-signal-safe: asks the running (and every later) run_child to stop its
// child now and return Ending::interrupted. Used by the SIGINT/SIGTERM handler.
void request_interrupt() noexcept;
bool interrupt_requested() noexcept;
// Forgets an earlier request (for tests that simulate Ctrl-C more than once).
void clear_interrupt() noexcept;

// "SIGSEGV (segmentation fault)" for a signal number.
std::string describe_signal(int signal_number);

}  // namespace costops::host
