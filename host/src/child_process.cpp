#include "costops/host/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

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

ChildResult run_child(const ChildRequest& request) {
  ChildResult result;
  Pipe result_pipe, output_pipe;
  if (!result_pipe.ok() || !output_pipe.ok()) {
    result.spawn_error = std::string("cannot create pipes: ") + std::strerror(errno);
    return result;
  }

  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(request.executable.c_str()));
  for (const auto& a : request.arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.spawn_error = std::string("fork failed: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    // If the host dies (even by SIGKILL), the worker dies with it: no orphan
    // keeps running a plugin nobody waits for.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(output_pipe.write_end(), STDOUT_FILENO);
    ::dup2(output_pipe.write_end(), STDERR_FILENO);
    ::dup2(result_pipe.write_end(), kWorkerResultFd);  // dup2 clears O_CLOEXEC
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(request.executable.c_str(), argv.data());
    const char message[] = "cost-ops: cannot execute the worker\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also in the parent: no race with the child's own call
  result_pipe.close_write();
  output_pipe.close_write();

  OutputCapture capture(request.max_output_bytes);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(request.timeout_seconds));
  bool result_open = true, output_open = true, reaped = false;
  int wait_status = 0;
  bool terminating = false;
  Clock::time_point kill_at{};

  auto signal_group = [pid](int sig) { ::kill(-pid, sig); };

  while (!reaped) {
    if (!terminating && (Clock::now() >= deadline || interrupt_requested())) {
      result.ending =
          interrupt_requested() ? ChildResult::Ending::interrupted : ChildResult::Ending::timed_out;
      terminating = true;
      signal_group(SIGTERM);
      kill_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(request.grace_seconds));
    }
    if (terminating && Clock::now() >= kill_at) signal_group(SIGKILL);

    pollfd fds[2];
    nfds_t count = 0;
    if (result_open) fds[count++] = {result_pipe.read_end(), POLLIN, 0};
    if (output_open) fds[count++] = {output_pipe.read_end(), POLLIN, 0};
    if (count > 0) {
      const int ready = ::poll(fds, count, 50);
      if (ready > 0) {
        for (nfds_t i = 0; i < count; ++i) {
          if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
          if (fds[i].fd == result_pipe.read_end())
            result_open = drain(fds[i].fd, &result.result, nullptr);
          else
            output_open = drain(fds[i].fd, nullptr, &capture);
        }
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) reaped = true;
  }

  // The child is gone. Anything the plugin left running in its group
  // (grandchildren) dies too; then whatever is still buffered is read.
  signal_group(SIGKILL);
  if (result_open) drain_remaining(result_pipe.read_end(), &result.result, nullptr);
  if (output_open) drain_remaining(output_pipe.read_end(), nullptr, &capture);
  capture.finish(result.output, result.output_bytes_dropped);

  if (!terminating) {
    if (WIFEXITED(wait_status)) {
      result.ending = ChildResult::Ending::exited;
      result.exit_code = WEXITSTATUS(wait_status);
    } else if (WIFSIGNALED(wait_status)) {
      result.ending = ChildResult::Ending::signaled;
      result.signal_number = WTERMSIG(wait_status);
    }
  }
  return result;
}

}  // namespace costops::host
