#!/usr/bin/env bash
# Compares the host's timing of cost_calculator with Google Benchmark timing
# the same function in a separate program, on this machine, now.
#
# The two programs run alternately, ROUNDS times, so that both see the same
# drift of a shared machine (frequency, neighbours); each side's figure is the
# median of its per-round medians, and the per-round ratios show the spread.
# usage: benchmarks/harness_accuracy.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
rounds="${2:-15}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for round in $(seq 1 "$rounds"); do
  "$build/bin/cost-ops" run --plugin-dir "$build/plugins" -o "$out/host-$round" --quiet \
    --targets cost_calculator,cost_calculator_double_floor --min-time 0.2 --warmup-time 0.05 2>/dev/null || true
  "$build/bin/gbench_cost_calculator" --benchmark_min_time=0.1 --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_format=json > "$out/gbench-$round.json" 2>/dev/null
done

/usr/bin/env python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
host, floor, gbench, overhead = [], [], [], []
for r in range(1, rounds + 1):
    results = {t["target_id"]: t for t in json.load(open(f"{out}/host-{r}/results.json"))["targets"]}
    host.append(results["cost_calculator"]["statistics"]["median_ns"])
    floor.append(results["cost_calculator_double_floor"]["statistics"]["median_ns"])
    overhead.append(results["cost_calculator"]["measurement"]["overhead_ns_per_iteration"])
    gb = [b for b in json.load(open(f"{out}/gbench-{r}.json"))["benchmarks"] if b.get("aggregate_name") == "median"][0]
    gbench.append(gb["real_time"] if gb["time_unit"] == "ns" else gb["real_time"] * 1000)
h, g, f = statistics.median(host), statistics.median(gbench), statistics.median(floor)
print(f"rounds (host, Google Benchmark, ratio): " +
      "  ".join(f"{a:.2f}/{b:.2f}={a / b:.3f}" for a, b in zip(host, gbench)))
print(f"cost-ops cost_calculator median:       {h:8.2f} ns")
print(f"Google Benchmark same function median: {g:8.2f} ns")
ratios = [a / b for a, b in zip(host, gbench)]
print(f"host / Google Benchmark:               {h / g:8.3f}  (goal: within 0.95..1.05)")
print(f"median of the per-round ratios:        {statistics.median(ratios):8.3f}")
print(f"exact / double floor:                  {h / f:8.2f}x (goal: at most 10x)")
print(f"host empty-batch overhead:             {statistics.median(overhead):.5f} ns per iteration")
PY
