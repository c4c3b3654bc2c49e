#!/usr/bin/env bash
# The audience index benchmark end to end: generates N synthetic customers (default 10,000,000) into a SQLite
# yutang store, loads the same customers into a throwaway PostgreSQL 15 cluster (bench_customers: tags int[]
# with a GIN index, numeric columns with B-tree indexes), then runs build/audience_bench: index build time and
# memory, five-clause segments on the index, PostgreSQL and SQLite, counts checked equal. Everything lives in
# temporary folders that are removed at the end.
# usage: bash bench/audience.sh            (10M customers: about 15 GB of disk under /tmp and 40-60 minutes)
#        AUDIENCE_N=1000000 bash bench/audience.sh   (a quick run)
# env:   AUDIENCE_N, AUDIENCE_BUILD_DIR (default build), AUDIENCE_STORE (a store audience_gen made before, with
#        the same N: used as it is, not generated again, and not deleted), AUDIENCE_PG_PORT (default: the first
#        free one from 55441), and audience_bench's repetition counts (AUDIENCE_REPS, AUDIENCE_PG_REPS,
#        AUDIENCE_SQLITE_REPS) and AUDIENCE_PROFILE.
# Figures go to stdout as JSON lines; the readable tables to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${AUDIENCE_N:-10000000}
BIN=${AUDIENCE_BUILD_DIR:-build}
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
PGPORT=${AUDIENCE_PG_PORT:-}
if [ -z "$PGPORT" ]; then # the first free port from 55441
  for p in $(seq 55441 55540); do
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { PGPORT=$p; break; }
  done
fi
TMP=$(mktemp -d /tmp/yt-audience-XXXXXX)
PGDIR=$(mktemp -d /tmp/yt-audience-pg-XXXXXX)
cleanup() {
  bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$TMP" "$PGDIR"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

for b in audience_gen audience_bench; do
  [ -x "$BIN/$b" ] || { echo "audience.sh: $BIN/$b is missing (make build, or set AUDIENCE_BUILD_DIR)" >&2; exit 1; }
done
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); $N customers; $(df -h /tmp | awk 'NR==2 {print $4}') free under /tmp" >&2

# 1. the SQLite store (the load the SQLite comparison stands on: rows, then the store's indexes, then bench_stats')
STORE=${AUDIENCE_STORE:-}
if [ -z "$STORE" ]; then
  STORE=$TMP/store.db
  t0=$(now)
  "$BIN/audience_gen" sqlite "$STORE" "$N" | sed 's/^{/{"bench":"audience_load_sqlite",/'
  t1=$(now)
  echo "# SQLite store: $(du -h "$STORE" | cut -f1), loaded in $(secs "$t0" "$t1") s" >&2
fi

# 2. PostgreSQL 15: a throwaway cluster sized for the data (shared_buffers 4 GB, work_mem 256 MB; JIT off, so no
#    figure includes compiling), loaded with COPY from the same generator, indexed after the load
PGURL=$(bash scripts/pg-cluster.sh start "$PGDIR" "$PGPORT")
psql -qX -v ON_ERROR_STOP=1 "$PGURL" >/dev/null <<'SQL'
ALTER SYSTEM SET shared_buffers = '4GB';
ALTER SYSTEM SET effective_cache_size = '12GB';
ALTER SYSTEM SET work_mem = '256MB';
ALTER SYSTEM SET maintenance_work_mem = '2GB';
ALTER SYSTEM SET max_wal_size = '4GB';
ALTER SYSTEM SET jit = off;
SQL
as_pg /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDIR/data" -l "$PGDIR/server.log" -m fast -w -t 120 restart >/dev/null
psql -qX -v ON_ERROR_STOP=1 "$PGURL" -c "CREATE TABLE bench_customers(id bigint PRIMARY KEY, tags int[] NOT NULL,
  spend bigint NOT NULL, orders bigint NOT NULL, spend_90d bigint NOT NULL, orders_90d bigint NOT NULL,
  last_order_day int, points bigint NOT NULL)"
t0=$(now)
"$BIN/audience_gen" pg "$N" | psql -qX -v ON_ERROR_STOP=1 "$PGURL" -c "COPY bench_customers FROM STDIN"
t1=$(now)
psql -qX -v ON_ERROR_STOP=1 "$PGURL" >/dev/null <<'SQL'
SET max_parallel_maintenance_workers = 2;
CREATE INDEX bench_customers_tags ON bench_customers USING gin (tags);
CREATE INDEX bench_customers_spend ON bench_customers(spend);
CREATE INDEX bench_customers_orders ON bench_customers(orders);
CREATE INDEX bench_customers_spend_90d ON bench_customers(spend_90d);
CREATE INDEX bench_customers_last_order_day ON bench_customers(last_order_day);
CREATE INDEX bench_customers_points ON bench_customers(points);
VACUUM ANALYZE bench_customers;
SQL
t2=$(now)
size=$(psql -qXtA "$PGURL" -c "SELECT pg_size_pretty(pg_total_relation_size('bench_customers'))")
echo "{\"bench\":\"audience_load_pg\",\"customers\":$N,\"copy_seconds\":$(secs "$t0" "$t1"),\"index_and_analyze_seconds\":$(secs "$t1" "$t2"),\"seconds\":$(secs "$t0" "$t2"),\"size\":\"$size\"}"
echo "# PostgreSQL: bench_customers $size with indexes, COPY $(secs "$t0" "$t1") s, indexes and ANALYZE $(secs "$t1" "$t2") s" >&2

# 3. the bench: index build and memory, then the segments on the index, PostgreSQL and SQLite
"$BIN/audience_bench" "$STORE" "$PGURL"
