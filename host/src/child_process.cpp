#include "costops/host/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "costops/host/sandbox/isolation_layers.hpp"
#include "costops/host/sandbox/namespace_init.hpp"
#include "costops/host/sandbox/sandbox_layers.hpp"
#include "costops/host/sandbox/worker_sandbox.hpp"

namespace costops::host {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

using Clock = std::chrono::steady_clock;

class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_fd(fds_[0]); }
  void close_write() { close_fd(fds_[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fds_[2];
};

// Keeps the first and the last part of a long output, counting what it drops.
class OutputCapture {
 public:
  explicit OutputCapture(std::size_t limit)
      : head_limit_(limit / 4), tail_limit_(limit - limit / 4) {}
  void append(const char* data, std::size_t size) {
    const std::size_t to_head = std::min(size, head_limit_ - head_.size());
    head_.append(data, to_head);
    tail_.append(data + to_head, size - to_head);
    if (tail_.size() > 2 * tail_limit_) trim_tail();
  }
  void finish(std::string& text, std::size_t& dropped) {
    trim_tail();
    dropped = dropped_;
    text = head_;
    if (dropped_ != 0)
      text += "\n[... " + std::to_string(dropped_) + " bytes of output dropped ...]\n";
    text += tail_;
  }

 private:
  void trim_tail() {
    if (tail_.size() <= tail_limit_) return;
    const std::size_t excess = tail_.size() - tail_limit_;
    dropped_ += excess;
    tail_.erase(0, excess);
  }
  std::size_t head_limit_, tail_limit_;
  std::string head_, tail_;
  std::size_t dropped_ = 0;
};

// Reads what is available; returns false at end of file or on error.
bool drain(int fd, std::string* into, OutputCapture* capture) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    if (into) into->append(buffer, static_cast<std::size_t>(n));
    if (capture) capture->append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

// Reads everything left without blocking (the writers are gone or killed).
void drain_remaining(int fd, std::string* into, OutputCapture* capture) {
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      if (into) into->append(buffer, static_cast<std::size_t>(n));
      if (capture) capture->append(buffer, static_cast<std::size_t>(n));
    } else if (!(n < 0 && errno == EINTR)) {
      return;
    }
  }
}

}  // namespace

void request_interrupt() noexcept {
  g_interrupted = 1;
}
bool interrupt_requested() noexcept {
  return g_interrupted != 0;
}
void clear_interrupt() noexcept {
  g_interrupted = 0;
}

std::string describe_signal(int signal_number) {
  const char* name = sigabbrev_np(signal_number);
  const char* text = strsignal(signal_number);
  return std::string(name ? std::string("SIG") + name : "signal " + std::to_string(signal_number)) +
         " (" + (text ? text : "unknown") + ")";
}

namespace {

void record_wait_status(int status, ChildResult& result) {
  if (WIFEXITED(status)) {
    result.ending = ChildResult::Ending::exited;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.ending = ChildResult::Ending::signaled;
    result.signal_number = WTERMSIG(status);
  }
}

std::vector<std::string> with_program(const std::string& program,
                                      const std::vector<std::string>& arguments) {
  std::vector<std::string> command{program};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return command;
}

// Kills every child the host has adopted: descendants of a finished worker
// that escaped its process group and were reparented to the host (see
// adopt_orphaned_descendants). Repeats while new ones appear (a dying
// middle process reparents its own children).
void kill_adopted_orphans() {
  const std::string self = std::to_string(::getpid());
  for (int pass = 0; pass < 20; ++pass) {
    // No child at all (the usual case): nothing was adopted, and the scan of
    // every process's /proc/PID/stat below, a fifth of the host's time per
    // target, is skipped.
    siginfo_t any{};
    if (::waitid(P_ALL, 0, &any, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD) return;
    bool found = false;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      std::getline(stat, line);
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream fields(line.substr(close + 2));
      std::string state, parent;
      fields >> state >> parent;
      if (parent != self) continue;
      const pid_t orphan = static_cast<pid_t>(std::stol(name));
      ::kill(orphan, SIGKILL);
      ::waitpid(orphan, nullptr, 0);
      found = true;
    }
    if (!found) return;
  }
}

// Watches one running child: its pipes, its deadline, Ctrl-C, the size of
// its result; ends it (process and group) when it must.
class ChildSupervisor {
 public:
  // `started`: taken before the child was created. After, the host may be
  // descheduled while the whole worker runs, and the worker's lifetime
  // would look shorter than its samples (an `invalid` result).
  ChildSupervisor(const ChildRequest& request, pid_t pid, Clock::time_point started, int result_fd,
                  int output_fd)
      : request_(request),
        pid_(pid),
        result_fd_(result_fd),
        output_fd_(output_fd),
        exit_fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))),
        capture_(request.max_output_bytes),
        start_(started),
        deadline_(start_ + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(request.timeout_seconds))) {}

  ChildResult supervise() {
    while (!exited_) {
      enforce_limits();
      poll_pipes();
      siginfo_t info{};
      exited_ = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                info.si_pid == pid_;
    }
    if (exit_fd_ >= 0) ::close(exit_fd_);
    // Whatever the plugin left in the group dies too; the child, not reaped
    // yet, still holds its pid and group id, so neither can name another
    // process by now.
    kill_child(SIGKILL);
    while (::waitpid(pid_, &wait_status_, 0) < 0 && errno == EINTR) {
    }
    kill_adopted_orphans();
    if (result_open_) drain_remaining(result_fd_, &result_.result, nullptr);
    if (output_open_) drain_remaining(output_fd_, nullptr, &capture_);
    capture_.finish(result_.output, result_.output_bytes_dropped);
    if (result_.result.size() > request_.max_result_bytes)
      result_.result.resize(request_.max_result_bytes);
    result_.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    record_ending();
    return std::move(result_);
  }

 private:
  // The pid as well as the group: a worker that moved itself into another
  // group (setpgid) still gets the signal.
  void kill_child(int sig) const {
    ::kill(-pid_, sig);
    ::kill(pid_, sig);
  }

  void stop(ChildResult::Ending why) {
    if (terminating_) return;
    terminating_ = true;
    result_.ending = why;
    // An oversized result is hostile, not slow: no grace period.
    kill_child(why == ChildResult::Ending::result_too_large ? SIGKILL : SIGTERM);
    kill_at_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(request_.grace_seconds));
  }

  void enforce_limits() {
    if (interrupt_requested()) stop(ChildResult::Ending::interrupted);
    if (Clock::now() >= deadline_) stop(ChildResult::Ending::timed_out);
    if (result_.result.size() > request_.max_result_bytes)
      stop(ChildResult::Ending::result_too_large);
    if (terminating_ && Clock::now() >= kill_at_) kill_child(SIGKILL);
  }

  // Waits up to 50 ms for output, the end of a pipe or (with a pidfd) the
  // child's exit, so the deadline is checked that often.
  void poll_pipes() {
    pollfd fds[3];
    nfds_t count = 0;
    if (result_open_) fds[count++] = {result_fd_, POLLIN, 0};
    if (output_open_) fds[count++] = {output_fd_, POLLIN, 0};
    if (exit_fd_ >= 0) fds[count++] = {exit_fd_, POLLIN, 0};
    if (count == 0) {  // pipes closed, the child still exiting, no pidfd
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return;
    }
    if (::poll(fds, count, 50) <= 0) return;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].fd == exit_fd_ || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (fds[i].fd == result_fd_) {
        // Past the limit the rest is read and dropped until the child is gone.
        std::string* into =
            result_.result.size() <= request_.max_result_bytes ? &result_.result : nullptr;
        result_open_ = drain(fds[i].fd, into, nullptr);
      } else {
        output_open_ = drain(fds[i].fd, nullptr, &capture_);
      }
    }
  }

  void record_ending() {
    if (!terminating_) record_wait_status(wait_status_, result_);
  }

  const ChildRequest& request_;
  const pid_t pid_;
  const int result_fd_, output_fd_;
  // Readable once the child has exited (pidfd_open, Linux 5.3); -1 without.
  // A sandboxed child's namespace takes a while to go after its pipes close.
  const int exit_fd_;
  OutputCapture capture_;
  const Clock::time_point start_, deadline_;
  ChildResult result_;
  bool result_open_ = true, output_open_ = true, exited_ = false, terminating_ = false;
  int wait_status_ = 0;
  Clock::time_point kill_at_{};
};

// In the child, between fork (or clone) and exec: only async-signal-safe calls.
[[noreturn]] void become_worker(const ChildRequest& request, char* const argv[], pid_t parent,
                                int result_fd, int output_fd, int report_fd,
                                std::uint32_t namespaces) {
  // A sandboxed worker gets its own session: no controlling terminal, so no
  // TIOCSTI into the user's shell and no /dev/tty. Otherwise its own group.
  const bool own_session = request.sandbox != nullptr && ::setsid() == ::getpid();
  if (request.sandbox == nullptr) ::setpgid(0, 0);
  // If the host dies (even by SIGKILL), the worker dies with it: no orphan
  // keeps running a plugin nobody waits for. Born in a new PID namespace the
  // child sees no parent (getppid() is 0): there the init, once exec'd,
  // checks that the host still holds the report pipe before it starts the
  // worker (namespace_init.cpp).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (!(namespaces & sandbox::kPidNamespace) && ::getppid() != parent) ::_exit(127);
  // A host started with descriptors 0-2 closed has pipe ends among 0-4:
  // each goes above them first, so no dup2 below overwrites one still to be
  // placed (the report pipe on 3), nor is a no-op that keeps close-on-exec
  // (the result pipe already on 3, closed by the exec).
  result_fd = ::fcntl(result_fd, F_DUPFD_CLOEXEC, sandbox::layers::kReportFd + 1);
  output_fd = ::fcntl(output_fd, F_DUPFD_CLOEXEC, sandbox::layers::kReportFd + 1);
  report_fd = ::fcntl(report_fd, F_DUPFD_CLOEXEC, sandbox::layers::kReportFd + 1);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  ::dup2(result_fd, kWorkerResultFd);  // dup2 clears O_CLOEXEC
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
  if (request.sandbox != nullptr)
    request.sandbox->enter_and_exec(
        argv, report_fd, namespaces | (own_session ? sandbox::kSession : 0),
        request.writable_file.empty() ? nullptr : request.writable_file.c_str());
  ::execv(argv[0], argv);
  const char message[] = "cost-ops: cannot execute the worker\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(127);
}

// The Layer bits the sandboxed child wrote before its exec, and the worker's
// own wait status: with a PID namespace the host's child is the namespace's
// init (namespace_init.hpp), which exits with init_exit_code and reports the
// full status on the pipe after the bits. A plugin that sees the host's /proc
// can write to this pipe too: a status is taken only where it agrees with
// the init's exit code, else that code is all the host knows (128 + N: the
// worker died of signal N). Without a PID namespace the child is the worker
// itself and nothing on the pipe is a status.
void read_sandbox_report(int report_fd, std::uint32_t namespaces, ChildResult& result) {
  ::fcntl(report_fd, F_SETFL, O_NONBLOCK);
  std::uint32_t layers = 0;
  if (::read(report_fd, &layers, sizeof layers) != sizeof layers) return;
  result.isolation_layers = layers;
  if (!(namespaces & sandbox::kPidNamespace) || result.ending != ChildResult::Ending::exited)
    return;
  const int init_code = result.exit_code;
  int worker_status = 0;
  if (::read(report_fd, &worker_status, sizeof worker_status) == sizeof worker_status &&
      sandbox::init_exit_code(worker_status) == init_code) {
    record_wait_status(worker_status, result);
  } else if (init_code > 128 && init_code < 128 + NSIG) {
    result.ending = ChildResult::Ending::signaled;
    result.signal_number = init_code - 128;
  }
}

}  // namespace

bool adopt_orphaned_descendants() {
  return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

ChildResult run_child(const ChildRequest& request) {
  ChildResult result;
  Pipe result_pipe, output_pipe, report_pipe;
  if (!result_pipe.ok() || !output_pipe.ok() || !report_pipe.ok()) {
    result.spawn_error = std::string("cannot create pipes: ") + std::strerror(errno);
    return result;
  }
  // Everything the child needs is prepared before fork.
  const std::vector<std::string> command =
      request.sandbox != nullptr
          ? request.sandbox->command_line(request.executable, request.arguments)
          : with_program(request.executable, request.arguments);
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const Clock::time_point started = Clock::now();
  std::uint32_t namespaces = 0;
  const pid_t pid =
      request.sandbox != nullptr ? request.sandbox->clone_child(namespaces) : ::fork();
  if (pid < 0) {
    result.spawn_error = std::string("fork failed: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0)
    become_worker(request, argv.data(), parent, result_pipe.write_end(), output_pipe.write_end(),
                  report_pipe.write_end(), namespaces);
  // Also in the parent: no race with the child's own call. Not for a
  // sandboxed child: it must not lead a group before its setsid().
  if (request.sandbox == nullptr) ::setpgid(pid, pid);
  result_pipe.close_write();
  output_pipe.close_write();
  report_pipe.close_write();
  result = ChildSupervisor(request, pid, started, result_pipe.read_end(), output_pipe.read_end())
               .supervise();
  // Written before the child's exec and as its init ended, so in the pipe now.
  read_sandbox_report(report_pipe.read_end(), namespaces, result);
  return result;
}

}  // namespace costops::host
