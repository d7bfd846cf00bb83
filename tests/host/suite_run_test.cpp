// `cost-ops run` as a sequence of steps, driven by a fake executor: rounds,
// Ctrl-C, baselines, history and every exit code, without any process.
#include "costops/host/suite_run.hpp"

#include <doctest/doctest.h>
#include <unistd.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>

#include "costops/host/child_process.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/history_outbox.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/results_file.hpp"

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

// A target's behaviour: given how often it ran before, what it returns.
using Script = std::function<TargetOutcome(int call, const MeasurementSettings&)>;

TargetOutcome measured(double ns_per_operation, std::uint64_t batch = 100) {
  TargetOutcome outcome;
  outcome.status = TargetStatus::ok;
  outcome.measurement.succeeded = true;
  outcome.measurement.batch_iterations = batch;
  for (int i = 0; i < 12; ++i)
    outcome.measurement.samples.push_back(
        {batch, ns_per_operation * static_cast<double>(batch) * (1 + 0.001 * (i % 4)), 0});
  return outcome;
}

TargetOutcome failed(TargetStatus status, const std::string& reason) {
  TargetOutcome outcome;
  outcome.status = status;
  outcome.reason = reason;
  return outcome;
}

// One plugin file per call to `offer`; each offers one target with a script.
class FakeExecutor final : public TargetExecutor {
 public:
  explicit FakeExecutor(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

  void offer(const std::string& id, Script script, TargetDescription description = {}) {
    std::ofstream(dir_ / (id + ".so")) << "not loaded by the fake";
    scripts_[id] = std::move(script);
    description.id = id;
    descriptions_[id] = description;
  }

  PluginProbe probe(const fs::path& library) override {
    PluginProbe probe;
    probe.path = library.string();
    probe.status = TargetStatus::ok;
    probe.name = "fake";
    probe.version = "1.0.0";
    probe.abi_major = 1;
    probe.targets.push_back(descriptions_.at(library.stem().string()));
    return probe;
  }

  TargetOutcome run(const fs::path& library, const std::string& id,
                    const MeasurementSettings& settings) override {
    settings_seen[id].push_back(settings);
    run_log.push_back(library.parent_path().filename().string() + "/" + id);
    if (const auto it = library_scripts.find(library); it != library_scripts.end())
      return it->second(calls_by_library[library]++, settings);
    return scripts_.at(id)(calls[id]++, settings);
  }

  std::map<std::string, int> calls;
  std::vector<std::string> run_log;  // "<plugin directory name>/<target id>" per run
  // Scripts for one library file, taking precedence over the target's (A/B).
  std::map<fs::path, Script> library_scripts;
  std::map<fs::path, int> calls_by_library;
  std::map<std::string, std::vector<MeasurementSettings>> settings_seen;

 private:
  fs::path dir_;
  std::map<std::string, Script> scripts_;
  std::map<std::string, TargetDescription> descriptions_;
};

struct Fixture {
  fs::path root = fs::temp_directory_path() / ("suite-run-" + std::to_string(::getpid()));
  FakeExecutor executor{root / "plugins"};
  ProgressReporter progress{Verbosity::quiet};
  RunOptions options;

  Fixture() {
    clear_interrupt();
    options.plugins.plugin_dirs = {(root / "plugins").string()};
    options.plugins.allow_insecure = true;  // the temporary directory's parents are not ours
    options.output_dir = root / "out";
  }
  ~Fixture() {
    clear_interrupt();
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  int run() { return run_suite(options, "/nonexistent/cost-ops", executor, progress); }
  StoredRun results() const { return load_stored_run(options.output_dir); }
  const StoredTarget& target(const StoredRun& run, const std::string& id) const {
    for (const auto& t : run.targets)
      if (t.target_id == id) return t;
    throw std::runtime_error("no target " + id);
  }
};

Script steady(double ns) {
  return [ns](int, const MeasurementSettings&) { return measured(ns); };
}

}  // namespace

TEST_CASE("all targets ok: exit 0, every file written") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.executor.offer("beta", steady(20));
  CHECK(f.run() == kExitOk);
  const StoredRun run = f.results();
  REQUIRE(run.targets.size() == 2);
  CHECK(f.target(run, "beta").ns_per_operation.size() == 12);
  CHECK(fs::exists(f.options.output_dir / "raw" / "alpha.json"));
  CHECK(fs::exists(f.options.output_dir / "summary.md"));
}

TEST_CASE("a failed target gives exit 1 and the later targets still run") {
  Fixture f;
  f.executor.offer("alpha", [](int, const MeasurementSettings&) {
    return failed(TargetStatus::crashed, "killed by SIGSEGV");
  });
  f.executor.offer("beta", steady(20));
  CHECK(f.run() == kExitTargetNotOk);
  const StoredRun run = f.results();
  CHECK(f.target(run, "alpha").status == TargetStatus::crashed);
  CHECK(f.target(run, "alpha").reason == "killed by SIGSEGV");
  CHECK(f.target(run, "beta").status == TargetStatus::ok);
  CHECK_FALSE(fs::exists(f.options.output_dir / "raw" / "alpha.json"));
}

TEST_CASE("an exception while handling one target becomes that target's status") {
  Fixture f;
  f.executor.offer("alpha", [](int, const MeasurementSettings&) -> TargetOutcome {
    throw std::runtime_error("boom");
  });
  f.executor.offer("beta", steady(20));
  CHECK(f.run() == kExitTargetNotOk);
  const StoredRun run = f.results();
  CHECK(f.target(run, "alpha").status == TargetStatus::invalid);
  CHECK(f.target(run, "alpha").reason.find("boom") != std::string::npos);
  CHECK(f.target(run, "beta").status == TargetStatus::ok);
}

TEST_CASE("--rounds reruns every ok target with round 1's batch size and merges samples") {
  Fixture f;
  f.options.rounds = 3;
  f.executor.offer("alpha", [](int call, const MeasurementSettings& s) {
    return measured(10, call == 0 ? 100 : s.fixed_batch_iterations);
  });
  f.executor.offer("beta", [](int call, const MeasurementSettings&) {
    return call == 1 ? failed(TargetStatus::timed_out, "no result after 1 s") : measured(20);
  });
  CHECK(f.run() == kExitTargetNotOk);
  CHECK(f.executor.calls["alpha"] == 3);
  CHECK(f.executor.calls["beta"] == 2);  // not run again after failing in round 2
  CHECK(f.executor.settings_seen["alpha"][0].fixed_batch_iterations == 0);
  CHECK(f.executor.settings_seen["alpha"][2].fixed_batch_iterations == 100);
  const StoredRun run = f.results();
  const StoredTarget& alpha = f.target(run, "alpha");
  CHECK(alpha.ns_per_operation.size() == 36);
  CHECK(samples_by_process(alpha).size() == 3);
  CHECK(f.target(run, "beta").status == TargetStatus::timed_out);
  CHECK(f.target(run, "beta").reason.find("in round 2") != std::string::npos);
}

TEST_CASE("Ctrl-C: finished targets are kept, the rest are not_run, exit 1") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.executor.offer("beta", [](int, const MeasurementSettings&) {
    request_interrupt();
    return failed(TargetStatus::not_run, "interrupted before it finished");
  });
  f.executor.offer("gamma", steady(30));
  CHECK(f.run() == kExitTargetNotOk);
  CHECK(f.executor.calls.count("gamma") == 0);
  const StoredRun run = f.results();
  CHECK(f.target(run, "alpha").status == TargetStatus::ok);
  CHECK(f.target(run, "gamma").status == TargetStatus::not_run);
}

TEST_CASE("Ctrl-C in a later round keeps the rounds that finished") {
  Fixture f;
  f.options.rounds = 3;
  f.executor.offer("alpha", [](int call, const MeasurementSettings&) {
    if (call < 2) return measured(10);
    request_interrupt();
    return failed(TargetStatus::not_run, "interrupted before it finished");
  });
  CHECK(f.run() == kExitTargetNotOk);
  const StoredRun run = f.results();
  const StoredTarget& alpha = f.target(run, "alpha");
  CHECK(alpha.status == TargetStatus::ok);
  CHECK(samples_by_process(alpha).size() == 2);
}

TEST_CASE("a baseline gates: exit 3 on a regression, 0 with --fail-on none") {
  Fixture f;
  double ns = 10;
  f.executor.offer("alpha", [&ns](int, const MeasurementSettings&) { return measured(ns); });
  f.options.rounds = 4;  // 4 processes a side: the fewest that can show p < 0.05
  f.options.save_baseline = "main";
  CHECK(f.run() == kExitOk);
  CHECK(fs::exists(f.options.output_dir / "baselines" / "main" / "results.json"));

  f.options.save_baseline.clear();
  f.options.baseline = "main";
  ns = 20;
  CHECK(f.run() == kExitRegression);
  f.options.gate.fail_on = FailOn::none;
  CHECK(f.run() == kExitOk);
  ns = 10;
  f.options.gate.fail_on = FailOn::slower;
  CHECK(f.run() == kExitOk);
}

TEST_CASE("a missing baseline is a usage error before anything runs") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.options.baseline = "never-saved";
  CHECK(f.run() == kExitUsage);
  CHECK(f.executor.calls.empty());
}

TEST_CASE("--history appends each run") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.options.history = (f.root / "history.db").string();
  RunProvenance& source = f.options.source;  // as the command line collected it
  source.repository = "example.org/team/repo";
  source.commit = "abc123";
  source.branch = "main";
  source.dirty = true;
  source.machine_id = "runner-1";
  source.labels = {"nightly"};
  CHECK(f.run() == kExitOk);
  CHECK(f.run() == kExitOk);
  const auto entries = open_result_store(f.options.history)->entries("alpha", {});
  REQUIRE(entries.size() == 2);
  const RunProvenance& stored = entries[1].run;
  CHECK(stored.repository == "example.org/team/repo");
  CHECK(stored.commit == "abc123");
  CHECK(stored.branch == "main");
  CHECK(stored.dirty);
  CHECK(stored.machine_id == "runner-1");  // given: kept
  CHECK_FALSE(stored.host_name.empty());   // the machine's, added by the run
  CHECK_FALSE(stored.cpu.empty());
  CHECK(stored.labels == std::vector<std::string>{"nightly"});
  CHECK_FALSE(fs::exists(f.options.output_dir / kOutboxDirectoryName));
}

TEST_CASE("a store that cannot take the run: exit 2, files kept, the run queued for upload") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.options.history = (f.root / "no-such-dir" / "history.db").string();
  CHECK(f.run() == kExitUsage);
  CHECK(f.results().targets.size() == 1);  // results.json is written regardless
  std::vector<fs::path> queued;
  for (const auto& e : fs::directory_iterator(f.options.output_dir / kOutboxDirectoryName))
    queued.push_back(e.path());
  REQUIRE(queued.size() == 1);
  // Later, with a store that works, `history upload` stores it whole.
  const auto store = open_result_store((f.root / "history.db").string());
  const OutboxUpload upload = upload_outbox(*store, f.options.output_dir);
  REQUIRE(upload.stored.size() == 1);
  CHECK(store->entries("alpha", {}).at(0).ns_per_operation.size() == 12);
  CHECK_FALSE(fs::exists(queued[0]));
}

TEST_CASE("usage errors: unknown target id, nothing selected, no plugin directory") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.options.target_ids = {"alpah"};
  CHECK(f.run() == kExitUsage);
  f.options.target_ids.clear();
  f.options.filter = "zzz";
  CHECK(f.run() == kExitUsage);
  f.options.filter.clear();
  f.options.plugins.plugin_dirs = {(f.root / "missing").string()};
  CHECK(f.run() == kExitUsage);
  CHECK(f.executor.calls.empty());
}

TEST_CASE("an output directory that cannot be created is a usage error") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  std::ofstream(f.root / "file") << "x";
  f.options.output_dir = f.root / "file" / "out";
  CHECK(f.run() == kExitUsage);
  CHECK(f.executor.calls.empty());
}

TEST_CASE("a skipped target is not a failure: exit 0, reason kept") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.executor.offer("gpu", [](int, const MeasurementSettings&) {
    return failed(TargetStatus::skipped, "the target cannot run here: no GPU");
  });
  CHECK(f.run() == kExitOk);
  const StoredRun run = f.results();
  CHECK(f.target(run, "gpu").status == TargetStatus::skipped);
  CHECK(f.target(run, "gpu").reason.find("no GPU") != std::string::npos);
}

TEST_CASE("declared families get a complexity fit in results.json, from their arguments") {
  Fixture f;
  for (const std::int64_t n : {100, 1000, 10000}) {
    TargetDescription member;
    member.family = "scan";
    member.argument = n;
    member.complexity_variable = "rows";
    // Ids whose suffix is not the argument: the fit must use the argument.
    const std::string id = "scan_" + std::to_string(n / 100) + "h";
    f.executor.offer(
        id, [n](int, const MeasurementSettings&) { return measured(2.0 * static_cast<double>(n)); },
        member);
  }
  CHECK(f.run() == kExitOk);
  std::ifstream in(f.options.output_dir / "results.json");
  const boost::json::value doc = boost::json::parse(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  const auto& families = doc.at("families").as_array();
  REQUIRE(families.size() == 1);
  CHECK(families[0].at("family").as_string() == "scan");
  CHECK(families[0].at("members").as_array().size() == 3);
  CHECK(families[0].at("complexity").at("big_o").as_string() == "O(rows)");
  CHECK(families[0].at("complexity").at("coefficient_ns").to_number<double>() ==
        doctest::Approx(2.0).epsilon(0.01));
  // Exactly linear: determined, with the order it was told apart from.
  CHECK(families[0].at("complexity").at("determined").as_bool());
  CHECK(families[0].at("complexity").at("next_best").as_string() == "O(rows log rows)");
  // The run's name defaults to the output directory's.
  CHECK(doc.at("settings").at("run_name").as_string() == f.options.output_dir.filename().string());
}

TEST_CASE("run --run-name is recorded in results.json's settings") {
  Fixture f;
  f.executor.offer("alpha", steady(10));
  f.options.run_name = "nightly gcc-12";
  CHECK(f.run() == kExitOk);
  std::ifstream in(f.options.output_dir / "results.json");
  const boost::json::value doc = boost::json::parse(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  CHECK(doc.at("settings").at("run_name").as_string() == "nightly gcc-12");
}

TEST_CASE("run --baseline: a target that breaks is a regression (exit 3)") {
  Fixture f;
  bool broken = false;
  f.executor.offer("alpha", steady(10));
  f.executor.offer("beta", [&broken](int, const MeasurementSettings&) {
    return broken ? failed(TargetStatus::crashed, "killed by SIGSEGV") : measured(20);
  });
  f.options.save_baseline = "main";
  CHECK(f.run() == kExitOk);
  f.options.save_baseline.clear();
  f.options.baseline = "main";
  broken = true;
  CHECK(f.run() == kExitRegression);
  f.options.gate.fail_on = FailOn::none;
  CHECK(f.run() == kExitTargetNotOk);  // not gating: the broken target still fails the run
}

namespace {

// A/B: the new build in plugins/, the old in old/, each target's time
// drifting by round (as on a shared machine) and the new one `factor` times
// the old in every round.
void offer_ab(Fixture& f, const std::string& id, double ns, double factor) {
  f.executor.offer(id, steady(ns));
  fs::create_directories(f.root / "old");
  fs::copy_file(f.root / "plugins" / (id + ".so"), f.root / "old" / (id + ".so"),
                fs::copy_options::overwrite_existing);
  const auto drifting = [ns](double scale) {
    return [ns, scale](int call, const MeasurementSettings&) {
      return measured(ns * scale * (1 + 0.3 * (call % 3)));
    };
  };
  f.executor.library_scripts[f.root / "old" / (id + ".so")] = drifting(1);
  f.executor.library_scripts[f.root / "plugins" / (id + ".so")] = drifting(factor);
  f.options.ab_baseline_plugin_dir = (f.root / "old").string();
}

}  // namespace

TEST_CASE("A/B mode: the builds alternate in fresh processes and are compared pair by pair") {
  Fixture f;
  offer_ab(f, "alpha", 10, 1.10);
  f.options.rounds = 6;  // 6 pairs: the fewest that can show p < 0.05
  CHECK(f.run() == kExitRegression);
  // Round 1: old first; round 2: new first; ...
  REQUIRE(f.executor.run_log.size() == 12);
  CHECK(f.executor.run_log[0] == "old/alpha");
  CHECK(f.executor.run_log[1] == "plugins/alpha");
  CHECK(f.executor.run_log[2] == "plugins/alpha");
  CHECK(f.executor.run_log[3] == "old/alpha");
  const StoredRun now = f.results();
  const StoredRun old = load_stored_run(f.options.output_dir / "ab-baseline");
  CHECK_FALSE(now.ab_pairing.empty());
  CHECK(now.ab_pairing == old.ab_pairing);
  CHECK(samples_by_process(f.target(now, "alpha")).size() == 6);
  const RunComparison c = compare_runs(old, now, {});
  REQUIRE(c.targets.size() == 1);
  CHECK(c.targets[0].basis == ComparisonBasis::paired_rounds);
  CHECK(c.targets[0].change == doctest::Approx(0.10).epsilon(0.01));
  std::ifstream summary(f.options.output_dir / "summary.md");
  const std::string text((std::istreambuf_iterator<char>(summary)), {});
  CHECK(text.find("pairs 6") != std::string::npos);
}

TEST_CASE("A/B mode: the same build against itself passes despite the drift") {
  Fixture f;
  offer_ab(f, "alpha", 10, 1.0);
  f.options.rounds = 6;
  CHECK(f.run() == kExitOk);
}

TEST_CASE("A/B mode: a target the old build lacks is a usage error before anything runs") {
  Fixture f;
  offer_ab(f, "alpha", 10, 1.0);
  f.executor.offer("beta", steady(10));  // only in the new build
  CHECK(f.run() == kExitUsage);
  CHECK(f.executor.run_log.empty());
}
