#!/usr/bin/env bash
# A throwaway Redis server on 127.0.0.1 for the bus tests and benchmarks.
#
#   scripts/redis.sh start DIR PORT [--fresh]
#       start redis-server listening on 127.0.0.1:PORT only, its data (an append-only file,
#       fsynced before each reply: an acknowledged write survives a crash) in DIR (--fresh: stop
#       any server of DIR and wipe DIR first); print its URL prefix on stdout
#   scripts/redis.sh stop DIR [--wipe]   stop it (SIGTERM; it finishes its writes first) and
#                                        wait for it to exit (and remove DIR); nothing to do is fine
#
# Log: DIR/redis.log. The server is found again by DIR/redis.pid.
set -euo pipefail

fail() { echo "redis.sh: $*" >&2; exit 1; }
usage() { fail "usage: redis.sh start DIR PORT [--fresh] | stop DIR [--wipe]"; }

pid_of() { [ -f "$1/redis.pid" ] && cat "$1/redis.pid"; }

running() { local pid; pid=$(pid_of "$1") && kill -0 "$pid" 2>/dev/null; }

stop() { # DIR
  local pid
  running "$1" || return 0
  pid=$(pid_of "$1")
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  fail "redis-server (pid $pid) did not stop within 30 s"
}

start() { # DIR PORT FRESH
  local dir=$1 port=$2 fresh=$3
  command -v redis-server >/dev/null || fail "redis-server not found (apt-get install redis-server)"
  if [ "$fresh" = yes ]; then stop "$dir"; rm -rf "$dir"; fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if ! running "$dir"; then
    redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --daemonize yes \
      --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" --save '' \
      --appendonly yes --appendfsync always ||
      fail "redis-server did not start (see $dir/redis.log)"
  fi
  for _ in $(seq 1 100); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      echo "redis://127.0.0.1:$port"
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2 || true
  fail "redis-server does not answer on 127.0.0.1:$port (port in use?)"
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
