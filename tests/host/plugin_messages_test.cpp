// What the host says when a plugin fails: the plugin's own message from the
// call that failed, never text an earlier call left in the buffer, and the
// status when the plugin wrote nothing (1.0 plugins often write nothing).
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "costops/host/worker/target_measurement.hpp"

using namespace costops::host;

namespace {

MeasurementSettings quick_settings() {
  MeasurementSettings settings;
  settings.warmup_seconds = 0.001;
  settings.min_time_seconds = 0;
  settings.min_samples = 3;
  settings.target_sample_seconds = 0.0001;
  return settings;
}

// setup() succeeds but leaves a note in its buffer (allowed: the buffer is
// read only after an error); the third timed run() fails without a message.
int g_runs = 0;
bench_status BENCH_TARGET_V1_CALL setup_with_note(const bench_host_services_v1*, void** state,
                                                  char* error, uint64_t capacity) {
  *state = nullptr;
  g_runs = 0;
  std::strncpy(error, "setup note: input ready", static_cast<std::size_t>(capacity));
  return BENCH_STATUS_OK;
}
bench_status BENCH_TARGET_V1_CALL run_fails_silently(void*, uint64_t iterations, char*, uint64_t) {
  if (iterations > 0 && ++g_runs > 2) return BENCH_STATUS_ERROR;
  return BENCH_STATUS_OK;
}
// run() writes progress into the buffer on success, then fails silently.
bench_status BENCH_TARGET_V1_CALL setup_quiet(const bench_host_services_v1*, void** state, char*,
                                              uint64_t) {
  *state = nullptr;
  g_runs = 0;
  return BENCH_STATUS_OK;
}
bench_status BENCH_TARGET_V1_CALL run_chatty_then_silent(void*, uint64_t iterations, char* error,
                                                         uint64_t capacity) {
  if (iterations > 0 && ++g_runs > 2) return BENCH_STATUS_ERROR;
  std::strncpy(error, "run note: batch done", static_cast<std::size_t>(capacity));
  return BENCH_STATUS_OK;
}

// A target laid out as the 1.0 header did (the struct ends after teardown).
bench_target_v1 target_1_0(decltype(bench_target_v1::setup) setup,
                           decltype(bench_target_v1::run) run) {
  bench_target_v1 target{};
  target.struct_size = static_cast<std::uint32_t>(offsetof(bench_target_v1, user_data));
  target.id = "messages_target";
  target.description = "";
  target.setup = setup;
  target.run = run;
  return target;
}

}  // namespace

TEST_CASE("a run() failing without a message is not given an earlier call's text") {
  SUBCASE("setup's note") {
    const TargetMeasurement m =
        measure_target(target_1_0(&setup_with_note, &run_fails_silently), quick_settings());
    REQUIRE_FALSE(m.succeeded);
    CHECK(m.failure_phase == "run");
    CHECK(m.failure_message == "returned status -1 without a message");
  }
  SUBCASE("an earlier run's note") {
    const TargetMeasurement m =
        measure_target(target_1_0(&setup_quiet, &run_chatty_then_silent), quick_settings());
    REQUIRE_FALSE(m.succeeded);
    CHECK(m.failure_phase == "run");
    CHECK(m.failure_message == "returned status -1 without a message");
  }
}

namespace {
bench_status BENCH_TARGET_V1_CALL setup_returns_true(const bench_host_services_v1*, void** state,
                                                     char*, uint64_t) {
  *state = nullptr;
  return 1;  // "true", as if bench_status were a success flag
}
bench_status BENCH_TARGET_V1_CALL setup_returns_odd_error(const bench_host_services_v1*,
                                                          void** state, char* error,
                                                          uint64_t capacity) {
  *state = nullptr;
  std::strncpy(error, "no GPU", static_cast<std::size_t>(capacity));
  return -1000;
}
bench_status BENCH_TARGET_V1_CALL run_nothing(void*, uint64_t, char*, uint64_t) {
  return BENCH_STATUS_OK;
}
}  // namespace

TEST_CASE("a status outside the bench_status codes fails the target and says what the codes are") {
  const TargetMeasurement as_true =
      measure_target(target_1_0(&setup_returns_true, &run_nothing), quick_settings());
  REQUIRE_FALSE(as_true.succeeded);
  CHECK(as_true.failure_phase == "setup");
  CHECK(as_true.failure_status == 1);
  CHECK(as_true.failure_message ==
        "returned status 1 without a message (status 1 is no bench_status: 0 is success, errors "
        "are -1 to -4)");

  const TargetMeasurement odd =
      measure_target(target_1_0(&setup_returns_odd_error, &run_nothing), quick_settings());
  REQUIRE_FALSE(odd.succeeded);
  CHECK(odd.failure_status == -1000);
  CHECK(odd.failure_message ==
        "no GPU (status -1000 is no bench_status: 0 is success, errors are -1 to -4)");

  // The codes themselves keep their message as it was.
  const TargetMeasurement silent =
      measure_target(target_1_0(&setup_with_note, &run_fails_silently), quick_settings());
  CHECK(silent.failure_message == "returned status -1 without a message");
}
