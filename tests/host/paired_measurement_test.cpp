// The paired A/B worker, in this process: two copies of a library in one
// process keep their own static data; every ABI version runs on either side;
// the paired message and arguments cross the process boundary intact, and a
// malformed message is refused. Nothing here depends on machine speed.
#include "costops/host/worker/paired_measurement.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <variant>

#include "costops/host/paired_protocol.hpp"
#include "costops/host/target_executor.hpp"
#include "costops/host/worker/plugin_library.hpp"
#include "costops/host/worker_protocol.hpp"
#include "fixture_paths.hpp"

using namespace costops::host;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& relative) {
  return std::string(COSTOPS_FIXTURE_DIR) + "/" + relative;
}

// A private copy of a fixture: another file, so the loader maps it again.
class CopiedFixture {
 public:
  explicit CopiedFixture(const std::string& relative) {
    std::string pattern = (fs::temp_directory_path() / "paired-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    directory_ = pattern;
    path_ = directory_ / fs::path(relative).filename();
    fs::copy_file(fixture(relative), path_);
  }
  ~CopiedFixture() { fs::remove_all(directory_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path directory_, path_;
};

MeasurementSettings quick() {
  MeasurementSettings s;
  s.warmup_seconds = 0.002;
  s.min_time_seconds = 0.005;
  s.min_samples = 5;
  s.target_sample_seconds = 0.0001;
  return s;
}

WorkerRequest paired_request(const std::string& baseline, const std::string& current,
                             const std::string& target) {
  WorkerRequest request{WorkerTask::run_paired, current, target, quick()};
  request.baseline_plugin = baseline;
  return request;
}

PairedMeasurement run_in_process(const WorkerRequest& request) {
  // Through the message, as the worker sends it.
  return paired_from_json(
      parse_message(boost::json::serialize(paired_to_json(measure_paired_request(request)))));
}

}  // namespace

TEST_CASE("paired worker: two copies of one build keep their own static data") {
  const CopiedFixture copy("static_state/static_state_plugin.so");
  const PairedMeasurement m = run_in_process(paired_request(
      copy.path(), fixture("static_state/static_state_plugin.so"), "static_counter"));
  INFO(m.failure_side << " " << m.failure_phase << ": " << m.failure_message);
  REQUIRE(m.succeeded);
  CHECK(m.pairs.size() >= 5);
  CHECK(m.batch_iterations > 0);
  for (const TimedPair& pair : m.pairs) {
    CHECK(pair.baseline_ns > 0);
    CHECK(pair.new_ns > 0);
  }
}

TEST_CASE("paired worker: the same file on both sides is refused, not silently shared") {
  const std::string file = fixture("static_state/static_state_plugin.so");
  const PairedMeasurement m = run_in_process(paired_request(file, file, "static_counter"));
  CHECK_FALSE(m.succeeded);
  CHECK(m.failure_phase == "load");
  CHECK(m.failure_message.find("one loaded library") != std::string::npos);
}

TEST_CASE("paired worker: every ABI version runs on either side") {
  // 1.0 against today's header, both ways round, and a 1.1 family member.
  const std::string v1_0 = fixture("abi_1_0/good_c_plugin_abi_1_0.so");
  const std::string current = fixture("good/good_c_plugin.so");
  for (const auto& [baseline, latest] : {std::pair{v1_0, current}, std::pair{current, v1_0}}) {
    const PairedMeasurement m =
        run_in_process(paired_request(baseline, latest, "fixture_sum_array"));
    INFO(baseline << " vs " << latest << ": " << m.failure_message);
    CHECK(m.succeeded);
    CHECK(!m.pairs.empty());
  }
  const PairedMeasurement family =
      run_in_process(paired_request(fixture("abi_1_1/family_plugin_abi_1_1.so"),
                                    fixture("family/family_plugin.so"), "fixture_scan_64"));
  INFO(family.failure_message);
  CHECK(family.succeeded);
}

TEST_CASE("paired worker: failures name the side; an unsupported target is a skip") {
  const PairedMeasurement missing = run_in_process(paired_request(
      fixture("good/good_c_plugin.so"), fixture("abi_1_0/good_c_plugin_abi_1_0.so"), "nope"));
  CHECK_FALSE(missing.succeeded);
  CHECK(missing.failure_side == kBaselineSide);
  CHECK(missing.failure_message.find("does not offer target nope") != std::string::npos);

  const PairedMeasurement unloadable = run_in_process(paired_request(
      fixture("good/good_c_plugin.so"), fixture("junk/empty.so"), "fixture_sum_array"));
  CHECK(unloadable.failure_side == kNewSide);
  CHECK(unloadable.failure_phase == "load");

  const PairedOutcome skipped = outcome_from_paired(
      run_in_process(paired_request(fixture("abi_1_1/family_plugin_abi_1_1.so"),
                                    fixture("family/family_plugin.so"), "fixture_needs_gpu")));
  CHECK(skipped.status == TargetStatus::skipped);
  CHECK(skipped.reason.find("baseline build's setup") != std::string::npos);
  CHECK(skipped.reason.find("no GPU") != std::string::npos);
}

TEST_CASE("paired worker: each side's threads, metrics and counters come back as reported") {
  // The threaded fixture on 2 threads: its teardown reports a metric and a
  // per-operation counter that is exactly 3 whatever the batch sizes were.
  const CopiedFixture copy("threaded/threaded_plugin.so");
  const PairedMeasurement m = run_in_process(
      paired_request(copy.path(), fixture("threaded/threaded_plugin.so"), "fixture_threads"));
  INFO(m.failure_side << " " << m.failure_phase << ": " << m.failure_message);
  REQUIRE(m.succeeded);
  for (const PairedSideReport* side : {&m.baseline_reported, &m.new_reported}) {
    CHECK(side->threads == 2);
    const auto number = [&](const std::string& key) {
      for (const auto& [name, value] : side->plugin_metrics)
        if (name == key && std::holds_alternative<double>(value)) return std::get<double>(value);
      return -1.0;
    };
    CHECK(number("distinct_threads") == 2.0);
    CHECK(number("work_units_per_op") == doctest::Approx(3.0).epsilon(1e-12));
    CHECK(number("work_units_per_second") > 0);
    CHECK(number("work_units") == -1.0);  // only the flagged forms
  }
}

TEST_CASE("paired protocol: arguments and message round-trip; malformed messages are refused") {
  WorkerRequest request = paired_request("/old/a b.so", "/new/a.so", "t");
  request.settings.fixed_batch_iterations = 12345;
  const WorkerRequest back = decode_worker_arguments(encode_worker_arguments(request));
  CHECK(back.task == WorkerTask::run_paired);
  CHECK(back.baseline_plugin == "/old/a b.so");
  CHECK(back.plugin == "/new/a.so");
  CHECK(back.target == "t");
  CHECK(back.settings.fixed_batch_iterations == 12345);
  CHECK(is_worker_subcommand("__run-paired"));
  CHECK_THROWS_WITH_AS(
      decode_worker_arguments({"__run-paired", "--plugin", "/a.so", "--target", "t"}),
      doctest::Contains("--baseline-plugin"), MessageError);
  CHECK_THROWS_AS(decode_worker_arguments({"__run-target", "--plugin", "/a.so", "--target", "t",
                                           "--baseline-plugin", "/b.so"}),
                  MessageError);

  PairedMeasurement m;
  m.succeeded = true;
  m.batch_iterations = 7;
  m.pairs = {{100.5, 101.25, true}, {99, 98, false}};
  m.plugin_log = {"new: info: ready"};
  m.new_reported.threads = 4;
  m.new_reported.items_per_operation = 10;
  m.new_reported.plugin_metrics = {{"rows_per_op", 2.5}, {"engine", std::string("wal")}};
  const PairedMeasurement again = paired_from_json(paired_to_json(m));
  CHECK(again.new_reported.threads == 4);
  CHECK(again.new_reported.items_per_operation == 10);
  CHECK(again.new_reported.plugin_metrics == m.new_reported.plugin_metrics);
  CHECK(again.baseline_reported.threads == 1);
  CHECK(again.baseline_reported.plugin_metrics.empty());
  REQUIRE(again.pairs.size() == 2);
  CHECK(again.pairs[0].new_first);
  CHECK(again.pairs[0].new_ns == 101.25);
  CHECK_FALSE(again.pairs[1].new_first);
  CHECK(again.plugin_log == m.plugin_log);

  const auto with_pair = [&](boost::json::array pair) {
    boost::json::value v = paired_to_json(m);
    v.as_object()["pairs"] = boost::json::array{std::move(pair)};
    return v;
  };
  CHECK_THROWS_AS(paired_from_json(with_pair({1.0, 2.0, 2})), MessageError);
  CHECK_THROWS_AS(paired_from_json(with_pair({-1.0, 2.0, 0})), MessageError);
  CHECK_THROWS_AS(paired_from_json(with_pair({1.0, 1e300, 0})), MessageError);
  CHECK_THROWS_AS(paired_from_json(with_pair({1.0, 2.0})), MessageError);
  boost::json::value empty = paired_to_json(m);
  empty.as_object()["pairs"] = boost::json::array{};
  CHECK_THROWS_WITH_AS(paired_from_json(empty), doctest::Contains("without pairs"), MessageError);
  boost::json::value no_report = paired_to_json(m);
  no_report.as_object().erase("new_reported");
  CHECK_THROWS_AS(paired_from_json(no_report), MessageError);
  boost::json::value many_threads = paired_to_json(m);
  many_threads.as_object()["new_reported"].as_object()["threads"] = 257;
  CHECK_THROWS_AS(paired_from_json(many_threads), MessageError);
}
