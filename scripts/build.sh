#!/usr/bin/env bash
# Configures and builds cost-ops. usage: scripts/build.sh [BUILD_DIR] [cmake args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCOSTOPS_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
