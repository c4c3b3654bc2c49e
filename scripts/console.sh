#!/usr/bin/env bash
# Builds the web console and the member pages (web/console -> web/console/dist) with npm and Vite, only when
# their sources changed.
set -euo pipefail
cd "$(dirname "$0")/../web/console"
[ -f package.json ] || { echo "console: no package.json, skipped"; exit 0; }
stamp=node_modules/.yt-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
newest_src=$(find src index.html member.html vite.config.* package-lock.json -type f -newer dist/index.html 2>/dev/null | head -1 || true)
if [ ! -f dist/index.html ] || [ ! -f dist/member.html ] || [ -n "$newest_src" ]; then
  npm run build --silent
fi
