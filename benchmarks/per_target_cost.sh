#!/usr/bin/env bash
# The host's fixed cost per target: runs N trivial targets (an empty run(),
# one sample, no warm-up) for N = 100 and N = 500 and prints the wall time per
# target of each, and the marginal cost of the extra 400. Constant per-target
# cost (journal per target, results.json once) gives equal figures.
# Extra arguments go to `cost-ops run` (e.g. --isolation none, which leaves
# out the worker process each target otherwise gets).
# usage: benchmarks/per_target_cost.sh [BUILD_DIR] [RUN ARGUMENTS...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift || true
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for n in 100 500; do
  mkdir -p "$out/p$n"
  {
    echo '#include <costops/bench_target_v1.h>'
    echo 'static bench_status BENCH_TARGET_V1_CALL nop_setup(const bench_host_services_v1* h, void** s, char* e, uint64_t c) { (void)h; (void)e; (void)c; *s = 0; return BENCH_STATUS_OK; }'
    echo 'static bench_status BENCH_TARGET_V1_CALL nop_teardown(void* s, char* e, uint64_t c) { (void)s; (void)e; (void)c; return BENCH_STATUS_OK; }'
    echo 'static bench_status BENCH_TARGET_V1_CALL nop_run(void* s, uint64_t n, char* e, uint64_t c) { (void)s; (void)n; (void)e; (void)c; return BENCH_STATUS_OK; }'
    echo "static bench_target_v1 targets[$n];"
    echo "static char ids[$n][16];"
    echo 'static const bench_target_v1* BENCH_TARGET_V1_CALL get(uint32_t i) {'
    echo "  if (i >= $n) return 0;"
    echo '  targets[i].struct_size = sizeof(bench_target_v1); targets[i].id = ids[i]; targets[i].description = "nop";'
    echo '  targets[i].setup = nop_setup; targets[i].run = nop_run; targets[i].teardown = nop_teardown; { unsigned v = i; int k = 7; ids[i][0]='"'"'t'"'"'; for (; k >= 1; --k, v /= 10) ids[i][k] = (char)('"'"'0'"'"' + v % 10); }'
    echo '  return &targets[i]; }'
    echo "static const bench_plugin_v1 plugin = {sizeof(bench_plugin_v1), BENCH_TARGET_V1_ABI_MAJOR, BENCH_TARGET_V1_ABI_MINOR, $n, \"nops\", \"1.0.0\", \"\", get, 0};"
    echo 'BENCH_TARGET_V1_EXPORT const bench_plugin_v1* BENCH_TARGET_V1_CALL bench_target_v1_entry(const bench_host_info_v1* h) { (void)h; return &plugin; }'
  } > "$out/nops$n.c"
  cc -O2 -shared -fPIC -I"$root/plugin-api/include" "$out/nops$n.c" -o "$out/p$n/nops.so"
done
declare -A seconds
for n in 100 500; do
  start=$(date +%s.%N)
  "$build/bin/cost-ops" run --plugin-dir "$out/p$n" --allow-insecure-plugins -o "$out/o$n" -q \
    --min-time 0 --warmup-time 0 --min-samples 1 "$@" 2>"$out/err$n" || tail -3 "$out/err$n"
  seconds[$n]=$(python3 -c "print($(date +%s.%N) - $start)")
done
python3 -c "
a, b = ${seconds[100]}, ${seconds[500]}
print(f'100 targets: {a:.2f} s ({1000 * a / 100:.1f} ms/target); 500 targets: {b:.2f} s ({1000 * b / 500:.1f} ms/target); marginal {1000 * (b - a) / 400:.1f} ms/target')"
