#!/usr/bin/env bash
# The floor under the flash-sale latency target on this machine: the same load (wrk, 2 threads, 256 keep-alive
# connections, sharing the cores with the server) against answers that do no work: yutang's GET /healthz, and
# nginx returning a constant body (nginx with as many workers as cores, then with one). Installs wrk and nginx
# from Debian when missing.
# usage: bash bench/http-floor.sh   env: FLOOR_BUILD_DIR (default build), FLOOR_SECONDS (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${FLOOR_BUILD_DIR:-build}
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
SECS=${FLOOR_SECONDS:-10}
. bench/lib.sh
need_packages wrk:wrk /usr/sbin/nginx:nginx-light
TMP=$(mktemp -d /tmp/yt-floor-XXXXXX)
cleanup() {
  [ -n "${YPID:-}" ] && kill "$YPID" 2>/dev/null || true
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
echo "# machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# wrk's summary as one JSON line
measure() { # name url
  local a0 s0 a1 s1
  read -r a0 s0 < <(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat)
  wrk -t2 -c256 -d"${SECS}s" --latency "$2" >"$TMP/wrk.txt"
  read -r a1 s1 < <(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat)
  awk -v name="$1" -v steal="$(awk -v a=$((a1 - a0)) -v s=$((s1 - s0)) 'BEGIN { printf "%.1f", a ? 100 * s / a : 0 }')" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    END { printf "{\"bench\":\"http_floor\",\"server\":\"%s\",\"requests_per_second\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"steal_percent\":%s}\n", name, rps, p50, p99, steal }' "$TMP/wrk.txt"
}

PORT=$(free_port 18500)
YUTANG_ADMIN_PASSWORD=bench-password-1 YUTANG_DB=$TMP/floor.db "$BIN/yutang" serve --listen 127.0.0.1:$PORT \
  --threads "$(nproc)" --rate-limit-per-ip 0 --rate-limit-per-token 0 >"$TMP/serve.log" 2>&1 &
YPID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
measure "yutang GET /healthz ($(nproc) loops)" "http://127.0.0.1:$PORT/healthz"
kill "$YPID"; wait "$YPID" 2>/dev/null || true; YPID=

for workers in "$(nproc)" 1; do
  NPORT=$(free_port 18600)
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx.conf" <<EOF
worker_processes $workers;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx; proxy_temp_path $TMP/nginx; fastcgi_temp_path $TMP/nginx;
  uwsgi_temp_path $TMP/nginx; scgi_temp_path $TMP/nginx;
  server { listen 127.0.0.1:$NPORT; location / { default_type application/json; return 200 '{"status":"ok"}'; } }
}
EOF
  /usr/sbin/nginx -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log"
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NPORT/" >/dev/null 2>&1 && break; sleep 0.1; done
  measure "nginx constant answer ($workers workers)" "http://127.0.0.1:$NPORT/"
  kill "$(cat "$TMP/nginx.pid")"
  for _ in $(seq 1 50); do [ -f "$TMP/nginx.pid" ] || break; sleep 0.1; done
done
