#!/usr/bin/python3
"""Live benchmark: many real WebSocket connections on loopback (build/herald_wsload) against
one Herald node. Prints Markdown for docs/benchmarks.md.

    /usr/bin/python3 bench/live.py            (or: make bench-live)

Environment: CONNECTIONS (50000, capped by the open-file limit), CHAT_MEMBERS (5000),
CHAT_RATE (50 messages/s), CHAT_SECONDS (20), PUBLISHES (10), PORT (18095),
WORK (/tmp/herald-bench). Loopback only.
"""
import http.client
import json
import os
import re
import resource
import subprocess
import time
import urllib.parse

import benchlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build/herald")
LOAD = os.path.join(ROOT, "build/herald_wsload")
PORT = int(os.environ.get("PORT", "18095"))
WORK = os.environ.get("WORK", "/tmp/herald-bench")
DATA = os.path.join(WORK, "data-live")
BASE = f"http://127.0.0.1:{PORT}"


def cli(*args):
    return benchlib.cli(BIN, DATA, BASE, *args)


def login_cookie(link):
    """Follows a one-time login link like a browser; returns the session cookie."""
    path = urllib.parse.urlparse(link).path
    c = http.client.HTTPConnection("127.0.0.1", PORT)
    c.request("GET", path)
    r = c.getresponse()
    page = r.read().decode()
    csrf_cookie = next(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    c.request("POST", path, body=urllib.parse.urlencode({"csrf": csrf}),
              headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": csrf_cookie})
    r = c.getresponse()
    r.read()
    return next(v.split(";")[0] for k, v in r.getheaders()
                if k.lower() == "set-cookie" and v.startswith("herald_session="))


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    wanted = int(os.environ.get("CONNECTIONS", "50000"))
    # Each process (server, tool) may hold at most `hard` descriptors here.
    n = min(wanted, hard - 1000)
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(os.path.join(DATA, "herald.db")):
        subprocess.run([BIN, "demo", "--data", DATA], check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--data", DATA, "--access-log", "off",
                               "--live-client-messages-per-10s", "1000000", "--idle-timeout-s", "3600",
                               "--connections-per-ip", "0"],  # the load tool is one address
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        benchlib.wait_for_server(PORT)
        stamp = time.time_ns()
        cli("user", "create", "--email", f"live-ed-{stamp}@example.org", "--role", "editor")
        token = cli("token", "create", "--email", f"live-ed-{stamp}@example.org").strip()
        link = re.search(r"(http://\S+/account/link/login/\S+)",
                         cli("user", "create", "--email", f"live-mod-{stamp}@example.org", "--role", "moderator")).group(1)
        cookie = login_cookie(link)
        c = http.client.HTTPConnection("127.0.0.1", PORT)
        c.request("GET", "/api/v1/newsroom/catalog", headers={"Authorization": "Bearer " + token})
        cat = json.loads(c.getresponse().read())
        en = next(e for e in cat["editions"] if e["code"] == "en")
        sec = next(s for s in cat["sections"] if s["edition_id"] == en["id"])
        rss_idle = int(next(l for l in open(f"/proc/{server.pid}/status") if l.startswith("VmRSS")).split()[1])

        nf_cmd = [LOAD, "newsfeed", "--port", str(PORT), "--connections", str(n), "--token", token,
                  "--section-id", str(sec["id"]), "--publishes", os.environ.get("PUBLISHES", "10"),
                  "--server-pid", str(server.pid)]
        nf = json.loads(subprocess.run(nf_cmd, capture_output=True, text=True, check=True).stdout)
        time.sleep(2)
        members = int(os.environ.get("CHAT_MEMBERS", "5000"))
        rate = os.environ.get("CHAT_RATE", "50")
        chat_cmd = [LOAD, "chat", "--port", str(PORT), "--connections", str(members), "--cookie", cookie,
                    "--room", f"en.{sec['slug']}", "--rate", rate, "--seconds", os.environ.get("CHAT_SECONDS", "20"),
                    "--server-pid", str(server.pid)]
        ch = json.loads(subprocess.run(chat_cmd, capture_output=True, text=True, check=True).stdout)

        print(f"Open-file limit here: soft {soft}, hard {hard} (per process; not raisable in this session).\n")
        print("| run | connections open | delivery p50 | p99 | max | received / expected | server RSS | per idle connection |")
        print("|---|---|---|---|---|---|---|---|")
        d = nf["delivery"]
        print(f"| newsfeed, {nf['connections']:,} subscribers, {os.environ.get('PUBLISHES', '10')} stories published | "
              f"{nf['open']:,} | {d['p50_ms']:.1f} ms | {d['p99_ms']:.1f} ms | {d['max_ms']:.1f} ms | "
              f"{d['received']:,} / {d['expected']:,} | {nf['server_rss_mib'][0]} → {nf['server_rss_mib'][1]} MiB | "
              f"{nf['rss_per_connection_kb']:.1f} KB |")
        d = ch["delivery"]
        print(f"| chat, {ch['connections']:,} members, {rate} messages/s | {ch['open']:,} | {d['p50_ms']:.1f} ms | "
              f"{d['p99_ms']:.1f} ms | {d['max_ms']:.1f} ms | {d['received']:,} / {d['expected']:,} | "
              f"{ch['server_rss_mib'][0]} → {ch['server_rss_mib'][2]} MiB | |")
        print(f"\nServer RSS before any connection: {rss_idle // 1024} MiB. Commands: `{' '.join(os.path.basename(x) if x.startswith('/') else x for x in nf_cmd[:6])} ...`, "
              f"`{' '.join(os.path.basename(x) if x.startswith('/') else x for x in chat_cmd[:6])} ...`")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
