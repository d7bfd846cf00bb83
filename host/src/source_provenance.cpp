#include "costops/host/source_provenance.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <vector>

namespace costops::host {

namespace {

// Output of `git -C directory args...` with stderr discarded, or nullopt-like
// "" plus false when git fails or is missing. No shell is involved.
bool git_output(const std::filesystem::path& directory, std::vector<std::string> args,
                std::string& output) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return false;
  args.insert(args.begin(), {"git", "-C", directory.string()});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    if (FILE* null = std::freopen("/dev/null", "w", stderr); null == nullptr) ::_exit(127);
    ::close(pipe_fds[0]);
    ::execvp("git", argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::array<char, 4096> buffer{};
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer.data(), buffer.size())) > 0)
    output.append(buffer.data(), static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

SourceProvenance detect_source_provenance(const std::filesystem::path& directory) {
  SourceProvenance source;
  if (!git_output(directory, {"rev-parse", "HEAD"}, source.commit)) return {};
  std::string branch;
  if (git_output(directory, {"rev-parse", "--abbrev-ref", "HEAD"}, branch) && branch != "HEAD")
    source.branch = branch;
  std::string changes;
  source.dirty =
      git_output(directory, {"status", "--porcelain", "--untracked-files=no"}, changes) &&
      !changes.empty();
  return source;
}

}  // namespace costops::host
