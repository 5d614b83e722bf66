#!/usr/bin/env bash
# The main job on the embedded default (SQLite): builds `es` and runs the bank example on
# ./demo/events.db (`es demo`), then looks at the result with the CLI: one account's events, the
# global feed of the account category, and the store's stats.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target es_cli
es=build/release/tools/es/es
mkdir -p demo
db=demo/events.db
rm -f "$db" "$db-wal" "$db-shm"
run() { echo "\$ es --db $db $*"; "$es" --db "$db" "$@"; echo; }

run demo
account=$("$es" --db "$db" streams --prefix account-alice | head -n 1 | python3 -c \
  'import json,sys; print(json.loads(sys.stdin.readline())["stream"])')
run read "$account" --limit 3
run read-all --category account --limit 3
echo "# a stale expected version is refused with exit code 3 and nothing is written:"
run append "$account" bank.MoneyWithdrawn '{"cents":99}' --expected 1 || echo "(exit code $?)"
run stats
