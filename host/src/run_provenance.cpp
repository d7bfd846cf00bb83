#include "costops/host/run_provenance.hpp"

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

// The first line git prints, "" when git is missing or fails (not a
// repository): provenance is best effort, never a reason to fail a run.
std::string git_output(const std::filesystem::path& directory, const std::string& arguments) {
  std::string quoted = "'";
  for (char c : directory.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string command = "git -C " + quoted + " " + arguments + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {};
  char line[1024] = {};
  const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
  const int status = ::pclose(pipe);
  return read && status == 0 ? trimmed(line) : std::string();
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

RunProvenance collect_provenance(const ProvenanceOptions& given, const std::string& host_name,
                                 const std::string& cpu, const EnvironmentLookup& env,
                                 const std::filesystem::path& working_directory) {
  RunProvenance p;
  p.repository = !given.repository.empty() ? given.repository : ci_repository(env);
  if (p.repository.empty())
    p.repository = normalize_repository(git_output(working_directory, "remote get-url origin"));
  if (p.repository.empty()) {  // a repository without a remote: its directory name
    const std::string top = git_output(working_directory, "rev-parse --show-toplevel");
    if (!top.empty()) p.repository = std::filesystem::path(top).filename().string();
  }
  p.commit = !given.commit.empty()
                 ? given.commit
                 : first_of(env, {"GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT", "GIT_COMMIT"});
  if (p.commit.empty()) p.commit = git_output(working_directory, "rev-parse HEAD");
  // GITHUB_HEAD_REF is the source branch of a pull request, GITHUB_REF_NAME
  // otherwise "123/merge".
  p.branch = !given.branch.empty()
                 ? given.branch
                 : first_of(env, {"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME",
                                  "BUILDKITE_BRANCH", "BRANCH_NAME", "GIT_BRANCH"});
  if (p.branch.empty()) p.branch = git_output(working_directory, "rev-parse --abbrev-ref HEAD");
  if (p.branch == "HEAD") p.branch.clear();  // detached
  p.machine_id = !given.machine.empty() ? given.machine : local_machine_id(host_name);
  p.host_name = host_name;
  p.cpu = cpu;
  p.ci_url = ci_url(env);
  p.labels = given.labels;
  return p;
}

}  // namespace costops::host
