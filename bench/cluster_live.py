#!/usr/bin/python3
"""Live fan-out across nodes: NODES Herald nodes on one PostgreSQL with NATS between them
(started by scripts/services.sh), CONNECTIONS newsfeed readers spread evenly over the nodes
(one build/herald_wsload listener per node: a process may hold only so many sockets here), and
an editor publishing PUBLISHES stories on the first node. Each delivery is timed from the
moment the publish request left to the moment the frame reached a reader on any node (the
machine's steady clock, shared by the processes). One story at a time: the next is published
once every reader on every node has the last, so each story's fan-out is measured alone.
Then CHAT_MEMBERS members of one chat room, spread over the nodes, and one sender on the first
node writing CHAT_RATE lines a second.
Prints Markdown for docs/benchmarks.md.

    bash scripts/services.sh /usr/bin/python3 bench/cluster_live.py

Environment: CONNECTIONS (50000), NODES (3), PUBLISHES (10), CHAT_MEMBERS (5000), CHAT_RATE
(50), CHAT_SECONDS (20), PORT (18601: the first node; the others follow). Loopback only.
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import benchlib
from live import login_cookie  # noqa: E402 (the same browser-like login as bench/live.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build/herald"))
LOAD = os.path.join(ROOT, "build/herald_wsload")
ADMIN = os.environ.get("HERALD_TEST_POSTGRES", "")
NATS = os.environ.get("HERALD_TEST_NATS", "")
PORT = int(os.environ.get("PORT", "18601"))


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS")).split()[1]) // 1024


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else 0.0


def main():
    if not ADMIN or not NATS:
        sys.exit("bench: run me under scripts/services.sh (PostgreSQL and NATS)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    nodes = int(os.environ.get("NODES", "3"))
    wanted = int(os.environ.get("CONNECTIONS", "50000"))
    per_node = min((wanted + nodes - 1) // nodes, hard - 1000)
    publishes = int(os.environ.get("PUBLISHES", "10"))
    tmp = tempfile.mkdtemp(prefix="herald-bench-fanout-")
    print(f"(work folder {tmp})", file=sys.stderr)
    db = ADMIN.rsplit("/", 1)[0] + "/bench_fanout"
    subprocess.run(["psql", "-q", ADMIN, "-c", "DROP DATABASE IF EXISTS bench_fanout WITH (FORCE)"], check=True)
    subprocess.run(["psql", "-q", ADMIN, "-c", "CREATE DATABASE bench_fanout"], check=True)
    env = dict(os.environ, HERALD_DATABASE=db, HERALD_MEDIA_DIR=os.path.join(tmp, "media"))
    subprocess.run([BIN, "demo", "--data", os.path.join(tmp, "n0"), "--articles", "300", "--images", "4"],
                   env=env, check=True, capture_output=True)
    base = f"http://127.0.0.1:{PORT}"
    ports = [PORT + i for i in range(nodes)]
    procs = []
    for i, port in enumerate(ports):
        procs.append(subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data", os.path.join(tmp, f"n{i}"),
             "--bus", NATS, "--access-log", "off", "--base-url", base, "--demo", "off",
             "--live-client-messages-per-10s", "1000000", "--idle-timeout-s", "3600",
             "--connections-per-ip", "0"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, f"node{i}.log"), "w")))
    cli = lambda *a: subprocess.run([BIN, *a, "--data", os.path.join(tmp, "n0"), "--base-url", base],
                                    capture_output=True, text=True, env=env, check=True).stdout
    listeners = []
    try:
        for port in ports:
            benchlib.wait_for_server(port)
        stamp = time.time_ns()
        cli("user", "create", "--email", f"fan-ed-{stamp}@example.org", "--role", "editor")
        token = cli("token", "create", "--email", f"fan-ed-{stamp}@example.org").strip()
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", PORT)
        c.request("GET", "/api/v1/newsroom/catalog", headers={"Authorization": "Bearer " + token})
        cat = json.loads(c.getresponse().read())
        en = next(e for e in cat["editions"] if e["code"] == "en")
        sec = next(s for s in cat["sections"] if s["edition_id"] == en["id"])
        rss0 = [rss_mib(p.pid) for p in procs]
        sent = os.path.join(tmp, "sent.txt")
        done = os.path.join(tmp, "done.txt")
        t0 = time.time()
        for i, (port, proc) in enumerate(zip(ports, procs)):
            listeners.append(subprocess.Popen(
                [LOAD, "newsfeed", "--port", str(port), "--site-host", f"127.0.0.1:{PORT}",
                 "--connections", str(per_node), "--publishes", "0", "--sources", "8",
                 "--expect", str(publishes), "--sent-file", sent, "--listen-seconds", "600",
                 "--done-file", done,
                 "--latencies-file", os.path.join(tmp, f"lat{i}.txt"), "--server-pid", str(proc.pid)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for li in listeners:  # each says "ready" once its readers are subscribed
            for line in li.stderr:
                if "ready" in line:
                    break
        connect_s = time.time() - t0
        rss1 = [rss_mib(p.pid) for p in procs]
        cpu0 = [cpu_s(p.pid) for p in procs]
        pub = subprocess.run(
            [LOAD, "newsfeed", "--port", str(PORT), "--connections", "1", "--token", token,
             "--section-id", str(sec["id"]), "--publishes", str(publishes), "--sent-file", sent,
             "--wait-file", done, "--wait-count", str(nodes),
             "--marker-base", str(stamp // 1000)], capture_output=True, text=True, check=True)
        results = [json.loads(li.communicate(timeout=700)[0]) for li in listeners]
        cpu1 = [cpu_s(p.pid) for p in procs]
        lat = []
        for i in range(nodes):
            with open(os.path.join(tmp, f"lat{i}.txt")) as f:
                lat += [float(x) for x in f if x.strip()]
        opened = sum(r["open"] for r in results)
        expected = sum(r["delivery"]["expected"] for r in results)
        per_conn_kb = sum(b - a for a, b in zip(rss0, rss1)) * 1024 / max(1, opened)
        cpu_us = sum(b - a for a, b in zip(cpu0, cpu1)) * 1e6 / max(1, len(lat))
        load_us = sum(r.get("cpu_s", 0) for r in results) * 1e6 / max(1, len(lat))
        print(f"Open-file limit here: {hard} per process; {per_node:,} readers per node. "
              f"Readers connected and subscribed in {connect_s:.0f} s.\n")
        print("| run | readers open | delivery p50 | p99 | max | received / expected | node RSS (each, MiB) | per idle reader | node CPU per delivery | load tools' CPU per delivery |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print(f"| newsfeed across {nodes} nodes, {publishes} stories published on node 1 | {opened:,} | "
              f"{pct(lat, 50):.1f} ms | {pct(lat, 99):.1f} ms | {max(lat) if lat else 0:.1f} ms | "
              f"{len(lat):,} / {expected:,} | {' / '.join(f'{a}→{b}' for a, b in zip(rss0, rss1))} | "
              f"{per_conn_kb:.1f} KB | {cpu_us:.1f} µs | {load_us:.1f} µs |")
        for i, r in enumerate(results):
            d = r["delivery"]
            print(f"| (node {i + 1}: {r['failed']:,} failed to connect, {r['dropped']:,} dropped) | {r['open']:,} | "
                  f"{d['p50_ms']:.1f} ms | {d['p99_ms']:.1f} ms | "
                  f"{d['max_ms']:.1f} ms | {d['received']:,} / {d['expected']:,} | | | | |")
        for li in listeners:
            li.wait(30)
        listeners = []
        # Chat across the nodes: members on every node, one sender (a moderator: no flood limit)
        # on the first.
        members = int(os.environ.get("CHAT_MEMBERS", "5000"))
        rate = os.environ.get("CHAT_RATE", "50")
        seconds = os.environ.get("CHAT_SECONDS", "20")
        link = re.search(r"(http://\S+/account/link/login/\S+)",
                         cli("user", "create", "--email", f"fan-mod-{stamp}@example.org", "--role", "moderator")).group(1)
        import live
        live.PORT = PORT
        cookie = login_cookie(link)
        room = f"en.{sec['slug']}"
        for i, port in enumerate(ports[1:], 1):
            listeners.append(subprocess.Popen(
                [LOAD, "chat", "--port", str(port), "--site-host", f"127.0.0.1:{PORT}",
                 "--connections", str(members // nodes), "--room", room, "--sources", "8",
                 "--rate", "0", "--seconds", str(int(seconds) + 15),
                 "--latencies-file", os.path.join(tmp, f"chat{i}.txt")],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        time.sleep(5)  # (the listeners connect; the sender's run is the measured window)
        sender = subprocess.run(
            [LOAD, "chat", "--port", str(PORT), "--connections", str(members - (members // nodes) * (nodes - 1)),
             "--cookie", cookie, "--room", room, "--rate", rate, "--seconds", seconds,
             "--latencies-file", os.path.join(tmp, "chat0.txt")], capture_output=True, text=True, check=True)
        chat = [json.loads(sender.stdout)] + [json.loads(li.communicate(timeout=120)[0]) for li in listeners]
        listeners = []
        lat = []
        for i in range(nodes):
            with open(os.path.join(tmp, f"chat{i}.txt")) as f:
                lat += [float(x) for x in f if x.strip()]
        sent_lines = chat[0]["delivery"]["expected"] // max(1, chat[0]["open"] - chat[0]["dropped"])
        expected = sent_lines * sum(r["open"] - r["dropped"] for r in chat)
        print(f"| chat across {nodes} nodes, {members:,} members, {rate} lines/s for {seconds} s from node 1 | "
              f"{sum(r['open'] for r in chat):,} | {pct(lat, 50):.1f} ms | {pct(lat, 99):.1f} ms | "
              f"{max(lat) if lat else 0:.1f} ms | {len(lat):,} / {expected:,} | | | | |")
    finally:
        for li in listeners:
            li.kill()
        for p in procs:
            p.terminate()
            p.wait(30)


if __name__ == "__main__":
    main()
