/* A third-party cost-ops plugin in C99 (ABI 1.4; docs/plugin-authors.md walks through it):
 *   example_c_price_records_<n>  price n usage records exactly in integer picodollars
 *                                (a family: n = 100, 1,000, 10,000)
 *   example_c_price_shared_t<k>  the same 1,000 records priced on k = 1, 2, 4 threads at
 *                                once; the tokens priced are a counter reported as a rate
 *   example_c_sort_costs         sort 1,000 costs; the unsorted copy each iteration needs
 *                                is made with the host's clock paused
 *   example_c_append_ledger      append a priced record to a file and flush it (does I/O);
 *                                reset() empties the file between batches
 *   example_c_format_usd         print a total as a USD string */
#include <costops/bench_target_v1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct usage_record {
  uint32_t prompt_tokens, cached_tokens, completion_tokens; /* prompt includes cached */
} usage_record;

/* gpt-4o: $2.50/$1.25/$10.00 per million tokens = 2,500,000 picodollars per token... */
static uint64_t price(const usage_record* r) {
  return (uint64_t)(r->prompt_tokens - r->cached_tokens) * 2500000u +
         (uint64_t)r->cached_tokens * 1250000u + (uint64_t)r->completion_tokens * 10000000u;
}

typedef struct slot {    /* one per thread, padded to a cache line's size */
  uint64_t last, tokens; /* the total this thread computed last; the tokens it priced */
  char pad[48];
} slot;

typedef struct state {
  const bench_host_services_v1* host;
  int64_t count;
  usage_record* records;
  uint64_t expected, *costs; /* the total setup computed; each record's cost, twice */
  slot* slots;               /* bench_host_threads(host) of them */
  FILE* ledger;              /* example_c_append_ledger's file, in the private cwd */
  char text[32];             /* example_c_format_usd's output, "D.DDDDDDDDDDDD" */
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
  if (s == NULL || (s->records = (usage_record*)malloc((size_t)n * sizeof *s->records)) == NULL ||
      (s->costs = (uint64_t*)calloc(2 * (size_t)n, sizeof *s->costs)) == NULL ||
      (s->slots = (slot*)calloc(bench_host_threads(host), sizeof *s->slots)) == NULL) {
    if (s != NULL) free(s->records), free(s->costs);
    free(s);
    bench_write_message(error, capacity, "out of memory");
    return BENCH_STATUS_ERROR;
  }
  for (i = 0, s->count = n, s->host = host; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    s->records[i].prompt_tokens = 100u + (seed >> 16) % 20000u;
    s->records[i].cached_tokens = s->records[i].prompt_tokens / (2u + (seed >> 8) % 4u);
    s->records[i].completion_tokens = 10u + (seed >> 4) % 4000u;
    s->expected += s->costs[i] = price(&s->records[i]);
  }
  host->set_items_per_operation(host->host_context, (uint64_t)n);
  host->report_metric_number(host->host_context, "records_per_operation", (double)n);
  *out = s;
  return BENCH_STATUS_OK;
}

/* Thread `index` prices every record; a plain target's run() is thread 0. */
static bench_status BENCH_TARGET_V1_CALL price_thread(void* p, uint32_t index, uint64_t iterations,
                                                      char* error, uint64_t capacity) {
  state* s = (state*)p;
  slot* mine = &s->slots[index]; /* the only part of the state this thread writes */
  for (; iterations > 0; --iterations) {
    int64_t i;
    bench_clobber_memory(); /* the records "may have changed": no hoisting */
    for (i = 0, mine->last = 0; i < s->count; ++i) {
      mine->last += price(&s->records[i]);
      mine->tokens += s->records[i].prompt_tokens + s->records[i].completion_tokens;
    }
    bench_do_not_optimize(&mine->last); /* the total "is used": no deleting */
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL price_run(void* p, uint64_t iterations, char* error,
                                                   uint64_t capacity) {
  return price_thread(p, 0, iterations, error, capacity);
}

static int by_cost(const void* a, const void* b) {
  const uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return (x > y) - (x < y);
}

static bench_status BENCH_TARGET_V1_CALL sort_run(void* p, uint64_t iterations, char* error,
                                                  uint64_t capacity) {
  state* s = (state*)p;
  uint64_t* work = s->costs + s->count;
  for (; iterations > 0; --iterations) {
    bench_host_pause_timing(s->host); /* a fresh unsorted copy is not the operation */
    memcpy(work, s->costs, (size_t)s->count * sizeof *work);
    bench_host_resume_timing(s->host);
    qsort(work, (size_t)s->count, sizeof *work, by_cost);
    bench_do_not_optimize(work);
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL ledger_run(void* p, uint64_t iterations, char* error,
                                                    uint64_t capacity) {
  state* s = (state*)p;
  if (s->ledger == NULL && (s->ledger = fopen("ledger.csv", "w")) == NULL) {
    bench_write_message(error, capacity, "cannot create ledger.csv");
    return BENCH_STATUS_ERROR;
  }
  for (; iterations > 0; --iterations) {
    const uint64_t cost = s->costs[iterations % (uint64_t)s->count];
    if (fprintf(s->ledger, "%llu\n", (unsigned long long)cost) < 0 || fflush(s->ledger) != 0) {
      bench_write_message(error, capacity, "cannot write ledger.csv");
      return BENCH_STATUS_ERROR;
    }
  }
  return BENCH_STATUS_OK;
}

/* After every batch, untimed: an empty ledger again, so every batch appends alike. */
static bench_status BENCH_TARGET_V1_CALL ledger_reset(void* p, char* error, uint64_t capacity) {
  state* s = (state*)p;
  if (s->ledger != NULL) fclose(s->ledger);
  s->ledger = fopen("ledger.csv", "w");
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

static bench_status BENCH_TARGET_V1_CALL format_run(void* p, uint64_t iterations, char* error,
                                                    uint64_t capacity) {
  state* s = (state*)p;
  for (s->slots[0].last = s->expected; iterations > 0; --iterations) {
    bench_clobber_memory();
    snprintf(s->text, sizeof s->text, "%llu.%012llu",
             (unsigned long long)(s->expected / 1000000000000u),
             (unsigned long long)(s->expected % 1000000000000u));
    bench_do_not_optimize(s->text);
  }
  (void)error, (void)capacity;
  return BENCH_STATUS_OK;
}

/* Verify what ran, report the tokens counter, free everything. */
static bench_status BENCH_TARGET_V1_CALL teardown(void* p, char* error, uint64_t capacity) {
  state* s = (state*)p;
  uint64_t tokens = 0;
  uint32_t i;
  int ok = 1;
  for (i = 0; i < bench_host_threads(s->host); ++i) {
    ok &= s->slots[i].last == 0 || s->slots[i].last == s->expected; /* run() agreed with setup() */
    tokens += s->slots[i].tokens;
  }
  for (i = 1; i < s->count; ++i) ok &= s->costs[s->count + i - 1] <= s->costs[s->count + i];
  if (tokens > 0) bench_host_report_counter(s->host, "tokens", (double)tokens, BENCH_COUNTER_RATE);
  if (s->ledger != NULL) fclose(s->ledger), remove("ledger.csv");
  free(s->records), free(s->costs), free(s->slots), free(s);
  if (!ok) bench_write_message(error, capacity, "run() computed a wrong total or order");
  return ok ? BENCH_STATUS_OK : BENCH_STATUS_VERIFICATION_FAILED;
}

static const int64_t kRecordCounts[] = {100, 1000, 10000};
static const bench_target_v1 kTargets[] = {
    BENCH_TARGET_V1_FAMILY("example_c_price_records", "price n usage records in picodollars (C99)",
                           setup, price_run, teardown, "records", kRecordCounts),
    BENCH_TARGET_V1_THREADED("example_c_price_shared",
                             "price 1,000 shared records per thread (C99)", setup, price_run,
                             price_thread, teardown, 1, 4),
    BENCH_TARGET_V1_TARGET("example_c_sort_costs", "sort 1,000 request costs (C99)", setup,
                           sort_run, teardown),
    {.struct_size = sizeof(bench_target_v1),
     .flags = BENCH_TARGET_FLAG_DOES_IO,
     .id = "example_c_append_ledger",
     .description = "append a cost to a file, flushed (C99)",
     .setup = setup,
     .run = ledger_run,
     .reset = ledger_reset,
     .teardown = teardown},
    BENCH_TARGET_V1_TARGET("example_c_format_usd", "print a total as a USD string (C99)", setup,
                           format_run, teardown),
};

BENCH_TARGET_V1_PLUGIN("example-c-token-pricing", "3.0.0", BENCH_TARGET_V1_BUILD_INFO, kTargets)
