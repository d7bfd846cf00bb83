// A tiny Google Benchmark program for the import tests (their slower build
// is its output with every time scaled: import_e2e_test.py). `--spin`
// instead does a fixed amount of that work once and exits: the command
// hyperfine times.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>

namespace {

std::uint64_t mix(std::uint64_t rounds) {
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  for (std::uint64_t i = 0; i < rounds; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    benchmark::DoNotOptimize(x);
  }
  return x;
}

void BM_mix(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(mix(static_cast<std::uint64_t>(state.range(0))));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["rounds"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_mix)->Arg(256)->Arg(2048);

// A family with a complexity fit: the file gets "BigO" and "RMS" rows.
void BM_scaling(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(mix(static_cast<std::uint64_t>(state.range(0))));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_scaling)->RangeMultiplier(4)->Range(16, 256)->Complexity(benchmark::oN);

void BM_broken(benchmark::State& state) {
  for (auto _ : state) {
  }
  state.SkipWithError("broken on purpose");
}
BENCHMARK(BM_broken);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--spin") == 0) {
    benchmark::DoNotOptimize(mix(20'000'000));  // about 20 ms unslowed
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
