#!/usr/bin/python3
"""Cluster benchmark: two Herald nodes on one PostgreSQL with NATS between them (started by
scripts/services.sh). An editor publishes on node A; the time until node B's story page,
section page and RSS feed (cached on B before) show the story, p50/p99; and beside it the
same on one node. Prints Markdown for docs/benchmarks.md.

    bash scripts/services.sh /usr/bin/python3 bench/cluster.py

Environment: RUNS (30), PORT_A (18501), PORT_B (18502), STORIES (300). Loopback only.
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

import benchlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build/herald"))
RUNS = int(os.environ.get("RUNS", "30"))
PORT_A = int(os.environ.get("PORT_A", "18501"))
PORT_B = int(os.environ.get("PORT_B", "18502"))
STORIES = os.environ.get("STORIES", "300")
ADMIN = os.environ.get("HERALD_TEST_POSTGRES", "")
NATS = os.environ.get("HERALD_TEST_NATS", "")


class Conn:
    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def req(self, method, path, body=None, headers=None):
        self.c.request(method, path, body=body, headers=headers or {})
        r = self.c.getresponse()
        return r.status, r.read()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def run(label, writer_port, reader_port, env, base):
    email = f"bench-{time.time_ns()}@example.org"
    cli = lambda *a: subprocess.run([BIN, *a, "--base-url", base], capture_output=True, text=True,
                                    env=env, check=True).stdout
    cli("user", "create", "--data", env["DATA"], "--email", email, "--role", "editor")
    token = cli("token", "create", "--data", env["DATA"], "--email", email, "--name", "bench").strip()
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    api, reader = Conn(writer_port), Conn(reader_port)
    cat = json.loads(api.req("GET", "/api/v1/newsroom/catalog", headers=auth)[1])
    en = next(e for e in cat["editions"] if e["code"] == "en")
    sec = next(s for s in cat["sections"] if s["edition_id"] == en["id"])
    section = f"/en/{sec['slug']}/"
    totals = []
    for i in range(RUNS):
        headline = f"Cluster benchmark {i} {time.time_ns()}"
        st, story = api.req("POST", "/api/v1/newsroom/stories", json.dumps(
            {"headline": headline, "section_id": sec["id"],
             "body": [{"type": "paragraph", "text": "Body " * 50}]}), auth)
        story = json.loads(story)
        for p in (section, section + "rss.xml"):
            reader.req("GET", p)
            reader.req("GET", p)
        t0 = time.perf_counter()
        st, pub = api.req("POST", f"/api/v1/newsroom/stories/{story['id']}/publish", b"{}", auth)
        path = json.loads(pub)["url"].split(base, 1)[-1]
        pending = [path, section, section + "rss.xml"]
        while pending:
            st, body = reader.req("GET", pending[0])
            if st == 200 and headline.encode() in body:
                pending.pop(0)
            elif time.perf_counter() - t0 > 10:
                sys.exit(f"bench: {pending[0]} did not show the story within 10 s")
        totals.append((time.perf_counter() - t0) * 1000)
    return f"| {label} | {RUNS} | {pct(totals, 50):.1f} ms | {pct(totals, 99):.1f} ms |"


def main():
    if not ADMIN or not NATS:
        sys.exit("bench: run me under scripts/services.sh (PostgreSQL and NATS)")
    tmp = tempfile.mkdtemp(prefix="herald-bench-cluster-")
    db = ADMIN.rsplit("/", 1)[0] + "/bench_cluster"
    subprocess.run(["psql", "-q", ADMIN, "-c", "DROP DATABASE IF EXISTS bench_cluster WITH (FORCE)"], check=True)
    subprocess.run(["psql", "-q", ADMIN, "-c", "CREATE DATABASE bench_cluster"], check=True)
    env = dict(os.environ, HERALD_DATABASE=db, HERALD_MEDIA_DIR=os.path.join(tmp, "media"),
               DATA=os.path.join(tmp, "a"))
    subprocess.run([BIN, "demo", "--data", env["DATA"], "--articles", STORIES, "--images", "4"],
                   env=env, check=True, capture_output=True)
    base = f"http://127.0.0.1:{PORT_A}"
    procs = []
    for port, data in ((PORT_A, "a"), (PORT_B, "b")):
        procs.append(subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data", os.path.join(tmp, data),
             "--bus", NATS, "--access-log", "off", "--base-url", base, "--demo", "off"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        benchlib.wait_for_server(PORT_A)
        benchlib.wait_for_server(PORT_B)
        time.sleep(0.5)
        print("| publish on, read on | publishes | until all three pages show it: p50 | p99 |")
        print("|---|---|---|---|")
        print(run("node A, node A (the writer purges its own cache before answering)", PORT_A, PORT_A, env, base))
        print(run("node A, node B (B's relay woken through NATS, reads the outbox, purges)", PORT_A, PORT_B, env, base))
    finally:
        for p in procs:
            p.terminate()
            p.wait(20)


if __name__ == "__main__":
    main()
