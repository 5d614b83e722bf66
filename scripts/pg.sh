#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server on 127.0.0.1 for the tests and benchmarks.
#
#   scripts/pg.sh start DIR PORT [--fresh] [--no-fsync]
#       initialise a cluster in DIR/data unless one is there (--fresh: stop and wipe any first),
#       start it listening on 127.0.0.1:PORT only, and print its URL on stdout
#   scripts/pg.sh stop DIR [--wipe]     fast shutdown (and remove DIR); nothing to do is fine
#   scripts/pg.sh url PORT              the URL a server on PORT answers to
#
# The server runs as the `postgres` OS user when called as root (PostgreSQL refuses root), so DIR
# must be reachable by that user: keep it under /tmp or /var/tmp. Durability is PostgreSQL's
# default (fsync=on, synchronous_commit=on) unless --no-fsync, which only tests should use.
# Authentication is trust, for loopback connections only. Log: DIR/server.log.
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
os_user=postgres

fail() { echo "pg.sh: $*" >&2; exit 1; }
usage() { fail "usage: pg.sh start DIR PORT [--fresh] [--no-fsync] | stop DIR [--wipe] | url PORT"; }

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$os_user" -- "$@"; else "$@"; fi
}

url() { echo "postgresql://postgres@127.0.0.1:$1/postgres"; }

running() { [ -f "$1/data/postmaster.pid" ] && as_server_user "$bin/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

stop() { # DIR
  if running "$1"; then as_server_user "$bin/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null; fi
}

start() { # DIR PORT FRESH FSYNC
  local dir=$1 port=$2 fresh=$3 fsync=$4
  [ -x "$bin/pg_ctl" ] || fail "PostgreSQL 15 server binaries not found in $bin (apt-get install postgresql)"
  case "$dir" in /tmp/* | /var/tmp/*) ;; *) fail "DIR must be under /tmp or /var/tmp, not $dir" ;; esac
  if [ "$fresh" = yes ]; then stop "$dir"; rm -rf "$dir"; fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown "$os_user:" "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
    # Loopback only, whatever initdb wrote.
    printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' |
      as_server_user tee "$dir/data/pg_hba.conf" >/dev/null
  fi
  if running "$dir"; then
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || fail "a server runs in $dir but not on port $port"
    url "$port"
    return
  fi
  # -c settings override postgresql.conf; the socket lives in DIR so nothing outside it is touched.
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
     -c fsync=$fsync -c synchronous_commit=on -c max_connections=200" >/dev/null ||
    { tail -n 20 "$dir/server.log" >&2; fail "the server did not start (port $port in use?)"; }
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30 || fail "the server does not answer on 127.0.0.1:$port"
  url "$port"
}

cmd=${1:-}
case "$cmd" in
  start)
    [ $# -ge 3 ] || usage
    dir=$2 port=$3 fresh=no fsync=on
    [[ "$port" =~ ^[0-9]+$ ]] || usage
    shift 3
    for flag in "$@"; do
      case "$flag" in --fresh) fresh=yes ;; --no-fsync) fsync=off ;; *) usage ;; esac
    done
    start "$dir" "$port" "$fresh" "$fsync"
    ;;
  stop)
    [ $# -ge 2 ] || usage
    stop "$2"
    if [ "${3:-}" = --wipe ]; then rm -rf "$2"; fi
    ;;
  url)
    [ $# -eq 2 ] || usage
    url "$2"
    ;;
  *) usage ;;
esac
