#include "costops/host/run_provenance.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

EnvironmentLookup fake_environment(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

}  // namespace

TEST_CASE("repository remotes are spelled one way, without credentials") {
  CHECK(normalize_repository("https://user:token@github.com/acme/bench.git") ==
        "github.com/acme/bench");
  CHECK(normalize_repository("git@gitlab.example.org:team/sub/repo.git") ==
        "gitlab.example.org/team/sub/repo");
  CHECK(normalize_repository("ssh://git@host.example:22/a/b/") == "host.example:22/a/b");
  CHECK(normalize_repository("") == "");
}

TEST_CASE("CI variables give the provenance; options win over them") {
  const auto github = fake_environment({{"GITHUB_REPOSITORY", "acme/bench"},
                                        {"GITHUB_SHA", "0123abcd"},
                                        {"GITHUB_REF_NAME", "42/merge"},
                                        {"GITHUB_HEAD_REF", "feature-x"},
                                        {"GITHUB_RUN_ID", "777"}});
  const RunProvenance p = collect_provenance({}, "runner-7", "Xeon", github, "/");
  CHECK(p.repository == "github.com/acme/bench");
  CHECK(p.commit == "0123abcd");
  CHECK(p.branch == "feature-x");
  CHECK(p.ci_url == "https://github.com/acme/bench/actions/runs/777");
  CHECK(p.host_name == "runner-7");
  CHECK(p.cpu == "Xeon");
  CHECK(p.machine_id == local_machine_id("runner-7"));
  const RunProvenance given = collect_provenance(
      {"mine/repo", "feedbeef", "main", "bench-box", {"nightly"}}, "h", "c", github, "/");
  CHECK(given.repository == "mine/repo");
  CHECK(given.commit == "feedbeef");
  CHECK(given.branch == "main");
  CHECK(given.machine_id == "bench-box");
  CHECK(given.labels == std::vector<std::string>{"nightly"});
  const auto gitlab = fake_environment({{"CI_PROJECT_PATH", "g/p"},
                                        {"CI_SERVER_HOST", "gitlab.example"},
                                        {"CI_COMMIT_SHA", "99"},
                                        {"CI_COMMIT_REF_NAME", "dev"},
                                        {"CI_JOB_URL", "https://gitlab.example/g/p/-/jobs/5"}});
  const RunProvenance g = collect_provenance({}, "h", "c", gitlab, "/");
  CHECK(g.repository == "gitlab.example/g/p");
  CHECK(g.branch == "dev");
  CHECK(g.ci_url == "https://gitlab.example/g/p/-/jobs/5");
}

TEST_CASE("outside CI, git of the working directory gives repository, commit and branch") {
  const fs::path repo =
      fs::temp_directory_path() / ("provenance-git-" + std::to_string(::getpid()));
  fs::remove_all(repo);
  fs::create_directories(repo);
  const std::string git = "git -C '" + repo.string() + "' ";
  REQUIRE(
      std::system((git + "init -q -b trunk && " + git +
                   "-c user.name=t -c user.email=t@example.org commit -q --allow-empty -m x && " +
                   git + "remote add origin https://u:secret@example.org/team/repo.git")
                      .c_str()) == 0);
  const RunProvenance p = collect_provenance({}, "h", "c", fake_environment({}), repo);
  CHECK(p.repository == "example.org/team/repo");
  CHECK(p.commit.size() == 40);
  CHECK(p.branch == "trunk");
  CHECK(p.ci_url.empty());
  // Not a repository: empty values, never an error.
  const RunProvenance none = collect_provenance({}, "h", "c", fake_environment({}), "/");
  CHECK(none.commit.empty());
  fs::remove_all(repo);
}

TEST_CASE("the machine id is stable, 16 hex digits, and not the raw machine id") {
  const std::string id = local_machine_id("h");
  CHECK(id == local_machine_id("h"));
  CHECK(id.size() == 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
}
