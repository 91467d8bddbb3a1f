#!/usr/bin/env bash
# Runs a command beside the servers the tests use, each started here on 127.0.0.1 only and
# stopped when the command ends (or on Ctrl+C):
#   PostgreSQL 15 (a throw-away cluster, fsync off: tests only)  -> HERALD_TEST_POSTGRES
# Usage: bash scripts/services.sh COMMAND [ARGS...]
# Everything lives under one temporary directory (SERVICES_DIR, default a fresh mktemp -d).
set -euo pipefail
PG_PORT=${PG_PORT:-55432}
DIR=${SERVICES_DIR:-$(mktemp -d /tmp/herald-services-XXXXXX)}
PG_BIN=/usr/lib/postgresql/15/bin
mkdir -p "$DIR"

# initdb refuses to run as root: the cluster belongs to an unprivileged user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    local owner=postgres
    id -u "$owner" >/dev/null 2>&1 || owner=nobody
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

PG_DIR=$DIR/postgres
stop_all() {
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -z "${SERVICES_DIR:-}" ] && rm -rf "$DIR"
  return 0
}
trap stop_all EXIT INT TERM

if ss -ltn "sport = :$PG_PORT" | grep -q LISTEN; then
  echo "services: port $PG_PORT is taken; set PG_PORT to a free one" >&2
  exit 1
fi
mkdir -p "$PG_DIR"
if [ "$(id -u)" = 0 ]; then chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$PG_DIR"; chmod 755 "$DIR"; fi
as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U herald -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 || {
  cat "$PG_DIR/initdb.log" >&2
  echo "services: initdb failed (see above)" >&2
  exit 1
}
as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { cat "$PG_DIR/log" >&2; exit 1; }
export HERALD_TEST_POSTGRES="postgresql://herald@127.0.0.1:$PG_PORT/postgres"
echo "services: PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)" >&2

"$@"
