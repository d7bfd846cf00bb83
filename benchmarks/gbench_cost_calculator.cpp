// The harness accuracy check: Google Benchmark timing the same function on
// the same input as the cost_calculator target, in a separate program. The
// host's median for cost_calculator should agree within a few percent
// (benchmarks/harness_accuracy.sh runs both and prints the ratio).
#include <benchmark/benchmark.h>
#include <costops/core/cost_calculator.hpp>

namespace {

using namespace costops::core;

void BM_cost_calculator(benchmark::State& state) {
  const CompiledPricing pricing = CompiledPricing::compile(reference_price("gpt-4o"));
  TokenCounts tokens{10'000, 5'000, 2'000, 0, 0};  // the target's record
  if (price_tokens(tokens, pricing).total != Decimal::parse("0.0725")) {
    state.SkipWithError("wrong total");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(tokens);
    CostBreakdown cost = price_tokens(tokens, pricing);
    benchmark::DoNotOptimize(cost);
  }
}
// Time and repetitions come from the command line (harness_accuracy.sh).
BENCHMARK(BM_cost_calculator);

}  // namespace

BENCHMARK_MAIN();
