#!/usr/bin/env bash
# `make run`: serves yutang on 127.0.0.1:8080 (or YUTANG_LISTEN) with ./var/yutang.db (or YUTANG_DB), seeding demo data the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
export YUTANG_LISTEN=${YUTANG_LISTEN:-127.0.0.1:8080}
export YUTANG_DB=${YUTANG_DB:-./var/yutang.db}
mkdir -p var
echo "Console: http://$YUTANG_LISTEN/   API: http://$YUTANG_LISTEN/api/v1"
if [ -n "${YUTANG_ADMIN_PASSWORD:-}" ]; then
  echo "Log in as 'admin' with the password in YUTANG_ADMIN_PASSWORD; demo staff (e.g. guide.li) use demo-12345."
else
  echo "Log in as 'admin': on the first start the generated password is printed below (set YUTANG_ADMIN_PASSWORD to choose it)."
fi
exec ./build/yutang serve --demo
