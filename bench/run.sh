#!/usr/bin/env bash
# Reader-site benchmark: wrk against Herald with 100,000 demo stories, and nginx serving each
# cached page's byte-identical copy as a static file in the same run, right before it. Prints a Markdown table for
# docs/benchmarks.md. Loopback only; every wrk run is bounded in time.
#   bash bench/run.sh            (or: make bench)
# Environment: STORIES (100000), DURATION (10s), CONNECTIONS (64), PORT (18080), NGINX_PORT (18081),
# WORKERS (1): nginx's worker processes and Herald's I/O threads (--threads), the same for both,
# so that each gets the same share of the machine beside wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/herald}
STORIES=${STORIES:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
MISS_DURATION=${MISS_DURATION:-5s}  # shorter than one pass over all stories
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
FLOOR_PORT=${FLOOR_PORT:-18082}
FLOOR_BIN=${FLOOR_BIN:-$(dirname "$BIN")/herald_miss_floor}
WORKERS=${WORKERS:-1}
WORK=${WORK:-/tmp/herald-bench}
DATA=$WORK/data-$STORIES
BASE=http://127.0.0.1:$PORT
mkdir -p "$WORK"

for p in $PORT $NGINX_PORT $FLOOR_PORT; do
  if ss -ltn "sport = :$p" | grep -q LISTEN; then
    echo "bench: port $p is in use; stop whatever holds it (SO_REUSEPORT would share the load)" >&2
    exit 1
  fi
done

if [ ! -f "$DATA/herald.db" ]; then
  echo "bench: generating $STORIES stories into $DATA" >&2
  "$BIN" demo --data "$DATA" --articles "$STORIES" --images 8 >&2
fi

SERVER_PID=
NGINX_PID=
FLOOR_PIDS=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$FLOOR_PIDS" ] && kill $FLOOR_PIDS 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

start_server() {
  local t0 t1
  t0=$(date +%s.%N)
  "$BIN" serve --listen 127.0.0.1:$PORT --data "$DATA" --threads "$WORKERS" "$@" > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf -o /dev/null "$BASE/en/"; do sleep 0.01; done
  t1=$(date +%s.%N)
  START_MS=$(echo "$t0 $t1" | awk '{printf "%.0f", ($2-$1)*1000}')
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

rss_kb() { awk '/VmRSS/ {print $2}' /proc/"$1"/status; }

# wrk run -> "req/s|p50|p99"
measure() {
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}" --latency "$@" 2>&1)
  echo "$out" >> "$WORK/wrk.log"
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "$rps|$p50|$p99"
}

start_server
first_ms=$START_MS
ARTICLE=$(curl -s "$BASE/api/v1/articles?edition=en&section=world&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"][0]["url"].split("127.0.0.1:'$PORT'",1)[1])')
SECTION=/en/world/
curl -s -o "$WORK/article.html" "$BASE$ARTICLE"

# nginx serving each cached page's own bytes as a static file (and, for gzip, the same gzip
# bytes Herald sends, through gzip_static).
mkdir -p "$WORK/nginx/html"
curl -s -o "$WORK/nginx/html/article.html" "$BASE$ARTICLE"
curl -s -o "$WORK/nginx/html/section.html" "$BASE$SECTION"
curl -s -o "$WORK/nginx/html/home.html" "$BASE/en/"
curl -s -o "$WORK/nginx/html/rss.xml" "$BASE/en/rss.xml"
curl -s -H "Accept-Encoding: gzip" -o "$WORK/nginx/html/article.html.gz" "$BASE$ARTICLE"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes $WORKERS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  default_type text/html;
  types { text/html html; application/rss+xml xml; }
  gzip_static on;
  server {
    # reuseport: the kernel spreads the connections over the workers as it does over Herald's
    # I/O threads (without it one nginx worker may accept all 64 and the others stay idle).
    listen 127.0.0.1:$NGINX_PORT reuseport;
    root $WORK/nginx/html;
  }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/article.html"; do sleep 0.05; done
for pair in "article.html $ARTICLE" "section.html $SECTION" "home.html /en/" "rss.xml /en/rss.xml"; do
  set -- $pair
  cmp -s <(curl -s "http://127.0.0.1:$NGINX_PORT/$1") <(curl -s "$BASE$2") || { echo "bench: $1 differs" >&2; exit 1; }
done
NGINX=http://127.0.0.1:$NGINX_PORT

# Cache misses: every request a different story (canonical addresses from the sitemap).
for n in $(seq 1 $(( (STORIES + 9999) / 10000 ))); do curl -s "$BASE/sitemaps/articles-$n.xml"; done \
  | grep -o "<loc>[^<]*</loc>" | sed "s|<loc>http://127.0.0.1:$PORT||; s|</loc>||" > "$WORK/paths.txt"
# The measured run walks the stories from the first, the warm-up run from the last: no story is
# requested twice, so every measured request renders its page.
for dir in forward backward; do
  cat > "$WORK/paths-$dir.lua" <<LUA
local paths = {}
for line in io.lines("$WORK/paths.txt") do paths[#paths + 1] = line end
local i = 0
local backward = "$dir" == "backward"
request = function()
  i = i + 1
  local k = backward and (#paths - (i % #paths)) or ((i % #paths) + 1)
  return wrk.format("GET", paths[k])
end
LUA
done

# Warm the cached pages once.
for p in "$ARTICLE" "$SECTION" /en/ /en/rss.xml; do curl -s -o /dev/null "$BASE$p"; done

# Each cached page right after nginx serving its bytes.
nginx_article_r=$(measure "$NGINX/article.html")
article_r=$(measure "$BASE$ARTICLE")
nginx_article_gz_r=$(measure -H "Accept-Encoding: gzip" "$NGINX/article.html")
article_gz_r=$(measure -H "Accept-Encoding: gzip" "$BASE$ARTICLE")
nginx_section_r=$(measure "$NGINX/section.html")
section_r=$(measure "$BASE$SECTION")
nginx_home_r=$(measure "$NGINX/home.html")
home_r=$(measure "$BASE/en/")
nginx_rss_r=$(measure "$NGINX/rss.xml")
rss_r=$(measure "$BASE/en/rss.xml")
wrk -t1 -c"$CONNECTIONS" -d3s -s "$WORK/paths-backward.lua" "$BASE" > /dev/null
miss_r=$(DURATION=$MISS_DURATION measure -s "$WORK/paths-forward.lua" "$BASE")
rss_mem=$(rss_kb "$SERVER_PID")
stop_server

# The same misses once the server has read every story before (as a long-running server has):
# page cache off, one pass over all stories, then the measured pass.
start_server --cache-mb 0
wrk -t1 -c"$CONNECTIONS" -d"$(( STORIES / 8000 + 3 ))s" -s "$WORK/paths-forward.lua" "$BASE" > /dev/null
warm_miss_r=$(DURATION=$MISS_DURATION measure -s "$WORK/paths-forward.lua" "$BASE")
stop_server
start_server
restart_ms=$START_MS
stop_server

# The floor of a miss with the same libraries (bench/miss_floor.cpp): SQLite reads the story and
# the next one, ctemplate expands Herald's templates, one writev sends the page; no Herald code.
# One process per worker on one port, the same two runs as Herald's misses.
FLOOR=http://127.0.0.1:$FLOOR_PORT
start_floor() {
  FLOOR_PIDS=
  for _ in $(seq 1 "$WORKERS"); do
    "$FLOOR_BIN" --db "$DATA/herald.db" --templates web/templates --sample "$WORK/article.html" \
      --listen 127.0.0.1:$FLOOR_PORT 2>> "$WORK/floor.log" &
    FLOOR_PIDS="$FLOOR_PIDS $!"
  done
  until curl -sf -o /dev/null "$FLOOR$ARTICLE"; do sleep 0.01; done
}
stop_floor() { kill $FLOOR_PIDS; wait $FLOOR_PIDS 2>/dev/null || true; FLOOR_PIDS=; }
start_floor
floor_bytes=$(curl -s "$FLOOR$ARTICLE" | wc -c)
wrk -t1 -c"$CONNECTIONS" -d3s -s "$WORK/paths-backward.lua" "$FLOOR" > /dev/null
floor_miss_r=$(DURATION=$MISS_DURATION measure -s "$WORK/paths-forward.lua" "$FLOOR")
wrk -t1 -c"$CONNECTIONS" -d"$(( STORIES / 8000 + 3 ))s" -s "$WORK/paths-forward.lua" "$FLOOR" > /dev/null
floor_warm_r=$(DURATION=$MISS_DURATION measure -s "$WORK/paths-forward.lua" "$FLOOR")
stop_floor

row() {  # name, result, reference result (nginx serving the same bytes)
  local rps p50 p99 ref
  IFS='|' read -r rps p50 p99 <<< "$2"
  ref=$(echo "$3" | cut -d'|' -f1)
  printf "| %s | %s | %s | %s | %s |\n" "$1" "$rps" "$p50" "$p99" \
    "$(awk -v a="$rps" -v b="$ref" 'BEGIN{printf "%.2f", a/b}')"
}
echo
echo "Stories: $STORIES · $BIN · wrk -t1 -c$CONNECTIONS -d$DURATION --latency · $(nproc) cores · nginx workers = Herald I/O threads = $WORKERS · $(date -u +%Y-%m-%d)"
echo
echo "| target | req/s | p50 | p99 | × nginx (same bytes) |"
echo "| --- | --- | --- | --- | --- |"
row "nginx, the article's bytes" "$nginx_article_r" "$nginx_article_r"
row "Herald article page (cached)" "$article_r" "$nginx_article_r"
row "nginx, the article's gzip bytes (gzip_static)" "$nginx_article_gz_r" "$nginx_article_gz_r"
row "Herald article page (cached, gzip)" "$article_gz_r" "$nginx_article_gz_r"
row "nginx, the section page's bytes" "$nginx_section_r" "$nginx_section_r"
row "Herald section page (cached)" "$section_r" "$nginx_section_r"
row "nginx, the home page's bytes" "$nginx_home_r" "$nginx_home_r"
row "Herald home page (cached)" "$home_r" "$nginx_home_r"
row "nginx, the RSS feed's bytes" "$nginx_rss_r" "$nginx_rss_r"
row "Herald edition RSS (cached)" "$rss_r" "$nginx_rss_r"
row "Herald article page, cache miss (every request a different story; ${MISS_DURATION}) vs nginx article" "$miss_r" "$nginx_article_r"
row "Herald article page, cache miss, stories read before (page cache off) vs nginx article" "$warm_miss_r" "$nginx_article_r"
row "floor of a miss: SQLite + ctemplate + writev, no Herald code (stories read the first time) vs nginx article" "$floor_miss_r" "$nginx_article_r"
row "floor of a miss, stories read before vs nginx article" "$floor_warm_r" "$nginx_article_r"
echo
echo "Server resident memory after the runs: $((rss_mem / 1024)) MiB."
echo "The article page: $(wc -c < "$WORK/article.html") bytes from Herald, $floor_bytes from the floor (which leaves out the tags, translation and alternate links)."
echo "First page served after start: ${first_ms} ms (cold start, first run); after a restart: ${restart_ms} ms."
