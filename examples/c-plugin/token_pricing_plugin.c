/* A third-party cost-ops plugin in C99 (ABI 1.1; docs/plugin-authors.md walks through it):
 * example_c_price_records_<n> prices n usage records exactly in integer picodollars
 * (n = 100, 1,000, 10,000); example_c_format_usd prints a total as a USD string. */
#include <costops/bench_target_v1.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct usage_record {
  uint32_t prompt_tokens, cached_tokens, completion_tokens; /* prompt includes cached */
} usage_record;

/* gpt-4o: $2.50/$1.25/$10.00 per million tokens = 2,500,000 picodollars per token... */
static uint64_t price(const usage_record* r) {
  return (uint64_t)(r->prompt_tokens - r->cached_tokens) * 2500000u +
         (uint64_t)r->cached_tokens * 1250000u + (uint64_t)r->completion_tokens * 10000000u;
}

typedef struct state {
  int64_t count;
  usage_record* records;
  uint64_t expected, last; /* the total setup computed, the one run computed */
  char text[32];           /* example_c_format_usd's output, "D.DDDDDDDDDDDD" */
} state;

/* One setup for all: n fixed records (n = the family member's argument, or 1,000). */
static bench_status BENCH_TARGET_V1_CALL setup(const bench_host_services_v1* host, void** out,
                                               char* error, uint64_t capacity) {
  const usage_record known = {10000u, 2000u, 5000u}; /* $0.0725 by hand */
  const int64_t n = bench_host_argument(host) > 0 ? bench_host_argument(host) : 1000;
  state* s = (state*)calloc(1, sizeof *s);
  uint32_t seed = 12345u;
  int64_t i;
  if (price(&known) != 72500000000u) {
    bench_write_message(error, capacity, "pricing formula is wrong: expected $0.0725");
    return BENCH_STATUS_VERIFICATION_FAILED;
  }
  if (s == NULL || (s->records = (usage_record*)malloc((size_t)n * sizeof *s->records)) == NULL) {
    free(s);
    bench_write_message(error, capacity, "out of memory");
    return BENCH_STATUS_ERROR;
  }
  for (i = 0, s->count = n; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    s->records[i].prompt_tokens = 100u + (seed >> 16) % 20000u;
    s->records[i].cached_tokens = s->records[i].prompt_tokens / (2u + (seed >> 8) % 4u);
    s->records[i].completion_tokens = 10u + (seed >> 4) % 4000u;
    s->expected += price(&s->records[i]);
  }
  host->set_items_per_operation(host->host_context, (uint64_t)n);
  host->report_metric_number(host->host_context, "records_per_operation", (double)n);
  *out = s;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL price_run(void* p, uint64_t iterations, char* error,
                                                   uint64_t capacity) {
  state* s = (state*)p;
  for (; iterations > 0; --iterations) {
    int64_t i;
    bench_clobber_memory(); /* the records "may have changed": no hoisting */
    for (i = 0, s->last = 0; i < s->count; ++i) s->last += price(&s->records[i]);
    bench_do_not_optimize(&s->last); /* the total "is used": no deleting */
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL format_run(void* p, uint64_t iterations, char* error,
                                                    uint64_t capacity) {
  state* s = (state*)p;
  for (s->last = s->expected; iterations > 0; --iterations) {
    bench_clobber_memory();
    snprintf(s->text, sizeof s->text, "%llu.%012llu",
             (unsigned long long)(s->last / 1000000000000u),
             (unsigned long long)(s->last % 1000000000000u));
    bench_do_not_optimize(s->text);
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL teardown(void* p, char* error, uint64_t capacity) {
  state* s = (state*)p;
  const int ok = s->last == s->expected; /* run() agreed with setup() */
  free(s->records);
  free(s);
  if (!ok) bench_write_message(error, capacity, "run() computed a different total than setup()");
  return ok ? BENCH_STATUS_OK : BENCH_STATUS_VERIFICATION_FAILED;
}

static const int64_t kRecordCounts[] = {100, 1000, 10000};
static const bench_target_v1 kTargets[] = {
    BENCH_TARGET_V1_FAMILY("example_c_price_records", "price n usage records in picodollars (C99)",
                           setup, price_run, teardown, "records", kRecordCounts),
    BENCH_TARGET_V1_TARGET("example_c_format_usd", "print a total as a USD string (C99)", setup,
                           format_run, teardown),
};

BENCH_TARGET_V1_PLUGIN("example-c-token-pricing", "2.0.0", BENCH_TARGET_V1_BUILD_INFO, kTargets)
