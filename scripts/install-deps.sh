#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need (Debian bookworm, run as root).
# Does nothing when they are all present already.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config git python3 sqlite3
  libsqlite3-dev libsodium-dev nlohmann-json3-dev libfmt-dev libcli11-dev librapidcheck-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-format clang-tidy clang-14 libpq-dev postgresql
  libhiredis-dev libnats-dev redis-server nats-server libcpp-httplib-dev chromium wrk nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
