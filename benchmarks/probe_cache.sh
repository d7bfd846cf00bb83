#!/usr/bin/env bash
# Times `cost-ops plugins list` over 50 plugin files (copies of the good C
# fixture), first with an empty probe cache, then again (answered from the
# cache), then with the cache off. Goal: the second under 50 ms.
# usage: benchmarks/probe_cache.sh [BUILD_DIR] [FILES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
files="${2:-50}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/plugins"
for i in $(seq 1 "$files"); do cp "$build/tests/fixtures/good/good_c_plugin.so" "$out/plugins/p$i.so"; done
chmod -R go-w "$out"
# Each copy offers the same target ids: the duplicates are reported, which
# costs the same with and without the cache.
list() {
  local start end
  start=$(date +%s%N)
  "$build/bin/cost-ops" plugins list --plugin-dir "$out/plugins" --allow-insecure-plugins >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 ))"
}
export XDG_CACHE_HOME="$out/cache"
first=$(list); second=$(list); third=$(list)
off=$(COST_OPS_NO_PROBE_CACHE=1 list)
echo "plugins list over $files files: empty cache ${first} ms; cached ${second} ms, ${third} ms; cache off ${off} ms"
