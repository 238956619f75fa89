#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL 15 for tests: own data dir, port and socket dir.
#   eval "$(.ci/postgres.sh start)"   -> sets OKIENKO_TEST_PG in the calling shell
#   .ci/postgres.sh stop
# initdb refuses to run as root, so the server runs as the `postgres` system user.
set -euo pipefail

PG_PORT="${OKIENKO_PG_PORT:-54329}"
# The cluster lives in memory (/dev/shm) when there is room: it is thrown away anyway, and the tests
# clone a database from a template for each test. On this project's machines /tmp is ext4, where a
# file open costs about 70 µs, and a clone opens its template's files about 2,000 times: 200 ms of
# kernel time per database (strace -c), against 15 ms on tmpfs; about 100 s of CPU per suite run.
default_root() {
  local root free_kb
  for root in "/dev/shm/okienko-pg-$PG_PORT" "/tmp/okienko-pg-$PG_PORT"; do
    if [ -f "$root/data/postmaster.pid" ]; then echo "$root"; return; fi  # a cluster already running
  done
  free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')
  if [ -w /dev/shm ] && [ "${free_kb:-0}" -ge $((4 * 1024 * 1024)) ]; then
    echo "/dev/shm/okienko-pg-$PG_PORT"
  else
    echo "/tmp/okienko-pg-$PG_PORT"
  fi
}
PG_ROOT="${OKIENKO_PG_ROOT:-$(default_root)}"
PG_BIN="${OKIENKO_PG_BIN:-/usr/lib/postgresql/15/bin}"

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL 15 binaries missing in $PG_BIN; installing postgresql-15" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$PG_ROOT" postgres
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" status >/dev/null 2>&1; then
    echo "PostgreSQL already running on port $PG_PORT" >&2
  else
    rm -rf "$PG_ROOT"
    mkdir -p "$PG_ROOT/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres "$PG_ROOT"
    as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_ROOT/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  fi
  echo "PostgreSQL 15 ready on 127.0.0.1:$PG_PORT" >&2
  echo "export OKIENKO_TEST_PG=postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
}

pg_stop() {
  local root roots=("$PG_ROOT")
  # Unless told where, both places this script may have used for the port (the free space under /dev/shm
  # may have changed since the start).
  [ -z "${OKIENKO_PG_ROOT:-}" ] && roots=("/dev/shm/okienko-pg-$PG_PORT" "/tmp/okienko-pg-$PG_PORT")
  for root in "${roots[@]}"; do
    if [ -d "$root/data" ]; then as_pg "$PG_BIN/pg_ctl" -D "$root/data" -m fast stop >/dev/null 2>&1 || true; fi
    rm -rf "$root"
  done
}

case "${1:-}" in
  start) pg_start ;;
  stop) pg_stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
