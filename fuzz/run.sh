#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses (build-fuzz, clang) and runs each for a bounded time, one at a time.
# FUZZ_SECONDS=120 (per harness), FUZZ_ONLY="fuzz_csv fuzz_url" (a subset). New inputs go to fuzz/out/corpus/<harness>
# (kept between runs; the committed seeds in fuzz/corpus/ are only read), crashes to fuzz/out/<harness>-crash-*.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-120}
BUILD=${FUZZ_BUILD:-build-fuzz}
OUT=fuzz/out
ALL="fuzz_json_body fuzz_events fuzz_csv fuzz_url fuzz_time fuzz_segment"
ONLY=${FUZZ_ONLY:-$ALL}

max_len() { # longest input per harness: a few events, a few KiB of CSV (repeated up to 32 times), one URL
  case $1 in
    fuzz_json_body) echo 8192 ;; fuzz_events) echo 16384 ;; fuzz_csv) echo 8192 ;;
    fuzz_url) echo 2048 ;; fuzz_time) echo 64 ;; *) echo 4096 ;;
  esac
}

CC=clang cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYT_FUZZ=ON >/dev/null || exit 1
cmake --build "$BUILD" -j2 --target fuzzers || exit 1
mkdir -p "$OUT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
summary=$OUT/summary.txt
printf '%-16s %8s %12s %8s  %s\n' harness seconds executions corpus findings | tee "$summary"
for h in $ONLY; do
  mkdir -p "$OUT/corpus/$h"
  log=$OUT/$h.log
  "$BUILD/$h" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$h")" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$OUT/$h-" "$OUT/corpus/$h" "fuzz/corpus/$h" >"$log" 2>&1
  rc=$?
  runs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')
  secs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $5}')
  [ -n "$runs" ] || runs=$(grep -aE '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  corpus=$(find "$OUT/corpus/$h" "fuzz/corpus/$h" -type f | wc -l)
  if [ $rc -eq 0 ]; then found=none
  else
    failed=1
    found="exit $rc: $(grep -aE 'invariant failed|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error' "$log" | head -1 | cut -c1-120); see $log"
  fi
  printf '%-16s %8s %12s %8s  %s\n' "$h" "${secs:-?}" "${runs:-?}" "$corpus" "$found" | tee -a "$summary"
done
exit $failed
