#!/usr/bin/env bash
# Builds the worker-message fuzzer with clang's libFuzzer (ASan + UBSan) and
# runs it for a bounded time from the seed corpus.
# usage: run_fuzzer.sh SOURCE_DIR WORK_DIR SECONDS
set -euo pipefail
src="$1"; work="$2"; seconds="$3"
mkdir -p "$work/corpus"
cp -n "$src/tests/fuzz/corpus/"* "$work/corpus/" 2>/dev/null || true
clang++ -std=gnu++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DBOOST_DLL_USE_STD_FS -I "$src/host/include" -I "$src/plugin-api/include" \
  "$src/tests/fuzz/fuzz_worker_messages.cpp" "$src/host/src/worker_protocol.cpp" "$src/host/src/json_fields.cpp" \
  "$src/host/src/target_status.cpp" -lboost_json -o "$work/fuzz_worker_messages"
"$work/fuzz_worker_messages" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -print_final_stats=1 "$work/corpus"
