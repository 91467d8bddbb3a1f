#!/usr/bin/python3
"""Newsroom benchmark: publish-to-visible latency on the 100,000-story database, and login
throughput with Argon2id at the configured cost. Prints Markdown for docs/benchmarks.md.

    /usr/bin/python3 bench/newsroom.py            (or: make bench-newsroom)

Environment: STORIES (100000), PORT (18090), WORK (/tmp/herald-bench), RUNS (30 publishes),
LOGIN_SECONDS (15), LOGIN_CLIENTS (4). Loopback only.
"""
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import benchlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build/herald"))
STORIES = int(os.environ.get("STORIES", "100000"))
PORT = int(os.environ.get("PORT", "18090"))
WORK = os.environ.get("WORK", "/tmp/herald-bench")
RUNS = int(os.environ.get("RUNS", "30"))
LOGIN_SECONDS = float(os.environ.get("LOGIN_SECONDS", "15"))
LOGIN_CLIENTS = int(os.environ.get("LOGIN_CLIENTS", "4"))
DATA = os.path.join(WORK, f"data-{STORIES}")
BASE = f"http://127.0.0.1:{PORT}"


def cli(*args):
    return benchlib.cli(BIN, DATA, BASE, *args)


class Conn:
    def __init__(self):
        self.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies = {}

    def req(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.c.request(method, path, body=body, headers=h)
        r = self.c.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return r.status, data


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(os.path.join(DATA, "herald.db")):
        print(f"bench: generating {STORIES} stories into {DATA}", file=sys.stderr)
        subprocess.run([BIN, "demo", "--data", DATA, "--articles", str(STORIES), "--images", "8"], check=True)
    server = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--data", DATA, "--access-log", "off",
                               "--login-failures-per-ip", "100000", "--mails-per-ip-per-hour", "100000"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        benchlib.wait_for_server(PORT)
        time.sleep(0.3)
        email = f"bench-editor-{time.time_ns()}@example.org"
        cli("user", "create", "--email", email, "--role", "editor", "--name", "Bench Editor")
        token = cli("token", "create", "--email", email, "--name", "bench").strip()
        auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        api = Conn()
        st, cat = api.req("GET", "/api/v1/newsroom/catalog", headers=auth)
        cat = json.loads(cat)
        en = next(e for e in cat["editions"] if e["code"] == "en")
        sec = next(s for s in cat["sections"] if s["edition_id"] == en["id"])
        section_path = f"/en/{sec['slug']}/"
        reader = Conn()
        totals, publish_ms = [], []
        for i in range(RUNS):
            headline = f"Benchmark story {i} {time.time_ns()}"
            st, story = api.req("POST", "/api/v1/newsroom/stories", json.dumps(
                {"headline": headline, "section_id": sec["id"], "summary": "Timing.",
                 "body": [{"type": "paragraph", "text": "Body " * 50}, {"type": "subheading", "text": "More"}]}), auth)
            story = json.loads(story)
            # Readers have the pages cached before the story goes out.
            for p in (section_path, "/en/", section_path + "rss.xml"):
                reader.req("GET", p)
                reader.req("GET", p)
            t0 = time.perf_counter()
            st, pub = api.req("POST", f"/api/v1/newsroom/stories/{story['id']}/publish", b"{}", auth)
            t1 = time.perf_counter()
            url = json.loads(pub)["url"]
            pending = [url, section_path, section_path + "rss.xml"]
            while pending:
                p = pending[0]
                st, body = reader.req("GET", p)
                if st == 200 and headline.encode() in body:
                    pending.pop(0)
                elif time.perf_counter() - t0 > 5:
                    sys.exit(f"bench: {p} did not show the story within 5 s")
            t2 = time.perf_counter()
            publish_ms.append((t1 - t0) * 1000)
            totals.append((t2 - t0) * 1000)

        # Login throughput: LOGIN_CLIENTS clients logging in again and again with the right password.
        lemail = f"bench-reader-{time.time_ns()}@example.org"
        link = re.search(r"(http://\S+/account/link/login/\S+)", cli("user", "create", "--email", lemail, "--role", "reader")).group(1)
        c = Conn()
        path = urllib.parse.urlparse(link).path
        st, page = c.req("GET", path)
        csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        c.req("POST", path, urllib.parse.urlencode({"csrf": csrf}).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        st, page = c.req("GET", "/account/")
        csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        password = "benchmark password 1"
        c.req("POST", "/account/password", urllib.parse.urlencode({"csrf": csrf, "password": password}).encode(),
              {"Content-Type": "application/x-www-form-urlencoded"})
        lat, lock = [], threading.Lock()
        stop_at = time.perf_counter() + LOGIN_SECONDS
        fails = [0]

        def client():
            conn = Conn()
            st, page = conn.req("GET", "/account/login")
            token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
            body = urllib.parse.urlencode({"csrf": token, "email": lemail, "password": password}).encode()
            while time.perf_counter() < stop_at:
                cookies = {"herald_csrf": conn.cookies["herald_csrf"]}
                if "herald_device" in conn.cookies:
                    cookies["herald_device"] = conn.cookies["herald_device"]
                conn.cookies = cookies
                t = time.perf_counter()
                st, _ = conn.req("POST", "/account/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
                with lock:
                    lat.append((time.perf_counter() - t) * 1000)
                    if st != 303:
                        fails[0] += 1

        def wrk(seconds):
            out = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", BASE + "/en/"],
                                 capture_output=True, text=True).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p99 = re.search(r"99%\s+(\S+)", out).group(1)
            return rps, p99

        quiet = wrk(5)
        rss_before = rss(server.pid)
        stop_at = time.perf_counter() + LOGIN_SECONDS
        threads = [threading.Thread(target=client) for _ in range(LOGIN_CLIENTS)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        peak = 0
        time.sleep(1)
        busy = wrk(int(LOGIN_SECONDS) - 4)
        while any(t.is_alive() for t in threads):
            peak = max(peak, rss(server.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0

        print(f"Publishing, {STORIES:,} stories, {RUNS} runs (`/usr/bin/python3 bench/newsroom.py`):\n")
        print("| measure | p50 | p95 | max |\n|---|---|---|---|")
        print(f"| publish request (API answer) | {statistics.median(publish_ms):.1f} ms | {pct(publish_ms, 95):.1f} ms | {max(publish_ms):.1f} ms |")
        print(f"| publish → page, section page and RSS all show it | {statistics.median(totals):.1f} ms | {pct(totals, 95):.1f} ms | {max(totals):.1f} ms |")
        print(f"\nLogins, Argon2id 64 MiB / 2 passes, {LOGIN_CLIENTS} clients, {LOGIN_SECONDS:.0f} s:\n")
        print("| logins/s | p50 | p99 | failed | server RSS before → peak |\n|---|---|---|---|---|")
        print(f"| {len(lat) / elapsed:.1f} | {statistics.median(lat):.0f} ms | {pct(lat, 99):.0f} ms | {fails[0]} | {rss_before // 1024} → {peak // 1024} MiB |")
        print("\nReaders meanwhile (`wrk -t1 -c16` on the cached front page /en/):\n")
        print("| | req/s | p99 |\n|---|---|---|")
        print(f"| no logins | {quiet[0]:,.0f} | {quiet[1]} |")
        print(f"| during the login run | {busy[0]:,.0f} | {busy[1]} |")
    finally:
        server.terminate()
        server.wait(20)


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
