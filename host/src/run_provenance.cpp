#include "costops/host/run_provenance.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <boost/uuid/detail/sha1.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace costops::host {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

// The output of `git -C directory args...` without its trailing newline,
// "" when git fails or is missing (not a checkout): provenance is best
// effort, never a reason to fail a run. No shell is involved.
std::string git_output(const std::filesystem::path& directory, std::vector<std::string> args) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {};
  args.insert(args.begin(), {"git", "-C", directory.string()});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return {};
  }
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    if (FILE* null = std::freopen("/dev/null", "w", stderr); null == nullptr) ::_exit(127);
    ::close(pipe_fds[0]);
    ::execvp("git", argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string output;
  std::array<char, 4096> buffer{};
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer.data(), buffer.size())) > 0)
    output.append(buffer.data(), static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? trimmed(output) : std::string();
}

// The first variable that is set and not empty.
std::string first_of(const EnvironmentLookup& environment,
                     std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const auto value = environment(name); value && !value->empty()) return *value;
  return {};
}

std::string host_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  return url.substr(scheme + 3, url.find('/', scheme + 3) - scheme - 3);
}

std::string github_server(const EnvironmentLookup& env) {
  const std::string server = first_of(env, {"GITHUB_SERVER_URL"});
  return server.empty() ? "https://github.com" : server;
}

std::string ci_repository(const EnvironmentLookup& env) {
  if (const std::string github = first_of(env, {"GITHUB_REPOSITORY"}); !github.empty())
    return host_of(github_server(env)) + "/" + github;
  if (const std::string gitlab = first_of(env, {"CI_PROJECT_PATH"}); !gitlab.empty())
    return first_of(env, {"CI_SERVER_HOST"}) + "/" + gitlab;
  return normalize_repository(first_of(env, {"BUILDKITE_REPO", "GIT_URL"}));
}

std::string ci_url(const EnvironmentLookup& env) {
  const std::string run_id = first_of(env, {"GITHUB_RUN_ID"});
  const std::string repository = first_of(env, {"GITHUB_REPOSITORY"});
  if (!run_id.empty() && !repository.empty())
    return github_server(env) + "/" + repository + "/actions/runs/" + run_id;
  return first_of(env, {"CI_JOB_URL", "BUILDKITE_BUILD_URL", "BUILD_URL"});
}

// The checkout's repository, commit, branch and dirty flag; empty outside one.
RunProvenance from_git(const std::filesystem::path& directory) {
  RunProvenance p;
  p.commit = git_output(directory, {"rev-parse", "HEAD"});
  if (p.commit.empty()) return p;
  p.repository = normalize_repository(git_output(directory, {"remote", "get-url", "origin"}));
  if (p.repository.empty())  // a repository without a remote: its directory name
    p.repository = std::filesystem::path(git_output(directory, {"rev-parse", "--show-toplevel"}))
                       .filename()
                       .string();
  p.branch = git_output(directory, {"rev-parse", "--abbrev-ref", "HEAD"});
  if (p.branch == "HEAD") p.branch.clear();  // detached
  p.dirty = !git_output(directory, {"status", "--porcelain", "--untracked-files=no"}).empty();
  return p;
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
}

std::string normalize_repository(const std::string& remote_url) {
  std::string url = trimmed(remote_url);
  if (url.empty()) return url;
  if (const auto scheme = url.find("://"); scheme != std::string::npos) {
    url = url.substr(scheme + 3);
    const auto slash = url.find('/');
    if (const auto at = url.rfind('@', slash); at != std::string::npos && at < slash)
      url = url.substr(at + 1);  // credentials never reach the store
  } else if (const auto colon = url.find(':'); colon != std::string::npos) {
    url = url.substr(url.find('@') == std::string::npos || url.find('@') > colon
                         ? 0
                         : url.find('@') + 1);  // scp-like "git@host:owner/name"
    url[url.find(':')] = '/';
  }
  if (url.size() > 4 && url.ends_with(".git")) url.resize(url.size() - 4);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string local_machine_id(const std::string& host_name) {
  std::string source;
  for (const char* file : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    std::ifstream in(file);
    if (std::getline(in, source) && !trimmed(source).empty()) break;
    source.clear();
  }
  if (trimmed(source).empty()) source = "host:" + host_name;
  boost::uuids::detail::sha1 sha1;
  const std::string salted = "cost-ops:" + trimmed(source);
  sha1.process_bytes(salted.data(), salted.size());
  boost::uuids::detail::sha1::digest_type digest;
  sha1.get_digest(digest);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", digest[0], digest[1]);
  return hex;
}

std::string default_machine_name(const std::string& host_name) {
  const std::string id = local_machine_id(host_name).substr(0, 8);
  return host_name.empty() ? id : host_name + "-" + id;
}

RunProvenance collect_provenance(const ProvenanceOptions& given, const EnvironmentLookup& env,
                                 const std::filesystem::path& working_directory) {
  const RunProvenance git = from_git(working_directory);
  RunProvenance p;
  const auto pick = [](const std::string& option, const std::string& from_git,
                       const std::string& from_ci) {
    return !option.empty() ? option : !from_git.empty() ? from_git : from_ci;
  };
  p.repository = pick(given.repository, git.repository, ci_repository(env));
  p.commit = pick(given.commit, git.commit,
                  first_of(env, {"GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT", "GIT_COMMIT"}));
  // GITHUB_HEAD_REF is the source branch of a pull request, GITHUB_REF_NAME
  // otherwise "123/merge".
  p.branch = pick(given.branch, git.branch,
                  first_of(env, {"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME",
                                 "BUILDKITE_BRANCH", "BRANCH_NAME", "GIT_BRANCH"}));
  // The checkout's changes say nothing about a commit given by CI.
  p.dirty = git.dirty && p.commit == git.commit && given.commit.empty();
  p.machine_id = given.machine;
  p.ci_url = ci_url(env);
  p.labels = given.labels;
  return p;
}

void identify_machine(RunProvenance& provenance, const std::string& host_name,
                      const std::string& cpu) {
  provenance.host_name = host_name;
  provenance.cpu = cpu;
  if (provenance.machine_id.empty()) provenance.machine_id = default_machine_name(host_name);
}

boost::json::object provenance_json(const RunProvenance& p) {
  boost::json::array labels;
  for (const auto& l : p.labels) labels.emplace_back(l);
  return {{"repository", p.repository},
          {"commit", p.commit},
          {"branch", p.branch},
          {"dirty", p.dirty},
          {"machine_id", p.machine_id},
          {"host_name", p.host_name},
          {"cpu", p.cpu},
          {"ci_url", p.ci_url},
          {"labels", std::move(labels)}};
}

}  // namespace costops::host
