// Where a stored run came from, for a shared result store that many CI
// runners and many repositories write to: the benchmarked repository, its
// commit and branch, the machine (a stable id, its host name and CPU), the CI
// run and free labels. `cost-ops run --repository/--commit/--branch/
// --machine/--label` set the fields; what is not given is found from the CI
// environment variables, then from git in the working directory.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace costops::host {

struct RunProvenance {
  std::string repository;  // "host/owner/name": CI variables or the origin remote, normalised
  std::string commit;      // full hash of the benchmarked working directory
  std::string branch;      // "" when detached or unknown
  std::string machine_id;  // stable per machine (hashed /etc/machine-id) or --machine
  std::string host_name;
  std::string cpu;
  std::string ci_url;               // link to the CI run, "" outside CI
  std::vector<std::string> labels;  // --label values, in order
};

// The values given on the command line; empty means "find it".
struct ProvenanceOptions {
  std::string repository, commit, branch, machine;
  std::vector<std::string> labels;
};

// Reads one environment variable (std::getenv in production, a map in tests).
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// Fills every field: the options first, then CI variables (GitHub Actions,
// GitLab CI, Jenkins, Buildkite), then `git` run in `working_directory`.
// `host_name` and `cpu` come from the caller's environment block.
RunProvenance collect_provenance(const ProvenanceOptions& given, const std::string& host_name,
                                 const std::string& cpu, const EnvironmentLookup& environment,
                                 const std::filesystem::path& working_directory);

// A stable, non-reversible id of this machine: the first 16 hex digits of
// SHA-1("cost-ops:" + /etc/machine-id) (the raw id is meant to stay private),
// or of the host name when no machine id exists.
std::string local_machine_id(const std::string& host_name);

// "https://user:token@host/a/b.git" -> "host/a/b"; "git@host:a/b.git" ->
// "host/a/b": one spelling per repository whatever the remote's form.
std::string normalize_repository(const std::string& remote_url);

}  // namespace costops::host
