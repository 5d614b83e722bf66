#!/usr/bin/env bash
# A bounded load test of `es serve` on loopback (docs/benchmarks.md, HTTP section): single-event
# appends over keep-alive, then stream reads, with wrk; prints requests/s and the latency
# percentiles (wrk --latency) of each phase, and the server's CPU time and context switches per
# request (from /proc; steadier than requests/s on a machine whose cores wrk shares).
#
#   scripts/http-load.sh build/release-serve/tools/es/es [SECONDS] [CONNECTIONS] [THREADS]
#
# The store is a fresh SQLite file in a temporary directory (synchronous=FULL: every
# acknowledged append is durable; concurrent appends share fsyncs through group commit). The
# server and wrk run on 127.0.0.1 only; the server is stopped by its pid at the end.
set -euo pipefail

ES=$(realpath "${1:?usage: http-load.sh PATH/TO/es [SECONDS] [CONNECTIONS] [WRK_THREADS]}")
SECONDS_PER_PHASE=${2:-10}
CONNECTIONS=${3:-64}
WRK_THREADS=${4:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "http-load: wrk not found (scripts/install-deps.sh)" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Workers serve the reads phase (appends are served by the event loop and hold none): one per
# connection, plus a few, so that every read of the phase can run at once.
"$ES" --db "$WORK/events.db" serve --port 0 --threads $((CONNECTIONS + 8)) >"$WORK/ready" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 100); do
  [[ -s $WORK/ready ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; exit 1; }
  sleep 0.1
done
PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$WORK/ready")
URL=http://127.0.0.1:$PORT

# The server's CPU ticks (user + system) and context switches, summed over its threads.
server_cost() {
  local ticks switches=0 t
  ticks=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  for t in /proc/"$SERVER_PID"/task/*/status; do
    switches=$((switches + $(awk '/ctxt_switches/ {n += $2} END {print n}' "$t" 2>/dev/null || echo 0)))
  done
  echo "$ticks $switches"
}

# phase TITLE LUA: one wrk run, then the server's cost per request during it.
phase() {
  echo "== $1, ${CONNECTIONS} connections, ${SECONDS_PER_PHASE}s"
  local before after requests
  before=$(server_cost)
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_PHASE}s" --latency -s "$HERE/http-load/$2" "$URL" |
    tee "$WORK/wrk.out"
  after=$(server_cost)
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
  awk -v b="$before" -v a="$after" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(b, x, " "); split(a, y, " ");
    printf "server per request: %.1f us CPU, %.2f context switches\n",
           (y[1] - x[1]) * 1e6 / hz / n, (y[2] - x[2]) / n }'
}

phase "appends: POST /api/streams/load-N, one event each" append.lua
phase "reads: GET /api/streams/load-N?limit=20" read.lua
echo "== store after the run"
curl -s "$URL/api/stats"; echo
