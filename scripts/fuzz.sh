#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, Debian's clang, ASan + UBSan) and runs each for
# FUZZ_SECONDS (default 60) from the corpus kept in tests/fuzz/corpus/. New inputs go to
# build-fuzz/corpus/, crashes to build-fuzz/crashes/ (the run then fails, naming the file).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=${FUZZ_BUILD:-build-fuzz}
cmake -S tests/fuzz -B "$OUT" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$OUT" -j "$(nproc)"
mkdir -p "$OUT/crashes"
failed=0
for target in ${FUZZ_TARGETS:-path forms body story live config}; do
  mkdir -p "$OUT/corpus/$target"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  if ! ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$OUT/fuzz_$target" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$OUT/crashes/$target-" \
      "$OUT/corpus/$target" "tests/fuzz/corpus/$target" >"$OUT/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; see $OUT/$target.log and $OUT/crashes/" >&2
    tail -40 "$OUT/$target.log" >&2
    failed=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::new_units_added|^stat::peak_rss_mb" "$OUT/$target.log" | tr '\n' ' '
  echo
done
exit $failed
