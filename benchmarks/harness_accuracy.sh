#!/usr/bin/env bash
# Compares the host's timing of cost_calculator with Google Benchmark timing
# the same function, on this machine, now, in two ways:
#   same code   gbench_plugin_target calls the target's run() in
#               build/plugins/cost_calculator.so: the very machine code the
#               host times, so a difference is the harness's
#   rebuilt     gbench_cost_calculator calls price_tokens compiled into its own
#               executable: adds whatever code layout does to a 30 ns function
#
# The programs run alternately, ROUNDS short rounds, so that all see the same
# drift of a shared machine (frequency, neighbours); each figure is the median
# of per-round figures, and the median of per-round ratios is shown too.
# usage: benchmarks/harness_accuracy.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
rounds="${2:-30}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for round in $(seq 1 "$rounds"); do
  "$build/bin/cost-ops" run --plugin-dir "$build/plugins" -o "$out/host-$round" --quiet \
    --targets cost_calculator,cost_calculator_double_floor --min-time 0.05 --warmup-time 0.02 2>/dev/null || true
  "$build/bin/gbench_plugin_target" "$build/plugins/cost_calculator.so" cost_calculator \
    --benchmark_min_time=0.05 --benchmark_format=json > "$out/same-$round.json" 2>/dev/null
  "$build/bin/gbench_cost_calculator" --benchmark_min_time=0.05 --benchmark_format=json \
    > "$out/rebuilt-$round.json" 2>/dev/null
done

/usr/bin/env python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])

def gbench_ns(path, operations_per_iteration=1):
    b = json.load(open(path))["benchmarks"][0]
    scale = {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
    return b["real_time"] * scale / b.get("operations_per_iteration", operations_per_iteration)

host, floor, same, rebuilt, overhead = [], [], [], [], []
for r in range(1, rounds + 1):
    results = {t["target_id"]: t for t in json.load(open(f"{out}/host-{r}/results.json"))["targets"]}
    host.append(results["cost_calculator"]["statistics"]["median_ns"])
    floor.append(results["cost_calculator_double_floor"]["statistics"]["median_ns"])
    overhead.append(results["cost_calculator"]["measurement"]["overhead_ns_per_iteration"])
    same.append(gbench_ns(f"{out}/same-{r}.json"))
    rebuilt.append(gbench_ns(f"{out}/rebuilt-{r}.json"))
median = statistics.median
h = median(host)
print(f"cost-ops cost_calculator median:            {h:8.2f} ns")
for name, values in [("same code (the plugin's run())", same), ("rebuilt (price_tokens in its own binary)", rebuilt)]:
    g = median(values)
    ratios = median(a / b for a, b in zip(host, values))
    print(f"Google Benchmark, {name}: {g:8.2f} ns   host/GB {h / g:6.3f}, median per-round ratio {ratios:6.3f}")
print("goal: host/GB within 0.95..1.05")
print(f"exact / double floor:                       {h / median(floor):8.2f}x (goal: at most 10x)")
print(f"host empty-batch overhead:                  {median(overhead):.5f} ns per iteration")
PY
