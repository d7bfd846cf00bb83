#include "costops/host/run_provenance.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

TEST_CASE("CI variables give the provenance outside a checkout; options win over them") {
  const auto github = fake_environment({{"GITHUB_REPOSITORY", "acme/bench"},
                                        {"GITHUB_SHA", "0123abcd"},
                                        {"GITHUB_REF_NAME", "42/merge"},
                                        {"GITHUB_HEAD_REF", "feature-x"},
                                        {"GITHUB_RUN_ID", "777"}});
  RunProvenance p = collect_provenance({}, github, "/");
  CHECK(p.repository == "github.com/acme/bench");
  CHECK(p.commit == "0123abcd");
  CHECK(p.branch == "feature-x");
  CHECK_FALSE(p.dirty);
  CHECK(p.ci_url == "https://github.com/acme/bench/actions/runs/777");
  CHECK(p.machine_id.empty());  // the run identifies the machine
  identify_machine(p, "runner-7", "Xeon");
  CHECK(p.host_name == "runner-7");
  CHECK(p.cpu == "Xeon");
  CHECK(p.machine_id == default_machine_name("runner-7"));
  CHECK(p.machine_id == "runner-7-" + local_machine_id("runner-7").substr(0, 8));
  RunProvenance given =
      collect_provenance({"mine/repo", "feedbeef", "main", "bench-box", {"nightly"}}, github, "/");
  CHECK(given.repository == "mine/repo");
  CHECK(given.commit == "feedbeef");
  CHECK(given.branch == "main");
  CHECK(given.labels == std::vector<std::string>{"nightly"});
  identify_machine(given, "h", "c");
  CHECK(given.machine_id == "bench-box");
  CHECK(given.host_name == "h");
  const auto gitlab = fake_environment({{"CI_PROJECT_PATH", "g/p"},
                                        {"CI_SERVER_HOST", "gitlab.example"},
                                        {"CI_COMMIT_SHA", "99"},
                                        {"CI_COMMIT_REF_NAME", "dev"},
                                        {"CI_JOB_URL", "https://gitlab.example/g/p/-/jobs/5"}});
  const RunProvenance g = collect_provenance({}, gitlab, "/");
  CHECK(g.repository == "gitlab.example/g/p");
  CHECK(g.branch == "dev");
  CHECK(g.ci_url == "https://gitlab.example/g/p/-/jobs/5");
}

TEST_CASE("git of the working directory gives repository, commit, branch and dirty first") {
  const fs::path repo =
      fs::temp_directory_path() / ("provenance-git-" + std::to_string(::getpid()));
  fs::remove_all(repo);
  fs::create_directories(repo);
  const std::string git = "git -C '" + repo.string() + "' -c user.name=t -c user.email=t@e.org ";
  REQUIRE(std::system((git + "init -q -b trunk && " + git + "commit -q --allow-empty -m x && " +
                       git + "remote add origin https://u:secret@example.org/team/repo.git")
                          .c_str()) == 0);
  const RunProvenance p = collect_provenance({}, fake_environment({}), repo);
  CHECK(p.repository == "example.org/team/repo");
  CHECK(p.commit.size() == 40);
  CHECK(p.branch == "trunk");
  CHECK_FALSE(p.dirty);
  CHECK(p.ci_url.empty());
  // A tracked file changed: dirty, unless the commit is given (CI knows it).
  { std::ofstream(repo / "code.txt") << "v1"; }
  REQUIRE(std::system((git + "add code.txt && " + git + "commit -q -m code").c_str()) == 0);
  { std::ofstream(repo / "code.txt") << "v2"; }
  const auto ci = fake_environment({{"GITHUB_SHA", "0123abcd"}, {"GITHUB_REF_NAME", "ci-branch"}});
  const RunProvenance changed = collect_provenance({}, ci, repo);
  CHECK(changed.dirty);
  CHECK(changed.commit != "0123abcd");  // the checkout benchmarked wins over CI's idea
  CHECK(changed.branch == "trunk");
  CHECK_FALSE(collect_provenance({"", "abc123", "", "", {}}, ci, repo).dirty);
  // Not a repository: empty values, never an error.
  const RunProvenance none = collect_provenance({}, fake_environment({}), "/");
  CHECK(none.commit.empty());
  CHECK_FALSE(none.dirty);
  fs::remove_all(repo);
}

TEST_CASE("the machine id is stable, 16 hex digits, and not the raw machine id") {
  const std::string id = local_machine_id("h");
  CHECK(id == local_machine_id("h"));
  CHECK(id.size() == 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
}
