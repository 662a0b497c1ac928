#!/usr/bin/env bash
# Installs what a fresh Debian machine needs to build and test Tranche. Idempotent:
# quiet and quick when everything is already there. With --tests, also what only the
# tests need: chromium (the stress report is rendered in a headless browser).
set -euo pipefail

packages=(libzmq3-dev libprotobuf-c-dev protobuf-c-compiler pkg-config libsqlite3-dev python3)
[ "${1:-}" = "--tests" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6.1 or later is required)" >&2; exit 1; }
