#!/usr/bin/env bash
# The host's fixed cost per target: runs N trivial targets (an empty run(),
# one sample, no warm-up) for N = 100 and N = 500, with a worker process per
# target (--isolation process, the default) and in the host's own process
# (--isolation none: what is left is the host's bookkeeping: journal, files,
# progress). ROUNDS rounds (default 5) interleave the four cases; prints the
# median wall time per target of each. Constant per-target cost gives equal
# figures for 100 and 500. Wrap in `flock /tmp/costops-timing.lock`.
# With OTHER_BUILD_DIR, compares two hosts instead (e.g. before and after a
# change to the worker's sandbox): both with --isolation process, alternating
# round by round, the plugins built against the frozen ABI 1.0 header so that
# an older host loads them too.
# usage: benchmarks/per_target_cost.sh [BUILD_DIR] [ROUNDS] [OTHER_BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
rounds="${2:-5}"
other="${3:-}"
header="$root/plugin-api/include"
if [ -n "$other" ]; then header="$root/tests/abi/v1_0"; fi
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
  cc -O2 -shared -fPIC -I"$header" "$out/nops$n.c" -o "$out/p$n/nops.so"
done
other_host=""
if [ -n "$other" ]; then other_host="$other/bin/cost-ops"; fi
python3 - "$build/bin/cost-ops" "$out" "$rounds" "$other_host" <<'PY'
import shutil, statistics, subprocess, sys, time
host, out, rounds, other = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
# Two cases per size: the host's worker process against its own process
# (--isolation none), or this host against the other one.
cases = [("process", host), ("other", other)] if other else [("process", host), ("none", host)]
per_target = {}
for round_index in range(rounds):
    for n in (100, 500):
        for isolation, program in cases if round_index % 2 == 0 else cases[::-1]:
            # A fresh output directory, as in CI: removing a previous run's
            # files is not the per-target cost being measured.
            shutil.rmtree(f"{out}/o{n}", ignore_errors=True)
            start = time.monotonic()
            subprocess.run([program, "run", "--plugin-dir", f"{out}/p{n}", "--allow-insecure-plugins",
                            "-o", f"{out}/o{n}", "-q", "--min-time", "0", "--warmup-time", "0",
                            "--min-samples", "1", "--no-report",
                            "--isolation", "none" if isolation == "none" else "process"],
                           stderr=subprocess.DEVNULL, check=True)
            per_target.setdefault((n, isolation), []).append(1000 * (time.monotonic() - start) / n)
for isolation, program in cases:
    a, b = (statistics.median(per_target[(n, isolation)]) for n in (100, 500))
    label = f"{program} (process)" if isolation == "other" else f"--isolation {isolation}"
    print(f"{label}: {a:.2f} ms/target at 100 targets, {b:.2f} ms/target at "
          f"500 targets (median of {rounds} interleaved rounds)")
PY
