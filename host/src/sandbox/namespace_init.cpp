#include "costops/host/sandbox/namespace_init.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "costops/host/sandbox/sandbox_layers.hpp"
#include "costops/host/worker_protocol.hpp"

namespace costops::host::sandbox {

namespace {

constexpr std::string_view kExecOption = "--exec";

void say(const std::string& message) {
  (void)!::write(STDERR_FILENO, message.data(), message.size());
}

// Waits for the worker, reports how it ended, exits: the kernel then kills
// everything else in the namespace.
// Signals are blocked while the init forks (see continue_as_worker_under_init).
[[noreturn]] void serve_as_init(pid_t worker, const sigset_t& worker_mask) {
  // The kernel drops a signal sent to a namespace's init from inside only
  // where the init has no handler: a sanitizer build's runtime has its own
  // for SIGSEGV, SIGBUS and SIGFPE, and `kill(1, SIGSEGV)` would end the
  // init with its report unwritten. Every handler goes, then the signals
  // blocked so far are dropped as well (an init never dies of a default
  // action sent from inside).
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &default_action, nullptr);
  ::sigprocmask(SIG_SETMASK, &worker_mask, nullptr);
  int status = 127 << 8;
  while (::waitpid(worker, &status, 0) < 0 && errno == EINTR) {
  }
  (void)!::write(layers::kReportFd, &status, sizeof status);
  ::_exit(init_exit_code(status));
}

[[noreturn]] void exec_program(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const auto& argument : command) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  ::execv(argv.front(), argv.data());
  say("cost-ops: cannot execute " + command.front() + ": " + std::strerror(errno) + "\n");
  ::_exit(127);
}

}  // namespace

int init_exit_code(int worker_status) {
  if (WIFSIGNALED(worker_status)) return 128 + WTERMSIG(worker_status);
  return WIFEXITED(worker_status) ? WEXITSTATUS(worker_status) : 127;
}

std::vector<std::string> namespace_init_command(const std::string& init_program,
                                                const std::string& executable,
                                                const std::vector<std::string>& arguments) {
  std::vector<std::string> command{init_program, std::string(kSandboxInitSubcommand)};
  if (executable != init_program) {
    command.emplace_back(kExecOption);
    command.push_back(executable);
  }
  command.insert(command.end(), arguments.begin(), arguments.end());
  return command;
}

std::vector<std::string> continue_as_worker_under_init(const std::vector<std::string>& args) {
  std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (::getpid() == 1) {
    // The host set the parent-death signal before the exec, but a host
    // killed before that (a loaded machine may not run the child for
    // milliseconds after clone) left it none: with the host gone nobody
    // holds the report pipe's read end, and a hanging plugin would run on
    // as an orphan. Only the host holds it, so no reader means no host (and
    // without the pipe at all there is no host to report to either).
    pollfd report{layers::kReportFd, POLLOUT, 0};
    if (::poll(&report, 1, 0) == 1 && (report.revents & (POLLERR | POLLNVAL)) != 0) ::_exit(127);
    // Not dumpable: the init's /proc/1/fd (the report pipe) and memory are
    // closed to the worker, which has no capability; and the kernel drops
    // every signal sent to a namespace's init from inside it. The plugin can
    // neither forge the status nor end its init early.
    ::prctl(PR_SET_DUMPABLE, 0);
    // No signal reaches the init between fork and its handlers' removal.
    sigset_t all, worker_mask;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, &worker_mask);
    const pid_t worker = ::fork();
    if (worker > 0) serve_as_init(worker, worker_mask);
    ::sigprocmask(SIG_SETMASK, &worker_mask, nullptr);
    if (worker < 0) {
      say(std::string("cost-ops: the sandbox cannot start the worker: ") + std::strerror(errno) +
          "\n");
      ::_exit(127);
    }
    // The worker reads and writes its own /proc/self files (clear_refs).
    ::prctl(PR_SET_DUMPABLE, 1);
  }
  ::close(layers::kReportFd);
  if (!rest.empty() && rest.front() == kExecOption) {
    if (rest.size() < 2) {
      say("cost-ops: __sandbox-init --exec needs a program\n");
      ::_exit(127);
    }
    exec_program(std::vector<std::string>(rest.begin() + 1, rest.end()));
  }
  return rest;
}

}  // namespace costops::host::sandbox
