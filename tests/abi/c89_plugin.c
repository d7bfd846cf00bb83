/* A whole plugin in C89 (-std=c89 -pedantic): the header's helpers, the
 * target, family and plugin macros, nothing newer. Compiled by abi_plugin_c89. */
#include <costops/bench_target_v1.h>

static bench_status BENCH_TARGET_V1_CALL setup(const bench_host_services_v1* host, void** state,
                                               char* error, uint64_t capacity) {
  (void)host;
  *state = NULL;
  if (bench_host_argument(host) < 0) {
    bench_write_message(error, capacity, "negative argument");
    return BENCH_STATUS_INVALID_ARGUMENT;
  }
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL run(void* state, uint64_t iterations, char* error,
                                             uint64_t capacity) {
  uint64_t i;
  unsigned long sum = 0;
  (void)state;
  (void)error;
  (void)capacity;
  for (i = 0; i < iterations; ++i) {
    sum += (unsigned long)i;
    bench_do_not_optimize(&sum);
  }
  bench_clobber_memory();
  return BENCH_STATUS_OK;
}

static const int64_t kSizes[] = {10, 100};
static const bench_target_v1 kTargets[] = {
    BENCH_TARGET_V1_TARGET("c89_plain", "a C89 target", setup, run, NULL),
    BENCH_TARGET_V1_FAMILY("c89_family", "a C89 family over N", setup, run, NULL, "n", kSizes)};

BENCH_TARGET_V1_PLUGIN("c89-plugin", "1.0.0", BENCH_TARGET_V1_BUILD_INFO, kTargets)
