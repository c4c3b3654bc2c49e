#!/usr/bin/env bash
# `make test`: unit tests, API tests on SQLite and PostgreSQL, the same under ASan+UBSan, the fuzz corpora, the browser
# tests (console and member pages).
# Ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/tests/out
mkdir -p "$OUT"
PASS=0 FAIL=0 FAILED_STEPS=()
PGDIR=$(mktemp -d /tmp/yt-pg-XXXXXX)
PGPORT=${YT_TEST_PG_PORT:-55433}
cleanup() { bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Counts one step's tests from its log (ctest or node's test runner) into PASS/FAIL.
count() {
  local name=$1 log=$2 rc=$3 p=0 f=0
  if grep -q "tests passed, .* tests failed out of" "$log"; then
    local line; line=$(grep "tests failed out of" "$log" | tail -1)
    local total; total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*, ([0-9]+) tests failed.*/\1/' <<<"$line")
    p=$((total - f))
  elif grep -qE "\[  PASSED  \] [0-9]+ test" "$log"; then # cmocka run directly
    p=$(grep -oE "\[  PASSED  \] [0-9]+ test" "$log" | awk '{s += $4} END {print s}')
    f=$(grep -oE "\[  FAILED  \] [0-9]+ test" "$log" | awk '{s += $4} END {print s + 0}')
  elif grep -qE "^# pass [0-9]+" "$log"; then
    p=$(grep -E "^# pass [0-9]+" "$log" | tail -1 | awk '{print $3}')
    f=$(grep -E "^# fail [0-9]+" "$log" | tail -1 | awk '{print $3}')
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASS=$((PASS + p)); FAIL=$((FAIL + f))
  if [ "$rc" -ne 0 ]; then FAILED_STEPS+=("$name"); echo "== $name: FAILED ($p passed, $f failed; log: $log)"
  else echo "== $name: ok ($p passed)"; fi
}

step() { # step NAME COMMAND...
  local name=$1; shift
  local log="$OUT/$name.log"
  echo "== $name"
  "$@" >"$log" 2>&1
  local rc=$?
  grep -E "^(not ok|# (pass|fail) )|tests failed out of|Failed|\*\*\*" "$log" | head -40
  count "$name" "$log" "$rc"
}

npm_ci() { # installs the test packages (playwright-core) once per lock change
  local stamp=tests/node_modules/.yt-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s tests/package-lock.json "$stamp"; then
    (cd tests && npm ci --no-audit --no-fund --loglevel=error) && cp tests/package-lock.json "$stamp"
  fi
}

JOBS=${YT_TEST_JOBS:-2}

# 1. unit tests (cmocka) in the normal build
step unit ctest --test-dir build --output-on-failure -j "$JOBS"

# the test packages (playwright-core, the OpenAPI validator) for the API and browser steps
if ! npm_ci >"$OUT/npm-tests.log" 2>&1; then
  tail -20 "$OUT/npm-tests.log"; echo "== npm ci (tests): FAILED"; FAIL=$((FAIL + 1)); FAILED_STEPS+=(npm-tests)
fi

# 2. API tests against SQLite
step api-sqlite env YT_BIN="$ROOT/build/yutang" YT_TEST_STORE=sqlite node --test --test-concurrency="$JOBS" tests/api/

# 3. API tests against a throwaway PostgreSQL 15 cluster
if PGURL=$(bash scripts/pg-cluster.sh start "$PGDIR" "$PGPORT"); then
  step api-postgres env YT_BIN="$ROOT/build/yutang" YT_TEST_STORE=pg YT_TEST_PG_URL="$PGURL" \
    node --test --test-concurrency="$JOBS" tests/api/
  # merge and erasure over every customer-keyed table, and the change feed, on PostgreSQL too
  step keyed-postgres env YT_TEST_PG_URL="$PGURL" "$ROOT/build/test_keyed"
  step changes-postgres env YT_TEST_PG_URL="$PGURL" "$ROOT/build/test_changes"
  step audience-postgres env YT_TEST_PG_URL="$PGURL" "$ROOT/build/test_audience"
  step clv-postgres env YT_TEST_PG_URL="$PGURL" "$ROOT/build/test_clv"
  step flash-journal-postgres env YT_TEST_PG_URL="$PGURL" "$ROOT/build/test_flash_journal"
  step lock-order-postgres env YT_TEST_PG_URL="$PGURL" "$ROOT/build/test_lock_order"
else
  echo "== api-postgres: FAILED (cluster did not start)"; FAIL=$((FAIL + 1)); FAILED_STEPS+=(api-postgres)
fi

# 4. the same under AddressSanitizer + UndefinedBehaviorSanitizer
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
if cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DYT_SANITIZE=ON >/dev/null && cmake --build build-asan >"$OUT/build-asan.log" 2>&1; then
  step unit-asan ctest --test-dir build-asan --output-on-failure -j "$JOBS"
  step api-sqlite-asan env YT_BIN="$ROOT/build-asan/yutang" YT_TEST_STORE=sqlite YT_SANITIZED=1 \
    node --test --test-concurrency="$JOBS" tests/api/
else
  tail -20 "$OUT/build-asan.log"; echo "== asan build: FAILED"; FAIL=$((FAIL + 1)); FAILED_STEPS+=(build-asan)
fi
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

# 4b. each fuzz harness over its committed corpus, once (clang, libFuzzer + ASan + UBSan, in build-fuzz)
if CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYT_FUZZ=ON >/dev/null &&
  cmake --build build-fuzz -j "$JOBS" --target fuzzers >"$OUT/build-fuzz.log" 2>&1; then
  step fuzz-corpus env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-fuzz -L fuzz --output-on-failure
else
  tail -20 "$OUT/build-fuzz.log"; echo "== fuzz build: FAILED"; FAIL=$((FAIL + 1)); FAILED_STEPS+=(build-fuzz)
fi

# 5. the console and the member H5 pages (tests/e2e/member.test.mjs, at a phone's viewport) in a real browser
#    (Debian chromium driven by playwright-core), against one demo server
if [ -d tests/e2e ] && ls tests/e2e/*.test.mjs >/dev/null 2>&1; then
  step browser bash scripts/browser-test.sh
fi

echo
[ ${#FAILED_STEPS[@]} -gt 0 ] && echo "failed steps: ${FAILED_STEPS[*]}"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ] && [ ${#FAILED_STEPS[@]} -eq 0 ]
