// Where a run came from: the benchmarked code (repository, commit, branch,
// uncommitted changes), recorded apart from the commit the host itself was
// built from, and for a result store shared by many CI runners and many
// repositories the machine (a stable id, its host name and CPU), the CI run
// and free labels. `cost-ops run --repository/--commit/--branch/--machine/
// --label` set the fields; what is not given is found from git in the working
// directory, then from the CI environment variables.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace costops::host {

struct RunProvenance {
  std::string repository;  // "host/owner/name": the origin remote or CI variables, normalised
  std::string commit;      // full hash of the benchmarked code; "" when unknown
  std::string branch;      // "" when detached or unknown
  std::string machine_id;  // the machine's name: --machine, or default_machine_name
  std::string host_name;
  std::string cpu;
  std::string ci_url;               // link to the CI run, "" outside CI
  std::vector<std::string> labels;  // --label values, in order
  bool dirty = false;               // tracked files had uncommitted changes at `commit`
};

// The values given on the command line; empty means "find it".
struct ProvenanceOptions {
  std::string repository, commit, branch, machine;
  std::vector<std::string> labels;
};

// Reads one environment variable (std::getenv in production, a map in tests).
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// Fills the code's fields, the CI URL, the labels and a given --machine:
// the options first, then `git` run in `working_directory` (the checkout
// being benchmarked; `dirty` only when its HEAD is the recorded commit), then
// CI variables (GitHub Actions, GitLab CI, Jenkins, Buildkite) for what git
// cannot say (no checkout, a detached HEAD). Empty fields are not an error.
RunProvenance collect_provenance(const ProvenanceOptions& given,
                                 const EnvironmentLookup& environment,
                                 const std::filesystem::path& working_directory);

// Sets the machine's host name and CPU, and its id unless --machine gave one.
void identify_machine(RunProvenance& provenance, const std::string& host_name,
                      const std::string& cpu);

// The machine's name when --machine gives none: "HOST-1a2b3c4d", the host
// name (readable) and 8 hex digits of local_machine_id (two runners that
// share a host name, e.g. `vm`, stay apart; stable across reboots).
std::string default_machine_name(const std::string& host_name);

// A stable, non-reversible id of this machine: the first 16 hex digits of
// SHA-1("cost-ops:" + /etc/machine-id) (the raw id is meant to stay private),
// or of the host name when no machine id exists.
std::string local_machine_id(const std::string& host_name);

// "https://user:token@host/a/b.git" -> "host/a/b"; "git@host:a/b.git" ->
// "host/a/b": one spelling per repository whatever the remote's form.
std::string normalize_repository(const std::string& remote_url);

// The provenance as a JSON object (history --format json, the outbox's run
// records): every field under its own name, labels as an array.
boost::json::object provenance_json(const RunProvenance& provenance);

}  // namespace costops::host
