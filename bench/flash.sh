#!/usr/bin/env bash
# Flash sale on one hot SKU, side by side in one run (and a hot coupon on the same server): yutang over HTTP
# (bench/http_load.c, or wrk, 256 keep-alive connections; only 2xx answers counted: each is an order durable in the store before it was answered), the PostgreSQL 15
# way (one transaction per order: a conditional stock decrement, then an order INSERT; pgbench -M prepared at
# 4, 16, 64 and 256 clients, its best kept) and the Redis 7 way (a Lua check-and-decrement by redis-benchmark
# with 256 clients, not durable). PostgreSQL runs with fsync on, as yutang's SQLite store does. Installs wrk and
# redis-server from Debian when missing.
# usage: bash bench/flash.sh   env: FLASH_BUILD_DIR (default build), FLASH_SECONDS (default 15),
#   FLASH_LOADGEN (http_load, the default, or wrk: below),
#   FLASH_WRK_THREADS (default 1: one wrk thread drives the 256 connections with about half a core, so it is not
#   the bottleneck; on a 2-core machine shared with the server a second one only adds a thread that waits for,
#   and delays, the server's; the generator's CPU share is reported as load_generator_cpu_percent), FLASH_CUSTOMERS (default 2000: the
#   buyers, each ordering in turn; 300000 makes nearly every order a first-time buyer's on a large store, and
#   takes about two minutes to prepare), FLASH_LOOPS (the server's HTTP loops; default one a core beyond the first,
#   at least one: bench/lib.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${FLASH_BUILD_DIR:-build}
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
SECS=${FLASH_SECONDS:-15}
NCUST=${FLASH_CUSTOMERS:-2000}
. bench/lib.sh
need_packages wrk:wrk redis-server:redis-server ss:iproute2
TMP=$(mktemp -d /tmp/yt-flash-XXXXXX)
PGDIR=$(mktemp -d /tmp/yt-flash-pg-XXXXXX)
cleanup() {
  [ -n "${YPID:-}" ] && kill "$YPID" 2>/dev/null || true
  [ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null || true
  bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$TMP" "$PGDIR"
}
trap cleanup EXIT
echo "# machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# 1. yutang: a fresh SQLite store, a product, a sale with stock to spare, NCUST customers
PORT=$(free_port 18300)
export YUTANG_ADMIN_PASSWORD=bench-password-1 YUTANG_DB=$TMP/flash.db
# its HTTP loops: flash_loops in bench/lib.sh (the default, 4, suits stores whose queries wait on the network)
"$BIN/yutang" serve --listen 127.0.0.1:$PORT --threads "$(flash_loops)" --rate-limit-per-ip 0 --rate-limit-per-token 0 >"$TMP/serve.log" 2>&1 &
YPID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
COUPON_QUOTA=20000
read -r TOKEN SALE COUPON SCARCE < <(node bench/flash_setup.mjs "http://127.0.0.1:$PORT" "$NCUST" "$COUPON_QUOTA")
# the load: bench/http_load.c (built with the server), one thread, 256 connections, each with one order
# outstanding; FLASH_LOADGEN=wrk drives the same orders with wrk and bench/flash.lua instead. On a two-core machine
# the load generator's CPU is the server's loss: wrk makes two epoll_ctl calls and a Lua call an order besides
# the write and the read that are all http_load makes (bench/RESULTS.md; bench/flash_pair.sh compares the two,
# each run on a fresh copy of one store).
LOADGEN=${FLASH_LOADGEN:-http_load}
case "$LOADGEN" in http_load | wrk) ;; *) echo "FLASH_LOADGEN: http_load or wrk" >&2; exit 2 ;; esac
[ -x "$BIN/http_load" ] || { echo "$BIN/http_load is missing: make build first" >&2; exit 1; }
WRK_THREADS=${FLASH_WRK_THREADS:-1}
child_seconds() { tail -1 "$1" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } print t }'; } # of `times`
# the last part's connections closed first (some wait for their answers): the server takes 256 an address
connections_closed() {
  for _ in $(seq 1 100); do
    [ "$(ss -Htn state established state close-wait "( sport = :$PORT )" | wc -l)" = 0 ] && break
    sleep 0.05
  done
}
# flash_load GENERATOR: SECS of orders; its JSON line in $TMP/load.json, its CPU seconds in $TMP/load.times
flash_load() {
  # (in a subshell of its own, whose `times` counts the generator alone)
  if [ "$1" = wrk ]; then
    (FLASH_SALE=$SALE FLASH_TOKEN=$TOKEN FLASH_CUSTOMERS=$NCUST wrk -t"$WRK_THREADS" -c256 -d"${SECS}s" --latency -s bench/flash.lua \
      "http://127.0.0.1:$PORT" >"$TMP/load.txt"; times >"$TMP/load.times")
  else
    ("$BIN/http_load" -c 256 -d "$SECS" -n "$NCUST" -m POST -p "/api/v1/flash-sales/$SALE/orders" -j flash_yutang \
      -H "Content-Type: application/json" -H "Authorization: Bearer $TOKEN" -b '{"customer_id":%N,"quantity":1}' \
      "http://127.0.0.1:$PORT" >"$TMP/load.txt"; times >"$TMP/load.times")
  fi
  grep '^{' "$TMP/load.txt" >"$TMP/load.json"
}
# the orders the server answered 201 so far (its own count, against which the generator's is checked)
server_created() {
  curl -fs "http://127.0.0.1:$PORT/metrics" -H "Authorization: Bearer $TOKEN" |
    awk '/^yutang_http_requests_total\{route="\/api\/v1\/flash-sales\/\{id\}\/orders",method="POST",status="201"\}/ {n = $2} END {print n + 0}'
}
# the share of the machine's CPU time the hypervisor gave to others meanwhile (steal), the server's own CPU,
# and the generator's (its share of one core: near 100 would make it the bottleneck)
read -r ALL0 STEAL0 < <(cpu_ticks); SRV0=$(process_ticks "$YPID")
flash_load "$LOADGEN"
cat "$TMP/load.json"
read -r ALL1 STEAL1 < <(cpu_ticks); SRV1=$(process_ticks "$YPID")
CREATED=$(grep -o '"created":[0-9]*' "$TMP/load.json" | cut -d: -f2)
awk -v a=$((ALL1 - ALL0)) -v s=$((STEAL1 - STEAL0)) -v t=$((SRV1 - SRV0)) -v n="$CREATED" -v hz="$(getconf CLK_TCK)" \
  -v w="$(child_seconds "$TMP/load.times")" -v secs="$SECS" -v g="$LOADGEN" \
  'BEGIN { printf "{\"bench\":\"flash_yutang_cpu\",\"steal_percent\":%.1f,\"server_cpu_us_per_order\":%.1f,\"load_generator\":\"%s\",\"load_generator_cpu_percent\":%.0f}\n", a ? 100 * s / a : 0, n ? t * 1e6 / hz / n : 0, g, 100 * w / secs }'
# the generator counted what the server answered: 201s it read, and at most one an open connection it had not
ANSWERED=$(server_created)
if [ "$ANSWERED" -lt "$CREATED" ] || [ "$ANSWERED" -gt $((CREATED + 256)) ]; then
  echo "# the load generator counted $CREATED orders, the server answered $ANSWERED" >&2; exit 1
fi
# stored_and_filed: every order acknowledged so far (CREATED) is in the store (a few more may be: written,
# but answered after the generator stopped reading); then the orders the sale left in the journal are filed into
# mall_orders once it is quiet: how many, and how long that took (the work the sale put off), before the next part
stored_and_filed() {
  local stored journal t0
  stored=$(sqlite3 "$YUTANG_DB" "SELECT (SELECT count(*) FROM mall_orders) + (SELECT count(*) FROM flash_journal)")
  echo "{\"bench\":\"flash_yutang_stored\",\"acknowledged\":$CREATED,\"orders_in_store\":$stored}"
  if [ "$stored" -lt "$CREATED" ]; then echo "# $CREATED orders acknowledged, $stored in the store" >&2; exit 1; fi
  journal=$(sqlite3 "$YUTANG_DB" "SELECT count(*) FROM flash_journal")
  t0=$(date +%s%N)
  while [ "$(sqlite3 "$YUTANG_DB" "SELECT count(*) FROM flash_journal")" != 0 ]; do sleep 0.05; done
  echo "{\"bench\":\"flash_yutang_filed\",\"orders\":$journal,\"seconds\":$(awk -v t=$(( $(date +%s%N) - t0 )) 'BEGIN { printf "%.2f", t / 1e9 }')}"
  # and the log the filing wrote checkpointed, so the coupon part starts from a settled store
  log_checkpointed "$YUTANG_DB"
}
stored_and_filed
# the hot coupon: 256 connections granting one coupon (a quota it does not reach, 100 a customer): grants per
# second; each grant is a transaction (quota, per-customer count, the held coupon, audit), durable in groups.
# Then a scarce one (quota COUPON_QUOTA) granted until it runs out: never more held than the quota, nobody
# over their 100.
coupon_run() { # id, seconds, name
  connections_closed
  COUPON_ID=$1 COUPON_TOKEN=$TOKEN COUPON_CUSTOMERS=$NCUST COUPON_BENCH=$3 wrk -t"$WRK_THREADS" -c256 -d"$2s" --latency -s bench/coupon.lua \
    "http://127.0.0.1:$PORT" | grep '^{'
}
coupon_run "$COUPON" "$SECS" coupon_yutang
coupon_run "$SCARCE" 5 coupon_yutang_scarce
read -r ISSUED HELD < <(sqlite3 -separator ' ' "$YUTANG_DB" "SELECT issued, (SELECT count(*) FROM customer_coupons WHERE coupon_id = $SCARCE) FROM coupons WHERE id = $SCARCE")
OVER=$(sqlite3 "$YUTANG_DB" "SELECT count(*) FROM (SELECT customer_id FROM customer_coupons WHERE coupon_id IN ($COUPON, $SCARCE) GROUP BY coupon_id, customer_id HAVING count(*) > 100)")
echo "{\"bench\":\"coupon_yutang_stored\",\"quota\":$COUPON_QUOTA,\"issued\":$ISSUED,\"held\":$HELD,\"customers_over_limit\":$OVER}"
if [ "$HELD" -gt "$COUPON_QUOTA" ] || [ "$HELD" -ne "$ISSUED" ] || [ "$OVER" -ne 0 ]; then echo "# coupon over-issued" >&2; exit 1; fi
kill "$YPID"; wait "$YPID" 2>/dev/null || true; YPID=

# 2. PostgreSQL 15: stock row and orders table, one transaction per order
PGPORT=$(free_port 55441)
PGURL=$(bash scripts/pg-cluster.sh start "$PGDIR" "$PGPORT")
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# the test cluster runs with fsync off; the baseline is durable like yutang, and takes 256 clients
as_pg /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDIR/data" -l "$PGDIR/server.log" -m fast -w restart \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=300" >/dev/null
psql -qX -v ON_ERROR_STOP=1 "$PGURL" >/dev/null <<'SQL'
CREATE TABLE stock(id int PRIMARY KEY, left_n bigint NOT NULL);
INSERT INTO stock VALUES (1, 1000000000);
CREATE TABLE flash_orders(id bigserial PRIMARY KEY, customer_id bigint NOT NULL, sku_id int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
SQL
cat >"$TMP/order.sql" <<'SQL'
\set c random(1, 2000)
BEGIN;
UPDATE stock SET left_n = left_n - 1 WHERE id = 1 AND left_n > 0;
INSERT INTO flash_orders(customer_id, sku_id) VALUES (:c, 1);
COMMIT;
SQL
best=0
for c in 4 16 64 256; do
  tps=$(pgbench -n -M prepared -c "$c" -j 2 -T "$SECS" -f "$TMP/order.sql" "$PGURL" 2>"$TMP/pgbench.err" | awk '/^tps/ {print int($3)}' || true)
  if [ -z "$tps" ]; then
    echo "# pgbench at $c clients failed: $(tail -1 "$TMP/pgbench.err")" >&2
    tps=0
  fi
  echo "{\"bench\":\"flash_postgres\",\"clients\":$c,\"orders_per_second\":$tps}"
  if [ "$tps" -gt "$best" ]; then best=$tps; fi
done
echo "{\"bench\":\"flash_postgres_best\",\"orders_per_second\":$best}"
bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true

# 3. Redis 7: a Lua check-and-decrement on one key, no persistence
RPORT=$(free_port 16400)
redis-server --port "$RPORT" --save '' --appendonly no --daemonize no >"$TMP/redis.log" 2>&1 &
RPID=$!
for _ in $(seq 1 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$RPORT" set stock 1000000000 >/dev/null
rps=$(redis-benchmark -p "$RPORT" -c 256 -n $((SECS * 60000)) -q EVAL \
  "local s = tonumber(redis.call('GET', KEYS[1])) if s > 0 then redis.call('DECR', KEYS[1]) return 1 end return 0" 1 stock \
  2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | awk '{print int($1)}')
echo "{\"bench\":\"flash_redis\",\"clients\":256,\"orders_per_second\":$rps,\"durable\":false}"
