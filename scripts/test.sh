#!/usr/bin/env bash
# Sets up, builds (warnings are errors) and runs the whole test suite.
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
if [ "${1:-}" = "--sanitize" ]; then
  build_dir="$root/build-asan"
  "$root/scripts/build.sh" "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOSTOPS_SANITIZE=ON
else
  build_dir="$root/build"
  "$root/scripts/build.sh" "$build_dir"
fi
cd "$build_dir"
# setup.sh installed PostgreSQL: its tests must run, never be skipped.
export COSTOPS_REQUIRE_POSTGRES=1
# The fuzzers are always built with ASan and UBSan by clang (tests/fuzz/), so
# the sanitizer run leaves them to the plain one instead of repeating them.
skip=()
if [ "${1:-}" = "--sanitize" ]; then skip=(-LE fuzz); fi
ctest --output-on-failure -j"$(nproc)" "${skip[@]}"
