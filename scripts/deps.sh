#!/usr/bin/env bash
# Installs what yutang needs from Debian's packages, skipping what is already there.
set -euo pipefail

PKGS=(build-essential cmake ninja-build pkg-config fonts-noto-cjk
      libhttp-parser-dev libcjson-dev libsqlite3-dev libpq-dev libsodium-dev libssl-dev
      libcmocka-dev libroaring-dev liburing-dev libcurl4-openssl-dev sqlite3 postgresql-15 postgresql-contrib chromium curl ca-certificates openssl
      clang libclang-rt-14-dev)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
