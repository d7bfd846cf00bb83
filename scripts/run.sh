#!/usr/bin/env bash
# Sets up, builds and runs every first-party benchmark target.
# Extra arguments go to `cost-ops run` (e.g. --min-time 0.05, -f aggregator).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
cd "$root"
status=0
output="$root/benchmarks/output"
"$root/build/bin/cost-ops" run --plugin-dir "$root/build/plugins" --output "$output" "$@" || status=$?
# The run removes an earlier report first, so one here is this run's.
if [ "$status" -ne 2 ] && [ -f "$output/report.html" ]; then
  echo "run.sh: HTML report: $output/report.html (open it in a browser; works offline)"
fi
exit $status
