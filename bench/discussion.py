#!/usr/bin/python3
"""Discussion benchmark: a story with 5,000 comments whose first page is read while 200
logged-in readers post as fast as they may (limits raised for the run) and 1,000 readers
follow the story live. Then the posting run is repeated and the server is killed (kill -9) in
the middle of it: every comment it acknowledged must be there after a restart. Prints Markdown
for docs/benchmarks.md.

    /usr/bin/python3 bench/discussion.py                     (SQLite; or: make bench-discussion)
    DATABASE=postgresql://USER@HOST:PORT/DB /usr/bin/python3 bench/discussion.py

Environment: PORT (18110), WORK (/tmp/herald-bench), CLIENTS (200), POSTS (posting run,
20000), SEED (5000), READERS (1000), DATABASE (empty: SQLite in the data folder), SERVER_ARGS
(more options for herald serve). Loopback only.
"""
import asyncio
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

import benchlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build/herald"))
WSLOAD = os.environ.get("WSLOAD", os.path.join(ROOT, "build/herald_wsload"))
PORT = int(os.environ.get("PORT", "18110"))
WORK = os.environ.get("WORK", "/tmp/herald-bench")
CLIENTS = int(os.environ.get("CLIENTS", "200"))
POSTS = int(os.environ.get("POSTS", "20000"))
SEED = int(os.environ.get("SEED", "5000"))
READERS = int(os.environ.get("READERS", "1000"))
DATABASE = os.environ.get("DATABASE", "")
DATA = os.path.join(WORK, "discussion-data")
BASE = f"http://127.0.0.1:{PORT}"


def cli(*args):
    extra = ["--database", DATABASE] if DATABASE else []
    if args[0] != "demo":
        extra += ["--base-url", BASE]
    r = subprocess.run([BIN, *args, "--data", DATA, *extra], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"herald {' '.join(args)}: {r.stderr}")
    return r.stdout


def start_server():
    args = [BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--data", DATA, "--access-log", "off",
            "--comment-every-s", "1", "--comment-burst", "1000000", "--comment-held-first", "0",
            "--discussion-auto-switch", "off", "--connections-per-ip", "0", "--live-queue-kb", "65536",
            "--blocking-threads", os.environ.get("BLOCKING_THREADS", "32")]
    if DATABASE:
        args += ["--database", DATABASE]
    args += os.environ.get("SERVER_ARGS", "").split()  # (e.g. "--access-log FILE" to look closer)
    p = subprocess.Popen(args, stdout=open(os.path.join(WORK, "discussion-server.log"), "a"),
                         stderr=subprocess.STDOUT)
    benchlib.wait_for_server(PORT, 60)
    return p


def stored_ids(story):
    sql = f"SELECT id FROM comments WHERE article_id = {story} AND state = 'visible'"
    if DATABASE:
        out = subprocess.run(["psql", "-q", "-X", "-t", "-A", DATABASE, "-c", sql], check=True,
                             capture_output=True, text=True).stdout
        return {int(x) for x in out.split()}
    db = sqlite3.connect(f"file:{os.path.join(DATA, 'herald.db')}?mode=ro", uri=True)
    try:
        return {r[0] for r in db.execute(sql)}
    finally:
        db.close()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def login(link):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    path = urllib.parse.urlparse(link).path
    c.request("GET", path)
    r = c.getresponse()
    page = r.read()
    cookies = {}

    def keep(resp):
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                cookies[name] = rest.split(";", 1)[0]
    keep(r)
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    c.request("POST", path, urllib.parse.urlencode({"csrf": csrf}),
              {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    r = c.getresponse()
    r.read()
    keep(r)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    c.request("GET", "/api/v1/me", headers={"Cookie": cookie})
    me = json.loads(c.getresponse().read())
    return cookie, me["csrf"]


class Poster:
    """One logged-in reader posting over one keep-alive connection."""

    def __init__(self, cookie, csrf):
        self.cookie, self.csrf = cookie, csrf
        self.reader = self.writer = None

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", PORT)

    async def post(self, story, text):
        body = json.dumps({"story_id": story, "text": text}).encode()
        head = (f"POST /api/v1/comments HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nCookie: {self.cookie}\r\n"
                f"X-CSRF-Token: {self.csrf}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        data = await self.reader.readexactly(length)
        return int(status_line.split()[1]), data


async def post_run(posters, story, total, marker, acked, errors, stop_event=None):
    """Posts `total` comments spread over the posters as fast as the server answers."""
    left = [total]
    lat = []

    async def one(p):
        await p.connect()
        while left[0] > 0 and not (stop_event and stop_event.is_set()):
            left[0] -= 1
            text = f"wsload-{time.monotonic_ns()} {marker} comment from the benchmark"
            t0 = time.perf_counter()
            try:
                status, data = await p.post(story, text)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                errors.append("connection")
                return
            lat.append((time.perf_counter() - t0) * 1000)
            if status == 201:
                acked.append(json.loads(data)["comment"]["id"])
            else:
                errors.append(status)
        p.writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(one(p) for p in posters))
    post_run.ended_ns = time.monotonic_ns()  # (CLOCK_MONOTONIC, as wsload's arrival times)
    return time.perf_counter() - t0, lat


def page_probe(path, stop, out):
    """Reads the story page (its discussion's first page) again and again, one at a time."""
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    while not stop.is_set():
        t0 = time.perf_counter()
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        out.append(((time.perf_counter() - t0) * 1000, r.status, len(body)))
        time.sleep(0.05)  # (about 20 reads a second: a measure, not a load)


def main():
    os.makedirs(WORK, exist_ok=True)
    shutil.rmtree(DATA, ignore_errors=True)
    print("bench: a demo site for the run", file=sys.stderr)
    cli("demo", "--articles", "40", "--images", "2")
    server = start_server()
    try:
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        c.request("GET", "/api/v1/articles?edition=en&limit=1")
        art = json.loads(c.getresponse().read())["articles"][0]
        story, path = art["id"], urllib.parse.urlparse(art["url"]).path
        print(f"bench: {CLIENTS} readers logging in", file=sys.stderr)
        creds = []
        for i in range(CLIENTS):
            out = cli("user", "create", "--email", f"bench-{i}-{time.time_ns()}@example.org", "--role", "reader",
                      "--name", f"Reader {i}")
            creds.append(login(re.search(r"(http://\S+/account/link/login/\S+)", out).group(1)))
        posters = [Poster(*cr) for cr in creds]
        print(f"bench: seeding {SEED} comments", file=sys.stderr)
        acked, errors = [], []
        asyncio.run(post_run(posters, story, SEED, "seed", acked, errors))
        assert len(acked) == SEED, (len(acked), errors[:5])
        # Idle page read with 5,000 comments (and 5 comments, on another story, for comparison).
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)  # (the first one idled out)
        c.request("GET", "/api/v1/articles?edition=en&limit=2")
        small = json.loads(c.getresponse().read())["articles"][1]
        small_story, small_path = small["id"], urllib.parse.urlparse(small["url"]).path
        asyncio.run(post_run(posters[:5], small_story, 5, "small", [], []))

        def idle_reads(p, n=200):
            lat = []
            for _ in range(n):
                t0 = time.perf_counter()
                c.request("GET", p)
                body = c.getresponse().read()
                lat.append((time.perf_counter() - t0) * 1000)
            return lat, len(body)
        # (Each read after a comment is a cache miss; cached reads are the page cache's.)
        big_idle, big_bytes = idle_reads(path)
        small_idle, _ = idle_reads(small_path)
        # The discussion's own first page (a cache miss each time: the page cache is purged by
        # every comment during the run below).
        c.request("GET", path)
        page = c.getresponse().read().decode()
        disc = re.search(r'<section class="discussion".*?</section>\n', page, re.S).group(0)

        print(f"bench: {READERS} live readers", file=sys.stderr)
        arrivals_file = os.path.join(WORK, "discussion-arrivals.txt")
        ws = subprocess.Popen([WSLOAD, "comments", "--port", str(PORT), "--connections", str(READERS),
                               "--story", str(story), "--expect", str(POSTS), "--seconds", "180",
                               "--server-pid", str(server.pid), "--arrivals-file", arrivals_file],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while True:
            line = ws.stderr.readline()
            if not line:
                sys.exit("bench: wsload stopped: " + ws.stderr.read())
            if "ready" in line:
                break
        stop = threading.Event()
        probe = []
        t = threading.Thread(target=page_probe, args=(path, stop, probe), daemon=True)
        t.start()
        print(f"bench: posting {POSTS} comments", file=sys.stderr)
        acked, errors = [], []
        elapsed, post_lat = asyncio.run(post_run(posters, story, POSTS, "run", acked, errors))
        stop.set()
        t.join()
        out, err = ws.communicate(timeout=240)
        fan = json.loads(out)
        # Frames that arrived while the posting went on, and those after its last comment: the
        # comments of the last second wait for the one-frame-a-second boundary.
        during, after_run = [], []
        with open(arrivals_file) as f:
            for line in f:
                sent, got = map(int, line.split())
                (during if got <= post_run.ended_ns else after_run).append((got - sent) / 1e6)
        stored = stored_ids(story)
        missing = set(acked) - stored

        # kill -9 in the middle of a posting run: nothing acknowledged is lost.
        print("bench: kill -9 during a posting run", file=sys.stderr)
        kill_acked, kill_errors = [], []

        async def killed_run():
            task = asyncio.create_task(post_run(posters, story, 10 ** 9, "kill", kill_acked, kill_errors))
            await asyncio.sleep(2 + random.random())
            server.send_signal(signal.SIGKILL)
            try:
                await asyncio.wait_for(task, 10)
            except asyncio.TimeoutError:
                pass
        asyncio.run(killed_run())
        server.wait(10)
        server = start_server()
        after = stored_ids(story)
        lost = set(kill_acked) - after
        probe_ms = [x[0] for x in probe if x[1] == 200]
        backend = "PostgreSQL" if DATABASE else "SQLite (WAL, synchronous=FULL)"
        print(f"Backend: {backend} · {CLIENTS} posting clients · {READERS} live readers · "
              f"{time.strftime('%Y-%m-%d')} · `{' '.join(os.path.basename(a) for a in sys.argv)}`\n")
        print("| measure | value |")
        print("| --- | --- |")
        print(f"| first page of a {SEED:,}-comment story, idle: p50 / p99 (story page, cached after its first read) | {pct(big_idle, 50):.2f} / {pct(big_idle, 99):.2f} ms |")
        print(f"| the same for a story with 5 comments | {pct(small_idle, 50):.2f} / {pct(small_idle, 99):.2f} ms |")
        print(f"| its discussion's HTML (first page) | {len(disc.encode()) / 1024:.1f} KB of a {big_bytes / 1024:.1f} KB page |")
        print(f"| story page during the posting run (every read a cache miss after a comment): p50 / p99 / max, {len(probe_ms)} reads | {pct(probe_ms, 50):.2f} / {pct(probe_ms, 99):.2f} / {max(probe_ms or [0]):.2f} ms |")
        print(f"| comments posted and acknowledged (201) | {len(acked):,} of {POSTS:,} in {elapsed:.1f} s: **{len(acked) / elapsed:,.0f} comments/s** ({len(errors)} errors) |")
        print(f"| posting latency p50 / p99 | {pct(post_lat, 50):.1f} / {pct(post_lat, 99):.1f} ms |")
        print(f"| acknowledged comments missing from the database | {len(missing)} |")
        d = fan.get("delivery", {})
        print(f"| live delivery to {fan.get('open')} readers, comments carried in full: p50 / p99 / max | {d.get('p50_ms', float('nan')):.0f} / {d.get('p99_ms', float('nan')):.0f} / {d.get('max_ms', float('nan')):.0f} ms ({d.get('received', 0):,} carried + {fan.get('skipped', 0):,} counted in \"N new comments\" of {d.get('expected', 0):,}; {fan.get('dropped')} readers dropped) |")
        print(f"| the same, frames that arrived while the posting went on: p50 / p99 / max | {pct(during, 50):.0f} / {pct(during, 99):.0f} / {max(during or [0]):.0f} ms ({len(during):,} carried) |")
        print(f"| the same, the last frame, after the last comment (it waits for its second) | {pct(after_run, 50):.0f} / {pct(after_run, 99):.0f} / {max(after_run or [0]):.0f} ms ({len(after_run):,} carried) |")
        print(f"| kill -9 during posting: acknowledged before the kill / missing after restart | {len(kill_acked):,} / {len(lost)} |")
        print()
        print("wsload:", json.dumps(fan), file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
