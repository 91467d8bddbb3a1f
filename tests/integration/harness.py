"""Starts the real herald binary on a loopback port with its own copy of the demo data."""
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

BIN = os.environ.get("HERALD_BIN", os.path.join(os.path.dirname(__file__), "../../build/herald"))
FIXTURE = os.environ.get("HERALD_FIXTURE", "")
SOURCE = os.environ.get("HERALD_SOURCE", os.path.join(os.path.dirname(__file__), "../.."))

# The same tests run on each backend: SQLite in the data folder, or (HERALD_TEST_BACKEND=postgres)
# a PostgreSQL database per server, copied from the fixture's template database on the server
# scripts/services.sh started (HERALD_TEST_POSTGRES). Without that server they are skipped (77).
BACKEND = os.environ.get("HERALD_TEST_BACKEND", "sqlite")
PG_ADMIN = os.environ.get("HERALD_TEST_POSTGRES", "")
PG_FIXTURE_DB = "herald_fixture"
if BACKEND == "postgres":
    if not PG_ADMIN:
        print("skipped: HERALD_TEST_POSTGRES names no PostgreSQL server")
        raise SystemExit(77)
    FIXTURE = FIXTURE + "-postgres" if FIXTURE else FIXTURE
DATABASES = {}  # data folder -> database URL of the server(s) using it


def pg_url(name):
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def psql(sql, url=None):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url or PG_ADMIN, "-c", sql],
                   check=True, capture_output=True, text=True, timeout=120)


_db_count = [0]


def new_database(template=None):
    _db_count[0] += 1
    name = f"it_{os.getpid()}_{_db_count[0]}"
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return pg_url(name)


def backend_env(args, env=None):
    """The environment a herald command needs to reach the database of the data folder it names."""
    full = dict(os.environ)
    full.update(env or {})
    if BACKEND == "postgres":
        args = list(args)
        for i, a in enumerate(args[:-1]):
            if a == "--data" and args[i + 1] in DATABASES:
                full["HERALD_DATABASE"] = DATABASES[args[i + 1]]
    return full


class OwnPostgres:
    """A PostgreSQL server of this test's own (for stopping and starting it), on a free port,
    in a temporary folder; initdb and the server run as an unprivileged user when we are root."""
    BIN = "/usr/lib/postgresql/15/bin"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="herald-pg-")
        self.port = free_port()
        os.chmod(self.dir, 0o755)
        self.as_owner = []
        if os.geteuid() == 0:
            import pwd
            owner = "postgres"
            try:
                pw = pwd.getpwnam(owner)
            except KeyError:
                owner, pw = "nobody", pwd.getpwnam("nobody")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_owner = ["runuser", "-u", owner, "--"]
        self.data = os.path.join(self.dir, "data")
        subprocess.run(self.as_owner + [f"{self.BIN}/initdb", "-D", self.data, "-U", "herald", "-A", "trust",
                                        "--no-locale", "-E", "UTF8"], check=True, capture_output=True)
        self.start()
        self.admin = f"postgresql://herald@127.0.0.1:{self.port}/postgres"

    def start(self):
        subprocess.run(self.as_owner + [f"{self.BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"),
                                        "-w", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                                        "start"], check=True, capture_output=True)

    def stop(self, mode="fast"):
        subprocess.run(self.as_owner + [f"{self.BIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"],
                       capture_output=True)

    def close(self):
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class hold_write_lock:
    """Holds the database's write lock (SQLite: BEGIN IMMEDIATE on the file; PostgreSQL: every
    table locked EXCLUSIVE in an open transaction: reads go on, writes wait) until the block
    ends. Longer than the server waits (5 s), it makes writes fail as a busy database does."""

    TABLES = ("articles, article_desk, article_revisions, article_tags, article_authors, "
              "sections, editions, users, sessions, chat_messages, chat_rooms, content_events")

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        if BACKEND == "postgres":
            self.proc = subprocess.Popen(["psql", "-q", "-X", DATABASES[self.server.data]],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.proc.stdin.write(f"BEGIN; LOCK TABLE {self.TABLES} IN EXCLUSIVE MODE;\n"
                                  "\\echo locked\n")
            self.proc.stdin.flush()
            assert self.proc.stdout.readline().strip() == "locked"
        else:
            import sqlite3
            self.db = sqlite3.connect(os.path.join(self.server.data, "herald.db"), timeout=30,
                                      isolation_level=None)
            self.db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        if BACKEND == "postgres":
            self.proc.stdin.write("ROLLBACK;\n\\q\n")
            self.proc.stdin.flush()
            self.proc.wait(30)
        else:
            self.db.execute("ROLLBACK")
            self.db.close()


def stored_ids(data, table):
    """The ids in `table` of the database the data folder `data` uses."""
    if BACKEND == "postgres":
        out = subprocess.run(["psql", "-q", "-X", "-t", "-A", DATABASES[data], "-c",
                              f"SELECT id FROM {table}"], check=True, capture_output=True,
                             text=True).stdout
        return {int(x) for x in out.split()}
    import sqlite3
    db = sqlite3.connect(os.path.join(data, "herald.db"))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in db.execute(f"SELECT id FROM {table}")}
    finally:
        db.close()


def query_value(data, sql):
    """The first column of the first row `sql` gives on the database the data folder `data`
    uses (read only)."""
    if BACKEND == "postgres":
        out = subprocess.run(["psql", "-q", "-X", "-t", "-A", DATABASES[data], "-c", sql],
                             check=True, capture_output=True, text=True).stdout.split()
        return int(out[0]) if out and out[0].lstrip("-").isdigit() else (out[0] if out else None)
    import sqlite3
    db = sqlite3.connect(f"file:{os.path.join(data, 'herald.db')}?mode=ro", uri=True)
    try:
        row = db.execute(sql).fetchone()
        return row[0] if row else None
    finally:
        db.close()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value (last wins)
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def header(self, name):
        return self.headers.get(name.lower())


class Server:
    """One herald process. Use as a context manager or call stop()."""

    def __init__(self, *args, data=None, env=None, copy_fixture=True, database=None):
        self.tmp = tempfile.mkdtemp(prefix="herald-it-")
        self.data = data or os.path.join(self.tmp, "data")
        if database:  # another node of the same site: its own data folder, the same database
            DATABASES[self.data] = database
        if database == "":  # SQLite in the data folder, whatever the backend of the suite
            DATABASES.pop(self.data, None)
        fresh = data is None
        if copy_fixture and data is None and FIXTURE:
            shutil.copytree(FIXTURE, self.data)
        if BACKEND == "postgres" and self.data not in DATABASES and database != "":
            DATABASES[self.data] = new_database(PG_FIXTURE_DB if copy_fixture and fresh and FIXTURE
                                                else None)
        full_env = backend_env(["--data", self.data], env)
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:0", "--data", self.data, *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env)
        self.lines = []
        self.port = None
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"listening on http://[^ ]+:(\d+)", line)
                if m and not ready.is_set():
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=pump, daemon=True)
        self.reader.start()
        if not ready.wait(120) or self.port is None:
            self.stop()
            raise RuntimeError("herald did not start:\n" + "".join(self.lines))
        self.base = f"http://127.0.0.1:{self.port}"

    def output(self):
        return "".join(self.lines)

    def request(self, method, path, headers=None, body=None, decode_gzip=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if decode_gzip and hdrs.get("content-encoding") == "gzip":
                data = gzip.decompress(data)
            return Response(r.status, hdrs, data)
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers)

    def raw(self, data, read_timeout=15, shutdown=False):
        """Sends raw bytes on a fresh connection and returns everything read until close."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        try:
            s.sendall(data)
            if shutdown:
                s.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                try:
                    c = s.recv(65536)
                except socket.timeout:
                    break
                if not c:
                    break
                chunks.append(c)
            return b"".join(chunks)
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        shutil.rmtree(self.tmp, ignore_errors=True)
        errors = [l for l in self.lines if "[error]" in l or " failed: " in l]
        if errors:
            import sys
            sys.stderr.write("herald logged errors:\n" + "".join(errors[:20]))
        # No query or photo read may wait on a thread that serves connections.
        blocking = [l for l in self.lines if "on an I/O thread" in l]
        assert not blocking, "blocking calls on an I/O thread:\n" + "".join(blocking[:10])
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def herald(*args, env=None, timeout=300):
    """Runs a herald CLI command; returns CompletedProcess."""
    return subprocess.run([BIN, *args], capture_output=True, text=True,
                          env=backend_env(args, env), timeout=timeout)


def links(html, pattern):
    return re.findall(pattern, html)


class ServerTest(unittest.TestCase):
    """One server for the whole test class."""
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, f"herald exited with {code}:\n{cls.server.output()[-3000:]}"

    def get(self, path, **kw):
        return self.server.get(path, **kw)

    def first_article_path(self, edition="en", with_photo=False):
        html = self.get(f"/{edition}/newsfeed/").text
        paths = re.findall(rf'href="(/{edition}/[a-z0-9-]+/\d+-[a-z0-9-]+)"', html)
        self.assertTrue(paths, "no stories on the newsfeed")
        if not with_photo:
            return paths[0]
        for p in paths:
            if 'class="lead-photo"' in self.get(p).text:
                return p
        self.fail("no story with a lead photo")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class MailSink:
    """A real SMTP server on loopback (Debian's python3-aiosmtpd) that keeps every message in a
    Maildir. Tests read the mails Herald sends and follow their links."""

    def __init__(self):
        import mailbox  # noqa: F401 (checked here so that a missing module fails early)
        self.dir = tempfile.mkdtemp(prefix="herald-mail-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", os.path.join(self.dir, "Maildir")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("aiosmtpd did not start: " + self.proc.stderr.read().decode())
                time.sleep(0.1)
        raise RuntimeError("aiosmtpd did not start listening")

    def args(self):
        return ("--smtp-host", "127.0.0.1", "--smtp-port", str(self.port), "--smtp-starttls", "off",
                "--mail-from", "Herald Test <news@herald.test>")

    def messages(self):
        import email
        import email.policy
        import mailbox
        path = os.path.join(self.dir, "Maildir")
        if not os.path.isdir(path):
            return []
        out = []
        box = mailbox.Maildir(path)
        for key, msg in box.items():
            m = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
            out.append({"to": str(m["To"]), "subject": str(m["Subject"]),
                        "text": m.get_content(), "from": str(m["From"]),
                        "arrived": msg.get_date()})
        out.sort(key=lambda m: m["arrived"])  # oldest first: [-1] is the newest
        return out

    def wait_for(self, to, subject=None, count=1, timeout=20):
        """Waits until `count` mails to `to` (with `subject` in the subject) have arrived."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.messages()
                     if to in m["to"] and (subject is None or subject in m["subject"])]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no mail to {to} ({subject}); have: {self.messages()}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Client:
    """A browser-like HTTP client for one person: keeps cookies, does not follow redirects."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, form=None, headers=None, body=None):
        import urllib.parse
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            all_headers = r.getheaders()
            hdrs_out = {k.lower(): v for k, v in all_headers}
            resp = Response(r.status, hdrs_out, data)
            resp.set_cookies = [v for k, v in all_headers if k.lower() == "set-cookie"]
            for sc in resp.set_cookies:
                name, _, rest = sc.partition("=")
                value = rest.split(";", 1)[0]
                if "Max-Age=0" in sc:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return resp
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def csrf(self, path="/account/login"):
        """The CSRF token the forms of `path` carry."""
        html = self.get(path).text
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        assert m, f"no CSRF field on {path}"
        return m.group(1)

    def post(self, path, form=None, csrf_from=None, headers=None):
        form = dict(form or {})
        if csrf_from is not None and "csrf" not in form:
            form["csrf"] = self.csrf(csrf_from)
        return self.request("POST", path, form=form, headers=headers)

    def login(self, email, password, next_path=None):
        form = {"email": email, "password": password}
        if next_path:
            form["next"] = next_path
        return self.post("/account/login", form, csrf_from="/account/login")

    def me(self):
        import json
        return json.loads(self.get("/api/v1/me").body)["user"]

    def follow_link(self, url, form=None):
        """Opens a one-time link from a mail (GET shows a button) and submits it."""
        path = url.split(self.server.base, 1)[-1] if url.startswith("http") else url
        page = self.get(path)
        assert page.status == 200, (page.status, page.text[:500])
        m = re.search(r'name="csrf" value="([^"]+)"', page.text)
        data = {"csrf": m.group(1)}
        data.update(form or {})
        return self.request("POST", path, form=data)


def link_in(text):
    m = re.search(r"(https?://\S+/account/\S+)", text)
    assert m, f"no link in: {text}"
    return m.group(1)


def admin_link(server):
    m = re.search(r"(https?://\S+/account/link/login/\S+)", server.output())
    assert m, "no first-start admin link in the output"
    return m.group(1)


class WsClosed(Exception):
    def __init__(self, code, reason):
        super().__init__(f"closed {code} {reason}")
        self.code = code
        self.reason = reason


class WsClient:
    """A small WebSocket client on a raw socket (RFC 6455), so that tests can also send what
    a browser never would: oversize frames, invalid UTF-8, binary frames."""

    def __init__(self, server, path="/live", origin=None, cookies=None, rcvbuf=None, timeout=10):
        import base64
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        origin = origin if origin is not None else server.base
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if origin:
            lines.append(f"Origin: {origin}")
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split(b" ", 2)[1]) if head else 0
        self.buf = head.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in head else b""
        self.closed = None

    def send_frame(self, opcode, payload, fin=True):
        header = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, obj):
        import json
        self.send_frame(0x1, json.dumps(obj).encode())

    @staticmethod
    def _frame_at(buf):
        """(opcode, payload, length of the whole frame) of the server's (unmasked) frame at the
        start of `buf`, or None while it has not all arrived."""
        if len(buf) < 2:
            return None
        opcode, n, at = buf[0] & 0x0F, buf[1] & 0x7F, 2
        if n == 126:
            n, at = int.from_bytes(buf[2:4], "big"), 4
        elif n == 127:
            n, at = int.from_bytes(buf[2:10], "big"), 10
        if len(buf) < at or len(buf) < at + n:
            return None
        return opcode, buf[at:at + n], at + n

    @staticmethod
    def _messages(m):
        """A JSON message as the tests see it: a batch ({"type": "events"}) becomes one
        {"type": "event"} per event, in order."""
        if m.get("type") != "events":
            return [m]
        return [{"type": "event", "channel": m["channel"], "seq": e["seq"], "data": e["data"]}
                for e in m["events"]]

    def recv_frame(self):
        while (frame := self._frame_at(self.buf)) is None:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise WsClosed(1006, "connection dropped")
            self.buf += chunk
        opcode, payload, size = frame
        self.buf = self.buf[size:]
        return opcode, payload

    def recv(self, timeout=10):
        """The next JSON message; answers pings; raises WsClosed on a close frame. A batch
        ({"type": "events"}) comes out as one {"type": "event"} per event, in order."""
        import json
        if getattr(self, "queued", None):
            return self.queued.pop(0)
        self.sock.settimeout(timeout)
        while True:
            opcode, payload = self.recv_frame()
            if opcode == 0x9:
                self.send_frame(0xA, payload)
                continue
            if opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                self.closed = code
                raise WsClosed(code, payload[2:].decode(errors="replace"))
            if opcode == 0x1:
                m = json.loads(payload)
                if m.get("type") == "events":
                    self.batches = getattr(self, "batches", 0) + 1
                self.queued = self._messages(m)
                return self.queued.pop(0)

    def arrived(self):
        """The JSON messages that have arrived so far and not been read, without consuming
        them or waiting (a frame still on its way is left out)."""
        import json
        timeout = self.sock.gettimeout()
        self.sock.setblocking(False)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.buf += chunk
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            self.sock.settimeout(timeout)
        out, buf = list(getattr(self, "queued", None) or []), self.buf
        while (frame := self._frame_at(buf)) is not None:
            opcode, payload, size = frame
            if opcode == 0x1:
                out += self._messages(json.loads(payload))
            buf = buf[size:]
        return out

    def recv_until(self, pred, timeout=10):
        deadline = time.time() + timeout
        seen = []
        while time.time() < deadline:
            m = self.recv(max(0.1, deadline - time.time()))
            seen.append(m)
            if pred(m):
                return m, seen
        raise AssertionError(f"no matching message; saw {seen}")

    def close(self):
        try:
            self.send_frame(0x8, (1000).to_bytes(2, "big"))
        except OSError:
            pass
        self.sock.close()


def ws_for(server, who=None, origin=None):
    """An open live WebSocket to `server` (as the logged-in Client `who`), past its hello.
    `origin`: the page's address when the node's public address is another (a balancer)."""
    c = WsClient(server, origin=origin, cookies=who.cookies if who else None)
    assert c.status == 101, c.status
    assert c.recv()["type"] == "hello"
    return c


def subscribe(ws, channel, since=None, cursor=None):
    """Subscribes a WsClient to `channel` (from `since` or `cursor`) and returns the answer:
    subscribed, reload or error."""
    msg = {"type": "subscribe", "channel": channel}
    if since is not None:
        msg["since"] = since
    if cursor is not None:
        msg["cursor"] = cursor
    ws.send(msg)
    return ws.recv_until(lambda m: m.get("channel") == channel and m["type"] in ("subscribed", "reload", "error"))[0]
