/*
 * An example third-party cost-ops plugin in C99: everything it needs is
 * <costops/bench_target_v1.h>. docs/plugin-authors.md walks through it.
 *
 * Two targets:
 *   example_c_price_records  price 1,000 usage records per operation in
 *                            integer picodollars (exact, no floating point)
 *   example_c_format_usd     print 1,000 picodollar amounts as decimal USD
 *                            strings per operation (declares bytes → MB/s)
 *
 * Money: a rate in micro-USD per million tokens is numerically equal to
 * picodollars (1e-12 USD) per token, so cost = tokens * rate exactly in
 * uint64_t up to $18 million per record.
 */
#include <costops/bench_target_v1.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef EXAMPLE_PLUGIN_VERSION
#define EXAMPLE_PLUGIN_VERSION "0.0.0"
#endif
#ifndef EXAMPLE_BUILD_INFO
#define EXAMPLE_BUILD_INFO ""
#endif

#define RECORD_COUNT 1000

/* USD per million tokens, as micro-USD (= picodollars per token).
 * gpt-4o: $2.50 input, $1.25 cached input, $10.00 output. */
static const uint64_t kInputRate = 2500000u;
static const uint64_t kCachedRate = 1250000u;
static const uint64_t kOutputRate = 10000000u;

typedef struct usage_record {
  uint32_t prompt_tokens; /* includes cached_tokens */
  uint32_t cached_tokens;
  uint32_t completion_tokens;
} usage_record;

static uint64_t price_picodollars(const usage_record* r) {
  return (uint64_t)(r->prompt_tokens - r->cached_tokens) * kInputRate +
         (uint64_t)r->cached_tokens * kCachedRate + (uint64_t)r->completion_tokens * kOutputRate;
}

/* Errors go into the host's buffer, truncated and always NUL-terminated. */
static void write_error(char* error, uint64_t capacity, const char* message) {
  size_t n = strlen(message);
  if (capacity == 0) return;
  if (n >= capacity) n = (size_t)(capacity - 1);
  memcpy(error, message, n);
  error[n] = '\0';
}

/* Deterministic inputs: the same records on every run and machine. */
static void make_records(usage_record* records, size_t count) {
  uint32_t seed = 12345u;
  size_t i;
  for (i = 0; i < count; ++i) {
    seed = seed * 1103515245u + 12345u;
    records[i].prompt_tokens = 100u + (seed >> 16) % 20000u;
    records[i].cached_tokens = records[i].prompt_tokens / (2u + (seed >> 8) % 4u);
    records[i].completion_tokens = 10u + (seed >> 4) % 4000u;
  }
}

/* --- example_c_price_records --------------------------------------------- */

typedef struct price_state {
  usage_record records[RECORD_COUNT];
  uint64_t expected_total; /* computed once in setup */
  uint64_t last_total;     /* written by every run */
} price_state;

static uint64_t total_picodollars(const usage_record* records, size_t count) {
  uint64_t total = 0;
  size_t i;
  for (i = 0; i < count; ++i) total += price_picodollars(&records[i]);
  return total;
}

static bench_status BENCH_TARGET_V1_CALL price_setup(const bench_host_services_v1* host,
                                                     void** state, char* error,
                                                     uint64_t error_capacity) {
  /* A known answer first: 10,000 prompt tokens of which 2,000 cached and
   * 5,000 completion tokens cost 8,000 * $2.50/M + 2,000 * $1.25/M +
   * 5,000 * $10/M = $0.0725. A benchmark of wrong code is worthless. */
  const usage_record known = {10000u, 2000u, 5000u};
  price_state* s;
  if (price_picodollars(&known) != 72500000000u) {
    write_error(error, error_capacity, "pricing formula is wrong: expected $0.0725");
    return BENCH_STATUS_VERIFICATION_FAILED;
  }
  s = (price_state*)malloc(sizeof *s);
  if (s == NULL) {
    write_error(error, error_capacity, "out of memory");
    return BENCH_STATUS_ERROR;
  }
  make_records(s->records, RECORD_COUNT);
  s->expected_total = total_picodollars(s->records, RECORD_COUNT);
  s->last_total = 0;
  host->set_items_per_operation(host->host_context, RECORD_COUNT);
  host->report_metric_number(host->host_context, "records_per_operation", RECORD_COUNT);
  *state = s;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL price_run(void* state, uint64_t iterations, char* error,
                                                   uint64_t error_capacity) {
  price_state* s = (price_state*)state;
  uint64_t n;
  (void)error;
  (void)error_capacity;
  for (n = 0; n < iterations; ++n) {
    /* The records might have changed, as far as the compiler knows, so the
     * loop cannot be hoisted out of the iteration loop... */
    bench_clobber_memory();
    s->last_total = total_picodollars(s->records, RECORD_COUNT);
    /* ...and the result is used, so it cannot be deleted. */
    bench_do_not_optimize(&s->last_total);
  }
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL price_teardown(void* state, char* error,
                                                        uint64_t error_capacity) {
  price_state* s = (price_state*)state;
  const int ok = s->last_total == s->expected_total;
  free(s);
  if (!ok) {
    write_error(error, error_capacity, "run() computed a different total than setup()");
    return BENCH_STATUS_VERIFICATION_FAILED;
  }
  return BENCH_STATUS_OK;
}

/* --- example_c_format_usd ------------------------------------------------- */

#define AMOUNT_TEXT 32 /* "18446744.073709551615" and a NUL fit */

typedef struct format_state {
  uint64_t amounts[RECORD_COUNT];
  char text[RECORD_COUNT][AMOUNT_TEXT];
  uint64_t bytes;
} format_state;

/* Picodollars as "D.DDDDDDDDDDDD" (12 decimals, exact). Returns the length. */
static int format_usd(uint64_t picodollars, char* out, size_t capacity) {
  return snprintf(out, capacity, "%llu.%012llu", (unsigned long long)(picodollars / 1000000000000u),
                  (unsigned long long)(picodollars % 1000000000000u));
}

static uint64_t format_all(format_state* s) {
  uint64_t bytes = 0;
  size_t i;
  for (i = 0; i < RECORD_COUNT; ++i)
    bytes += (uint64_t)format_usd(s->amounts[i], s->text[i], AMOUNT_TEXT);
  return bytes;
}

static bench_status BENCH_TARGET_V1_CALL format_setup(const bench_host_services_v1* host,
                                                      void** state, char* error,
                                                      uint64_t error_capacity) {
  usage_record records[RECORD_COUNT];
  format_state* s;
  char known[AMOUNT_TEXT];
  size_t i;
  format_usd(72500000000u, known, sizeof known);
  if (strcmp(known, "0.072500000000") != 0) {
    write_error(error, error_capacity, "format_usd(72500000000) is not \"0.072500000000\"");
    return BENCH_STATUS_VERIFICATION_FAILED;
  }
  s = (format_state*)malloc(sizeof *s);
  if (s == NULL) {
    write_error(error, error_capacity, "out of memory");
    return BENCH_STATUS_ERROR;
  }
  make_records(records, RECORD_COUNT);
  for (i = 0; i < RECORD_COUNT; ++i) s->amounts[i] = price_picodollars(&records[i]);
  s->bytes = format_all(s);
  host->set_items_per_operation(host->host_context, RECORD_COUNT);
  host->set_bytes_per_operation(host->host_context, s->bytes);
  host->report_metric_number(host->host_context, "bytes_per_operation", (double)s->bytes);
  *state = s;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL format_run(void* state, uint64_t iterations, char* error,
                                                    uint64_t error_capacity) {
  format_state* s = (format_state*)state;
  uint64_t n;
  for (n = 0; n < iterations; ++n) {
    uint64_t bytes;
    bench_clobber_memory();
    bytes = format_all(s);
    bench_do_not_optimize(s->text);
    if (bytes != s->bytes) { /* errors during run() are reported, not ignored */
      write_error(error, error_capacity, "formatting produced a different length");
      return BENCH_STATUS_ERROR;
    }
  }
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL format_teardown(void* state, char* error,
                                                         uint64_t error_capacity) {
  (void)error;
  (void)error_capacity;
  free(state);
  return BENCH_STATUS_OK;
}

/* --- the descriptor ------------------------------------------------------- */

static const bench_target_v1 kTargets[] = {
    {.struct_size = sizeof(bench_target_v1),
     .id = "example_c_price_records",
     .description = "price 1,000 usage records in integer picodollars (C99)",
     .setup = price_setup,
     .run = price_run,
     .teardown = price_teardown},
    {.struct_size = sizeof(bench_target_v1),
     .id = "example_c_format_usd",
     .description = "print 1,000 picodollar amounts as decimal USD strings (C99)",
     .setup = format_setup,
     .run = format_run,
     .teardown = format_teardown},
};

static const bench_target_v1* BENCH_TARGET_V1_CALL get_target(uint32_t index) {
  return index < sizeof kTargets / sizeof kTargets[0] ? &kTargets[index] : NULL;
}

static const bench_plugin_v1 kPlugin = {
    sizeof(bench_plugin_v1),
    BENCH_TARGET_V1_ABI_MAJOR,
    BENCH_TARGET_V1_ABI_MINOR,
    (uint32_t)(sizeof kTargets / sizeof kTargets[0]),
    "example-c-token-pricing",
    EXAMPLE_PLUGIN_VERSION,
    EXAMPLE_BUILD_INFO,
    get_target,
    NULL /* no extensions */
};

BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL
bench_target_v1_entry(const bench_host_info_v1* host) {
  /* This plugin uses only ABI 1.0 services, so any v1 host will do. A plugin
   * needing a service from minor N would return NULL when
   * host->abi_minor < N. */
  (void)host;
  return &kPlugin;
}
