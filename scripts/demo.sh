#!/usr/bin/env bash
# The main job on the embedded default (SQLite): builds `es` and runs a short scripted session in
# ./demo/events.db — appends with expected versions, a rejected stale append, reads of a stream
# and of the global feed, an export and the store's stats.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target es_cli
es=build/release/tools/es/es
mkdir -p demo
db=demo/events.db
rm -f "$db" "$db-wal" "$db-shm"
run() { echo "\$ es --db $db $*"; "$es" --db "$db" "$@"; }

run append account-42 bank.AccountOpened '{"owner":"ada","overdraft_cents":0}' --expected no-stream
run append account-42 bank.MoneyDeposited '{"cents":5000}' --expected 1
run append account-42 bank.MoneyWithdrawn '{"cents":1200}' --expected 2 \
  --metadata '{"actor":"ada","correlation_id":"c-1"}'
run append account-7 bank.AccountOpened '{"owner":"bob","overdraft_cents":1000}'
echo "# a stale expected version is refused with exit code 3 and nothing is written:"
run append account-42 bank.MoneyWithdrawn '{"cents":99}' --expected 1 || echo "(exit code $?)"
run read account-42
run read-all --category account --limit 10
run streams
run stats
