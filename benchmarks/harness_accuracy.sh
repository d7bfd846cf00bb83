#!/usr/bin/env bash
# Compares the host's timing of cost_calculator with Google Benchmark timing
# the same function in a separate program, on this machine, now.
# usage: benchmarks/harness_accuracy.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$build/bin/cost-ops" run --plugin-dir "$build/plugins" -o "$out" --quiet \
  --targets cost_calculator,cost_calculator_double_floor --min-time 1 --repetitions 3 || true
"$build/bin/gbench_cost_calculator" --benchmark_format=json > "$out/gbench.json" 2>/dev/null

/usr/bin/env python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
results = {t["target_id"]: t for t in json.load(open(f"{out}/results.json"))["targets"]}
host = results["cost_calculator"]["statistics"]["median_ns"]
floor = results["cost_calculator_double_floor"]["statistics"]["median_ns"]
gb = [b for b in json.load(open(f"{out}/gbench.json"))["benchmarks"] if b.get("aggregate_name") == "median"][0]
gb_ns = gb["real_time"] if gb["time_unit"] == "ns" else gb["real_time"] * 1000
print(f"cost-ops cost_calculator median:       {host:8.2f} ns")
print(f"Google Benchmark same function median: {gb_ns:8.2f} ns")
print(f"host / Google Benchmark:               {host / gb_ns:8.3f}  (goal: within 0.95..1.05)")
print(f"exact / double floor:                  {host / floor:8.2f}x (goal: at most 10x)")
print(f"host empty-batch overhead:             {results['cost_calculator']['measurement']['overhead_ns_per_iteration']:.5f} ns per iteration")
PY
