#!/usr/bin/env bash
# Runs a command beside the servers the tests use, each started here on 127.0.0.1 only and
# stopped when the command ends (or on Ctrl+C):
#   PostgreSQL 15 (a throw-away cluster, fsync off: tests only)  -> HERALD_TEST_POSTGRES
#   nats-server with JetStream                                    -> HERALD_TEST_NATS
#   (HERALD_TEST_NATS_DIR: its store, for tests that restart it on the same port)
# Usage: bash scripts/services.sh COMMAND [ARGS...]
# Everything lives under one temporary directory (SERVICES_DIR, default a fresh mktemp -d).
set -euo pipefail
PG_PORT=${PG_PORT:-55432}
NATS_PORT=${NATS_PORT:-54222}
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
NATS_PID=
stop_all() {
  [ -n "$NATS_PID" ] && kill "$NATS_PID" 2>/dev/null || true
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -z "${SERVICES_DIR:-}" ] && rm -rf "$DIR"
  return 0
}
trap stop_all EXIT INT TERM

for port in "$PG_PORT" "$NATS_PORT"; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then
    echo "services: port $port is taken; set PG_PORT / NATS_PORT to free ones" >&2
    exit 1
  fi
done

mkdir -p "$PG_DIR"
if [ "$(id -u)" = 0 ]; then
  chown "$(id -u postgres 2>/dev/null || id -u nobody)" "$PG_DIR"
  chmod 755 "$DIR"
fi
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

mkdir -p "$DIR/nats"
nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$DIR/nats" >"$DIR/nats/log" 2>&1 &
NATS_PID=$!
for _ in $(seq 1 100); do
  grep -q "Server is ready" "$DIR/nats/log" && break
  kill -0 "$NATS_PID" 2>/dev/null || { cat "$DIR/nats/log" >&2; exit 1; }
  sleep 0.1
done
export HERALD_TEST_NATS="nats://127.0.0.1:$NATS_PORT"
export HERALD_TEST_NATS_DIR="$DIR/nats"
echo "services: NATS JetStream on 127.0.0.1:$NATS_PORT" >&2

"$@"
