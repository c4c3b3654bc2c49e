#!/usr/bin/env bash
# Starts yutang with demo data on a free port and runs the browser tests against it: the console's and the
# member pages' (tests/e2e/), or only the test files given as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TMP=$(mktemp -d /tmp/yt-e2e-XXXXXX)
PORT=${YT_E2E_PORT:-18090}
export YUTANG_ADMIN_PASSWORD="e2e-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# the sandbox payment provider, so the mall's and the member pages' tests can have paid (and shipped) orders
export YUTANG_PAY_SANDBOX_SECRET="${YUTANG_PAY_SANDBOX_SECRET:-e2e-sbx-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
"$ROOT/build/yutang" serve --listen "127.0.0.1:$PORT" --db "$TMP/yutang.db" --demo >"$TMP/serve.out" 2>"$ROOT/tests/out/browser-server.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 $PID 2>/dev/null || { cat "$TMP/serve.out"; exit 1; }
  sleep 0.2
done
YT_BASE_URL="http://127.0.0.1:$PORT" YT_ADMIN_PASSWORD="$YUTANG_ADMIN_PASSWORD" YT_SCREENSHOT_DIR="$ROOT/tests/out" \
  YT_PAY_SANDBOX_SECRET="$YUTANG_PAY_SANDBOX_SECRET" node --test "${@:-tests/e2e/}"
