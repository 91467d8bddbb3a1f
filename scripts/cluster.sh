#!/usr/bin/env bash
# A Herald cluster on this machine, all on 127.0.0.1: PostgreSQL, NATS JetStream, three Herald
# nodes and haproxy in front of them, with the demo newsroom. Prints the address and the first
# administrator's login link; Ctrl+C stops everything. Every data folder lives under one
# temporary directory, removed at the end.
#   bash scripts/cluster.sh          (or: make cluster)
# Environment: LISTEN (127.0.0.1:8080, haproxy), NODES (3), NODE_PORT (18301: the first node),
#   PG_PORT (55432), NATS_PORT (54222), STORIES (300), BIN (build/herald)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--inside" ]; then
  export CLUSTER_DIR=${CLUSTER_DIR:-$(mktemp -d /tmp/herald-cluster-XXXXXX)}
  chmod 755 "$CLUSTER_DIR"  # PostgreSQL runs as an unprivileged user inside it
  export SERVICES_DIR=$CLUSTER_DIR/services
  exec bash scripts/services.sh bash "$0" --inside
fi

BIN=${BIN:-build/herald}
LISTEN=${LISTEN:-127.0.0.1:8080}
NODES=${NODES:-3}
NODE_PORT=${NODE_PORT:-18301}
STORIES=${STORIES:-300}
DIR=$CLUSTER_DIR
BASE=http://$LISTEN
DB_URL=${HERALD_TEST_POSTGRES%/*}/herald
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR/node"* "$DIR/media" "$DIR/haproxy.cfg"
}
trap cleanup EXIT INT TERM

psql -q "$HERALD_TEST_POSTGRES" -c "CREATE DATABASE herald" >/dev/null
export HERALD_DATABASE=$DB_URL HERALD_MEDIA_DIR=$DIR/media
echo "cluster: the demo newsroom ($STORIES stories) into $DB_URL" >&2
"$BIN" demo --data "$DIR/node1" --articles "$STORIES" --images 8 >&2
link=$("$BIN" user create --data "$DIR/node1" --base-url "$BASE" --email admin@example.org \
  --role admin --name Administrator 2>&1 | grep -o 'http://[^ ]*/account/link/login/[^ ]*' || true)

servers=""
for i in $(seq 1 "$NODES"); do
  port=$((NODE_PORT + i - 1))
  "$BIN" serve --listen "127.0.0.1:$port" --data "$DIR/node$i" --bus "$HERALD_TEST_NATS" \
    --base-url "$BASE" --trusted-proxies 127.0.0.1 --demo off --connections-per-ip 0 \
    >"$DIR/node$i.log" 2>&1 &
  PIDS+=($!)
  servers+="  server node$i 127.0.0.1:$port check inter 1s fall 2 rise 1"$'\n'
done

cat >"$DIR/haproxy.cfg" <<CFG
global
  maxconn 9000   # two descriptors a connection; this machine allows 20,000 per process
defaults
  mode http
  option forwardfor
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  retries 2
  option redispatch
frontend web
  bind $LISTEN
  default_backend herald
backend herald
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
$servers
CFG
for i in $(seq 1 "$NODES"); do
  port=$((NODE_PORT + i - 1))
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || { tail -20 "$DIR/node$i.log" >&2; exit 1; }
done
haproxy -f "$DIR/haproxy.cfg" -db >"$DIR/haproxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf -o /dev/null "$BASE/readyz" && break; sleep 0.1; done

cat <<MSG
Herald cluster: $NODES nodes behind haproxy at $BASE
  PostgreSQL $DB_URL, NATS $HERALD_TEST_NATS, logs in $DIR
  First administrator: open this link once, then set a password:
  ${link:-"(no link: see $DIR/node1.log)"}
Press Ctrl+C to stop everything.
MSG
wait -n "${PIDS[@]}" || true
echo "cluster: a process ended; stopping" >&2
