#!/usr/bin/env bash
# Builds one fuzzer with clang's libFuzzer (ASan + UBSan) from the given host
# or costops-core sources and runs it for a bounded time from its seed corpus
# (tests/fuzz/corpus/NAME/).
# usage: run_fuzzer.sh SOURCE_DIR WORK_DIR SECONDS NAME GENERATED_INCLUDE_DIR SOURCE...
# A SOURCE is an absolute path (a generated file), a path under host/src/ or,
# failing that, under SOURCE_DIR.
set -euo pipefail
src="$1"; work="$2"; seconds="$3"; name="$4"; generated="$5"
shift 5
sources=()
for file in "$@"; do
  if [[ "$file" == /* ]]; then sources+=("$file")
  elif [[ -f "$src/host/src/$file" ]]; then sources+=("$src/host/src/$file"); else sources+=("$src/$file"); fi
done
mkdir -p "$work/corpus-$name"
cp -n "$src/tests/fuzz/corpus/$name/"* "$work/corpus-$name/" 2>/dev/null || true
# Each source is compiled on its own into an object named by the SHA-256 of
# its preprocessed text and the flags, so the fuzzers, which share many
# sources, compile each once per checkout state (fuzz tests run in parallel:
# an object is written under a temporary name, then renamed into place).
flags=(-std=gnu++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -DBOOST_DLL_USE_STD_FS -I "$src/host/include"
       -I "$src/plugin-api/include" -I "$src/costops-core/include" -I "$generated")
mkdir -p "$work/objects"
objects=()
for file in "$src/tests/fuzz/$name.cpp" "${sources[@]}"; do
  key="$( { echo "${flags[*]}"; clang++ "${flags[@]}" -E -P "$file"; } | sha256sum | cut -c1-32)"
  object="$work/objects/$(basename "$file" .cpp)-$key.o"
  if [ ! -f "$object" ]; then
    clang++ "${flags[@]}" -c "$file" -o "$object.$$.tmp"
    mv -f "$object.$$.tmp" "$object"
  fi
  objects+=("$object")
done
clang++ -fsanitize=fuzzer,address,undefined "${objects[@]}" -lboost_json -o "$work/$name"
# A finding is printed whole (base64), so a CI log alone is enough to
# reproduce it: save it to a file and run the fuzzer on that file.
artifacts="$work/artifacts-$name"
rm -rf "$artifacts" && mkdir -p "$artifacts"
status=0
"$work/$name" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$work/corpus-$name" || status=$?
if [ "$status" -ne 0 ]; then
  for input in "$artifacts"/*; do
    [ -f "$input" ] || continue
    echo "the input that failed, $(basename "$input"), as base64 (base64 -d > input; $name input):"
    base64 "$input"
  done
fi
exit "$status"
