#!/usr/bin/env bash
# A tag written through instance A, counted in a saved segment by A and by instance B on one PostgreSQL
# store. usage: bash bench/freshness.sh [ROUNDS]  (after make build; starts and stops its own cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=$ROOT/build/yutang
TMP=$(mktemp -d /tmp/yt-fresh-XXXXXX)
PGDIR=$(mktemp -d /tmp/yt-fresh-pg-XXXXXX) # its own folder: the cluster runs as postgres
PGPORT=${YT_BENCH_PGPORT:-55491}
export YUTANG_ADMIN_PASSWORD=bench-password-1
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/pg-cluster.sh stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
PGURL=$(bash scripts/pg-cluster.sh start "$PGDIR" "$PGPORT")
psql "$PGURL" -q -c "CREATE DATABASE fresh" >/dev/null
DB=${PGURL%/*}/fresh
"$BIN" migrate --db "$DB" >/dev/null
for port in 18311 18312; do
  "$BIN" serve --db "$DB" --listen "127.0.0.1:$port" --rate-limit-per-ip 0 --rate-limit-per-token 0 >"$TMP/serve-$port.out" 2>/dev/null &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
node bench/freshness.mjs http://127.0.0.1:18311 http://127.0.0.1:18312 "$YUTANG_ADMIN_PASSWORD" "${1:-200}"
