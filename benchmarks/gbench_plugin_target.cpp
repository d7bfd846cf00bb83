// The harness accuracy check, second form: Google Benchmark times a target's
// own run() from the plugin's .so — the very machine code cost-ops times — so
// a difference between the two figures is the harness, not code layout.
// Each Google Benchmark iteration calls run(state, 1000), which amortises the
// indirect call to ~0.1% of an operation of a few tens of ns.
//
// usage: gbench_plugin_target PLUGIN.so TARGET_ID [--benchmark_* flags]
#include <costops/bench_target_v1.h>
#include <dlfcn.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr std::uint64_t kOperationsPerIteration = 1000;

// Host services that accept and ignore what the target declares.
void BENCH_TARGET_V1_CALL ignore_count(void*, std::uint64_t) {}
void BENCH_TARGET_V1_CALL ignore_number(void*, const char*, double) {}
void BENCH_TARGET_V1_CALL ignore_string(void*, const char*, const char*) {}
void BENCH_TARGET_V1_CALL ignore_log(void*, bench_log_level, const char*) {}

const bench_host_services_v1 kServices = {sizeof(bench_host_services_v1),
                                          BENCH_TARGET_V1_ABI_MINOR,
                                          nullptr,
                                          ignore_count,
                                          ignore_count,
                                          ignore_number,
                                          ignore_string,
                                          ignore_log,
                                          0,  // ABI 1.1: argument, user_data, target_id
                                          nullptr,
                                          nullptr,
                                          nullptr,  // ABI 1.3: no manual timing offered
                                          nullptr,
                                          nullptr,
                                          nullptr,
                                          1,  // ABI 1.4: one thread, no counters offered
                                          0,
                                          nullptr,
                                          nullptr};

const bench_target_v1* load_target(const char* library, const char* id) {
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "cannot load %s: %s\n", library, dlerror());
    return nullptr;
  }
  const auto entry =
      reinterpret_cast<bench_target_v1_entry_fn>(dlsym(handle, BENCH_TARGET_V1_ENTRY_SYMBOL));
  const bench_host_info_v1 host{sizeof(bench_host_info_v1),
                                BENCH_TARGET_V1_ABI_MAJOR,
                                BENCH_TARGET_V1_ABI_MINOR,
                                0,
                                "gbench_plugin_target",
                                "0",
                                0,
                                0,
                                nullptr};  // ABI 1.1: no decline-reason buffer
  const bench_plugin_v1* plugin = entry ? entry(&host) : nullptr;
  for (std::uint32_t i = 0; plugin != nullptr && i < plugin->target_count; ++i) {
    const bench_target_v1* target = plugin->get_target(i);
    if (target != nullptr && std::strcmp(target->id, id) == 0) return target;
  }
  std::fprintf(stderr, "%s offers no target %s\n", library, id);
  return nullptr;
}

void run_target(benchmark::State& state, const bench_target_v1* target) {
  void* target_state = nullptr;
  char error[4096] = "";
  if (target->setup(&kServices, &target_state, error, sizeof error) != BENCH_STATUS_OK) {
    state.SkipWithError(error);
    return;
  }
  for (auto _ : state) {
    if (target->run(target_state, kOperationsPerIteration, error, sizeof error) !=
        BENCH_STATUS_OK) {
      state.SkipWithError(error);
      break;
    }
  }
  if (target->teardown) target->teardown(target_state, error, sizeof error);
  // One Google Benchmark iteration is kOperationsPerIteration operations:
  // divide its time by that (harness_accuracy.sh does).
  state.counters["operations_per_iteration"] = static_cast<double>(kOperationsPerIteration);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PLUGIN.so TARGET_ID [--benchmark_* flags]\n", argv[0]);
    return 2;
  }
  const bench_target_v1* target = load_target(argv[1], argv[2]);
  if (target == nullptr) return 2;
  benchmark::RegisterBenchmark(argv[2], run_target, target);
  argv[2] = argv[0];  // hand Google Benchmark its own flags only
  int rest = argc - 2;
  benchmark::Initialize(&rest, argv + 2);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
