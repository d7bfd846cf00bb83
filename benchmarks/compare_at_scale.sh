#!/usr/bin/env bash
# How long `cost-ops compare` takes on large runs: two results.json files
# with SAMPLES samples per target (default 1,000,000) for TARGETS targets
# (default 2), one of them 3% slower; prints the wall time of the compare.
# usage: benchmarks/compare_at_scale.sh [COST_OPS] [SAMPLES] [TARGETS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
host="${1:-$root/build/bin/cost-ops}"
samples="${2:-1000000}"
targets="${3:-2}"
repetitions="${4:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$samples" "$targets" "$repetitions" <<'PY'
import json, random, sys
work, samples, targets, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for name, factor, seed in (("base", 1.0, 1), ("new", 1.03, 2)):
    rng = random.Random(seed)
    entries = []
    for t in range(targets):
        elapsed = [round(1000 * factor * rng.lognormvariate(0, 0.05), 3) for _ in range(samples)]
        entries.append({"target_id": f"target_{t}", "status": "ok", "reason": "",
                        "samples": {"iterations": [10] * samples, "elapsed_ns": elapsed,
                                    "repetition": [i * reps // samples for i in range(samples)]}})
    with open(f"{work}/{name}.json", "w") as f:
        json.dump({"timestamp": "2026-01-01T00:00:00Z", "targets": entries}, f)
PY
ls -l "$work"/*.json | awk '{print $5, $9}'
python3 - "$host" "$work" "$targets" "$samples" "$repetitions" <<'PY'
import subprocess, sys, time
host, work, targets, samples, reps = sys.argv[1:6]
start = time.monotonic()
proc = subprocess.run([host, "compare", f"{work}/base.json", f"{work}/new.json"])
print(f"compare of {targets} targets x {samples} samples per side ({reps} repetition(s)): "
      f"{time.monotonic() - start:.2f} s (exit {proc.returncode})")
PY
