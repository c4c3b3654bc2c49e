#!/usr/bin/env bash
# Runs the benchmarks on a fresh SQLite database: CDNOW import rate, CLV fits, event ingest rate, phone lookup latency under load;
# with YT_BENCH_AUDIENCE=1 also the audience index against PostgreSQL and SQLite (bench/audience.sh, long: see step 7).
# also a flash sale against PostgreSQL and Redis (bench/flash.sh, step 8) and the HTTP floor under it (bench/http-floor.sh, step 9).
# usage: make bench (or bash bench/run.sh after make build); figures go to stdout as JSON lines.
# The lookup benchmark uses wrk (Debian package `wrk`) when it is installed, and node's fetch always.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=$ROOT/build/yutang
TMP=$(mktemp -d /tmp/yt-bench-XXXXXX)
PORT=${YT_BENCH_PORT:-18190}
export YUTANG_ADMIN_PASSWORD=bench-password-1
export YUTANG_DB=$TMP/bench.db
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT
PID=

if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || true
fi

echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"

# 1. import rate of the CDNOW master file (69,659 orders, 23,570 customers)
t0=$(date +%s.%N)
"$BIN" import orders data/cdnow/master.csv --platform cdnow >"$TMP/import.out"
t1=$(date +%s.%N)
rows=$(grep -oE 'imported [0-9]+' "$TMP/import.out" | awk '{print $2}')
awk -v r="$rows" -v a="$t0" -v b="$t1" 'BEGIN { printf "{\"bench\":\"import_cdnow_master\",\"orders\":%d,\"seconds\":%.3f,\"orders_per_second\":%d}\n", r, b-a, r/(b-a) }'

# 1b. customer lifetime value models fitted on the imported master file, through the CLI and the store, then on
#     1M synthetic customers (build/clv_fit, no database)
t0=$(date +%s.%N)
"$BIN" clv fit --until 1997-09-30 --unit week --json >"$TMP/clv.out"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v fit="$(cat "$TMP/clv.out")" 'BEGIN { printf "{\"bench\":\"clv_fit_cli_cdnow_master\",\"seconds\":%.3f,\"fit\":%s}\n", b-a, fit }'
"$ROOT/build/clv_fit"

# 2. customers with phone numbers for the lookup benchmark (50,000, imported as CSV)
node -e '
  const n = 50000; const lines = ["name,phone"]; const phones = [];
  for (let i = 0; i < n; i++) { const p = "139" + String(10000000 + i * 37).padStart(8, "0"); lines.push(`客户${i},${p}`); phones.push(p); }
  require("fs").writeFileSync(process.argv[1], lines.join("\n") + "\n"); require("fs").writeFileSync(process.argv[2], phones.join("\n") + "\n");
' "$TMP/customers.csv" "$TMP/phones.txt"
t0=$(date +%s.%N)
"$BIN" import customers "$TMP/customers.csv" >"$TMP/import2.out"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "{\"bench\":\"import_customers_csv\",\"customers\":50000,\"seconds\":%.3f,\"customers_per_second\":%d}\n", b-a, 50000/(b-a) }'

# 3. the server
"$BIN" serve --listen "127.0.0.1:$PORT" --rate-limit-per-ip 0 --rate-limit-per-token 0 >"$TMP/serve.out" 2>/dev/null &
PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(curl -fs -XPOST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$YUTANG_ADMIN_PASSWORD\"}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')

# 4. event ingest: 30 batches of 10,000 (new customers on first sight), then 30 more (known customers)
echo "{\"bench\":\"ingest_first_sight\",\"result\":$(node bench/ingest.mjs "http://127.0.0.1:$PORT" "$TOKEN" 30 2 300000)}"
echo "{\"bench\":\"ingest_known_customers\",\"result\":$(node bench/ingest.mjs "http://127.0.0.1:$PORT" "$TOKEN" 30 2 300000)}"

# 5. phone lookup under concurrent load: wrk (C, 1 thread, 16 keep-alive connections, 15 s) when installed
if command -v wrk >/dev/null 2>&1; then
  r=$(YT_TOKEN=$TOKEN YT_PHONES=$TMP/phones.txt wrk -t1 -c16 -d15s --latency -s bench/lookup.lua "http://127.0.0.1:$PORT" | tail -1)
  echo "{\"bench\":\"lookup_by_phone_wrk_c16\",\"result\":$r}"
fi
echo "{\"bench\":\"lookup_by_phone_node_c16\",\"result\":$(node bench/lookup.mjs "http://127.0.0.1:$PORT" "$TOKEN" "$TMP/phones.txt" 20000 16)}"

# 6. small writes during a 600k-row order import through the API (new servers on fresh SQLite databases):
#    baseline = the writer held for the whole import (YT_IMPORT_HOLD_WRITER=1), shared = handed off per chunk
node bench/import_contention.mjs "$BIN" "$TMP" $((PORT + 10)) 600000 20

# 7. segments on the audience index against PostgreSQL 15 and SQLite (bench/audience.sh): only with
#    YT_BENCH_AUDIENCE=1, as at its default 10M customers it takes 45-60 minutes and about 15 GB under /tmp;
#    AUDIENCE_N=1000000 makes it a run of a few minutes
if [ "${YT_BENCH_AUDIENCE:-0}" = 1 ]; then
  bash bench/audience.sh
fi

# 8. a flash sale on one hot SKU against PostgreSQL 15 and Redis 7 side by side (bench/flash.sh; installs wrk and
#    redis-server when missing; about 2 minutes)
FLASH_BUILD_DIR="$(dirname "$BIN")" bash bench/flash.sh

# 9. the floor under that latency target on this machine: the same load against answers that do no work (yutang's
#    /healthz, nginx's constant answer; bench/http-floor.sh, installs nginx-light)
FLOOR_BUILD_DIR="$(dirname "$BIN")" bash bench/http-floor.sh
