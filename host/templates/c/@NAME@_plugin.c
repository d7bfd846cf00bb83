/*
 * @NAME@: cost-ops benchmark targets in C99 (made by `cost-ops new-plugin`).
 *
 *   @NAME@_sum_<n>   a family: sum n integers (n = 1,000, 10,000, 100,000)
 *   @NAME@_checksum  a plain target: FNV-1a over 4 KiB
 *
 * setup() builds the input and checks a known answer (untimed); run() does
 * the work `iterations` times (timed by the host); teardown() checks what
 * run() computed and frees. Replace the work with yours; keep the checks.
 */
#include <costops/bench_target_v1.h>

#include <stdlib.h>

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.0.0"
#endif

typedef struct state {
  uint64_t* values;
  int64_t count;
  uint64_t expected;
  uint64_t result;
} state;

static uint64_t sum(const state* s) {
  uint64_t total = 0;
  int64_t i;
  for (i = 0; i < s->count; ++i) total += s->values[i];
  return total;
}

static uint64_t fnv1a(const state* s) {
  uint64_t hash = 1469598103934665603u;
  int64_t i;
  for (i = 0; i < s->count; ++i) hash = (hash ^ (s->values[i] & 0xFF)) * 1099511628211u;
  return hash;
}

/* One setup for both targets: n values 1..n (n = the family member's
 * argument; 4,096 for the plain target). */
static bench_status BENCH_TARGET_V1_CALL setup(const bench_host_services_v1* host, void** out,
                                               char* error, uint64_t capacity) {
  const int64_t n = bench_host_argument(host) > 0 ? bench_host_argument(host) : 4096;
  state* s = (state*)calloc(1, sizeof *s);
  int64_t i;
  if (s == NULL || (s->values = (uint64_t*)malloc((size_t)n * sizeof *s->values)) == NULL) {
    free(s);
    bench_write_message(error, capacity, "out of memory");
    return BENCH_STATUS_ERROR;
  }
  for (i = 0, s->count = n; i < n; ++i) s->values[i] = (uint64_t)(i + 1);
  host->set_items_per_operation(host->host_context, (uint64_t)n);
  *out = s;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL sum_run(void* p, uint64_t iterations, char* error,
                                                 uint64_t capacity) {
  state* s = (state*)p;
  s->expected = (uint64_t)s->count * (uint64_t)(s->count + 1) / 2; /* the known answer */
  for (; iterations > 0; --iterations) {
    bench_clobber_memory(); /* the values "may have changed": no hoisting */
    s->result = sum(s);
    bench_do_not_optimize(&s->result); /* the result "is used": no deleting */
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL checksum_run(void* p, uint64_t iterations, char* error,
                                                      uint64_t capacity) {
  state* s = (state*)p;
  s->expected = 0xb7e9162a108d5383u; /* FNV-1a of the bytes 1..4096 (mod 256) */
  for (; iterations > 0; --iterations) {
    bench_clobber_memory();
    s->result = fnv1a(s);
    bench_do_not_optimize(&s->result);
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL teardown(void* p, char* error, uint64_t capacity) {
  state* s = (state*)p;
  const int ok = s->result == s->expected; /* a benchmark of wrong code is worthless */
  free(s->values);
  free(s);
  if (!ok) bench_write_message(error, capacity, "run() computed a wrong answer");
  return ok ? BENCH_STATUS_OK : BENCH_STATUS_VERIFICATION_FAILED;
}

static const int64_t kSizes[] = {1000, 10000, 100000};
static const bench_target_v1 kTargets[] = {
    BENCH_TARGET_V1_FAMILY("@NAME@_sum", "sum n integers", setup, sum_run, teardown, "n", kSizes),
    BENCH_TARGET_V1_TARGET("@NAME@_checksum", "FNV-1a over 4 KiB", setup, checksum_run, teardown),
};

BENCH_TARGET_V1_PLUGIN("@NAME@", PLUGIN_VERSION, BENCH_TARGET_V1_BUILD_INFO, kTargets)
