#!/usr/bin/env bash
# Two sales on one server, the second (a new sale, of another product) as soon as the first's orders are filed
# and the log checkpointed (a brand's 10:00 and 10:30 sales, closer): the first part of bench/flash.sh twice, for several builds, alternating, each
# round on a fresh copy of one prepared database. The server logs to a file, as a deployment's would, and files
# its journal when quiet, as it does by default. Prints a line a sale: orders/s, the client's p99, the slowest
# answer, and the slowest second's p99 (a stall shows there); and a line for the filing between them.
# usage: bash bench/flash_again.sh ROUNDS SECONDS NAME=BIN ...
#   e.g. bash bench/flash_again.sh 2 15 old=/tmp/yutang-old new=build/yutang new=build/yutang old=/tmp/yutang-old
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { sed -n '7,8p' "$0"; exit 2; }
ROUNDS=$1 SECS=$2
shift 2
NCUST=${FLASH_CUSTOMERS:-2000}
. bench/lib.sh
need_packages sqlite3:sqlite3 ss:iproute2
[ -x build/http_load ] || { echo "build/http_load is missing: make build first" >&2; exit 1; }
TMP=$(mktemp -d /tmp/yt-flash-again-XXXXXX)
YPID=
cleanup() { if [ -n "$YPID" ]; then kill "$YPID" 2>/dev/null || true; fi; rm -rf "$TMP"; }
trap cleanup EXIT
PORT=$(free_port 18440)
export YUTANG_ADMIN_PASSWORD=bench-password-1

serve() { # db, bin
  YUTANG_DB="$1" "$2" serve --listen 127.0.0.1:"$PORT" --threads "$(flash_loops)" --rate-limit-per-ip 0 --rate-limit-per-token 0 \
    >"$TMP/serve.log" 2>&1 &
  YPID=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "# $2 did not start: $(tail -3 "$TMP/serve.log")" >&2
  exit 1
}
stop() { kill "$YPID"; wait "$YPID" 2>/dev/null || true; YPID=; }

# sale NAME PART: SECS of orders, each second's figures to $TMP/seconds; one line
sale() {
  build/http_load -i -c 256 -d "$SECS" -n "$NCUST" -m POST -p "/api/v1/flash-sales/$SALE/orders" -H "Content-Type: application/json" \
    -H "Authorization: Bearer $TOKEN" -b '{"customer_id":%N,"quantity":1}' "http://127.0.0.1:$PORT" 2>"$TMP/seconds" | grep '^{' >"$TMP/load.json"
  node - "$1" "$2" "$TMP/load.json" "$TMP/seconds" <<'JS'
const fs = require('fs');
const [name, part, loadFile, secondsFile] = process.argv.slice(2);
const w = JSON.parse(fs.readFileSync(loadFile, 'utf8'));
const worst = fs.readFileSync(secondsFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  .reduce((a, s) => (s.p99_ms > a.p99_ms ? s : a), { p99_ms: 0, second: 0 });
console.log(`${name.padEnd(12)} ${part}  ${String(w.orders_per_second).padStart(6)} orders/s  p99 ${w.p99_ms.toFixed(2)} ms` +
  `  slowest ${w.max_ms.toFixed(1)} ms  worst second ${worst.second}: p99 ${worst.p99_ms.toFixed(2)} ms`);
JS
}

# the journal filed into mall_orders and the log checkpointed (as bench/flash.sh waits before its coupon part);
# meanwhile a straggler's order every 150 ms (each must be created), which waits for the filing transaction under way. One line:
# the filing's time, the stragglers' median and slowest answer.
settled() {
  local name=$1 db=$2 rows t0 t1 n=0
  rows=$(sqlite3 "$db" "SELECT count(*) FROM flash_journal")
  t0=$(date +%s%N)
  : >"$TMP/stragglers"
  while [ "$(sqlite3 "$db" "SELECT count(*) FROM flash_journal")" != 0 ]; do
    curl -s -o /dev/null -w '%{time_total} %{http_code}\n' -X POST "http://127.0.0.1:$PORT/api/v1/flash-sales/$SALE/orders" -H "Content-Type: application/json" \
      -H "Authorization: Bearer $TOKEN" -d "{\"customer_id\":$((n % NCUST + 1)),\"quantity\":1}" >>"$TMP/stragglers"
    n=$((n + 1))
    sleep 0.15
  done
  t1=$(date +%s%N)
  if awk '$2 != 201 { bad = 1 } END { exit !bad }' "$TMP/stragglers"; then echo "# a straggler's order was not created" >&2; exit 1; fi
  sort -n "$TMP/stragglers" | awk -v name="$name" -v rows="$rows" -v ms=$(((t1 - t0) / 1000000)) \
    '{ a[NR] = $1 * 1000 } END { printf "%-12s filing  %d orders in %.2f s; %d stragglers meanwhile: median %.1f ms, slowest %.1f ms\n", name, rows, ms / 1000, NR, a[int((NR + 1) / 2)], a[NR] }'
  log_checkpointed "$db"
}

first=${1#*=}
serve "$TMP/template.db" "$first"
read -r TOKEN FIRST_SALE < <(node bench/flash_setup.mjs "http://127.0.0.1:$PORT" "$NCUST")
stop

for _ in $(seq 1 "$ROUNDS"); do
  for v in "$@"; do
    name=${v%%=*} bin=${v#*=}
    rm -f "$TMP"/run.db*
    cp "$TMP/template.db" "$TMP/run.db"
    sync
    serve "$TMP/run.db" "$bin"
    SALE=$FIRST_SALE
    sale "$name" first
    settled "$name" "$TMP/run.db"
    # the brand's next sale, of another product: at this speed the first sale's buyers come near their limit of
    # 1,000 (2,000 buyers), so a second round of the same sale would time mostly refusals
    read -r _ SALE < <(node bench/flash_setup.mjs "http://127.0.0.1:$PORT" 0)
    sale "$name" second
    stop
  done
done
