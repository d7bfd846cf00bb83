// The worker child: exit codes, signals, timeouts on the whole process
// group, output capture and reaping.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "costops/host/child_process.hpp"

using namespace costops::host;

namespace {
ChildResult shell(const std::string& script, double timeout = 10) {
  ChildRequest request{"/bin/sh", {"-c", script}, timeout, 0.5, 4096};
  return run_child(request);
}
}  // namespace

TEST_CASE("result pipe and output are kept apart") {
  const ChildResult r = shell("echo to-stdout; echo to-stderr >&2; printf '{\"x\":1}' >&3");
  CHECK(r.ending == ChildResult::Ending::exited);
  CHECK(r.exit_code == 0);
  CHECK(r.result == "{\"x\":1}");
  CHECK(r.output.find("to-stdout") != std::string::npos);
  CHECK(r.output.find("to-stderr") != std::string::npos);
}

TEST_CASE("exit codes and signals are reported") {
  CHECK(shell("exit 7").exit_code == 7);
  const ChildResult killed = shell("kill -SEGV $$");
  CHECK(killed.ending == ChildResult::Ending::signaled);
  CHECK(killed.signal_number == SIGSEGV);
  CHECK(describe_signal(SIGSEGV).find("SIGSEGV") == 0);
}

TEST_CASE("a timeout kills the whole process group and leaves no orphan") {
  // Become a subreaper so the orphaned grandchild is re-parented to this
  // test, which can then see exactly how it ended.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  // A unique argument marks the grandchild: inside the worker's PID
  // namespace its pid means nothing here, so it is found by its command line.
  const std::string marker = "600." + std::to_string(::getpid());
  const auto start = std::chrono::steady_clock::now();
  // The child starts a grandchild that ignores SIGTERM, then hangs itself.
  const ChildResult r =
      shell("trap '' TERM; (trap '' TERM; exec sleep " + marker + ") & sleep 600", 0.5);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.ending == ChildResult::Ending::timed_out);
  CHECK(seconds < 5);
  // Running (not gone, not a zombie) processes whose command line holds the marker.
  const auto running_marked = [&marker]() {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::ifstream cmdline(entry.path() / "cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      if (args.find(marker) == std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string content;
      std::getline(stat, content);
      const auto close = content.rfind(')');
      if (close != std::string::npos && close + 2 < content.size() && content[close + 2] != 'Z')
        ++count;
    }
    return count;
  };
  for (int i = 0; i < 300 && running_marked() > 0; ++i) ::usleep(10000);
  CHECK(running_marked() == 0);
  // Everything of the group that was re-parented here was killed; reap it,
  // then nothing is left: no zombie, no orphan still running.
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    const pid_t other = ::waitpid(-1, &status, WNOHANG);
    if (other == -1) break;
    if (other == 0) {
      ::usleep(10000);
      continue;
    }
    CHECK(WIFSIGNALED(status));
  }
  CHECK(::waitpid(-1, &status, WNOHANG) == -1);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST_CASE("megabytes of output are cut, not buffered without bound") {
  const ChildResult r = shell("yes spam | head -c 5000000; printf done >&3");
  CHECK(r.result == "done");
  CHECK(r.output.size() < 5000);
  CHECK(r.output_bytes_dropped > 4'900'000);
  CHECK(r.output.find("bytes of output dropped") != std::string::npos);
}

TEST_CASE("a missing executable is reported, not thrown") {
  ChildRequest request{"/nonexistent/cost-ops", {}, 5, 0.5, 4096};
  const ChildResult r = run_child(request);
  CHECK(r.ending == ChildResult::Ending::exited);
  CHECK(r.exit_code == 127);
}
