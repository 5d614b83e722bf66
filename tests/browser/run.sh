#!/usr/bin/env bash
# The explorer's browser test as CTest runs it: run.sh ES_BINARY WORK_DIR [SCREENSHOT_DIR].
# Installs playwright-core (package-lock.json) into WORK_DIR/node_modules when that copy is absent
# or stale, then runs explorer_test.mjs there. A missing node, npm or Chromium fails the test:
# scripts/install-deps.sh installs them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
es=${1:?usage: run.sh ES_BINARY WORK_DIR [SCREENSHOT_DIR]}
work=${2:?usage: run.sh ES_BINARY WORK_DIR [SCREENSHOT_DIR]}
shots=${3:-$work/screenshots}
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x /usr/bin/chromium ] || { echo "run.sh: /usr/bin/chromium is missing (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/explorer_test.mjs" "$work/"
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.installed-lock.json"; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$work/node_modules/.installed-lock.json"
fi
exec node "$work/explorer_test.mjs" --es "$es" --screenshots "$shots"
