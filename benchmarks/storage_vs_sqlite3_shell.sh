#!/usr/bin/env bash
# Per-row time of the storage_batch_1000 target (costops-core's batch insert,
# run by the host) against the sqlite3 shell executing the same INSERT
# statements, 1,000 per transaction as the target does, on the same schema
# and a WAL file database, in one shell session (startup subtracted).
# Not like for like: the shell parses every INSERT (the library prepares
# once), runs after the host rather than interleaved with it, and writes into
# a growing table with its checkpoints, while the target starts every batch
# from 10,000 rows. The fair yardstick is the storage_batch_1000_sqlite_c
# target (docs/targets.md); this script shows what the shell costs.
# usage: benchmarks/storage_vs_sqlite3_shell.sh [BUILD_DIR] [ROWS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
rows="${2:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$build/bin/cost-ops" run --plugin-dir "$build/plugins" -o "$work/out" --quiet --targets storage_batch_1000 --min-time 2 || true

"$build/bin/usage_insert_script" "$work/shell.db" "$rows" 1000 > "$work/inserts.sql"
"$build/bin/usage_insert_script" "$work/empty.db" 0 > "$work/empty.sql"
sqlite3 "$work/shell.db" "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" > /dev/null
sqlite3 "$work/empty.db" "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" > /dev/null
now() { date +%s%N; }
t0=$(now); sqlite3 -cmd "PRAGMA synchronous=NORMAL" "$work/empty.db" < "$work/empty.sql"; t1=$(now)
sqlite3 -cmd "PRAGMA synchronous=NORMAL" "$work/shell.db" < "$work/inserts.sql"; t2=$(now)

/usr/bin/env python3 - "$work" "$rows" "$((t1 - t0))" "$((t2 - t1))" <<'PY'
import json, sys
work, rows, startup_ns, shell_ns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
target = [t for t in json.load(open(f"{work}/out/results.json"))["targets"] if t["target_id"] == "storage_batch_1000"][0]
ours = target["statistics"]["median_ns"] / 1000
shell = (shell_ns - startup_ns) / rows
print(f"storage_batch_1000 (host, median):      {ours:8.0f} ns per row")
print(f"sqlite3 shell, {rows} INSERTs, 1,000 per transaction: {shell:8.0f} ns per row (startup {startup_ns/1e6:.1f} ms subtracted)")
print(f"shell / ours:                           {shell / ours:8.2f}  (not the goal: docs/targets.md)")
PY
