#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "costops/host/worker_protocol.hpp"

using namespace costops::host;

TEST_CASE("measurements survive the trip through the result pipe") {
  TargetMeasurement m;
  m.succeeded = true;
  m.samples = {{100, 1234.5, 0, 0, 2400.0}, {100, 1300.25, 1}};
  m.batch_iterations = 100;
  m.empty_batch_ns = 41.5;
  m.bytes_per_operation = 1 << 20;
  m.plugin_metrics = {{"rows", 1000.0}, {"database", std::string("wal")}};
  m.plugin_log = {"info: hello"};
  m.hardware = {"", 200, 51000, 20000, 7};
  m.allocations = {"", 1000, 3000, 2999, 300000, 300, 100};
  const TargetMeasurement back =
      measurement_from_json(parse_message(boost::json::serialize(measurement_to_json(m))));
  CHECK(back.succeeded);
  REQUIRE(back.samples.size() == 2);
  CHECK(back.samples[1].elapsed_ns == 1300.25);
  CHECK(back.samples[1].repetition == 1);
  CHECK(back.samples[0].cpu_ns == 2400.0);
  CHECK(back.samples[1].cpu_ns < 0);  // not measured stays not measured
  CHECK(back.allocations.counted());
  CHECK(back.allocations.allocations == 3000);
  CHECK(back.allocations.frees == 2999);
  CHECK(back.allocations.bytes_allocated == 300000);
  CHECK(back.allocations.peak_live_bytes == 300);
  CHECK(back.allocations.live_bytes_after_teardown == 100);
  CHECK(back.bytes_per_operation == 1 << 20);
  CHECK(std::get<std::string>(back.plugin_metrics[1].second) == "wal");
  CHECK(back.plugin_log.at(0) == "info: hello");
  CHECK(back.hardware.counted());
  CHECK(back.hardware.instructions == 51000);
  CHECK(back.hardware.branch_misses == 7);
  m.hardware = {"no PMU", 0, 0, 0, 0};
  CHECK(measurement_from_json(parse_message(boost::json::serialize(measurement_to_json(m))))
            .hardware.unavailable == "no PMU");
}

TEST_CASE("probes survive the trip") {
  PluginProbe p;
  p.path = "/x.so";
  p.status = TargetStatus::ok;
  p.name = "n";
  p.abi_major = 1;
  p.targets = {{"a", "first", 2}, {"scan_1024", "a member", 0, "scan", 1024, "rows"}};
  const PluginProbe back = probe_from_json(probe_to_json(p));
  CHECK(back.status == TargetStatus::ok);
  CHECK(back.targets.at(0).flags == 2);
  CHECK(back.targets.at(0).family.empty());
  CHECK(back.targets.at(1).family == "scan");
  CHECK(back.targets.at(1).argument == 1024);
  CHECK(back.targets.at(1).complexity_variable == "rows");
}

TEST_CASE("malformed worker messages are errors, never crashes") {
  CHECK_THROWS_AS(parse_message("{not json"), MessageError);
  CHECK_THROWS_AS(measurement_from_json(parse_message("[]")), MessageError);
  CHECK_THROWS_WITH_AS(measurement_from_json(parse_message("{\"succeeded\": 1}")),
                       doctest::Contains("succeeded"), MessageError);
  CHECK_THROWS_AS(probe_from_json(parse_message("{\"path\": \"x\", \"status\": \"weird\"}")),
                  MessageError);
}

TEST_CASE("numbers a worker cannot mean are refused (found by the fuzzer)") {
  const char* base =
      R"({"succeeded":true,"failure_phase":"","failure_message":"","failure_status":0,
    "batch_iterations":1,"warmup_iterations":1,"warmup_ns":1,"clock_overhead_ns":1,"empty_batch_ns":1,
    "bytes_per_operation":0,"items_per_operation":0,"plugin_metrics":[],"plugin_log":[],
    "peak_rss_bytes":0,"leaked_file_descriptors":0,"heap_growth_bytes":0,
    "hardware":{"unavailable":"","iterations":0,"instructions":0,"cycles":0,"branch_misses":0},
    "samples":)";
  // The base itself is valid: each refusal below is for the value it changes.
  CHECK(measurement_from_json(parse_message(std::string(base) + "[[1, 1.0, 0]]}")).succeeded);
  // No "allocations" (an older worker): unavailable, with the reason.
  CHECK(measurement_from_json(parse_message(std::string(base) + "[[1, 1.0, 0]]}"))
            .allocations.unavailable == "not reported by the worker");
  CHECK(measurement_from_json(parse_message(std::string(base) + "[[1, 1.0, 0, 5.5]]}"))
            .samples.at(0)
            .cpu_ns == 5.5);
  for (const char* samples :
       {"[[-1, 1.0, 0]]", "[[1.5, 1.0, 0]]", "[[1, -3, 0]]", "[[1, 1, 99999999999]]",
        "[[1, 1, 0, -7]]", "[[1, 1, 0, \"x\"]]", "[[1, 1, 0, 1, 1]]"}) {
    CAPTURE(samples);
    CHECK_THROWS_AS(measurement_from_json(parse_message(std::string(base) + samples + "}")),
                    MessageError);
  }
  std::string huge_status = std::string(base) + "[]}";
  huge_status.replace(huge_status.find("\"failure_status\":0"), 18,
                      "\"failure_status\":99999999999");
  CHECK_THROWS_AS(measurement_from_json(parse_message(huge_status)), MessageError);
}

TEST_CASE("every measurement setting reaches the worker bit for bit") {
  WorkerRequest request;
  request.task = WorkerTask::run_target;
  request.plugin = "/opt/plugins/a b.so";
  request.target = "storage_batch_1000";
  // Values no default has, so a setting dropped on the way would show.
  request.settings.warmup_seconds = 0.123456789012345678;
  request.settings.min_time_seconds = 1.0 / 3.0;
  request.settings.min_samples = 17;
  request.settings.repetitions = 4;
  request.settings.target_sample_seconds = 0.0031;
  request.settings.max_samples = 777;
  request.settings.fixed_batch_iterations = 18446744073709551615ull;
  const WorkerRequest back = decode_worker_arguments(encode_worker_arguments(request));
  CHECK(back.task == WorkerTask::run_target);
  CHECK(back.plugin == request.plugin);
  CHECK(back.target == request.target);
  CHECK(back.settings.warmup_seconds == request.settings.warmup_seconds);
  CHECK(back.settings.min_time_seconds == request.settings.min_time_seconds);
  CHECK(back.settings.min_samples == 17);
  CHECK(back.settings.repetitions == 4);
  CHECK(back.settings.target_sample_seconds == request.settings.target_sample_seconds);
  CHECK(back.settings.max_samples == 777);
  CHECK(back.settings.fixed_batch_iterations == request.settings.fixed_batch_iterations);
}

TEST_CASE("a probe request carries only the plugin") {
  const auto args = encode_worker_arguments({WorkerTask::probe, "/p/x.so", {}, {}});
  CHECK(args == std::vector<std::string>{"__probe", "--plugin", "/p/x.so"});
  CHECK(decode_worker_arguments(args).task == WorkerTask::probe);
  CHECK(is_worker_subcommand("__run-target"));
  CHECK_FALSE(is_worker_subcommand("run"));
}

TEST_CASE("worker arguments that do not decode are errors naming the problem") {
  using Args = std::vector<std::string>;
  CHECK_THROWS_WITH_AS(decode_worker_arguments(Args{"run"}), doctest::Contains("not a worker"),
                       MessageError);
  CHECK_THROWS_WITH_AS(decode_worker_arguments(Args{"__probe"}), doctest::Contains("--plugin"),
                       MessageError);
  CHECK_THROWS_WITH_AS(decode_worker_arguments(Args{"__run-target", "--plugin", "p"}),
                       doctest::Contains("--target"), MessageError);
  CHECK_THROWS_WITH_AS(decode_worker_arguments(Args{"__run-target", "--plugin", "p", "--target",
                                                    "t", "--min-time", "fast"}),
                       doctest::Contains("`fast`"), MessageError);
  CHECK_THROWS_WITH_AS(
      decode_worker_arguments(Args{"__run-target", "--plugin", "p", "--min-samples", "-3"}),
      doctest::Contains("`-3`"), MessageError);
  CHECK_THROWS_WITH_AS(decode_worker_arguments(Args{"__probe", "--plugin", "p", "--min-time", "1"}),
                       doctest::Contains("unknown worker option --min-time"), MessageError);
  CHECK_THROWS_WITH_AS(decode_worker_arguments(Args{"__probe", "--plugin"}),
                       doctest::Contains("no value"), MessageError);
}
