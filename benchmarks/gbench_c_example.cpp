// examples/c-plugin/token_pricing_plugin.c written for Google Benchmark: the
// same five benchmarks (a family over 100/1,000/10,000 records, 1..4 threads
// with a tokens rate counter, a sort with per-iteration setup paused, a file
// append with per-batch cleanup, a USD format), the same inputs and the same
// checks, so docs/plugin-authors.md can compare the two files' lengths.
// Idiomatic Google Benchmark 1.7 (Debian 12's libbenchmark-dev).
//
// usage: gbench_c_example [--benchmark_* flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

struct UsageRecord {
  std::uint32_t prompt_tokens, cached_tokens, completion_tokens;  // prompt includes cached
};

// gpt-4o: $2.50/$1.25/$10.00 per million tokens = 2,500,000 picodollars per token...
std::uint64_t price(const UsageRecord& r) {
  return std::uint64_t{r.prompt_tokens - r.cached_tokens} * 2500000u +
         std::uint64_t{r.cached_tokens} * 1250000u + std::uint64_t{r.completion_tokens} * 10000000u;
}

std::vector<UsageRecord> make_records(std::int64_t n) {
  std::vector<UsageRecord> records(static_cast<std::size_t>(n));
  std::uint32_t seed = 12345u;
  for (UsageRecord& r : records) {
    seed = seed * 1103515245u + 12345u;
    r.prompt_tokens = 100u + (seed >> 16) % 20000u;
    r.cached_tokens = r.prompt_tokens / (2u + (seed >> 8) % 4u);
    r.completion_tokens = 10u + (seed >> 4) % 4000u;
  }
  return records;
}

std::uint64_t expected_total(const std::vector<UsageRecord>& records) {
  std::uint64_t total = 0;
  for (const UsageRecord& r : records) total += price(r);
  return total;
}

void BM_PriceRecords(benchmark::State& state) {
  if (price({10000u, 2000u, 5000u}) != 72500000000u)
    state.SkipWithError("pricing formula is wrong");
  const std::vector<UsageRecord> records = make_records(state.range(0));
  std::uint64_t total = 0;
  for (auto _ : state) {
    benchmark::ClobberMemory();
    total = 0;
    for (const UsageRecord& r : records) total += price(r);
    benchmark::DoNotOptimize(total);
  }
  if (total != expected_total(records)) state.SkipWithError("run computed a different total");
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["records_per_operation"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_PriceRecords)->Arg(100)->Arg(1000)->Arg(10000);

void BM_PriceShared(benchmark::State& state) {
  static const std::vector<UsageRecord> records = make_records(1000);  // shared by the threads
  std::uint64_t total = 0, tokens = 0;
  for (auto _ : state) {
    benchmark::ClobberMemory();
    total = 0;
    for (const UsageRecord& r : records) {
      total += price(r);
      tokens += r.prompt_tokens + r.completion_tokens;
    }
    benchmark::DoNotOptimize(total);
  }
  if (total != expected_total(records)) state.SkipWithError("run computed a different total");
  state.SetItemsProcessed(state.iterations() * 1000);
  state.counters["tokens"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PriceShared)->ThreadRange(1, 4)->UseRealTime();

void BM_SortCosts(benchmark::State& state) {
  std::vector<std::uint64_t> costs;
  for (const UsageRecord& r : make_records(1000)) costs.push_back(price(r));
  std::vector<std::uint64_t> work;
  for (auto _ : state) {
    state.PauseTiming();  // a fresh unsorted copy is not the operation
    work = costs;
    state.ResumeTiming();
    std::sort(work.begin(), work.end());
    benchmark::DoNotOptimize(work.data());
  }
  if (!std::is_sorted(work.begin(), work.end())) state.SkipWithError("not sorted");
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_SortCosts);

// One call per batch: opening the file before the loop empties it, as reset() does.
void BM_AppendLedger(benchmark::State& state) {
  std::vector<std::uint64_t> costs;
  for (const UsageRecord& r : make_records(1000)) costs.push_back(price(r));
  std::FILE* ledger = std::fopen("ledger.csv", "w");
  if (ledger == nullptr) return state.SkipWithError("cannot create ledger.csv");
  std::size_t i = 0;
  for (auto _ : state) {
    if (std::fprintf(ledger, "%" PRIu64 "\n", costs[i++ % costs.size()]) < 0 ||
        std::fflush(ledger) != 0) {
      state.SkipWithError("cannot write ledger.csv");
      break;
    }
  }
  std::fclose(ledger);
  std::remove("ledger.csv");
}
BENCHMARK(BM_AppendLedger);

void BM_FormatUsd(benchmark::State& state) {
  const std::uint64_t total = expected_total(make_records(1000));
  char text[32];
  for (auto _ : state) {
    benchmark::ClobberMemory();
    std::snprintf(text, sizeof text, "%" PRIu64 ".%012" PRIu64, total / 1000000000000u,
                  total % 1000000000000u);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_FormatUsd);

}  // namespace

BENCHMARK_MAIN();
