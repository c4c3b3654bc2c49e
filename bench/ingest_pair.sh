#!/usr/bin/env bash
# Event ingest of one binary on a fresh SQLite database (first sight, then known customers), for side-by-side
# runs of two builds. usage: bench/ingest_pair.sh BIN PORT
set -e
BIN=$1; PORT=$2; TMP=$(mktemp -d /tmp/yt-ing-XXXX)
export YUTANG_ADMIN_PASSWORD=bench-password-1 YUTANG_DB=$TMP/b.db
$BIN serve --listen 127.0.0.1:$PORT --rate-limit-per-ip 0 --rate-limit-per-token 0 >/dev/null 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$(curl -fs -XPOST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"bench-password-1\"}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
echo "first: $(node "$(dirname "$0")/ingest.mjs" http://127.0.0.1:$PORT $TOKEN 30 2 300000)"
echo "known: $(node "$(dirname "$0")/ingest.mjs" http://127.0.0.1:$PORT $TOKEN 30 2 300000)"
kill $PID; wait $PID 2>/dev/null || true; rm -rf $TMP
