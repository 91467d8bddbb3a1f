#!/usr/bin/env bash
# Instructions per cache miss, counted by callgrind: steadier than a timed run on a shared
# 2-core machine, for comparing two builds (A/B) of the story page's miss path.
#   bash bench/miss_instructions.sh [BIN ...]     (default: build/herald)
# One I/O thread, page cache off; N stories (1000) requested once to warm SQLite and the
# templates, the counters zeroed, the same N requested again on one keep-alive connection.
# Prints user-space instructions of the whole process per request. Needs valgrind and the
# bench's data (bench/run.sh makes it). Environment: N, STORIES (100000), PORT (18097), WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
STORIES=${STORIES:-100000}
PORT=${PORT:-18097}
WORK=${WORK:-/tmp/herald-bench}
DATA=$WORK/data-$STORIES
[ $# -eq 0 ] && set -- build/herald
command -v valgrind > /dev/null || { echo "miss_instructions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -f "$DATA/herald.db" ] || { echo "miss_instructions: no data in $DATA; run bench/run.sh once, or: $1 demo --data $DATA --articles $STORIES --images 8" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The first pass reads N canonical story paths from the site's own sitemaps (as bench/run.sh
# does) into $OUT/paths; both passes then request those stories.
client() {
  python3 - "$PORT" "$N" "$OUT/paths" <<'PY'
import http.client, os, re, sys
port, n, keep = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection('127.0.0.1', port)
if os.path.exists(keep):
    paths = open(keep).read().split()
else:
    paths, page = [], 1
    while len(paths) < n:
        c.request('GET', f'/sitemaps/articles-{page}.xml'); r = c.getresponse()
        found = re.findall(r'<loc>https?://[^/]+(/[^<]+)</loc>', r.read().decode())
        if r.status != 200 or not found: break
        paths += found; page += 1
    paths = paths[:n]
    open(keep, 'w').write('\n'.join(paths))
bad = 0
for p in paths:
    c.request('GET', p); r = c.getresponse(); r.read(); bad += r.status != 200
if bad or len(paths) < n: sys.exit(f'miss_instructions: {bad} of {len(paths)} stories failed')
PY
}
for BIN in "$@"; do
  valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.%p" "$BIN" serve --listen 127.0.0.1:$PORT \
    --data "$DATA" --threads 1 --cache-mb 0 > "$OUT/server.log" 2>&1 &
  PID=$!
  until curl -sf -o /dev/null http://127.0.0.1:$PORT/en/; do
    kill -0 $PID 2> /dev/null || { cat "$OUT/server.log" >&2; exit 1; }
    sleep 0.2
  done
  client
  callgrind_control -z $PID > /dev/null 2>&1
  client
  callgrind_control -d $PID > /dev/null 2>&1
  kill $PID; wait $PID 2> /dev/null || true
  total=$(callgrind_annotate "$OUT"/cg.$PID.1 2> /dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "$BIN: $(( total / N )) instructions per miss ($N stories)"
  rm -f "$OUT"/cg.* "$OUT/paths"
done
