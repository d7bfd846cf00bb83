#!/usr/bin/env bash
# Configures and builds cost-ops. usage: scripts/build.sh [BUILD_DIR] [cmake args...]
# Uses ccache when it is installed (several checkouts of the repository then
# share one object cache: CCACHE_BASEDIR makes paths relative to the checkout).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$root"
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCOSTOPS_WERROR=ON "${launcher[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
