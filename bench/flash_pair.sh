#!/usr/bin/env bash
# The flash bench's first part (one hot SKU, 256 connections, bench/http_load.c) for several builds or settings,
# alternating, each run on a fresh copy of one prepared database: on a machine whose speed moves within
# minutes, only runs side by side in time compare. Prints a line a run: orders/s, the client's p50/p99, the server's
# own p99 (from its access log), the machine's steal, and the server's CPU an order.
# usage: bash bench/flash_pair.sh ROUNDS SECONDS NAME=BIN[,VAR=VALUE...] ...
#   e.g. bash bench/flash_pair.sh 2 8 old=/tmp/yutang-old new=build/yutang filing=build/yutang,YUTANG_FLASH_FILE_IDLE_MS=50
#   (FLASH_LOOPS=N among a variant's settings sets its HTTP loops, else bench/lib.sh's flash_loops; LOADGEN=wrk
#   drives it with one wrk thread and bench/flash.lua instead of build/http_load)
#   Put the variants twice in reverse order (A B B A) to cancel a drift in the machine's speed.
#   FLASH_EACH_SECOND=1: http_load also reports each second (its -i) to stderr, a stall in a long run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { sed -n '6,9p' "$0"; exit 2; }
ROUNDS=$1 SECS=$2
shift 2
NCUST=${FLASH_CUSTOMERS:-2000} # the buyers (bench/flash.sh says more)
. bench/lib.sh
need_packages wrk:wrk ss:iproute2
[ -x build/http_load ] || { echo "build/http_load is missing: make build first" >&2; exit 1; }
TMP=$(mktemp -d /tmp/yt-flash-pair-XXXXXX)
YPID=
cleanup() { if [ -n "$YPID" ]; then kill "$YPID" 2>/dev/null || true; fi; rm -rf "$TMP"; }
trap cleanup EXIT
PORT=$(free_port 18420)
export YUTANG_ADMIN_PASSWORD=bench-password-1

serve() { # db, bin, VAR=VALUE...: starts a server (YPID) that files no journal rows while quiet unless told
  local db=$1 bin=$2 loops a
  shift 2
  loadgen=http_load # (the caller's: which generator drives this run)
  for a in "$@"; do case $a in FLASH_LOOPS=*) loops=${a#*=} ;; LOADGEN=*) loadgen=${a#*=} ;; esac; done # a variant's own, else flash_loops
  env YUTANG_DB="$db" YUTANG_FLASH_FILE_IDLE_MS=600000 "$@" "$bin" serve --listen 127.0.0.1:"$PORT" --threads "${loops:-$(flash_loops)}" \
    --rate-limit-per-ip 0 --rate-limit-per-token 0 >"$TMP/serve.log" 2>&1 &
  YPID=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "# $bin did not start: $(tail -3 "$TMP/serve.log")" >&2
  exit 1
}
stop() { kill "$YPID"; wait "$YPID" 2>/dev/null || true; YPID=; }

# the prepared database (bench/flash_setup.mjs: the sale and NCUST customers), made by the first variant's binary
first=${1#*=}
serve "$TMP/template.db" "${first%%,*}"
read -r TOKEN SALE < <(node bench/flash_setup.mjs "http://127.0.0.1:$PORT" "$NCUST")
stop

for _ in $(seq 1 "$ROUNDS"); do
  for v in "$@"; do
    name=${v%%=*} spec=${v#*=}
    IFS=, read -r -a parts <<<"$spec"
    rm -f "$TMP"/run.db*
    cp "$TMP/template.db" "$TMP/run.db"
    sync # the copy written out now, not by the first checkpoint's sync in the middle of the run
    serve "$TMP/run.db" "${parts[0]}" "${parts[@]:1}"
    read -r ALL0 STEAL0 < <(cpu_ticks); SRV0=$(process_ticks "$YPID")
    if [ "$loadgen" = wrk ]; then
      FLASH_SALE=$SALE FLASH_TOKEN=$TOKEN FLASH_CUSTOMERS=$NCUST wrk -t1 -c256 -d"${SECS}s" -s bench/flash.lua \
        "http://127.0.0.1:$PORT" | grep '^{' >"$TMP/load.json"
    else
      build/http_load ${FLASH_EACH_SECOND:+-i} -c 256 -d "$SECS" -n "$NCUST" -m POST -p "/api/v1/flash-sales/$SALE/orders" -H "Content-Type: application/json" \
        -H "Authorization: Bearer $TOKEN" -b '{"customer_id":%N,"quantity":1}' "http://127.0.0.1:$PORT" | grep '^{' >"$TMP/load.json"
    fi
    read -r ALL1 STEAL1 < <(cpu_ticks); SRV1=$(process_ticks "$YPID")
    stop
    node - "$name" "$TMP/load.json" "$TMP/serve.log" $((ALL1 - ALL0)) $((STEAL1 - STEAL0)) $((SRV1 - SRV0)) "$(getconf CLK_TCK)" <<'JS'
const fs = require('fs');
const [name, loadFile, log, all, steal, srv, hz] = process.argv.slice(2);
const w = JSON.parse(fs.readFileSync(loadFile, 'utf8'));
const ms = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"flash_order.create"')).map((l) => JSON.parse(l).ms).sort((a, b) => a - b);
const p99 = ms.length ? ms[Math.floor(ms.length * 0.99)] : NaN;
console.log(`${name.padEnd(14)} ${String(w.orders_per_second).padStart(6)} orders/s  p50 ${w.p50_ms.toFixed(2)}  p99 ${w.p99_ms.toFixed(2)}` +
  `  server p99 ${p99.toFixed(2)}  steal ${(100 * steal / all).toFixed(0)}%  server ${(srv * 1e6 / hz / w.created).toFixed(1)} µs/order`);
JS
  done
done
