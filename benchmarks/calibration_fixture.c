/* Fixed-work targets for benchmarks/gate_calibration.py: the same source is
 * built with -DWORK_PERCENT=0, 1, 2, 3, 5, 10 and 30 into build/benchmarks/
 * calibration/work_<percent>/, so a build's targets do exactly that much more
 * work than the 0% build's, with the same ids. Three kinds of work, to see
 * the gate on short and long operations and on memory-bound code:
 *   calibration_alu_short  a dependent multiply-add chain, ~100 steps
 *   calibration_alu_long   the same chain, ~20,000 steps
 *   calibration_chase      a pointer chase through 256 KiB, ~2,000 loads */
#include <costops/bench_target_v1.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef WORK_PERCENT
#define WORK_PERCENT 0
#endif

#define SCALED(steps) ((uint64_t)(steps) * (100u + (WORK_PERCENT)) / 100u)
#define CHASE_SLOTS (256u * 1024u / sizeof(uint32_t))

typedef struct chain_state {
  uint64_t steps;
  uint64_t value;
} chain_state;

static bench_status alloc_chain(void** state, uint64_t steps) {
  chain_state* s = (chain_state*)malloc(sizeof *s);
  if (s == NULL) return BENCH_STATUS_ERROR;
  s->steps = steps;
  s->value = 1;
  *state = s;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL short_setup(const bench_host_services_v1* host,
                                                     void** state, char* error, uint64_t cap) {
  (void)host, (void)error, (void)cap;
  return alloc_chain(state, SCALED(100));
}

static bench_status BENCH_TARGET_V1_CALL long_setup(const bench_host_services_v1* host,
                                                    void** state, char* error, uint64_t cap) {
  (void)host, (void)error, (void)cap;
  return alloc_chain(state, SCALED(20000));
}

static bench_status BENCH_TARGET_V1_CALL chain_run(void* state, uint64_t iterations, char* error,
                                                   uint64_t cap) {
  chain_state* s = (chain_state*)state;
  uint64_t n, k, x = s->value;
  (void)error, (void)cap;
  for (n = 0; n < iterations; ++n) {
    for (k = 0; k < s->steps; ++k) x = x * 6364136223846793005u + 1442695040888963407u;
    bench_do_not_optimize(&x);
  }
  s->value = x;
  return BENCH_STATUS_OK;
}

typedef struct chase_state {
  uint32_t* next;
  uint64_t steps;
  uint32_t at;
} chase_state;

static bench_status BENCH_TARGET_V1_CALL chase_setup(const bench_host_services_v1* host,
                                                     void** state, char* error, uint64_t cap) {
  chase_state* s = (chase_state*)malloc(sizeof *s);
  uint32_t i, x = 12345;
  (void)host, (void)error, (void)cap;
  if (s == NULL) return BENCH_STATUS_ERROR;
  s->next = (uint32_t*)malloc(CHASE_SLOTS * sizeof(uint32_t));
  if (s->next == NULL) {
    free(s);
    return BENCH_STATUS_ERROR;
  }
  /* One cycle through every slot (Sattolo's shuffle), the same every time. */
  for (i = 0; i < CHASE_SLOTS; ++i) s->next[i] = i;
  for (i = CHASE_SLOTS - 1; i > 0; --i) {
    uint32_t j, t;
    x = x * 1103515245u + 12345u;
    j = x % i;
    t = s->next[i], s->next[i] = s->next[j], s->next[j] = t;
  }
  s->steps = SCALED(2000);
  s->at = 0;
  *state = s;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL chase_run(void* state, uint64_t iterations, char* error,
                                                   uint64_t cap) {
  chase_state* s = (chase_state*)state;
  uint64_t n, k;
  uint32_t at = s->at;
  (void)error, (void)cap;
  for (n = 0; n < iterations; ++n) {
    for (k = 0; k < s->steps; ++k) at = s->next[at];
    bench_do_not_optimize(&at);
  }
  s->at = at;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL chase_teardown(void* state, char* error, uint64_t cap) {
  chase_state* s = (chase_state*)state;
  (void)error, (void)cap;
  free(s->next);
  free(s);
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL chain_teardown(void* state, char* error, uint64_t cap) {
  (void)error, (void)cap;
  free(state);
  return BENCH_STATUS_OK;
}

// Designated initializers: the 1.1 fields after teardown stay zero (plain targets).
static const bench_target_v1 targets[3] = {
    {.struct_size = sizeof(bench_target_v1),
     .id = "calibration_alu_short",
     .description = "~100 dependent multiply-adds",
     .setup = short_setup,
     .run = chain_run,
     .teardown = chain_teardown},
    {.struct_size = sizeof(bench_target_v1),
     .id = "calibration_alu_long",
     .description = "~20,000 dependent multiply-adds",
     .setup = long_setup,
     .run = chain_run,
     .teardown = chain_teardown},
    {.struct_size = sizeof(bench_target_v1),
     .id = "calibration_chase",
     .description = "~2,000 dependent loads through 256 KiB",
     .setup = chase_setup,
     .run = chase_run,
     .teardown = chase_teardown},
};

static const bench_target_v1* BENCH_TARGET_V1_CALL get_target(uint32_t index) {
  return index < 3 ? &targets[index] : NULL;
}

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

static const bench_plugin_v1 plugin = {sizeof(bench_plugin_v1),
                                       BENCH_TARGET_V1_ABI_MAJOR,
                                       BENCH_TARGET_V1_ABI_MINOR,
                                       3,
                                       "calibration-fixture",
                                       "1.0.0",
                                       "work +" STRINGIFY(WORK_PERCENT) "%",
                                       get_target,
                                       NULL};

BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL
bench_target_v1_entry(const bench_host_info_v1* host) {
  if (host == NULL || host->abi_major != BENCH_TARGET_V1_ABI_MAJOR) return NULL;
  return &plugin;
}
