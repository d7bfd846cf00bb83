#!/usr/bin/env bash
# The result store at fleet scale on both engines: 1,000 runs x 40 targets x
# 100 samples (by default) into a new SQLite file and into a throwaway
# PostgreSQL cluster with its durable defaults (fsync on), then `history
# TARGET` and `history --regressions` (every series) over them. The fleet
# figure of docs/fleet.md: benchmarks/store_scale.sh build 10000 40 10.
#   benchmarks/store_scale.sh BUILD_DIR [RUNS] [TARGETS] [SAMPLES]
# Quote its figures from a quiet machine: flock /tmp/costops-timing.lock ...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
program="$1/bin/store_scale"
shift
sqlite_file="$(mktemp -u /tmp/costops-store-scale.XXXXXX.db)"
trap 'rm -f "$sqlite_file"' EXIT
echo "== SQLite"
"$program" "$sqlite_file" "$@"
echo "== PostgreSQL"
COSTOPS_TEST_PG_DURABLE=1 "$root/scripts/with-test-postgres.sh" \
  sh -c '"$0" "$COSTOPS_TEST_STORE_URL" "$@"' "$program" "$@"
