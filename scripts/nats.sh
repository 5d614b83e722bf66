#!/usr/bin/env bash
# A throwaway NATS server with JetStream on 127.0.0.1 for the bus tests and benchmarks.
#
#   scripts/nats.sh start DIR PORT [--fresh]
#       start nats-server -js listening on 127.0.0.1:PORT only, its JetStream store in DIR/js
#       (--fresh: stop any server of DIR and wipe DIR first); print its URL prefix on stdout
#   scripts/nats.sh stop DIR [--wipe]    stop it (SIGTERM) and wait for it to exit (and remove
#                                        DIR); nothing to do is fine
#
# Log: DIR/nats.log. The server is found again by DIR/nats.pid.
set -euo pipefail

fail() { echo "nats.sh: $*" >&2; exit 1; }
usage() { fail "usage: nats.sh start DIR PORT [--fresh] | stop DIR [--wipe]"; }

pid_of() { [ -f "$1/nats.pid" ] && cat "$1/nats.pid"; }

running() { local pid; pid=$(pid_of "$1") && kill -0 "$pid" 2>/dev/null; }

stop() { # DIR
  local pid
  running "$1" || return 0
  pid=$(pid_of "$1")
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  fail "nats-server (pid $pid) did not stop within 30 s"
}

start() { # DIR PORT FRESH
  local dir=$1 port=$2 fresh=$3
  command -v nats-server >/dev/null || fail "nats-server not found (apt-get install nats-server)"
  if [ "$fresh" = yes ]; then stop "$dir"; rm -rf "$dir"; fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if ! running "$dir"; then
    nats-server -js -a 127.0.0.1 -p "$port" -sd "$dir/js" -P "$dir/nats.pid" -l "$dir/nats.log" \
      </dev/null >/dev/null 2>&1 &
    disown
  fi
  for _ in $(seq 1 100); do
    if grep -q "Server is ready" "$dir/nats.log" 2>/dev/null && running "$dir" &&
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "nats://127.0.0.1:$port"
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/nats.log" >&2 || true
  fail "nats-server does not answer on 127.0.0.1:$port (port in use?)"
}

cmd=${1:-}
case "$cmd" in
  start)
    [ $# -ge 3 ] || usage
    dir=$2 port=$3 fresh=no
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    shift 3
    for flag in "$@"; do
      case "$flag" in --fresh) fresh=yes ;; *) usage ;; esac
    done
    start "$dir" "$port" "$fresh"
    ;;
  stop)
    [ $# -ge 2 ] || usage
    stop "$2"
    if [ "${3:-}" = --wipe ]; then rm -rf "$2"; fi
    ;;
  *) usage ;;
esac
