#!/usr/bin/env bash
# Times `cost-ops compare` on two results.json files with SAMPLES samples per
# target (default 1,000,000) spread over PROCESSES worker processes, TARGETS
# targets a side: the goal is under 10 s for 1,000,000 samples per target.
# The work is one parse of each file, one sort per process and 2,000
# hierarchical bootstrap resamples that cost O(processes) each.
# usage: benchmarks/compare_at_scale.sh [BUILD_DIR] [SAMPLES] [PROCESSES] [TARGETS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
samples="${2:-1000000}"
processes="${3:-5}"
targets="${4:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

/usr/bin/env python3 - "$out" "$samples" "$processes" "$targets" <<'PY'
import json, random, sys
out, samples, processes, targets = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for side, level in (("base", 100.0), ("new", 103.0)):
    rng = random.Random(side)
    entries = []
    for t in range(targets):
        per_process = [level * rng.uniform(0.9, 1.1) for _ in range(processes)]
        process = [i * processes // samples for i in range(samples)]
        elapsed = [round(1000 * per_process[p] * rng.uniform(0.95, 1.05), 1) for p in process]
        entries.append({"target_id": f"scale_{t}", "status": "ok", "reason": "",
                        "samples": {"iterations": [1000] * samples, "elapsed_ns": elapsed,
                                    "repetition": process, "process": process}})
    with open(f"{out}/{side}.json", "w") as f:
        json.dump({"schema_version": 1, "settings": {"rounds": processes, "repetitions": 1},
                   "targets": entries}, f)
PY
ls -l "$out"/*.json | awk '{print $5, $9}'
start=$(date +%s.%N)
"$build/bin/cost-ops" compare "$out/base.json" "$out/new.json" --fail-on none
end=$(date +%s.%N)
python3 -c "print(f'compare of {$targets} targets x {$samples} samples a side ({$processes} processes): {($end - $start):.2f} s wall')"
